#!/usr/bin/env bash
# Runs the `pipelines` role FOR REAL with ansible-playbook (connection local) into a scratch root and
# proves that it:
#   1. installs the staged binary, verifies its SHA-256 on the host and links /usr/local/bin/petadota;
#   2. writes ingest-images.toml and trends.yaml with the contract's values (parsed, compared exactly;
#      the Kafka brokers come from the inventory's kafka hosts) and 0640 root:<service group>;
#   3. writes hardened units that `systemd-analyze verify` accepts, and a timer whose OnCalendar
#      systemd parses, only when Airflow does not schedule ingestion (and removes it when it does);
#   4. is idempotent (second run: changed=0);
#   5. FAILS on a corrupted staged binary, removes the corrupt copy and keeps the previous binary.
# Creates the system user/group `petadota` on this machine (it needs root, as CI has).
set -euo pipefail
: "${REPO:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${VENV:=$REPO/.venv}"
[[ -x $VENV/bin/ansible-playbook ]] || { echo "41-ansible-pipelines-role: $VENV/bin/ansible-playbook missing; pip install -r scripts/requirements-ansible.txt into \$VENV" >&2; exit 1; }
[[ $(id -u) == 0 ]] || { echo "41-ansible-pipelines-role: must run as root (creates the service user)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/petadota-ansible-pipelines.XXXXXX")
trap '[[ -n ${KEEP_WORK:-} ]] || rm -rf "$work"' EXIT
play=$work/play root=$work/root
mkdir -p "$play/files" "$root/usr/lib/systemd"
cp -R "$REPO/templates/ansible/roles" "$play/"
cp -R "$REPO/tests/ansible/group_vars" "$REPO/tests/ansible/inventory.yml" \
  "$REPO/tests/ansible/scratch-inventory.yml" "$REPO/tests/ansible/pipelines-local.yml" "$play/"
# systemd-analyze verify --root needs the distribution's units (targets the units depend on).
cp -R /lib/systemd/system "$root/usr/lib/systemd/"

# The real petadota binary: the role runs `--version` and checks each config it writes with
# `pipeline ... --check-config`, so the keys the role writes are the keys the pipelines read.
cargo build --quiet --bin petadota --manifest-path "$REPO/Cargo.toml"
cp "$REPO/target/debug/petadota" "$play/files/petadota"
(cd "$play/files" && sha256sum petadota >petadota.sha256)
good_sha=$(cut -d' ' -f1 "$play/files/petadota.sha256")

fail() { echo "41-ansible-pipelines-role: FAILED: $*" >&2; exit 1; }
run_play() { # extra ansible-playbook args...; output in $work/last.log
  (cd "$play" && ANSIBLE_ROLES_PATH=$play/roles ANSIBLE_LOCAL_TEMP=$work/tmp ANSIBLE_HOME=$work/ansible-home \
    ANSIBLE_NOCOLOR=1 "$VENV/bin/ansible-playbook" -i inventory.yml -i scratch-inventory.yml \
    -e "scratch_root=$root" "$@" pipelines-local.yml) >"$work/last.log" 2>&1
}
recap_changed() { sed -n 's/^scratch *: ok=[0-9]* *changed=\([0-9]*\) .*/\1/p' "$work/last.log"; }

echo "41-ansible-pipelines-role: run 1 (no Airflow: ingestion timer on the worker)"
run_play -e airflow_enabled=false || { cat "$work/last.log" >&2; fail "first run did not succeed"; }
cp "$work/last.log" "$work/run1.log"
[[ $(recap_changed) -gt 0 ]] || fail "first run changed nothing"
grep -A1 'TASK \[pipelines : Verify the units with systemd-analyze\]' "$work/last.log" | grep -q '^ok: \[scratch\]' \
  || fail "the role did not verify its units"

