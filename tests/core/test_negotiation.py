"""core.negotiation: the renderer and media type DRF's own negotiation picks, for every kind of
``Accept`` header and ``format``, whichever renderer comes first."""

from __future__ import annotations

import pytest
from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.test import APIRequestFactory

from motcua.core.negotiation import ContentNegotiation

ACCEPTS = [None, "*/*", "application/json", "text/html", "application/json; indent=4",
           "*/*;q=0.8", "text/html,*/*", "application/xml", "", "application/*"]
QUERIES = ["", "?", "?format=json", "?format=api", "?format=", "?other=1", "?other=1&format=api"]


def _pick(negotiation, accept, query, renderers, suffix):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = Request(APIRequestFactory().get(f"/api/v1/dossiers/X{query}", **headers))
    try:
        renderer, media_type = negotiation.select_renderer(
            request, [r() for r in renderers], suffix)
    except NotAcceptable:
        return "406"
    return type(renderer), media_type


@pytest.mark.parametrize("renderers", [[JSONRenderer, BrowsableAPIRenderer],
                                       [BrowsableAPIRenderer, JSONRenderer]])
@pytest.mark.parametrize("suffix", [None, "json", "api"])
def test_the_same_choice_as_drf(renderers, suffix):
    ours, drf = ContentNegotiation(), DefaultContentNegotiation()
    for accept in ACCEPTS:
        for query in QUERIES:
            assert _pick(ours, accept, query, renderers, suffix) == _pick(
                drf, accept, query, renderers, suffix), (accept, query)


def test_it_is_the_apis_negotiation():
    assert api_settings.DEFAULT_CONTENT_NEGOTIATION_CLASS is ContentNegotiation
