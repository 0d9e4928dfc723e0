"""Imports every generated DAG folder with Airflow's DagBag and checks it against the stack.

Run with the Airflow venv's python from the repository root (scripts/checks.d/50-airflow-dags.sh
does): `python tests/airflow/test_dags.py`. Expected values are read from stacks/*.yaml (not
from the rendered JSON), so a renderer that drops or garbles a setting fails here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
DURATION = {"s": 1, "m": 60, "h": 3600}


def seconds(text: str) -> int:
    return int(text[:-1]) * DURATION[text[-1]]


def dags_folder(stack: dict) -> Path | None:
    mode = stack.get("airflow", {}).get("mode", "vm")
    if mode == "none":
        return None
    tree = "ansible-out" if mode == "vm" else "terraform-out"
    return REPO / tree / stack["name"] / "dags"


def expected(stack: dict) -> dict[str, dict]:
    """DAG id -> {schedule, tasks: {task_id: downstream ids}} as the stack asks for them."""
    airflow = stack.get("airflow", {})
    pipelines = stack.get("pipelines", {})
    out = {
        "petadota_daily_report": {
            "schedule": airflow.get("report_schedule", "30 0 * * *"),
            "tasks": {
                "summarise_ingestion": {"write_report"},
                "summarise_interactions": {"write_report"},
                "summarise_trending_breeds": {"write_report"},
                "write_report": set(),
            },
        }
    }
    if pipelines.get("ingest_images"):
        out["petadota_ingest_images"] = {
            "schedule": pipelines["ingest_images"]["schedule"],
            "tasks": {"ingest_images": {"check_images_stored"}, "check_images_stored": set()},
        }
    if pipelines.get("trends"):
        out["petadota_trends_health"] = {
            "schedule": airflow.get("trends_health", {}).get("schedule", "*/5 * * * *"),
            "tasks": {"check_consumer_lag": set(), "check_trends_freshness": set()},
        }
    return out


def airflow_major() -> int:
    import airflow

    return int(airflow.__version__.split(".")[0])


def schedule_of(dag) -> str:
    timetable = dag.timetable
    # Airflow 3: CronTriggerTimetable.expression; Airflow 2: CronDataIntervalTimetable._expression.
    return getattr(timetable, "expression", None) or getattr(timetable, "_expression")


def check_stack(path: Path) -> int:
    try:  # Airflow 3
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # Airflow 2 (Cloud Composer 3)
        from airflow.models.dagbag import DagBag

    stack = yaml.safe_load(path.read_text())
    folder = dags_folder(stack)
    if folder is None:
        print(f"{path.name}: no Airflow, no DAGs")
        return 0
    mode = stack.get("airflow", {}).get("mode", "vm")
    if airflow_major() == 2 and mode != "composer":
        print(f"{path.name}: Airflow 3 on a VM, not checked with Airflow 2")
        return 0
    assert folder.is_dir(), f"{folder} missing: run `petadota render {path}`"
    # One Airflow reads one DAGs folder; this process reads several, so forget the previous
    # folder's helper module (it holds the path of its petadota_stack.json).
    sys.modules.pop("petadota_common", None)
    sys.path[:] = [p for p in sys.path if not p.endswith("/dags")]
    bag = DagBag(str(folder))
    assert bag.import_errors == {}, f"{folder}: import errors {bag.import_errors}"
    want = expected(stack)
    assert set(bag.dag_ids) == set(want), f"{folder}: DAG ids {sorted(bag.dag_ids)} != {sorted(want)}"
    airflow = stack.get("airflow", {})
    owner = airflow.get("owner", "platform")
    retries = airflow.get("retries", 2)
    retry_delay = dt.timedelta(seconds=seconds(airflow.get("retry_delay", "5m")))
    for dag_id, spec in want.items():
        dag = bag.dags[dag_id]
        assert schedule_of(dag) == spec["schedule"], (
            f"{dag_id}: schedule {schedule_of(dag)!r} != {spec['schedule']!r}"
        )
        assert dag.catchup is False and dag.max_active_runs == 1, dag_id
        tasks = {t.task_id: set(t.downstream_task_ids) for t in dag.tasks}
        assert tasks == spec["tasks"], f"{dag_id}: tasks {tasks} != {spec['tasks']}"
        for t in dag.tasks:
            assert t.owner == owner, f"{dag_id}.{t.task_id}: owner {t.owner!r} != {owner!r}"
            assert t.retry_delay == retry_delay, f"{dag_id}.{t.task_id}: retry_delay {t.retry_delay}"
        if dag_id == "petadota_ingest_images":
            ingest = dag.get_task("ingest_images")
            assert ingest.retries == retries, f"ingest_images retries {ingest.retries} != {retries}"
            timeout = dt.timedelta(seconds=seconds(airflow.get("ingest_timeout", "1h")))
            assert ingest.execution_timeout == timeout, f"timeout {ingest.execution_timeout} != {timeout}"
    credentials = re.compile(r"[a-z]+://[^/\s\"']*:[^@\s\"']*@")
    for file in folder.iterdir():
        text = file.read_text()
        assert not credentials.search(text), f"{file}: a URL with credentials"
    config = json.loads((folder / "petadota_stack.json").read_text())
    # The JSON NAMES the password's Secret Manager secret (the design); nothing else about a
    # password may be in it.
    users = {u["name"]: u for u in stack["mysql"].get("users", [])}
    secret = config["mysql"].pop("password_secret", None)
    if secret is not None:
        assert secret == users[config["mysql"]["user"]]["password_secret"], "not the user's secret"
    assert "password" not in json.dumps(config).lower(), "petadota_stack.json mentions a password"
    print(f"{path.name}: {len(want)} DAGs in {folder.relative_to(REPO)}: {', '.join(sorted(want))}: ok")
    return len(want)


def check_database_url() -> None:
    """Without the test override, the DAGs build the URL from the stack's host, user and
    database and the user's secret, quoting a password with URL syntax in it."""
    import importlib.util
    import urllib.parse

    common_path = REPO / "templates" / "airflow" / "petadota_common.py"
    spec = importlib.util.spec_from_file_location("petadota_common_under_test", common_path)
    common = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(common)
    asked = []
    common.read_secret = lambda project, secret: asked.append((project, secret)) or "p@ss/w:rd"
    config = {
        "project": "proj",
        "mysql": {"host": "db.internal", "port": 3306, "user": "pipelines",
                  "password_secret": "pw-secret", "database": "petadota"},
    }
    saved = os.environ.pop("PETADOTA_DATABASE_URL", None)
    try:
        url = urllib.parse.urlsplit(common.database_url(config))
    finally:
        if saved is not None:
            os.environ["PETADOTA_DATABASE_URL"] = saved
    assert asked == [("proj", "pw-secret")], asked
    assert (url.hostname, url.port, url.path) == ("db.internal", 3306, "/petadota"), url
    assert urllib.parse.unquote(url.username) == "pipelines"
    assert urllib.parse.unquote(url.password) == "p@ss/w:rd", url
    print("database URL from the user's secret, password quoted: ok")


def main() -> int:
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    check_database_url()
    total = 0
    for path in sorted((REPO / "stacks").glob("*.yaml")):
        total += check_stack(path)
    assert total > 0, "no DAGs checked"
    import airflow

    print(f"{total} DAGs import cleanly into Airflow {airflow.__version__} and match their stacks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
