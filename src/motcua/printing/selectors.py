"""Reads for printing: the rows of the tracking register (Sổ theo dõi hồ sơ, Mẫu 07)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Status
from motcua.org.models import Unit

REGISTER_FIELDS = (
    "id",
    "code",
    "procedure_version__name",
    "applicant_name",
    "applicant_address",
    "applicant_phone",
    "competent_unit__name",
    "received_at",
    "due_at",
    "original_due_at",
    "rescheduled_due_at",
    "returned_at",
    "delivery_method",
    "returned_to",
)


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def register_rows(*, unit: Unit, start: dt.date, end: dt.date, field=None) -> list[dict]:
    """Dossiers received by ``unit`` from ``start`` to ``end`` (inclusive, Vietnam dates),
    oldest first, optionally of one field (lĩnh vực): one query, plain dicts.

    The register is kept by the one-stop unit that received the dossier; dossiers refused at
    the counter were never received and are not entered in it.
    """
    rows = (
        Dossier.objects.filter(
            receiving_unit=unit,
            received_at__gte=_day_start(start),
            received_at__lt=_day_start(end + dt.timedelta(days=1)),
        )
        .exclude(status=Status.REFUSED_AT_RECEPTION)
        .order_by("received_at", "id")
    )
    if field is not None:
        rows = rows.filter(field=field)
    return list(rows.values(*REGISTER_FIELDS))


def register_entries(dossier_ids: list[int]) -> dict[int, tuple[int, int]]:
    """{dossier id: (year, entry number)} of the dossiers already entered in their unit's
    tracking register (when their receipt was issued), in one query."""
    from motcua.printing.models import REGISTER_SERIES, IssuedNumber

    subjects = {f"dossier:{pk}": pk for pk in dossier_ids}
    rows = IssuedNumber.objects.filter(series=REGISTER_SERIES, subject__in=list(subjects))
    return {
        subjects[subject]: (year, number)
        for subject, year, number in rows.values_list("subject", "year", "number")
    }