echo "41-ansible-pipelines-role: binary installed, linked and verified"
link=$root/usr/local/bin/petadota
[[ -L $link ]] || fail "$link is not a symlink"
[[ $(readlink "$link") == "../lib/petadota/petadota-${good_sha:0:16}" ]] || fail "link target $(readlink "$link")"
[[ $(sha256sum <"$link" | cut -d' ' -f1) == "$good_sha" ]] || fail "installed binary has the wrong SHA-256"
[[ $(stat -c %a "$root/usr/local/lib/petadota/petadota-${good_sha:0:16}") == 755 ]] || fail "binary mode"

echo "41-ansible-pipelines-role: configs match the contract"
"$VENV/bin/python" - "$root/etc/petadota" <<'PY'
import sys, tomllib, os, grp, stat, yaml
d = sys.argv[1]
def load(name):
    path = os.path.join(d, name)
    st = os.stat(path)
    assert stat.S_IMODE(st.st_mode) == 0o640, f"{name}: mode {oct(st.st_mode)}"
    assert st.st_uid == 0 and grp.getgrgid(st.st_gid).gr_name == "petadota", f"{name}: owner"
    with open(path, "rb") as f:
        return tomllib.load(f) if name.endswith(".toml") else yaml.safe_load(f)
ingest = load("ingest-images.toml")
assert ingest == {
    "dogs": 200, "cats": 200, "storage": "gs://petadota-dev-images/images",
    "database": "mysql://pipelines@10.20.0.21:3306/petadota",
    "database_password_file": "/run/petadota-ingest-images/mysql-password", "concurrency": 8,
}, ingest
trends = load("trends.yaml")
assert trends == {
    "brokers": "10.20.0.11:9092", "topic": "interactions", "group": "petadota-trends",
    "window": "5m", "slide": "1m", "lateness": "1m", "top_k": 20, "output_topic": "trends",
    "dead_letter_topic": "interactions-dlq",
    "database_url": "mysql://pipelines@10.20.0.21:3306/petadota",
    "database_password_file": "/run/petadota-trends/mysql-password",
}, trends
PY

echo "41-ansible-pipelines-role: units written, hardened and valid"
units=$root/etc/systemd/system
trends_unit=$units/petadota-trends@.service ingest_unit=$units/petadota-ingest-images.service
grep -qx 'ExecStart=/usr/local/bin/petadota pipeline trends --config /etc/petadota/trends.yaml' "$trends_unit" || fail "trends ExecStart"
grep -qx 'ExecStartPre=+/usr/local/sbin/petadota-fetch-secret mysql-pipelines-password /run/petadota-trends/mysql-password petadota' "$trends_unit" || fail "trends fetches its password"
grep -qx 'ExecStartPre=+/usr/local/sbin/petadota-fetch-secret mysql-pipelines-password /run/petadota-ingest-images/mysql-password petadota' "$ingest_unit" || fail "ingestion fetches its password"
[[ -x $root/usr/local/sbin/petadota-fetch-secret ]] || fail "the secret fetcher is not installed"
grep -qx 'ExecStart=/usr/local/bin/petadota pipeline ingest-images --config /etc/petadota/ingest-images.toml' "$ingest_unit" || fail "ingest ExecStart"
for unit in "$trends_unit" "$ingest_unit"; do
  for line in User=petadota Group=petadota NoNewPrivileges=true ProtectSystem=strict PrivateTmp=true \
      ProtectHome=true CapabilityBoundingSet= ; do
    grep -qx "$line" "$unit" || fail "$(basename "$unit") lacks $line"
  done
done
systemd-analyze verify --man=no --root="$root" /etc/systemd/system/petadota-trends@1.service \
  /etc/systemd/system/petadota-ingest-images.service /etc/systemd/system/petadota-ingest-images.timer \
  >"$work/verify.txt" 2>&1 || { cat "$work/verify.txt" >&2; fail "systemd-analyze verify rejected the units"; }
