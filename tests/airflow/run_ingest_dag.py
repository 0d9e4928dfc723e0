"""Runs petadota_ingest_images for real with `airflow dags test` and checks what it wrote.

Real pieces: Airflow (sqlite metadata in a temp AIRFLOW_HOME), the built petadota binary,
MariaDB on 127.0.0.1:3306 (a fresh database, dropped afterwards) and a file:// store in a temp
dir. Only the public image APIs are replaced, by fake_image_api.py in their real shapes.

1. A first run must store exactly the stack's dogs + cats images, with a finished
   ingest_runs row, image files on disk, and both tasks successful.
2. A second run is offered the same pictures: the pipeline stores nothing (all duplicates) and
   exits 0, so it is check_images_stored that must fail the DAG run.

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


def states(home: Path, logical: str) -> tuple[str, dict]:
    """The DAG run's state and its tasks' states, from Airflow's own metadata database."""
    db = sqlite3.connect(home / "airflow.db")
    try:
        (run_id, state) = db.execute(
            "SELECT run_id, state FROM dag_run WHERE dag_id = ? AND logical_date LIKE ?",
            (DAG_ID, logical + "%"),
        ).fetchone()
        tasks = dict(
            db.execute(
                "SELECT task_id, state FROM task_instance WHERE dag_id = ? AND run_id = ?",
                (DAG_ID, run_id),
            ).fetchall()
        )
        return state, tasks
    finally:
        db.close()


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
    finally:
        server.shutdown()
        root.cursor().execute(f"DROP DATABASE IF EXISTS `{database}`")
        root.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
