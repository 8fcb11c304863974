"""Reads of the procedure catalog (tra cứu danh mục thủ tục)."""

from __future__ import annotations

import operator
from functools import reduce

from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q, QuerySet

from motcua.catalog.models import (
    Field,
    ProcedureVersion,
    ProcessStep,
    SearchSynonym,
    VersionStatus,
)
from motcua.catalog.records import VERSION_PREFETCH, VERSION_SELECT, FieldRecord, ProcedureRecord
from motcua.core.text import fold
from motcua.org.models import Unit

_PUBLISHED = Q(status=VersionStatus.PUBLISHED)


def current_versions() -> QuerySet[ProcedureVersion]:
    """The version in force of every procedure (phiên bản đang áp dụng)."""
    return ProcedureVersion.objects.filter(_PUBLISHED, procedure__current=F("pk"))


def _by_code(qs: QuerySet, name: str, value) -> QuerySet:
    if value is None or value == "":
        return qs
    if hasattr(value, "pk"):
        return qs.filter(**{name: value})
    return qs.filter(**{f"{name}__code": value})


def procedures_search(
    *, q: str = "", field=None, agency=None, level: str | None = None
) -> QuerySet[ProcedureVersion]:
    """Public search over the versions in force.

    Accent-insensitive: ``q`` is folded like ``search_text`` ("cap doi can cuoc" finds "Cấp đổi
    thẻ căn cước", "dang ky" finds "Đăng ký"), and every word must occur. A word or phrase of
    the synonym table (``SearchSynonym``: "CCCD", "sổ đỏ") matches itself or any of its
    meanings. ``field`` and ``agency`` are codes or model instances.
    """
    qs = current_versions().select_related("procedure", "field", "agency")
    for alternatives in search_terms(q):
        qs = qs.filter(reduce(operator.or_, (Q(search_text__contains=a) for a in alternatives)))
    qs = _by_code(qs, "field", field)
    qs = _by_code(qs, "agency", agency)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("procedure__code")


SYNONYMS_CACHE_KEY = "catalog:search-synonyms"
# Saving or deleting a synonym clears the key (catalog.apps); the timeout bounds how long
# another process's local-memory cache can lag behind an edit.
SYNONYMS_CACHE_SECONDS = 300


def synonyms() -> dict[str, list[str]]:
    """The synonym table, folded: term -> its meanings (a few hundred rows at most)."""
    table = cache.get(SYNONYMS_CACHE_KEY)
    if table is None:
        table = {}
        for term, meaning in (SearchSynonym.objects.order_by("term_folded", "meaning_folded")
                              .values_list("term_folded", "meaning_folded")):
            table.setdefault(term, []).append(meaning)
        cache.set(SYNONYMS_CACHE_KEY, table, SYNONYMS_CACHE_SECONDS)
    return table


# The longest synonym phrase looked for in a query, in words ("qsd dat", "so do").
_PHRASE_WORDS = 3


def search_terms(q: str) -> list[list[str]]:
    """The folded query as groups of alternatives, each group to be found in the text.

    "cấp đổi CCCD" -> [["cap"], ["doi"], ["cccd", "can cuoc cong dan", "the can cuoc", …]].
    Phrases of the synonym table are matched first, longest first; one query reads the
    meanings of the words and phrases present.
    """
    words = fold(q or "").split()
    if not words:
        return []
    candidates = {" ".join(words[i:i + n]) for n in range(1, _PHRASE_WORDS + 1)
                  for i in range(len(words) - n + 1)}
    table = synonyms()
    meanings = {c: table[c] for c in candidates if c in table}
    groups: list[list[str]] = []
    i = 0
    while i < len(words):
        for n in range(min(_PHRASE_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i:i + n])
            if phrase in meanings or n == 1:
                groups.append([phrase, *meanings.get(phrase, [])])
                i += n
                break
    return groups


def procedure_detail(*, code: str) -> ProcedureVersion | None:
    """The version in force of one procedure with everything a detail page shows."""
    return (
        current_versions()
        .filter(procedure__code=code)
        .select_related("procedure", "field", "agency")
        .prefetch_related(
            "documents",
            "fees",
            Prefetch("steps", queryset=ProcessStep.objects.select_related("unit")),
            Prefetch("receiving_units", queryset=Unit.objects.order_by("code")),
        )
        .first()
    )


def fields_with_counts(*, only_used: bool = False) -> QuerySet[Field]:
    """Fields with ``procedure_count``, the number of procedures in force in each."""
    qs = Field.objects.annotate(
        procedure_count=Count("versions", filter=Q(versions__status=VersionStatus.PUBLISHED))
    ).order_by("order", "name")
    if only_used:
        qs = qs.filter(procedure_count__gt=0)
    return qs


def agencies_with_counts() -> QuerySet[Unit]:
    """Agencies (cơ quan thực hiện) having procedures in force, with ``procedure_count``."""
    return (
        Unit.objects.annotate(
            procedure_count=Count(
                "procedure_versions",
                filter=Q(procedure_versions__status=VersionStatus.PUBLISHED),
            )
        )
        .filter(procedure_count__gt=0)
        .order_by("code")
    )


def units_public(*, kind: str | None = None, level: str | None = None) -> QuerySet[Unit]:
    """Active units for the public list, with ``parent_code``."""
    qs = Unit.objects.filter(is_active=True).annotate(parent_code=F("parent__code"))
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("code")


def catalog_records() -> tuple[list[FieldRecord], list[ProcedureRecord]]:
    """Every field and the version in force of every procedure, in the exchange form."""
    fields = [
        FieldRecord(code=f["code"], name=f["name"], order=f["order"])
        for f in Field.objects.order_by("order", "code").values("code", "name", "order")
    ]
    versions = (
        current_versions()
        .select_related(*VERSION_SELECT)
        .prefetch_related(*VERSION_PREFETCH)
        .order_by("procedure__code")
    )
    return fields, [ProcedureRecord.from_version(v) for v in versions]
