"""List filters through django-filter: the OpenAPI side.

A list that pages itself in an ``APIView`` (its GET answers ``{count, next, results}``, not a
bare array) is not a "list view" to drf-spectacular, which then skips the view's filter
backends. ``FilteredListSchema`` documents the ``filterset_class`` of such a view's GET, so the
schema lists every filter from the FilterSet that validates it, never a hand-written copy.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema


class FilteredListSchema(AutoSchema):
    def get_filter_backends(self) -> list[Any]:
        if self.method != "GET":
            return []
        return list(getattr(self.view, "filter_backends", []))
