"""Shared helpers of the petadota DAGs (copied verbatim by `petadota render`; do not edit here).

Everything stack-specific comes from ``petadota_stack.json`` beside this file, rendered by
petadota from the typed stack. No secret is in either file: the pipelines' MySQL URL is read
at run time from Secret Manager with the machine's own service account.

Environment overrides (for local tests and operators; none needs GCP):

- ``PETADOTA_DATABASE_URL``: the MySQL URL instead of the Secret Manager secret;
- ``PETADOTA_BINARY``: the petadota binary instead of the configured path;
- ``PETADOTA_KAFKA_BOOTSTRAP``: comma-separated brokers instead of the stack's;
- ``PETADOTA_INGEST_*``: passed through to ``petadota pipeline ingest-images`` and win over
  the stack's values (e.g. ``PETADOTA_INGEST_STORAGE=file:///tmp/images``).

Written for Airflow 3 (``airflow.sdk``) and import-compatible with Airflow 2.10 (Cloud
Composer 3), which only has ``airflow.decorators``.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import urllib.parse
import urllib.request
from pathlib import Path

try:  # Airflow 3
    from airflow.sdk import dag, task  # noqa: F401  (re-exported for the DAG files)
    from airflow.sdk.exceptions import AirflowFailException  # noqa: F401
except ImportError:  # Airflow 2.x: Cloud Composer 3
    from airflow.decorators import dag, task  # noqa: F401
    from airflow.exceptions import AirflowFailException  # noqa: F401

CONFIG_FILE = Path(__file__).with_name("petadota_stack.json")
# A fixed past start date: with catchup off, the first run is the latest due one.
START_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
METADATA_TOKEN_URL = (
    "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token"
)


def load_config() -> dict:
    """The stack's DAG settings, rendered by petadota."""
    with CONFIG_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def default_args(config: dict) -> dict:
    """``default_args`` shared by every petadota DAG."""
    defaults = config["defaults"]
    return {
        "owner": defaults["owner"],
        "retries": defaults["retries"],
        "retry_delay": dt.timedelta(seconds=defaults["retry_delay_seconds"]),
    }


def tags(config: dict) -> list[str]:
    """Tags shown in the Airflow UI."""
    return ["petadota", "stack:" + config["stack"]]


def database_url(config: dict) -> str:
    """The pipelines' MySQL URL: ``PETADOTA_DATABASE_URL``, else built from the stack's host,
    user and database and the password in the user's Secret Manager secret (the one the
    workers read too)."""
    override = os.environ.get("PETADOTA_DATABASE_URL")
    if override:
        return override
    mysql = config["mysql"]
    if not (mysql.get("user") and mysql.get("password_secret") and mysql.get("database")):
        raise RuntimeError("the stack gives the pipelines no MySQL user and database")
    password = read_secret(config["project"], mysql["password_secret"])
    quote = lambda text: urllib.parse.quote(text, safe="")  # noqa: E731
    return (
        f"mysql://{quote(mysql['user'])}:{quote(password)}@{mysql['host']}:{mysql['port']}"
        f"/{quote(mysql['database'])}"
    )


def read_secret(project: str, secret: str) -> str:
    """The latest version of a Secret Manager secret, read with the machine's service account
    through the metadata server: no client library and no key file needed."""
    request = urllib.request.Request(METADATA_TOKEN_URL, headers={"Metadata-Flavor": "Google"})
    with urllib.request.urlopen(request, timeout=10) as response:
        token = json.load(response)["access_token"]
    url = (
        "https://secretmanager.googleapis.com/v1/projects/"
        + urllib.parse.quote(project, safe="")
        + "/secrets/"
        + urllib.parse.quote(secret, safe="")
        + "/versions/latest:access"
    )
    request = urllib.request.Request(url, headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            payload = json.load(response)["payload"]["data"]
    except urllib.error.HTTPError as error:
        raise RuntimeError(
            f"cannot read secret {secret} in project {project} (HTTP {error.code}); "
            "check that it has a version and that this machine's service account may read it"
        ) from None
    return base64.b64decode(payload).decode("utf-8").strip()


def connect(config: dict):
    """A PyMySQL connection to the pipelines' database (autocommit, dict rows)."""
    import pymysql  # imported here so that parsing the DAG files needs no MySQL driver

    url = urllib.parse.urlsplit(database_url(config))
    if url.scheme not in ("mysql", "mariadb"):
        raise RuntimeError("the database URL must start with mysql://")
    # Everything but the host comes from the URL as pymysql's keyword arguments.
    login = {
        "user": urllib.parse.unquote(url.username or ""),
        "password": urllib.parse.unquote(url.password or ""),
        "database": urllib.parse.unquote(url.path.lstrip("/")),
    }
    return pymysql.connect(
        host=url.hostname or "127.0.0.1",
        port=url.port or 3306,
        **login,
        autocommit=True,
        connect_timeout=10,
        cursorclass=pymysql.cursors.DictCursor,
    )


def table_exists(cursor, table: str) -> bool:
    """Whether the pipelines have created `table` yet (their migrations run on first start)."""
    cursor.execute(
        "SELECT COUNT(*) AS n FROM information_schema.tables "
        "WHERE table_schema = DATABASE() AND table_name = %s",
        (table,),
    )
    return cursor.fetchone()["n"] > 0
