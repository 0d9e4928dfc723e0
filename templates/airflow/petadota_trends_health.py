"""petadota_trends_health: fails (and so alerts) when the trends processors fall behind.

Two independent checks, bounds from the stack: the consumer group's lag on the input topic
(summed over partitions) and the age of the newest window in ``adoption_trends``.
"""

from __future__ import annotations

import logging
import os
import time

import sys
from pathlib import Path

# Airflow DAG file. Its helper module sits beside it; the DAGs folder is on sys.path when the
# scheduler parses it, but not in every tool that loads a DagBag, so make sure.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import petadota_common as common  # noqa: E402

CONFIG = common.load_config()
log = logging.getLogger(__name__)


def consumer_lag(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    """Messages the group has not committed yet, per partition of `topic`."""
    from confluent_kafka import Consumer, TopicPartition  # only needed when the check runs

    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": group,  # read the group's committed offsets; never subscribes
            "enable.auto.commit": False,
            "socket.timeout.ms": 10000,
        }
    )
    try:
        metadata = consumer.list_topics(topic, timeout=10)
        partitions = metadata.topics[topic].partitions
        if not partitions:
            raise common.AirflowFailException(f"topic {topic} has no partitions")
        committed = consumer.committed(
            [TopicPartition(topic, p) for p in sorted(partitions)], timeout=10
        )
        lag = {}
        for position in committed:
            low, high = consumer.get_watermark_offsets(position, timeout=10)
            start = position.offset if position.offset >= 0 else low
            lag[position.partition] = max(high - start, 0)
        return lag
    finally:
        consumer.close()


if CONFIG.get("trends_health"):
    HEALTH = CONFIG["trends_health"]

    @common.dag(
        dag_id=HEALTH["dag_id"],
        description="Consumer-group lag and freshness of the adoption trends",
        schedule=HEALTH["schedule"],
        start_date=common.START_DATE,
        catchup=False,
        max_active_runs=1,
        default_args=common.default_args(CONFIG),
        tags=common.tags(CONFIG),
    )
    def petadota_trends_health():
        @common.task(retries=0)
        def check_consumer_lag() -> int:
            """Fails when the group is more than max_lag messages behind."""
            bootstrap = os.environ.get(
                "PETADOTA_KAFKA_BOOTSTRAP", ",".join(HEALTH["kafka_bootstrap"])
            )
            lag = consumer_lag(bootstrap, HEALTH["consumer_group"], HEALTH["topic"])
            total = sum(lag.values())
            log.info("lag of %s on %s: %s (per partition %s)", HEALTH["consumer_group"], HEALTH["topic"], total, lag)
            if total > HEALTH["max_lag"]:
                raise common.AirflowFailException(
                    f"consumer group {HEALTH['consumer_group']} is {total} messages behind on "
                    f"{HEALTH['topic']} (bound {HEALTH['max_lag']})"
                )
            return total

        @common.task(retries=0)
        def check_trends_freshness() -> int:
            """Fails when the newest trends window ended longer ago than max_staleness."""
            with common.connect(CONFIG) as connection, connection.cursor() as cursor:
                if not common.table_exists(cursor, "adoption_trends"):
                    raise common.AirflowFailException("adoption_trends does not exist yet")
                cursor.execute("SELECT MAX(window_end_ms) AS newest FROM adoption_trends")
                newest = cursor.fetchone()["newest"]
            if newest is None:
                raise common.AirflowFailException("adoption_trends is empty")
            staleness = int(time.time()) - int(newest) // 1000
            log.info("newest trends window ended %ss ago", staleness)
            if staleness > HEALTH["max_staleness_seconds"]:
                raise common.AirflowFailException(
                    f"the newest trends window ended {staleness}s ago "
                    f"(bound {HEALTH['max_staleness_seconds']}s)"
                )
            return staleness

        check_consumer_lag()
        check_trends_freshness()

    petadota_trends_health()
