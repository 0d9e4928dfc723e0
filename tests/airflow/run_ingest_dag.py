"""Runs petadota_ingest_images for real with `airflow dags test` and checks what it wrote.

Real pieces: Airflow (sqlite metadata in a temp AIRFLOW_HOME), the built petadota binary,
MariaDB on 127.0.0.1:3306 (a fresh database, dropped afterwards) and a file:// store in a temp
dir. Only the public image APIs are replaced, by fake_image_api.py in their real shapes.

1. A first run must store exactly the stack's dogs + cats images, with a finished
   ingest_runs row, image files on disk, and both tasks successful.
2. A second run is offered the same pictures: the pipeline stores nothing (all duplicates) and
   exits 0, so it is check_images_stored that must fail the DAG run.
3. petadota_daily_report, run the same way over those rows plus trends rows in the stream
   processor's shape, must write exactly the expected summary table.
4. petadota_trends_health's freshness task passes on a fresh window and fails on a stale one.

Usage (repository root, Airflow venv): python tests/airflow/run_ingest_dag.py BINARY DAGS_DIR
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pymysql

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fake_image_api  # noqa: E402

DAG_ID = "petadota_ingest_images"


def airflow(env: dict, *args: str) -> subprocess.CompletedProcess:
    airflow_bin = str(Path(sys.executable).with_name("airflow"))
    return subprocess.run(
        [airflow_bin, *args], env=env, capture_output=True, text=True, timeout=900
    )


def states(home: Path, logical: str, dag_id: str = DAG_ID) -> tuple[str, dict]:
    """The DAG run's state and its tasks' states, from Airflow's own metadata database."""
    db = sqlite3.connect(home / "airflow.db")
    try:
        (run_id, state) = db.execute(
            "SELECT run_id, state FROM dag_run WHERE dag_id = ? AND logical_date LIKE ?",
            (dag_id, logical + "%"),
        ).fetchone()
        tasks = dict(
            db.execute(
                "SELECT task_id, state FROM task_instance WHERE dag_id = ? AND run_id = ?",
                (dag_id, run_id),
            ).fetchall()
        )
        return state, tasks
    finally:
        db.close()


# The trends tables come from pipelines/migrations (one migration set for every pipeline), which
# the ingestion run above has already applied to this database.


