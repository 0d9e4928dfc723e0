#!/usr/bin/env bash
# The generated ansible-out/<stack>/ of every example stack, as `apply` leaves it (inventory from
# recorded `terraform output -json`, a staged binary and its checksum), passes
# `ansible-playbook --syntax-check` and `ansible-lint --profile production` with 0 violations.
set -euo pipefail
: "${REPO:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${VENV:=$REPO/.venv}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --quiet --bin petadota --manifest-path "$REPO/Cargo.toml"
bin="$REPO/target/debug/petadota"
for stack_file in "$REPO"/stacks/*.yaml; do
  stack=$(basename "$stack_file" .yaml)
  project="$work/$stack"
  mkdir -p "$project/stacks"
  cp "$stack_file" "$project/stacks/"
  cp -R "$REPO/ansible-out" "$project/"
  "$bin" inventory "$project/stacks/$stack.yaml" --root "$project" \
    --outputs "$REPO/tests/fixtures/terraform-outputs/$stack.json" >/dev/null
  play="$project/ansible-out/$stack"
  mkdir -p "$play/files"
  cp "$bin" "$play/files/petadota"
  (cd "$play/files" && sha256sum petadota >petadota.sha256)
  echo "44-ansible-generated: $stack: ansible-playbook --syntax-check"
  (cd "$play" && ANSIBLE_CONFIG="$play/ansible.cfg" "$VENV/bin/ansible-playbook" --syntax-check site.yml >/dev/null)
  echo "44-ansible-generated: $stack: ansible-lint --profile production"
  (cd "$play" && ANSIBLE_CONFIG="$play/ansible.cfg" "$VENV/bin/ansible-lint" --profile production --offline --strict --nocolor site.yml roles)
done
echo "44-ansible-generated: every generated playbook passes"
