"""Request parsers of the API (one place, below every app that has API views)."""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with a nesting too deep for Python's decoder a 400 like any other
    unreadable body (``[[[[…`` 50,000 levels deep raised RecursionError: a 500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON nested too deeply") from None
