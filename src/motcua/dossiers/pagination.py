"""Pages of dossier lists that never count a million rows.

A page is read as ids first, one more than it shows, then its rows by primary key. When the
extra id is absent the list ends on this page and its length is known without a ``COUNT(*)``;
when it is there, the count is taken but stops at ``COUNT_CAP``
(``SELECT COUNT(*) FROM (… LIMIT cap + 1)``). Nobody reads 157,342 as a
number of dossiers waiting; at a million dossiers the exact count over a whole unit cost more
than the page itself (docs/performance.md, "Worklists").
"""

from __future__ import annotations

from typing import cast

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from motcua.core.orm_speed import rows_by_pk

COUNT_CAP = 10_000
# No list has this many pages; a larger number would only overflow the database's OFFSET.
MAX_PAGE = 1_000_000


def capped_count(qs, cap: int) -> int:
    """``qs.count()``, but stops at ``cap + 1`` (a result above ``cap`` means "more than cap").

    Uses the list's ``count_ids`` or ``index_ids`` when it has them
    (``dossiers.selectors.dossier_list``).
    """
    source = getattr(qs, "count_ids", None) or getattr(qs, "index_ids", None)
    if source is not None:
        return source.count(cap + 1)
    return qs.order_by().values("pk")[:cap + 1].count()


class CappedPage(Page):
    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        # Known from the extra row, so a capped count does not end the list early.
        return self.more

    def __iter__(self):
        # The rows are a list already: ``Sequence.__iter__`` calls ``Page.__getitem__`` (a
        # type check and a list check) for each of them (DRF's ``list(page)``).
        if not isinstance(self.object_list, list):
            self.object_list = list(self.object_list)
        return iter(self.object_list)


class CappedPaginator(Paginator):
    """``django.core.paginator.Paginator`` with a capped, often skipped, count.

    ``count`` is exact up to ``cap`` and ``cap`` beyond it, with ``capped`` set. Pages past the
    cap can still be read. ``orphans`` is not supported.
    """

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True,
                 *, cap: int | None = None):
        super().__init__(object_list, per_page, 0, allow_empty_first_page)
        self.cap = COUNT_CAP if cap is None else cap
        self._capped = False

    def validate_number(self, number) -> int:
        # Whether a page exists is known once it is read, not from the count.
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if number > MAX_PAGE:
            raise EmptyPage(self.error_messages["no_results"])
        return number

    def get_page(self, number) -> CappedPage:
        """As Django's: not a number gives the first page, past the end the last one.

        Django's version trusts ``validate_number`` to find a page past the end; here that is
        only known when the page is read (``?page=99999`` was a 500).
        """
        try:
            number = self.validate_number(number)
        except PageNotAnInteger:
            number = 1
        except EmptyPage:
            number = 1 if str(number).strip().lstrip("-").isdigit() and int(number) < 1 else None
        if number is not None:
            try:
                return self.page(number)
            except EmptyPage:
                pass
        return self.page(max(1, -(-self.count // self.per_page)))

    def page(self, number) -> CappedPage:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        source = getattr(self.object_list, "index_ids", None)
        if source is not None:
            ids = source.ids(bottom, self.per_page + 1)
        else:
            ids = list(self.object_list.values_list("pk", flat=True)[
                bottom:bottom + self.per_page + 1])
        more = len(ids) > self.per_page
        ids = ids[:self.per_page]
        rows = self._rows(ids)
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage(self.error_messages["no_results"])
        seen = bottom + len(rows)
        if source is not None and source.total is not None:
            # The index-served list counted itself while being sorted: exact, and free.
            self.__dict__["count"], self._capped = source.total, False
        elif not more:
            # The list ends on this page: its length is known, exactly, whatever the cap.
            self.__dict__["count"], self._capped = seen, False
        elif seen >= self.cap:
            self.__dict__["count"], self._capped = self.cap, True
        return CappedPage(rows, number, self, more=more)

    def _rows(self, ids: list) -> list:
        """The rows of ``ids``, in that order, fetched by primary key.

        Ordering a few thousand matches by ``received_at`` costs little when the sort carries
        only ids; carrying every joined column of the page query through the sort cost several
        times more (SQLite joins before it sorts). The conditions are not repeated: they were
        applied when the ids were read. Keeps ``select_related``, ``only``/``defer`` and
        ``prefetch_related``, which is all the dossier lists use (no annotations).
        """
        page_rows = getattr(self.object_list, "page_rows", None)
        if page_rows is not None:
            # The list's own row loader (``selectors.list_rows``: column values, no models).
            return page_rows(ids, cast(QuerySet, self.object_list).db)
        return rows_by_pk(cast(QuerySet, self.object_list), ids)

    @cached_property
    def count(self) -> int:
        n = capped_count(self.object_list, self.cap)
        if n > self.cap:
            self._capped = True
            return self.cap
        return n

    @property
    def capped(self) -> bool:
        """True: there are more than ``count`` rows."""
        self.count  # noqa: B018 - counting is what tells
        return self._capped


class CappedPagination(PageNumberPagination):
    """DRF page-number pagination over ``CappedPaginator``: the same ``count``, ``next``,
    ``previous``, ``results``, plus ``count_capped`` (true: there are more than ``count``)."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.paginator.count,
            "count_capped": self.page.paginator.capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"true: more than `count` ({COUNT_CAP}) dossiers match; "
                           "count only to the cap.",
        }
        return schema
