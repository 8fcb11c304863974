"""Content negotiation of the API (choix du rendu): DRF's, answered without parsing for a
client that states no preference.

Every API request picks its renderer (JSON, or the browsable API) from ``Accept`` and the
``format`` parameter. DRF parses the header into media types, orders them by precedence and
matches each against each renderer: ~60 calls for the common request that sends no ``Accept``
(wrk, curl, most HTTP libraries), ``*/*`` or exactly the first renderer's type. Those get the
first renderer with its own media type, which is what DRF picks for them
(tests/core/test_negotiation.py compares the two); any other header or a ``format`` goes
through DRF unchanged.
"""

from __future__ import annotations

from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        if not format_suffix and renderers:
            first = renderers[0]
            accept = request.META.get("HTTP_ACCEPT", "*/*")
            # No query string: no ``format`` parameter, without parsing one into a QueryDict.
            if ((accept == "*/*" or accept == first.media_type)
                    and (not request.META.get("QUERY_STRING")
                         or self.settings.URL_FORMAT_OVERRIDE not in request.query_params)):
                return first, first.media_type
        return super().select_renderer(request, renderers, format_suffix)