def check_daily_report(env: dict, home: Path, database: str, config: dict, images: dict) -> None:
    """Runs petadota_daily_report for today (due tomorrow 00:30) over the images stored above
    and trends rows written here in the processor's shape: sliding 5m windows every 1m, of which
    only the aligned ones may be summed, and breeds whose best score of the day ranks them."""
    import datetime as dt

    window = config["daily_report"]["trends_window_seconds"]
    assert window, "the report test needs a stack with trends"
    today = dt.datetime.now(dt.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    t0 = int(today.timestamp()) * 1000 + 3600_000  # 01:00, a multiple of every window length
    w = window * 1000
    parts = [  # (start, species, events): each event is in window/slide overlapping windows
        (t0, "dog", 7), (t0 + 60_000, "dog", 7), (t0 + 120_000, "dog", 6),
        (t0 + w, "dog", 5), (t0 + w, "cat", 4), (t0 + w + 60_000, "cat", 4),
        (t0 - 86_400_000, "dog", 100),  # yesterday: not in today's report
    ]
    trends = [("dog/husky", 3.0), ("dog/husky", 1.0), ("cat/bengal", 2.0), ("dog/pug", 1.5)]
    with pymysql.connect(
        host="127.0.0.1", user="root", password="", database=database, autocommit=True
    ) as db, db.cursor() as cursor:
        for start, species, events in parts:
            cursor.execute(
                "INSERT INTO adoption_trend_parts (window_start_ms, window_end_ms, dimension, trend_key,"
                " source_topic, source_partition, weighted, events)"
                " VALUES (%s, %s, 'species', %s, 'interactions', 0, %s, %s)",
                (start, start + w, species, events * 2, events),
            )
        for n, (breed, score) in enumerate(trends):
            cursor.execute(
                "INSERT INTO adoption_trends (window_start_ms, window_end_ms, dimension, trend_key,"
                " weighted, events, baseline, score, trend_rank)"
                " VALUES (%s, %s, 'breed', %s, 1, 1, 1.0, %s, 1)",
                (t0 + n * 60_000, t0 + n * 60_000 + w, breed, score),
            )
    due = (today + dt.timedelta(days=1, minutes=30)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    run = airflow(env, "dags", "test", "petadota_daily_report", due)
    state, tasks = states(home, due[:10], "petadota_daily_report")
    assert state == "success", f"report run {state} {tasks}\n{run.stdout[-4000:]}\n{run.stderr[-3000:]}"
    with pymysql.connect(host="127.0.0.1", user="root", password="", database=database) as db, db.cursor() as cursor:
        cursor.execute(
            "SELECT metric, item, value FROM petadota_daily_report WHERE report_date = %s "
            "ORDER BY metric, value DESC, item",
            (today.date().isoformat(),),
        )
        report = [(m, i, v) for m, i, v in cursor.fetchall()]
    want = sorted(
        [("images_stored", species, float(n)) for species, n in images.items()]
        + [("ingest_runs", "", 2.0), ("ingest_runs_failed", "", 0.0)]
        + [("interactions", "dog", 12.0), ("interactions", "cat", 4.0)]
        + [("trending_breed", "dog/husky", 3.0), ("trending_breed", "cat/bengal", 2.0), ("trending_breed", "dog/pug", 1.5)],
        key=lambda r: (r[0], -r[2], r[1]),
    )
    assert report == want, f"report {report}\n!= {want}"
    print(f"daily report: {len(report)} rows, interactions counted once per event, breeds by best score: ok")


def check_trends_freshness(env: dict, home: Path, database: str, config: dict) -> None:
    """petadota_trends_health's freshness task (the lag task needs a broker): passes while the
    newest adoption_trends window is within max_staleness, fails once it is older."""
    import time

    bound = config["trends_health"]["max_staleness_seconds"]
    outcomes = []
    for age in (bound // 2, bound * 2):
        end_ms = (int(time.time()) - age) * 1000
        with pymysql.connect(
            host="127.0.0.1", user="root", password="", database=database, autocommit=True
        ) as db, db.cursor() as cursor:
            cursor.execute("DELETE FROM adoption_trends")
            cursor.execute(
                "INSERT INTO adoption_trends (window_start_ms, window_end_ms, dimension, trend_key,"
                " weighted, events, baseline, score, trend_rank)"
                " VALUES (%s, %s, 'breed', 'dog/husky', 1, 1, 1.0, 1.0, 1)",
                (end_ms - 300_000, end_ms),
            )
        logical = f"2026-11-0{len(outcomes) + 1}"
        airflow(env, "dags", "test", "petadota_trends_health", logical)
        _, tasks = states(home, logical, "petadota_trends_health")
        # check_consumer_lag fails here (no broker); the tasks are independent of each other.
        outcomes.append(tasks.get("check_trends_freshness") == "success")
        assert tasks.get("check_trends_freshness") == ("success" if age < bound else "failed"), (
            f"window {age}s old, bound {bound}s: {tasks}"
        )
    assert outcomes == [True, False], outcomes
    print(f"trends freshness: {bound // 2}s old passes, {bound * 2}s old fails (bound {bound}s): ok")


def main(binary: str, dags: str) -> int:
    binary = str(Path(binary).resolve())
    dags_dir = Path(dags).resolve()
    config = json.loads((dags_dir / "petadota_stack.json").read_text())
    wanted = config["ingest"]["dogs"] + config["ingest"]["cats"]
    database = f"petadota_airflow_{os.getpid()}"
    root = pymysql.connect(host="127.0.0.1", port=3306, user="root", password="", autocommit=True)
    root.cursor().execute(f"CREATE DATABASE `{database}`")
    server, base = fake_image_api.start()
    try:
        with tempfile.TemporaryDirectory(prefix="petadota-airflow-") as tmp:
            home = Path(tmp) / "home"
            store = Path(tmp) / "images"
            env = dict(os.environ)
            env.update(
                {
                    "AIRFLOW_HOME": str(home),
                    "AIRFLOW__CORE__DAGS_FOLDER": str(dags_dir),
                    "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
                    "PETADOTA_BINARY": binary,
                    "PETADOTA_DATABASE_URL": f"mysql://root@127.0.0.1:3306/{database}",
                    "PETADOTA_INGEST_STORAGE": f"file://{store}",
                    "PETADOTA_INGEST_DOG_API_BASE": base,
                    "PETADOTA_INGEST_CAT_API_BASE": base,
                    "PETADOTA_INGEST_REQUESTS_PER_SECOND": "0",
                }
            )
            migrate = airflow(env, "db", "migrate")
            assert migrate.returncode == 0, migrate.stderr[-3000:]

            first = airflow(env, "dags", "test", DAG_ID, "2026-12-01")
            state, tasks = states(home, "2026-12-01")
            assert state == "success", f"first run {state} {tasks}\n{first.stdout[-4000:]}\n{first.stderr[-4000:]}"
            assert tasks == {"ingest_images": "success", "check_images_stored": "success"}, tasks
            with pymysql.connect(
                host="127.0.0.1", user="root", password="", database=database
            ) as db, db.cursor() as cursor:
                cursor.execute("SELECT status, stored, finished_at FROM ingest_runs ORDER BY id")
                runs = cursor.fetchall()
                cursor.execute("SELECT species, COUNT(*) FROM images GROUP BY species ORDER BY species")
                per_species = dict(cursor.fetchall())
                cursor.execute("SELECT object_uri FROM images")
                uris = [row[0] for row in cursor.fetchall()]
            assert len(runs) == 1 and runs[0][0] == "finished", runs
            assert runs[0][1] == wanted and runs[0][2] is not None, runs
            assert per_species == {
                "cat": config["ingest"]["cats"],
                "dog": config["ingest"]["dogs"],
            }, per_species
            missing = [u for u in uris if not Path(u.removeprefix("file://")).is_file()]
            assert uris and not missing, f"images rows without their object: {missing[:3]}"
            assert all(u.startswith(f"file://{store}") for u in uris), uris[:3]
            print(f"first run: stored {runs[0][1]} images ({per_species}), every object on disk: ok")

            urllib.request.urlopen(base + "/_reset").read()
            second = airflow(env, "dags", "test", DAG_ID, "2026-12-02")
            state, tasks = states(home, "2026-12-02")
            assert state == "failed", f"second run {state} {tasks}\n{second.stdout[-3000:]}"
            assert tasks == {"ingest_images": "success", "check_images_stored": "failed"}, tasks
            print("second run (only duplicates): check_images_stored failed the run: ok")
            check_daily_report(env, home, database, config, per_species)
            check_trends_freshness(env, home, database, config)
    finally:
        server.shutdown()
        root.cursor().execute(f"DROP DATABASE IF EXISTS `{database}`")
        root.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
