import datetime as dt

import pytest
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

from motcua.notifications.tasks import beat
from motcua.ops import metrics

pytestmark = pytest.mark.django_db


def _value(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not in metrics")


def test_metrics_from_the_monitoring_network_only(client, settings):
    settings.MOTCUA_METRICS_ALLOWED_CIDRS = ["10.9.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="10.9.3.4").status_code == 200
    # A forwarded address counts only behind our own proxy.
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1",
                      HTTP_X_FORWARDED_FOR="10.9.3.4").status_code == 404
    settings.MOTCUA_BEHIND_PROXY = True
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1",
                      HTTP_X_FORWARDED_FOR="10.9.3.4").status_code == 200


def test_motcua_figures(client, bring):
    now = timezone.now()
    bring("received")  # in March 2026, due five working days later: overdue now
    bring("returned")
    beat(now=now - dt.timedelta(seconds=90))
    text = client.get("/metrics").content.decode()
    assert _value(text, "motcua_dossiers_received_total") == 2
    assert _value(text, "motcua_dossiers_returned_total") == 1
    assert _value(text, "motcua_dossiers_open_overdue") == 1
    assert 89 <= _value(text, "motcua_scheduler_lag_seconds") < 200
    assert _value(text, "motcua_up") == 1
    # django-prometheus's own request metrics are there too.
    assert "django_http_requests_before_middlewares_total" in text


def test_registered_hook_appears(client):
    def backlog():
        yield GaugeMetricFamily("motcua_test_backlog", "test", value=7)

    metrics.register(backlog)
    try:
        assert _value(client.get("/metrics").content.decode(), "motcua_test_backlog") == 7
    finally:
        metrics._hooks.remove(backlog)
