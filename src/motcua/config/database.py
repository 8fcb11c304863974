"""Database configuration from ``MOTCUA_DATABASE_URL``.

SQLite (the default, a file under ``var/``) runs in WAL mode with IMMEDIATE transactions so that
concurrent writers queue on the write lock instead of failing half-way with "database is locked";
the queue itself is a lock file (``motcua.core.sqlite_backend``), not SQLite's sleeping busy handler.

PostgreSQL binds parameters on the server, so that psycopg prepares a statement a connection has
run five times and the server stops planning it again on every request.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

SQLITE_INIT = (
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA busy_timeout=30000;"
    "PRAGMA foreign_keys=ON;"
    # Reads through the OS page cache (shared by every worker) instead of copying each page into
    # the connection's own 2 MB cache: a worklist page at 1M dossiers 26 ms -> 17-19 ms.
    "PRAGMA mmap_size=1073741824;"
    "PRAGMA cache_size=-32768;"
    "PRAGMA temp_store=MEMORY;"
)


def database_from_url(url: str | None, default_sqlite_path: Path, *, conn_max_age: int = 0
                      ) -> dict:
    """Django's DATABASES entry. ``conn_max_age`` > 0 keeps a worker's connection between
    requests (checked before reuse): on PostgreSQL a new connection forks a server process,
    on SQLite it re-runs the PRAGMAs — per request, that was a fixed cost of every page."""
    if not url:
        url = f"sqlite:///{default_sqlite_path}"
    try:
        config = dj_database_url.parse(url, conn_max_age=conn_max_age,
                                       conn_health_checks=conn_max_age > 0)
    except Exception as exc:  # dj_database_url raises several types for bad URLs
        raise ImproperlyConfigured(
            f"MOTCUA_DATABASE_URL={url!r} is not a valid database URL ({exc}). "
            "Examples: sqlite:///var/motcua.sqlite3, postgres://user@127.0.0.1:5432/motcua"
        ) from exc
    engine = config.get("ENGINE", "")
    if engine == "django.db.backends.sqlite3":
        name = config.get("NAME") or str(default_sqlite_path)
        if name != ":memory:":
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        config["NAME"] = name
        config["ENGINE"] = "motcua.core.sqlite_backend"
        config["OPTIONS"] = {
            "init_command": SQLITE_INIT,
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
        # One test database per process, so parallel test runs never share a file.
        config["TEST"] = {"NAME": str(Path(name).with_name(f"test_motcua_{os.getpid()}.sqlite3"))}
    elif engine == "django.db.backends.postgresql":
        options = config.setdefault("OPTIONS", {})
        # The read paths are a few statements run thousands of times a minute; with client-side
        # binding the server planned each anew (the staff lookup's 8-table read: 2 ms planning,
        # 0.1 ms running). A prepared statement lives in its connection, so only a kept
        # connection prepares; one per request (conn_max_age 0, e.g. behind PgBouncer in
        # transaction mode) still binds on the server but never names a statement.
        options.setdefault("server_side_binding", True)
        options.setdefault("prepare_threshold", 5 if conn_max_age > 0 else None)
    else:
        raise ImproperlyConfigured(
            f"MOTCUA_DATABASE_URL uses {engine or 'an unknown engine'}; "
            "Motcua supports sqlite:// and postgres:// only."
        )
    return config
