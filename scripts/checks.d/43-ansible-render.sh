#!/usr/bin/env bash
# Renders the kafka, mysql, airflow and common role templates with the fixture group_vars and a
# three-broker inventory (tests/ansible/render-check.yml), then checks what can be checked here:
#   - Kafka: per-broker node.id, listeners on the internal IP, the controller quorum voters and the
#     replication settings; the quorum-check predicate against recorded tool outputs;
#   - MySQL: the server config passes the role's validate command with the local MariaDB server;
#     the backup script parses;
#   - every systemd unit the roles write passes `systemd-analyze verify`;
#   - the APT snippets parse with apt-config.
set -euo pipefail
: "${REPO:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${VENV:=$REPO/.venv}"
[[ -x $VENV/bin/ansible-playbook ]] || { echo "43-ansible-render: $VENV/bin/ansible-playbook missing; pip install -r scripts/requirements-ansible.txt into \$VENV" >&2; exit 1; }
fail() { echo "43-ansible-render: FAILED: $*" >&2; exit 1; }
for tool in mariadbd systemd-analyze apt-config; do
  command -v "$tool" >/dev/null || fail "$tool is needed (MariaDB server, systemd and apt, as on Debian 12 CI)"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/petadota-ansible-render.XXXXXX")
trap '[[ -n ${KEEP_WORK:-} ]] || rm -rf "$work"' EXIT
play=$work/play out=$work/out
mkdir -p "$play" "$out"/{petadota-prod-kafka-{1,2,3},petadota-prod-mysql-1,petadota-prod-airflow-1,common,cron}
cp -R "$REPO/templates/ansible/roles" "$REPO/tests/ansible/group_vars" \
  "$REPO/tests/ansible/render-inventory.yml" "$REPO/tests/ansible/render-check.yml" \
  "$REPO/tests/ansible/quorum-case.yml" "$play/"

echo "43-ansible-render: rendering role templates (and evaluating the quorum predicate)"
(cd "$play" && ANSIBLE_LOCAL_TEMP=$work/tmp ANSIBLE_HOME=$work/ansible-home ANSIBLE_NOCOLOR=1 \
  "$VENV/bin/ansible-playbook" -i render-inventory.yml -e "out=$out" render-check.yml) >"$work/log" 2>&1 \
  || { cat "$work/log" >&2; fail "render-check.yml failed"; }

echo "43-ansible-render: kafka server.properties per broker"
expect_line() { grep -qxF -- "$2" "$1" || fail "$(basename "$(dirname "$1")")/$(basename "$1") lacks: $2"; }
for n in 1 2 3; do
  props=$out/petadota-prod-kafka-$n/server.properties
  expect_line "$props" "process.roles=broker,controller"
  expect_line "$props" "node.id=$n"
  expect_line "$props" "controller.quorum.voters=1@10.20.0.11:9093,2@10.20.0.12:9093,3@10.20.0.13:9093"
  expect_line "$props" "listeners=PLAINTEXT://10.20.0.1$n:9092,CONTROLLER://10.20.0.1$n:9093"
  expect_line "$props" "advertised.listeners=PLAINTEXT://10.20.0.1$n:9092"
  expect_line "$props" "log.dirs=/data/kafka/data"
  expect_line "$props" "default.replication.factor=3"
  expect_line "$props" "min.insync.replicas=2"
  expect_line "$props" "offsets.topic.replication.factor=3"
  expect_line "$props" "auto.create.topics.enable=false"
  ! grep -qi zookeeper "$props" || fail "server.properties mentions ZooKeeper"
done

echo "43-ansible-render: mysql config (validated by mariadbd during rendering) and backup script"
cnf=$out/petadota-prod-mysql-1/petadota.cnf
expect_line "$cnf" "bind-address = 10.20.0.21"
expect_line "$cnf" "log_bin = binlog"
! grep -q mysqlx "$cnf" || fail "mariadb config carries the MySQL-only mysqlx option"
grep -q 'validate' "$work/log" || true
bash -n "$out/petadota-prod-mysql-1/petadota-mysql-backup" || fail "backup script does not parse"
grep -q -- '--databases petadota ' "$out/petadota-prod-mysql-1/petadota-mysql-backup" || fail "backup does not dump the stack's databases"
grep -q 'gs://petadota-dev-backups/mysql/' "$out/petadota-prod-mysql-1/petadota-mysql-backup" || fail "backup does not target the bucket"

