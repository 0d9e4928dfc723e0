#!/usr/bin/env bash
# Static checks of the Ansible content petadota copies into ansible-out/<stack>/:
# assembles a playbook directory exactly as the renderer lays it out (templates/ansible + the
# tests/ansible fixture standing in for the rendered group_vars and inventory), then runs
#   ansible-playbook --syntax-check   and   ansible-lint --profile production (0 violations),
# renders ansible.cfg.tera with sed and checks its IAP ProxyCommand, and scans every file for
# anything that looks like a secret.
set -euo pipefail
: "${REPO:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${VENV:=$REPO/.venv}"
for tool in ansible-playbook ansible-lint; do
  [[ -x $VENV/bin/$tool ]] || { echo "40-ansible-static: $VENV/bin/$tool missing; pip install -r scripts/requirements-ansible.txt into \$VENV" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/petadota-ansible-static.XXXXXX")
trap 'rm -rf "$work"' EXIT
play=$work/ansible-out/dev
mkdir -p "$play/files"

# Layout of ansible-out/<stack>/: static files verbatim, group_vars and inventory from the stack.
cp -R "$REPO/templates/ansible/site.yml" "$REPO/templates/ansible/roles" "$play/"
cp -R "$REPO/tests/ansible/group_vars" "$REPO/tests/ansible/inventory.yml" "$play/"
sed -e 's/{{ project | ini }}/petadota-dev-4821/g' \
    -e 's/{{ zone | ini }}/southamerica-east1-a/g' \
    -e 's/{{ remote_user | ini }}/sa_100000000000000000001/g' \
    -e 's/{% if remote_user %}//; s/{% endif %}//' \
    "$REPO/templates/ansible/ansible.cfg.tera" >"$play/ansible.cfg"
# What `apply` stages beside the playbook: the binary and its checksum.
cp /bin/true "$play/files/petadota"
(cd "$play/files" && sha256sum petadota >petadota.sha256)

echo "40-ansible-static: ansible.cfg.tera uses only the documented context (project, zone, remote_user)"
leftover=$(grep -o '{{[^}]*}}\|{%[^%]*%}' "$play/ansible.cfg" || true)
[[ -z $leftover ]] || { echo "unrendered tera in ansible.cfg.tera: $leftover" >&2; exit 1; }
grep -q 'ProxyCommand="gcloud compute start-iap-tunnel %h 22 --listen-on-stdin --project=petadota-dev-4821 --zone=southamerica-east1-a' "$play/ansible.cfg" \
  || { echo "ansible.cfg lacks the IAP ProxyCommand" >&2; exit 1; }
grep -qx 'remote_user = sa_100000000000000000001' "$play/ansible.cfg" \
  || { echo "ansible.cfg lacks the OS Login remote_user" >&2; exit 1; }
# ansible-config parses the file the way ansible-playbook will.
(cd "$play" && ANSIBLE_CONFIG=$play/ansible.cfg "$VENV/bin/ansible-config" dump --only-changed >"$work/config.txt")
grep -q 'DEFAULT_REMOTE_USER.*sa_100000000000000000001' "$work/config.txt" \
  || { echo "ansible-config did not pick up remote_user from ansible.cfg" >&2; cat "$work/config.txt" >&2; exit 1; }

# A key named password/token/api_key with a literal value (not a variable, format or `!` lock) or
# key material: secret NAMES (`*_secret = "name"`) are the design and pass.
echo "40-ansible-static: no secret material in the assembled playbook directory"
if grep -rEIl -e '-----BEGIN [A-Z ]*PRIVATE KEY-----' -e '"private_key"' -e 'ya29\.[0-9A-Za-z_-]{20,}' \
    -e 'AIza[0-9A-Za-z_-]{35}' \
    -e '(password|passwd|api_key|apikey|token)[[:space:]]*[=:][[:space:]]*["'"'"']?[^[:space:]"'"'"'{$%~!]' \
    "$play" --exclude=petadota >"$work/hits"; then
  echo "possible secret in:" >&2; cat "$work/hits" >&2; exit 1
fi

cd "$play"
export ANSIBLE_CONFIG=$play/ansible.cfg ANSIBLE_LOCAL_TEMP=$work/tmp ANSIBLE_HOME=$work/ansible-home
echo "40-ansible-static: $VENV/bin/ansible-playbook --syntax-check site.yml"
"$VENV/bin/ansible-playbook" --syntax-check -i inventory.yml site.yml

echo "40-ansible-static: $VENV/bin/ansible-lint --profile production --offline site.yml roles"
# Offline: every module is ansible.builtin, so nothing needs to be fetched.
PATH=$VENV/bin:$PATH "$VENV/bin/ansible-lint" --profile production --offline --strict --nocolor \
  site.yml roles
echo "40-ansible-static: passed"
