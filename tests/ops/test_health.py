import datetime as dt
import json
import logging

import pytest
from django.db import connection
from django.utils import timezone

from motcua.notifications.models import SchedulerHeartbeat
from motcua.notifications.tasks import beat
from motcua.ops import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_ok_lists_its_checks(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    checks = response.json()["checks"]
    assert set(checks) == {"database", "redis", "migrations", "scheduler"}
    assert all(c["ok"] for c in checks.values())


def test_readyz_fails_on_unapplied_migrations(client, monkeypatch):
    monkeypatch.setattr(health, "_migrations_ok", False)
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == {
        "ok": False, "detail": "1 migration(s) not applied", "ms": pytest.approx(0, abs=5000)}


def test_readyz_scheduler_heartbeat(client, settings):
    settings.MOTCUA_READY_SCHEDULER_MAX_AGE = 120
    assert client.get("/readyz").json()["checks"]["scheduler"]["detail"] == "scheduler never ran"
    beat(now=timezone.now() - dt.timedelta(seconds=300))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "silent for 300 s" in response.json()["checks"]["scheduler"]["detail"]
    beat()
    assert client.get("/readyz").status_code == 200
    assert SchedulerHeartbeat.objects.get().beats == 2


def test_readyz_fails_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


@pytest.mark.django_db(transaction=True)
def test_readyz_fails_when_the_database_is_down_and_recovers(client, tmp_path):
    """Point the live connection at a database that cannot be reached (a closed port on
    PostgreSQL, a file in a missing folder on SQLite), then back."""
    assert client.get("/readyz").status_code == 200
    saved = dict(connection.settings_dict)
    connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict["PORT"] = "1"
    else:
        connection.settings_dict["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable"
        assert body["checks"]["database"]["ok"] is False
        assert body["checks"]["migrations"]["detail"] == "skipped: database unreachable"
        assert client.get("/healthz").status_code == 200  # alive, just not ready
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert client.get("/readyz").status_code == 200


def test_probes_are_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/en-gb/").status_code in (301, 302, 404)  # control: others redirect


def test_request_id_is_kept_or_made_and_logged(client, caplog):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith newline")["X-Request-ID"]
    assert made != "bad id\nwith newline" and len(made) == 32


def test_json_log_line_carries_the_request_id(rf):
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter

    from motcua.ops.requestid import RequestIdFilter, RequestIdMiddleware

    spec = settings.LOGGING["formatters"]["json"]
    formatter = JsonFormatter(spec["fmt"], rename_fields=spec["rename_fields"])
    lines = []

    def view(request):
        record = logging.LogRecord("motcua.x", logging.INFO, __file__, 1, "hello", (), None)
        RequestIdFilter().filter(record)
        lines.append(formatter.format(record))
        from django.http import HttpResponse
        return HttpResponse()

    RequestIdMiddleware(view)(rf.get("/", HTTP_X_REQUEST_ID="req-42"))
    entry = json.loads(lines[0])
    assert entry["request_id"] == "req-42"
    assert entry["level"] == "INFO" and entry["logger"] == "motcua.x" and entry["message"] == "hello"


def test_signature_validation_warnings_lose_their_traceback_errors_keep_it():
    """pyHanko's "cannot trust this certificate" warnings are the verification page's answers:
    one line each, no traceback; an error still carries its traceback."""
    handler = logging.getLogger("pyhanko.sign.validation.generic_cms").parent
    while handler is not None and not handler.handlers:
        handler = handler.parent
    assert handler is not None and handler.name == "pyhanko"
    (brief,) = [h for h in handler.handlers if h.filters]
    try:
        raise ValueError("expired")
    except ValueError:
        import sys
        info = sys.exc_info()
    warning = logging.LogRecord("pyhanko.sign.validation.generic_cms", logging.WARNING,
                                __file__, 1, "Validation error", (), info)
    error = logging.LogRecord("pyhanko.sign.validation.generic_cms", logging.ERROR,
                              __file__, 1, "Processing error", (), info)
    assert brief.filter(warning) and brief.filter(error)
    assert "Traceback" not in brief.format(warning)
    assert "ValueError: expired" in brief.format(error)