echo "43-ansible-render: cron schedules become the expected OnCalendar expressions, which systemd parses"
cat "$out"/cron/* >"$work/cron.txt"
while IFS=$'\t' read -r cron expected; do
  got=$(awk -F'\t' -v c="$cron" '$1 == c { print $2 }' "$work/cron.txt")
  [[ $got == "$expected" ]] || fail "cron '$cron' became '$got', expected '$expected'"
  systemd-analyze calendar "$got" >/dev/null 2>&1 || fail "systemd cannot parse OnCalendar=$got (from cron '$cron')"
done <<'CASES'
0 */6 * * *	*-*-* 0/6:0:00
30 2 * * 1-5	Mon..Fri *-*-* 2:30:00
*/15 * * * *	*-*-* *:0/15:00
0 0 1 * *	*-*-1 0:0:00
0 3 * * 0,6	Sun,Sat *-*-* 3:0:00
0 0 */2 * *	*-*-1/2 0:0:00
5 4 * 1,7 7	Sun *-1,7-* 4:5:00
CASES
[[ $(wc -l <"$work/cron.txt") == 7 ]] || fail "expected 7 converted schedules"

echo "43-ansible-render: airflow environment"
env=$out/petadota-prod-airflow-1/airflow.env
expect_line "$env" "AIRFLOW__CORE__EXECUTOR=LocalExecutor"
expect_line "$env" "AIRFLOW__API__HOST=10.20.0.41"
expect_line "$env" "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=postgresql+psycopg2:///airflow?host=/var/run/postgresql"

echo "43-ansible-render: systemd-analyze verify on every unit"
root=$work/root
mkdir -p "$root/usr/lib/systemd" "$root/etc/systemd/system"
cp -R /lib/systemd/system "$root/usr/lib/systemd/"
for stub in /opt/kafka/current/bin/kafka-server-start.sh /opt/kafka/current/bin/kafka-server-stop.sh \
    /opt/airflow/venv/bin/airflow /usr/local/sbin/petadota-mysql-backup; do
  mkdir -p "$root$(dirname "$stub")" && cp /bin/true "$root$stub"
done
# Units the rendered ones depend on, in case this machine does not have them installed.
for dep in postgresql@.service mariadb.service; do
  [[ -e $root/usr/lib/systemd/system/$dep ]] || printf '[Service]\nExecStart=/bin/true\n' >"$root/usr/lib/systemd/system/$dep"
done
units=()
for f in "$out"/*/*.service "$out"/*/*.timer "$out"/*/*.mount; do
  name=$(basename "$f")
  [[ $name == kafka.service && $f != *kafka-1/* ]] && continue
  cp "$f" "$root/etc/systemd/system/$name"
  units+=("/etc/systemd/system/$name")
done
[[ ${#units[@]} -ge 9 ]] || fail "expected at least 9 units, found ${#units[@]}"
# Strict: systemd only warns (and ignores the line) on many mistakes, so any message is a failure.
systemd-analyze verify --man=no --root="$root" "${units[@]}" >"$work/verify.txt" 2>&1 \
  || { cat "$work/verify.txt" >&2; fail "systemd-analyze verify rejected a unit"; }
[[ ! -s $work/verify.txt ]] || { cat "$work/verify.txt" >&2; fail "systemd-analyze verify warned about a unit"; }

echo "43-ansible-render: apt snippets parse"
for f in 20auto-upgrades 52petadota-unattended-upgrades; do
  apt-config -c "$out/common/$f" dump >/dev/null || fail "apt-config cannot parse $f"
done
apt-config -c "$out/common/20auto-upgrades" dump >"$work/apt.txt"
grep -qx 'APT::Periodic::Unattended-Upgrade "1";' "$work/apt.txt" || fail "unattended upgrades not enabled"
echo "43-ansible-render: passed (${#units[@]} units verified)"
