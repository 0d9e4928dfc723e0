#!/usr/bin/env bash
# The generated Airflow DAGs, checked with the real Airflow 3 from PyPI in a venv of its own
# ($REPO/.venv-airflow, .venv-airflow2: apache-airflow's pins would clash with ansible/checkov in $VENV):
#  1. tests/airflow/test_dags.py: every generated DAG folder imports with 0 errors into a DagBag,
#     with the DAG ids, task ids, dependencies, schedules, owner, retries and timeout of its stack;
#  2. tests/airflow/run_ingest_dag.py: `airflow dags test petadota_ingest_images` runs the built
#     petadota binary against MariaDB (127.0.0.1:3306), a file:// store and a local fake of the
#     image APIs, then checks the rows it wrote, and that a run storing nothing fails the DAG;
#     then `airflow dags test petadota_daily_report` over those rows and the trends tables.
# Cold install about 1 minute per venv; warm, the version check skips pip.
set -euo pipefail
: "${REPO:=$(cd "$(dirname "$0")/../.." && pwd)}"
# Airflow 3 as the airflow role installs it on the VM; Airflow 2.10.5 as Cloud Composer 3 runs it
# (composer-3-airflow-2.10.5, the stacks' default image), for the stacks that choose Composer.
AIRFLOW_VERSION=3.3.2
COMPOSER_AIRFLOW_VERSION=2.10.5
venv="$REPO/.venv-airflow"
venv2="$REPO/.venv-airflow2"
install() { # VENV_DIR VERSION
  if ! "$1/bin/python" -c "import airflow, pymysql, sys; sys.exit(airflow.__version__ != '$2')" 2>/dev/null; then
    echo "50-airflow-dags: installing apache-airflow==$2 into $1"
    local started=$SECONDS
    python3 -m venv "$1"
    "$1/bin/pip" install --quiet --disable-pip-version-check "apache-airflow==$2" "pymysql==1.2.4"
    echo "50-airflow-dags: installed in $((SECONDS - started))s"
  fi
}
install "$venv" "$AIRFLOW_VERSION"
install "$venv2" "$COMPOSER_AIRFLOW_VERSION"
cargo build --quiet --bin petadota --manifest-path "$REPO/Cargo.toml"
bin="$REPO/target/debug/petadota"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
cd "$REPO"
echo "50-airflow-dags: DagBag import of every generated DAG folder (Airflow $AIRFLOW_VERSION)"
AIRFLOW_HOME="$home/3" "$venv/bin/python" tests/airflow/test_dags.py 2>&1 | grep -v 'Filling up the DagBag'
echo "50-airflow-dags: DagBag import of the Composer stacks' DAGs (Airflow $COMPOSER_AIRFLOW_VERSION)"
AIRFLOW_HOME="$home/2" "$venv2/bin/python" tests/airflow/test_dags.py 2>&1 | grep -v 'Filling up the DagBag'
if ! "$bin" pipeline ingest-images --help >/dev/null 2>&1; then
  echo "50-airflow-dags: SKIPPED the ingestion run: this petadota has no \`pipeline ingest-images\` (branch ingest not merged)"
  exit 0
fi
for dags in ansible-out/*/dags; do
  [ -f "$dags/petadota_ingest_images.py" ] || continue
  echo "50-airflow-dags: airflow dags test petadota_ingest_images ($dags)"
  "$venv/bin/python" tests/airflow/run_ingest_dag.py "$bin" "$dags"
  break # one stack is enough: the DAG files are the same for every stack, only the JSON differs
done
echo "50-airflow-dags: ok"
