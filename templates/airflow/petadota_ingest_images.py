"""petadota_ingest_images: run the image ingestion pipeline, then check that it stored images.

The pipeline runs ON THE AIRFLOW HOST as ``petadota pipeline ingest-images`` (the binary the
site playbook installs there), so the task's timeout, retries and log belong to the real
process. Settings come from petadota_stack.json; the MySQL URL from Secret Manager at run time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import shutil
import subprocess
import tempfile

import sys
from pathlib import Path

# Airflow DAG file. Its helper module sits beside it; the DAGs folder is on sys.path when the
# scheduler parses it, but not in every tool that loads a DagBag, so make sure.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import petadota_common as common  # noqa: E402

CONFIG = common.load_config()


def _runnable(binary: str) -> str:
    """The binary itself, or a private executable copy of it: Composer mounts its bucket's
    data/ folder without execute permission. The copy is named by content, so a new build is
    copied once and an unchanged one not again."""
    if os.access(binary, os.X_OK):
        return binary
    digest = hashlib.sha256()
    with open(binary, "rb") as source:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
    target = os.path.join(tempfile.gettempdir(), f"petadota-{digest.hexdigest()[:16]}")
    if not os.access(target, os.X_OK):
        partial = f"{target}.{os.getpid()}.partial"
        shutil.copyfile(binary, partial)
        os.chmod(partial, 0o755)
        os.replace(partial, target)
    return target
SUMMARY = re.compile(r"^ingest run (\d+):", re.MULTILINE)
log = logging.getLogger(__name__)


def _environment(ingest: dict) -> dict:
    """The pipeline's environment: the stack's settings unless the operator set them."""
    env = dict(os.environ)
    env.setdefault("PETADOTA_INGEST_DOGS", str(ingest["dogs"]))
    env.setdefault("PETADOTA_INGEST_CATS", str(ingest["cats"]))
    env.setdefault("PETADOTA_INGEST_STORAGE", ingest["storage"])
    env.setdefault("PETADOTA_INGEST_LOG_FORMAT", "json")
    # In the environment, not argv, so the password never shows in a process list or the log.
    env["PETADOTA_INGEST_DATABASE"] = common.database_url(CONFIG)
    return env


if CONFIG.get("ingest"):
    INGEST = CONFIG["ingest"]

    @common.dag(
        dag_id=INGEST["dag_id"],
        description=f"Dog and cat images into {INGEST['storage']}, metadata into MySQL",
        schedule=INGEST["schedule"],
        start_date=common.START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args=common.default_args(CONFIG),
        tags=common.tags(CONFIG),
    )
    def petadota_ingest_images():
        @common.task(execution_timeout=dt.timedelta(seconds=INGEST["timeout_seconds"]))
        def ingest_images() -> int:
            """Runs the pipeline; returns the id of its ``ingest_runs`` row."""
            binary = _runnable(os.environ.get("PETADOTA_BINARY", INGEST["binary"]))
            # stderr (the pipeline's JSON log) goes straight to the task log; stdout holds the
            # summary. On a timeout Airflow raises in here and subprocess.run kills the child.
            result = subprocess.run(
                [binary, "pipeline", "ingest-images"],
                env=_environment(INGEST),
                stdout=subprocess.PIPE,
                text=True,
                check=False,
            )
            log.info("%s", result.stdout.strip())
            if result.returncode != 0:
                raise RuntimeError(
                    f"petadota pipeline ingest-images exited with {result.returncode}; "
                    "see its log above"
                )
            match = SUMMARY.search(result.stdout)
            if match is None:
                raise RuntimeError("the pipeline printed no `ingest run N:` summary")
            return int(match.group(1))

        @common.task(retries=0)
        def check_images_stored(ingest_run: int) -> dict:
            """Fails the DAG run when the pipeline's run stored nothing. (Not `run_id`: that name
            is Airflow's own context key.)"""
            run_id = ingest_run
            with common.connect(CONFIG) as connection, connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id, status, finished_at, fetched, stored, duplicate "
                    "FROM ingest_runs WHERE id = %s",
                    (run_id,),
                )
                row = cursor.fetchone()
            if row is None:
                raise common.AirflowFailException(f"ingest_runs has no row {run_id}")
            if row["finished_at"] is None:
                raise common.AirflowFailException(f"ingest run {run_id} never finished")
            if row["stored"] == 0:
                raise common.AirflowFailException(
                    f"ingest run {run_id} stored nothing (fetched {row['fetched']}, "
                    f"duplicate {row['duplicate']}, status {row['status']})"
                )
            log.info("ingest run %s stored %s images", run_id, row["stored"])
            return {"run_id": run_id, "stored": row["stored"], "fetched": row["fetched"]}

        check_images_stored(ingest_images())

    petadota_ingest_images()
