"""Prometheus metrics (chỉ số giám sát) on ``/metrics``, for the monitoring network only.

Two kinds:

* django-prometheus's request, response and exception metrics (its middleware, enabled with
  ``MOTCUA_METRICS``); per worker process unless ``PROMETHEUS_MULTIPROC_DIR`` is set, in which
  case every worker writes there and the endpoint sums them (deploy/motcua-web.service).
* Motcua's own, read from the shared database at scrape time so every node reports the same
  figures: dossiers received and returned (counters), open overdue dossiers, the scheduler's
  lag, and whatever a feature registers with :func:`register` (the outbox backlog, queue length
  and waiting times of the floor app when they exist).

A feature adds a figure without ops importing it: ``register(fn)`` where ``fn()`` yields
``prometheus_client`` metric families, called from the feature's ``AppConfig.ready`` — or names
it in ``MOTCUA_METRICS_HOOKS`` (dotted paths), so a lower layer need not import ops either.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import os
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpResponse
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

log = logging.getLogger(__name__)

Hook = Callable[[], Iterable[Metric]]
_hooks: list[Hook] = []


def register(hook: Hook) -> Hook:
    """Add a source of metric families to the endpoint (usable as a decorator)."""
    if hook not in _hooks:
        _hooks.append(hook)
    return hook


def _core_metrics() -> Iterator[Metric]:
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.selectors import dossier_overdue
    from motcua.ops.heartbeat import scheduler_lag_seconds

    received = Dossier.objects.filter(received_at__isnull=False).count()
    returned = Dossier.objects.filter(returned_at__isnull=False).count()
    yield CounterMetricFamily("motcua_dossiers_received", "Dossiers received (hồ sơ đã tiếp "
                              "nhận), all time.", value=received)
    yield CounterMetricFamily("motcua_dossiers_returned", "Dossiers whose result was returned "
                              "(đã trả kết quả), all time.", value=returned)
    yield GaugeMetricFamily("motcua_dossiers_open_overdue", "Open dossiers past their due time "
                            "with the clock running (quá hạn).", value=dossier_overdue().count())
    lag = scheduler_lag_seconds()
    yield GaugeMetricFamily("motcua_scheduler_lag_seconds", "Seconds since the scheduler's last "
                            "heartbeat (NaN: never).", value=math.nan if lag is None else lag)


class MotcuaCollector:
    """Collects Motcua's figures at scrape time; a database error yields ``motcua_up 0``."""

    def collect(self) -> Iterator[Metric]:
        up = 1
        sources: list[Hook] = [_core_metrics, *_hooks]
        sources += [import_string(path) for path in settings.MOTCUA_METRICS_HOOKS]
        for source in sources:
            try:
                yield from list(source())
            except DatabaseError:
                log.warning("metrics source failed", exc_info=True)
                up = 0
        yield GaugeMetricFamily("motcua_up", "1 when every Motcua figure could be read.",
                                value=up)

    def describe(self) -> list[Metric]:
        # Empty: do not run the queries when the collector is registered.
        return []


_collector = MotcuaCollector()
_installed = False


def install() -> None:
    global _installed
    if not _installed:
        REGISTRY.register(_collector)  # type: ignore[arg-type]
        _installed = True


def _client_address(request) -> str:
    # The monitoring server may scrape through nginx: then the address nginx saw is the first
    # X-Forwarded-For entry, trusted only behind our own proxy (as for the throttles).
    if settings.MOTCUA_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def allowed(request) -> bool:
    try:
        address = ipaddress.ip_address(_client_address(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(cidr, strict=False)
               for cidr in settings.MOTCUA_METRICS_ALLOWED_CIDRS)


def _registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        registry.register(_collector)  # type: ignore[arg-type]
        return registry
    return REGISTRY


@never_cache
@require_GET
def metrics_view(request):
    # 404, not 403: outside the monitoring network the endpoint does not exist.
    if not allowed(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()),
                        content_type="text/plain; version=0.0.4; charset=utf-8")
