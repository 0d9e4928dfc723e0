#!/usr/bin/env bash
# `petadota apply` end to end with real Terraform: tf-local serves the google provider's schema
# offline, so init, apply and output -json run for real against a local backend (a
# backend_override.tf, which render leaves alone), then the inventory is built, the binary
# staged, and the real ansible-playbook checks the playbook. Then plan shows no drift, and
# destroy runs. Skipped with a message where terraform is missing.
set -euo pipefail
: "${REPO:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${VENV:=$REPO/.venv}"
: "${SHARED:=$REPO/../shared}"
if ! command -v terraform >/dev/null 2>&1; then
  echo "45-apply-tf-local: SKIPPED, no terraform on the PATH (install Terraform >= 1.5 to run it)"
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --quiet --bin petadota --manifest-path "$REPO/Cargo.toml"
bin="$REPO/target/debug/petadota"
cp -R "$REPO/stacks" "$REPO/terraform-out" "$REPO/ansible-out" "$work/"
rm -f "$work"/ansible-out/*/inventory.yml
printf 'terraform {\n  backend "local" {}\n}\n' >"$work/terraform-out/dev/backend_override.tf"
export PETADOTA_TERRAFORM="$SHARED/tools/tf-schema/tf-local"
export PETADOTA_ANSIBLE_PLAYBOOK="$VENV/bin/ansible-playbook"
cd "$work"
echo "45-apply-tf-local: petadota apply stacks/dev.yaml --auto-approve (real terraform, offline provider)"
"$bin" apply stacks/dev.yaml --auto-approve --ansible-arg=--syntax-check >"$work/apply.log" 2>&1 \
  || { cat "$work/apply.log" >&2; exit 1; }
grep -q "Apply complete! Resources: [1-9][0-9]* added" "$work/apply.log" || { cat "$work/apply.log" >&2; echo "terraform did not apply" >&2; exit 1; }
grep -q "kafka_node_id: 1" ansible-out/dev/inventory.yml || { echo "inventory lacks the broker" >&2; exit 1; }
(cd ansible-out/dev/files && sha256sum --check --quiet petadota.sha256)
echo "45-apply-tf-local: a second terraform plan shows no changes"
"$PETADOTA_TERRAFORM" -chdir=terraform-out/dev plan -detailed-exitcode -input=false >/dev/null
echo "45-apply-tf-local: petadota plan still exits 0 (override file and state left alone)"
"$bin" plan stacks/dev.yaml >/dev/null
echo "45-apply-tf-local: destroy"
"$bin" destroy stacks/dev.yaml --auto-approve >"$work/destroy.log" 2>&1 || { cat "$work/destroy.log" >&2; exit 1; }
grep -q "Destroy complete!" "$work/destroy.log" || { cat "$work/destroy.log" >&2; exit 1; }
echo "45-apply-tf-local: apply, plan and destroy passed"
