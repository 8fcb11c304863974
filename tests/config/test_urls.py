"""The order of the URL configuration: the API's patterns are tried first (the staff lookup is
the most called path, and Django tries patterns in order), and the order decides no answer:
every route resolves to its own view, whatever comes before it."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

from motcua.config import urls as site_urls

SAMPLE = {"int": "7", "str": "x-1", "slug": "a-b", "path": "a/b",
          "uuid": "12345678-1234-5678-1234-567812345678"}


def _leaves(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # a regular expression (Django's admin catch-all): no sample path
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _leaves(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry


def _path(route: str) -> str:
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1) or "str"], route)


def test_every_route_resolves_to_its_own_view():
    checked = 0
    for route, pattern in _leaves(get_resolver()):
        if route.startswith("quan-tri/"):
            continue  # Django's admin: its own order, untouched
        match = resolve(_path(route))
        assert match.func == pattern.callback or match.route == route, (route, match.route)
        checked += 1
    assert checked > 100


def test_the_api_is_tried_first():
    prefixes = [str(p.pattern) for p in site_urls.urlpatterns if str(p.pattern) != "idp-dev/"]
    assert prefixes[0] == "api/"
    from motcua.api import urls as api_urls

    first = api_urls.urlpatterns[0]
    assert str(first.pattern) == "v1/" and first.urlconf_module.__name__ == "motcua.dossiers.api"
