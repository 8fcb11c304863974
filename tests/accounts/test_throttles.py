"""Throttling: the API (429 in the error shape) and the public lookup page (a Vietnamese 429);
the API's default permission denies."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.settings import api_settings
from rest_framework.test import APIClient
from rest_framework.views import APIView

from tests.factories import api_key_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        rest = dict(settings.REST_FRAMEWORK)
        rest["DEFAULT_THROTTLE_RATES"] = {**rest["DEFAULT_THROTTLE_RATES"], **rates}
        settings.REST_FRAMEWORK = rest
        # DRF reads its settings once; throttles read the class attribute.
        from rest_framework.throttling import SimpleRateThrottle

        SimpleRateThrottle.THROTTLE_RATES = rest["DEFAULT_THROTTLE_RATES"]

    yield set_rates
    from rest_framework.throttling import SimpleRateThrottle

    SimpleRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES


def test_anonymous_api_calls_are_throttled_in_the_error_shape(db, rates):
    rates(anon="3/minute")
    client = APIClient(REMOTE_ADDR="10.1.1.1")
    for _ in range(3):
        assert client.get("/api/v1/fields").status_code == 200
    response = client.get("/api/v1/fields")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled" and set(body) == {"code", "message", "fields"}
    assert "giây" in body["message"] and int(response["Retry-After"]) > 0
    # Another address is counted apart.
    assert APIClient(REMOTE_ADDR="10.1.1.2").get("/api/v1/fields").status_code == 200


def test_a_forged_forwarded_for_does_not_escape_the_throttle(db, rates):
    rates(anon="2/minute")
    for n in range(2):
        APIClient(REMOTE_ADDR="10.1.1.1").get("/api/v1/fields", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}")
    response = APIClient(REMOTE_ADDR="10.1.1.1").get("/api/v1/fields",
                                                     HTTP_X_FORWARDED_FOR="9.9.9.9")
    assert response.status_code == 429


def test_staff_api_calls_are_throttled_per_user(world, rates):
    rates(user="2/minute")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_key_for(world.receptionist)}")
    assert [client.get("/api/v1/auth/tokens").status_code for _ in range(3)] == [200, 200, 429]


def test_the_public_lookup_is_throttled_with_a_vietnamese_page(db, settings):
    settings.MOTCUA_LOOKUP_RATE = "5/minute"
    client = Client(REMOTE_ADDR="10.2.2.2")
    codes = [client.get(f"/tra-cuu/H15.{n:06d}/").status_code for n in range(6)]
    assert codes[:5] == [404] * 5 and codes[5] == 429
    response = client.get("/tra-cuu/H15.000099/")
    assert response.status_code == 429 and "Quá nhiều yêu cầu" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert Client(REMOTE_ADDR="10.2.2.3").get("/tra-cuu/H15.000001/").status_code == 404


def test_the_api_denies_by_default_and_every_view_says_what_it_allows():
    assert api_settings.DEFAULT_PERMISSION_CLASSES == [IsAuthenticated]
    public = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, prefix + str(p.pattern))
                continue
            view = getattr(p.callback, "cls", None) or getattr(p.callback, "view_class", None)
            if view is None or not issubclass(view, APIView):
                continue
            assert "permission_classes" in vars(view) or any(
                "permission_classes" in vars(base) for base in view.__mro__[1:]
                if base.__module__.startswith(("motcua", "drf_spectacular"))
            ), f"{prefix}{p.pattern}: {view.__name__} does not say who may call it"
            if AllowAny in view.permission_classes:
                public.append(f"{prefix}{p.pattern}")

    walk(get_resolver().url_patterns)
    assert public, "the catalog is public"
    assert all(
        path.startswith(("api/v1/fields", "api/v1/units", "api/v1/procedures", "api/schema",
                         "api/docs", "api/v1/auth/token",
                         # the mobile app's sign-in: the ID token is the credential
                         "api/v1/citizen/token",
                         # booking is anonymous by design (issue 15), throttled per phone/address
                         "api/v1/appointments"))
        for path in public
    ), public


def test_the_dossier_api_needs_a_login(db):
    response = APIClient().get("/api/v1/dossiers")
    assert response.status_code in (401, 403)