# systemd only warns (and ignores the line) on many mistakes: any message is a failure here.
[[ ! -s $work/verify.txt ]] || { cat "$work/verify.txt" >&2; fail "systemd-analyze verify warned about the units"; }
on_calendar=$(sed -n 's/^OnCalendar=//p' "$units/petadota-ingest-images.timer")
[[ $on_calendar == '*-*-* 0/6:0:00' ]] || fail "cron '0 */6 * * *' became OnCalendar '$on_calendar'"
systemd-analyze calendar "$on_calendar" >/dev/null || fail "systemd cannot parse OnCalendar=$on_calendar"

echo "41-ansible-pipelines-role: no secret material in the written configs and units"
if grep -rEIl -e '-----BEGIN [A-Z ]*PRIVATE KEY-----' -e 'ya29\.[0-9A-Za-z_-]{20,}' \
    -e '(password|passwd|api_key|apikey|token)[[:space:]]*[=:]' "$root/etc/petadota" "$units"/petadota-*; then
  fail "a written file looks like it carries a secret"
fi

echo "41-ansible-pipelines-role: run 2 (same inputs) is idempotent"
run_play -e airflow_enabled=false || { cat "$work/last.log" >&2; fail "second run did not succeed"; }
[[ $(recap_changed) == 0 ]] || { grep -B2 -A3 '^changed' "$work/last.log" >&2; fail "second run changed $(recap_changed) things"; }

echo "41-ansible-pipelines-role: run 3 (Airflow schedules ingestion) removes the timer"
run_play || { cat "$work/last.log" >&2; fail "airflow run did not succeed"; }
[[ ! -e $units/petadota-ingest-images.timer ]] || fail "timer still present although Airflow schedules ingestion"
[[ -e $ingest_unit ]] || fail "ingest service removed although Airflow runs it"

echo "41-ansible-pipelines-role: run 4 with a corrupted staged binary must fail"
printf 'x' >>"$play/files/petadota"
if run_play; then cat "$work/last.log" >&2; fail "the play accepted a binary that does not match petadota.sha256"; fi
grep -q 'does not match its staged SHA-256' "$work/last.log" || { cat "$work/last.log" >&2; fail "failure was not the checksum check"; }
[[ ! -e $root/usr/local/lib/petadota/.petadota.staged ]] || fail "the corrupt copy was left on the host"
[[ $(sha256sum <"$link" | cut -d' ' -f1) == "$good_sha" ]] || fail "the previous binary was replaced by the corrupt one"

echo "41-ansible-pipelines-role: run 5 with a wrong checksum file on a fresh root must fail and install nothing"
cp /bin/true "$play/files/petadota"
echo "$(printf '0%.0s' {1..64})  petadota" >"$play/files/petadota.sha256"
fresh=$work/fresh && mkdir -p "$fresh"
if (cd "$play" && ANSIBLE_LOCAL_TEMP=$work/tmp ANSIBLE_HOME=$work/ansible-home ANSIBLE_NOCOLOR=1 \
    "$VENV/bin/ansible-playbook" -i inventory.yml -i scratch-inventory.yml -e "scratch_root=$fresh" \
    pipelines-local.yml) >"$work/last.log" 2>&1; then
  cat "$work/last.log" >&2; fail "the play accepted a checksum that does not match"
fi
[[ ! -e $fresh/usr/local/bin/petadota ]] || fail "a binary was linked despite the mismatch"

echo "41-ansible-pipelines-role: run 6 without a staged checksum must fail and say what to stage"
rm "$play/files/petadota.sha256"
if run_play; then cat "$work/last.log" >&2; fail "the play ran without files/petadota.sha256"; fi
grep -q 'files/petadota.sha256 or pipelines_binary_sha256' "$work/last.log" \
  || { cat "$work/last.log" >&2; fail "a missing checksum file did not fail with the role's explanation"; }
echo "41-ansible-pipelines-role: passed"
