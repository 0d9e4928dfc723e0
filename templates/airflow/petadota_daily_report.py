"""petadota_daily_report: a daily summary table built from MySQL, for the previous UTC day.

Rows go to ``petadota_daily_report`` (report_date, metric, item, value), replaced as a whole
for their day so that a rerun gives the same table:

- ``images_stored`` per species and ``ingest_runs`` / ``ingest_runs_failed`` (from ``images``
  and ``ingest_runs``);
- ``interactions`` per species: events summed over the trends windows that start at a multiple
  of the window length, which tile the day, so each event counts once although windows slide;
- ``trending_breed``: the breeds with the highest trending score in any window of the day.

Adoption requests are not in it: the trends processor stores weighted totals over all event
kinds, not counts per kind, so MySQL cannot tell them apart.
"""

from __future__ import annotations

import datetime as dt
import logging

import sys
from pathlib import Path

# Airflow DAG file. Its helper module sits beside it; the DAGs folder is on sys.path when the
# scheduler parses it, but not in every tool that loads a DagBag, so make sure.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import petadota_common as common  # noqa: E402

CONFIG = common.load_config()
REPORT = CONFIG["daily_report"]
log = logging.getLogger(__name__)

CREATE = """
CREATE TABLE IF NOT EXISTS petadota_daily_report (
    report_date DATE         NOT NULL,
    metric      VARCHAR(32)  NOT NULL,
    item        VARCHAR(191) NOT NULL,
    value       DOUBLE       NOT NULL,
    PRIMARY KEY (report_date, metric, item)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4
"""


def report_day(context: dict) -> dt.date:
    """The UTC day before the run was due (the run at 00:30 reports yesterday). The end of the
    data interval is when the run was due under both Airflow 3's cron trigger timetable and
    Airflow 2's cron data-interval timetable, whose logical dates differ."""
    due = (
        context.get("data_interval_end")
        or context.get("logical_date")
        or dt.datetime.now(dt.timezone.utc)
    )
    return (due.astimezone(dt.timezone.utc) - dt.timedelta(days=1)).date()


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.timezone.utc)
    return start, start + dt.timedelta(days=1)


def rows(day: dt.date, metric: str, pairs) -> list[list]:
    return [[day.isoformat(), metric, str(item), float(value)] for item, value in pairs]


@common.dag(
    dag_id=REPORT["dag_id"],
    description="Daily summary of ingestion, interactions and trending breeds",
    schedule=REPORT["schedule"],
    start_date=common.START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=common.default_args(CONFIG),
    tags=common.tags(CONFIG),
)
def petadota_daily_report():
    @common.task
    def summarise_ingestion(**context) -> list[list]:
        day = report_day(context)
        start, end = day_bounds(day)
        naive = (start.replace(tzinfo=None), end.replace(tzinfo=None))  # DATETIME columns hold UTC
        out = []
        with common.connect(CONFIG) as connection, connection.cursor() as cursor:
            if common.table_exists(cursor, "images"):
                cursor.execute(
                    "SELECT species, COUNT(*) AS n FROM images "
                    "WHERE fetched_at >= %s AND fetched_at < %s GROUP BY species ORDER BY species",
                    naive,
                )
                out += rows(day, "images_stored", ((r["species"], r["n"]) for r in cursor.fetchall()))
            if common.table_exists(cursor, "ingest_runs"):
                cursor.execute(
                    "SELECT COUNT(*) AS runs, COALESCE(SUM(status = 'failed'), 0) AS failed "
                    "FROM ingest_runs WHERE started_at >= %s AND started_at < %s",
                    naive,
                )
                r = cursor.fetchone()
                out += rows(day, "ingest_runs", [("", r["runs"])])
                out += rows(day, "ingest_runs_failed", [("", r["failed"])])
        return out

    @common.task
    def summarise_interactions(**context) -> list[list]:
        day = report_day(context)
        window = REPORT.get("trends_window_seconds")
        if not window:
            log.info("the stack runs no trends processor: no interaction counts")
            return []
        start, end = day_bounds(day)
        with common.connect(CONFIG) as connection, connection.cursor() as cursor:
            if not common.table_exists(cursor, "adoption_trend_parts"):
                return []
            cursor.execute(
                "SELECT CAST(trend_key AS CHAR) AS species, SUM(events) AS n "
                "FROM adoption_trend_parts WHERE dimension = 'species' "
                "AND window_start_ms >= %s AND window_start_ms < %s AND window_start_ms %% %s = 0 "
                "GROUP BY trend_key ORDER BY trend_key",
                (int(start.timestamp()) * 1000, int(end.timestamp()) * 1000, window * 1000),
            )
            return rows(day, "interactions", ((r["species"], r["n"]) for r in cursor.fetchall()))

    @common.task
    def summarise_trending_breeds(**context) -> list[list]:
        day = report_day(context)
        start, end = day_bounds(day)
        with common.connect(CONFIG) as connection, connection.cursor() as cursor:
            if not common.table_exists(cursor, "adoption_trends"):
                return []
            cursor.execute(
                "SELECT CAST(trend_key AS CHAR) AS breed, MAX(score) AS score "
                "FROM adoption_trends WHERE dimension = 'breed' "
                "AND window_start_ms >= %s AND window_start_ms < %s "
                "GROUP BY trend_key ORDER BY score DESC, trend_key LIMIT %s",
                (int(start.timestamp()) * 1000, int(end.timestamp()) * 1000, REPORT["top_breeds"]),
            )
            return rows(day, "trending_breed", ((r["breed"], r["score"]) for r in cursor.fetchall()))

    @common.task
    def write_report(ingestion: list, interactions: list, trending: list, **context) -> int:
        day = report_day(context)
        everything = ingestion + interactions + trending
        with common.connect(CONFIG) as connection, connection.cursor() as cursor:
            cursor.execute(CREATE)
            connection.begin()
            cursor.execute("DELETE FROM petadota_daily_report WHERE report_date = %s", (day.isoformat(),))
            if everything:
                cursor.executemany(
                    "INSERT INTO petadota_daily_report (report_date, metric, item, value) "
                    "VALUES (%s, %s, %s, %s)",
                    everything,
                )
            connection.commit()
        log.info("report for %s: %s rows", day, len(everything))
        return len(everything)

    write_report(summarise_ingestion(), summarise_interactions(), summarise_trending_breeds())


petadota_daily_report()
