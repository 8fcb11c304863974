"""``ops.request_metrics.PrometheusAfterMiddleware`` writes the samples django-prometheus's
middleware writes: the same requests through each, the registry's django_http_* samples
compared (latency histograms by their count: their buckets depend on the clock)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.template import engines
from django.template.response import SimpleTemplateResponse
from django.test import RequestFactory
from django.urls import ResolverMatch
from django_prometheus.middleware import Metrics
from django_prometheus.middleware import PrometheusAfterMiddleware as LibraryAfter
from prometheus_client.metrics import MetricWrapperBase

from motcua.ops.request_metrics import PrometheusAfterMiddleware

TIMED = ("django_http_requests_latency_seconds_by_view_method",)


def _samples() -> dict:
    out = {}
    metrics = Metrics.get_instance()
    families = [family for value in vars(metrics).values() if isinstance(value, MetricWrapperBase)
                for family in value.collect()]
    assert families
    for family in families:
        for sample in family.samples:
            if not sample.name.startswith("django_http_") or sample.name.endswith("_created"):
                continue
            if sample.name.startswith(TIMED) and not sample.name.endswith("_count"):
                continue
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


_TEMPLATES = []


def _template():
    # One template object for both runs: its text is the metric's ``templatename`` label.
    if not _TEMPLATES:
        _TEMPLATES.append(engines["django"].from_string("trang"))
    return _TEMPLATES[0]


def _requests():
    factory = RequestFactory()
    ajax = factory.get("/api/v1/dossiers?unit=1", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    ajax.resolver_match = ResolverMatch(lambda r: None, (), {}, url_name="dossier-list",
                                        app_names=["api"], namespaces=["api"])
    posted = factory.post("/api/v1/dossiers", data='{"a": 1}', content_type="application/json")
    posted.resolver_match = ajax.resolver_match
    secure = factory.get("/can-bo/", secure=True)
    odd = factory.generic("FROB", "/x")
    # A client's own Content-Length header name is not the body length Django reads.
    spoofed = factory.get("/tra-cuu/", HTTP_X_REQUESTED_WITH="fetch")
    unnamed = factory.head("/khong-co/")
    unnamed.resolver_match = None
    return [
        (ajax, HttpResponse("x" * 10), None),
        (posted, HttpResponse(status=201), None),
        (secure, SimpleTemplateResponse(_template(), {}), None),
        (odd, StreamingHttpResponse(iter([b"a", b"b"])), None),
        (spoofed, HttpResponse("y", status=404), None),
        (unnamed, HttpResponse(status=405), None),
        (ajax, None, ValueError("boom")),
        (posted, None, KeyError("k")),
    ]


def _run(middleware_class) -> dict:
    middleware = middleware_class(lambda request: None)
    before = _samples()
    for _round in range(2):  # the second time through the children kept
        for request, response, exception in _requests():
            middleware.process_request(request)
            if getattr(request, "resolver_match", None) is not None:
                middleware.process_view(request, None)
            if exception is not None:
                middleware.process_exception(request, exception)
                continue
            if isinstance(response, SimpleTemplateResponse):
                middleware.process_template_response(request, response)
                response.render()
            middleware.process_response(request, response)
    after = _samples()
    return {key: value - before.get(key, 0) for key, value in after.items()
            if value != before.get(key, 0)}


def test_same_samples_as_django_prometheus():
    library = _run(LibraryAfter)
    ours = _run(PrometheusAfterMiddleware)
    assert library  # something was counted
    assert ours == library


def test_labels_are_looked_up_once_per_values():
    middleware = PrometheusAfterMiddleware(lambda request: None)
    request, response, _ = _requests()[0]
    middleware.process_request(request)
    middleware.process_view(request, None)
    middleware.process_response(request, response)
    with mock.patch("prometheus_client.metrics.MetricWrapperBase.labels") as labels:
        middleware.process_request(request)
        middleware.process_view(request, None)
        middleware.process_response(request, response)
    labels.assert_not_called()


def test_the_headers_are_not_all_parsed_for_two_of_them():
    request = RequestFactory().get("/", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    PrometheusAfterMiddleware(lambda request: None).process_request(request)
    assert "headers" not in request.__dict__


@pytest.mark.parametrize("name", ["motcua.ops.request_metrics.PrometheusAfterMiddleware"])
def test_the_middleware_in_the_settings_is_this_one(settings, name):
    assert settings.MIDDLEWARE[-1] == name
