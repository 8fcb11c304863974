"""Health endpoints (kiểm tra sống / sẵn sàng) for the load balancer and the monitoring.

``/healthz`` says the process answers: no database, no Redis, nothing that a restarting
dependency could fail (a failing liveness probe restarts the process, which would not help).
``/readyz`` says this node can serve: the database answers, Redis answers when configured,
every migration of this code is applied, and the scheduler beat recently. It answers 503 with
the failing checks otherwise, so nginx/the load balancer and the operator can take the node
out of rotation until it recovers.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.ops.heartbeat import scheduler_lag_seconds

Check = Callable[[], str]

# Set once every migration of this code was seen applied: a node's code does not change
# while it runs, and migrations are not unapplied under a running node (docs/deployment.md).
_migrations_ok = False


class NotReady(Exception):
    """A readiness check failed; the message says why (no secrets, no personal data)."""


def check_database() -> str:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        # A persistent connection that broke must not be reused by the next request.
        try:
            connection.close()
        except DatabaseError:
            pass
        raise NotReady(f"database unreachable ({type(exc).__name__})") from exc
    return "ok"


def check_redis() -> str:
    url = settings.REDIS_URL
    if not url:
        return "not configured"
    import redis

    client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise NotReady(f"redis unreachable ({type(exc).__name__})") from exc
    finally:
        client.close()
    return "ok"


def check_migrations() -> str:
    global _migrations_ok
    if _migrations_ok:
        return "ok"
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        raise NotReady(f"migrations unknown ({type(exc).__name__})") from exc
    if plan:
        raise NotReady(f"{len(plan)} migration(s) not applied")
    _migrations_ok = True
    return "ok"


def check_scheduler() -> str:
    max_age = settings.MOTCUA_READY_SCHEDULER_MAX_AGE
    if not max_age:
        return "not checked"
    try:
        lag = scheduler_lag_seconds()
    except DatabaseError as exc:
        raise NotReady(f"heartbeat unreadable ({type(exc).__name__})") from exc
    if lag is None:
        raise NotReady("scheduler never ran")
    if lag > max_age:
        raise NotReady(f"scheduler silent for {lag:.0f} s (limit {max_age} s)")
    return f"{lag:.0f} s ago"


CHECKS: dict[str, Check] = {
    "database": check_database,
    "redis": check_redis,
    "migrations": check_migrations,
    "scheduler": check_scheduler,
}


def run_checks() -> tuple[bool, dict[str, dict[str, object]]]:
    results: dict[str, dict[str, object]] = {}
    ok = True
    database_down = False
    for name, check in CHECKS.items():
        if database_down and name in ("migrations", "scheduler"):
            results[name] = {"ok": False, "detail": "skipped: database unreachable"}
            continue
        started = time.perf_counter()
        try:
            detail, passed = check(), True
        except NotReady as exc:
            detail, passed = str(exc), False
            ok = False
            database_down = database_down or name == "database"
        results[name] = {"ok": passed, "detail": detail,
                         "ms": round((time.perf_counter() - started) * 1000, 1)}
    return ok, results


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request):
    ok, results = run_checks()
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": results},
                        status=200 if ok else 503)
