#!/usr/bin/env bash
# Runs the mysql role's account helper (roles/mysql/files/petadota-mysql-account) against the real
# MariaDB on 127.0.0.1:3306, with a stand-in `gcloud` on PATH that serves Secret Manager values from
# a scratch dir, and proves: create -> CHANGED and the password from the secret logs in; rerun ->
# UNCHANGED; a rotated secret -> CHANGED and only the new password works; a new database grant ->
# CHANGED; passwords with quotes, backslashes and $ survive; the password never appears in the
# helper's output; malformed names are refused before any SQL runs.
set -euo pipefail
: "${REPO:=$(cd "$(dirname "$0")/../.." && pwd)}"
helper=$REPO/templates/ansible/roles/mysql/files/petadota-mysql-account
fail() { echo "42-ansible-mysql-account: FAILED: $*" >&2; exit 1; }
mysql --batch -e 'SELECT 1' >/dev/null 2>&1 || fail "no MariaDB reachable as root over the local socket"

work=$(mktemp -d "${TMPDIR:-/tmp}/petadota-mysql-account.XXXXXX")
suffix=$$_$RANDOM
user=pda_$suffix db1=pda_a_$suffix db2=pda_b_$suffix
cleanup() {
  mysql -e "DROP USER IF EXISTS '$user'@'127.0.0.1'; DROP DATABASE IF EXISTS \`$db1\`; DROP DATABASE IF EXISTS \`$db2\`;" || true
  rm -rf "$work"
}
trap cleanup EXIT
mysql -e "CREATE DATABASE \`$db1\`; CREATE DATABASE \`$db2\`;"

# Stand-in for the Secret Manager CLI: accepts exactly the invocation the helper documents.
mkdir -p "$work/bin" "$work/secrets"
cat >"$work/bin/gcloud" <<'SH'
#!/bin/bash
[[ "$1 $2 $3 $4" == "secrets versions access latest" && $5 == --secret=* && $6 == --quiet ]] || { echo "unexpected gcloud call: $*" >&2; exit 64; }
f=$SECRETS_DIR/${5#--secret=}
[[ -f $f ]] || { echo "NOT_FOUND: secret ${5#--secret=}" >&2; exit 1; }
cat "$f"
SH
chmod +x "$work/bin/gcloud"
export PATH=$work/bin:$PATH SECRETS_DIR=$work/secrets

run() { bash "$helper" "$user" 127.0.0.1 pda-secret "$1" 127.0.0.1 2>"$work/err"; }
can_login() { MYSQL_PWD=$1 mysql --protocol=tcp -h127.0.0.1 -u"$user" -N -e 'SELECT 1' >/dev/null 2>&1; }

first=$'it\'s a "quoted" \\back$lash `pw` ;--'
printf '%s' "$first" >"$work/secrets/pda-secret"
out=$(run "$db1") || { cat "$work/err" >&2; fail "helper failed on create"; }
[[ $out == CHANGED ]] || fail "create printed '$out'"
can_login "$first" || fail "the account does not accept the password from the secret"
[[ $out$(cat "$work/err") != *"$first"* ]] || fail "the password appeared in the helper's output"

out=$(run "$db1") || fail "helper failed on rerun"
[[ $out == UNCHANGED ]] || fail "rerun with the same secret printed '$out'"

second='rotated-Pa55'
printf '%s' "$second" >"$work/secrets/pda-secret"
out=$(run "$db1") || fail "helper failed after rotation"
[[ $out == CHANGED ]] || fail "rotation printed '$out'"
can_login "$second" || fail "rotated password does not log in"
! can_login "$first" || fail "the old password still logs in after rotation"

out=$(run "$db1,$db2") || fail "helper failed adding a database"
[[ $out == CHANGED ]] || fail "new grant printed '$out'"
grants=$(mysql -N -e "SHOW GRANTS FOR '$user'@'127.0.0.1'")
[[ $grants == *"\`$db1\`.*"* && $grants == *"\`$db2\`.*"* ]] || fail "grants are $grants"
out=$(run "$db1,$db2") || fail "helper failed on rerun after grant"
[[ $out == UNCHANGED ]] || fail "rerun after grant printed '$out'"

rm "$work/secrets/pda-secret"
if run "$db1" >/dev/null; then fail "a missing secret did not fail"; fi
grep -q 'cannot read secret pda-secret' "$work/err" || fail "missing secret error: $(cat "$work/err")"

for bad in "x'; DROP DATABASE $db1; --" "a b"; do
  if bash "$helper" "$bad" 127.0.0.1 pda-secret "$db1" 127.0.0.1 >/dev/null 2>&1; then fail "accepted account name '$bad'"; fi
done
if bash "$helper" "$user" 127.0.0.1 pda-secret "$db1\`" 127.0.0.1 >/dev/null 2>&1; then fail "accepted a malformed database list"; fi
mysql -e "USE \`$db1\`" || fail "database vanished"
echo "42-ansible-mysql-account: passed"
