"""Reads of the procedure catalog (tra cứu danh mục thủ tục)."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, Q, QuerySet

from motcua.catalog.models import (
    Field,
    ProcedureVersion,
    ProcessStep,
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
    thẻ căn cước", "dang ky" finds "Đăng ký"), and every word must occur. ``field`` and
    ``agency`` are codes or model instances.
    """
    qs = current_versions().select_related("procedure", "field", "agency")
    for word in fold(q or "").split():
        qs = qs.filter(search_text__contains=word)
    qs = _by_code(qs, "field", field)
    qs = _by_code(qs, "agency", agency)
    if level:
        qs = qs.filter(level=level)
    return qs.order_by("procedure__code")


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
