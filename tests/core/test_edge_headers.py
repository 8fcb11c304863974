"""``core.edge.add_never_cache_headers`` writes what Django's does on the responses
``NoStoreForStaffMiddleware`` touches (no ``Cache-Control`` yet), with or without ``Expires``."""

from __future__ import annotations

from unittest import mock

import pytest
from django.http import HttpResponse
from django.utils import cache as django_cache

from motcua.core import edge


@pytest.mark.parametrize("expires", [None, "Wed, 21 Oct 2015 07:28:00 GMT"])
@pytest.mark.parametrize("now", [1_700_000_000.0, 1_700_000_000.999, 1_800_000_000.5])
def test_same_headers_as_django(expires, now):
    ours, django = HttpResponse("x"), HttpResponse("x")
    for response in (ours, django):
        if expires:
            response["Expires"] = expires
    with mock.patch("time.time", return_value=now):
        edge.add_never_cache_headers(ours)
        django_cache.add_never_cache_headers(django)
    assert list(ours.headers.items()) == list(django.headers.items())
    assert ours["Cache-Control"] == edge.NEVER_CACHE
