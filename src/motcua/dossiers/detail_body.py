"""The dossier detail answer of the API, written by hand (chi tiết hồ sơ).

``DossierDetailSerializer`` / ``DossierDeliverySerializer`` (``serializers.py``) stay the
schema (OpenAPI) and the reference; this module builds the same dicts without DRF's per-field
machinery, which was about a quarter of a staff lookup's time (``docs/performance.md``): ~40
fields, each looked up by its ``source`` path, wrapped, checked for ``None`` and converted, plus
two nested list serializers. Each value is converted by the same DRF field class the serializer
declares (``DateTimeField``, ``DecimalField``), so the output is identical;
``tests/dossiers/test_detail_body.py`` checks that for every status of a dossier's life, for
both shapes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import get_language
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from motcua.dossiers import permissions
from motcua.dossiers.models import Dossier, overdue
from motcua.dossiers.states import Status

_datetime = serializers.DateTimeField(allow_null=True)
_hours = serializers.DecimalField(max_digits=7, decimal_places=2)


def _dt(value):
    return None if value is None else _datetime.to_representation(value)


def _clock():
    """``_dt`` for one body: DRF's ``DateTimeField.to_representation`` (ISO 8601 in the current
    time zone, ``Z`` for UTC) with the time zone looked up once instead of for each of the
    body's ~20 dates (tests/dossiers/test_detail_body.py compares the two)."""
    fmt = api_settings.DATETIME_FORMAT
    if not settings.USE_TZ or not isinstance(fmt, str) or fmt.lower() != ISO_8601:
        return _dt
    tz = timezone.get_current_timezone()

    def represent(value):
        if value is None:
            return None
        if value.tzinfo is None:
            return _dt(value)
        text = value.astimezone(tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return represent


def _str(value):
    return None if value is None else str(value)


def _int(value):
    return None if value is None else int(value)


def _status(value):
    # ChoiceField.to_representation: the stored value (a known status) as it is.
    return None if value is None else str(value)


# A status's label per language: ``str(Status(s).label)`` is an enum lookup and a lazy
# gettext (~35 Python calls) for a text that only changes with the language's catalog.
_LABELS: dict[tuple[str, str | None], str] = {}


@receiver(setting_changed)
def _forget_labels(*, setting, **kwargs):
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "INSTALLED_APPS"):
        _LABELS.clear()


def status_label(status) -> str:
    """``str(Status(status).label)`` in the active language (ValueError for an unknown one)."""
    key = (status, get_language())
    text = _LABELS.get(key)
    if text is None:
        text = _LABELS[key] = str(Status(status).label)
    return text


def _list_part(*, code, status, national_status, procedure, procedure_name, field,
               receiving_unit, competent_unit, current_unit, applicant_name, channel,
               received_at, due_at, overdue_now, when, label) -> dict:
    """``DossierListSerializer``'s fields, in its order: a row of the API list and the head of
    the detail (one owner of the list's shape). ``label``: ``status_label(status)``, which a
    page looks up once per status.

    The conversions are ``_str``, ``_int`` and ``_status`` written out: called for fifty rows
    they were a dozen calls a row (docs/performance.md, "Worklists, round five")."""
    return {
        "code": None if code is None else str(code),
        "status": None if status is None else str(status),
        "status_label": label,
        "national_status": None if national_status is None else int(national_status),
        "procedure": None if procedure is None else str(procedure),
        "procedure_name": None if procedure_name is None else str(procedure_name),
        "field": None if field is None else str(field),
        "receiving_unit": None if receiving_unit is None else str(receiving_unit),
        "competent_unit": None if competent_unit is None else str(competent_unit),
        "current_unit": None if current_unit is None else str(current_unit),
        "applicant_name": None if applicant_name is None else str(applicant_name),
        "channel": None if channel is None else int(channel),
        "received_at": when(received_at),
        "due_at": when(due_at),
        "overdue": overdue_now,
    }


def list_row_values(r) -> dict:
    """``DossierListSerializer(d).data`` from a ``selectors.ListRow`` (the API list's page)."""
    return list_page_values([r])[0]


def list_page_values(rows, now: dt.datetime | None = None) -> list[dict]:
    """``[DossierListSerializer(d).data for d in page]`` from ``selectors.ListRow`` values,
    overdue at ``now`` (default: the time of the call).

    The clock (time zone), the time of day and the language are looked up once for the page,
    not once per row: per row they were a third of building a fifty-row page (asgiref's
    ``Local`` behind each, docs/performance.md, "Worklists, round five"). One ``now`` for the
    page also answers "overdue" for every row at the same instant."""
    when = _clock()
    now = now or timezone.now()
    labels: dict = {}
    out = []
    for r in rows:
        status = r.status
        label = labels.get(status)
        if label is None:
            label = labels[status] = status_label(status)
        out.append(_list_part(
            code=r.code, status=status, national_status=r.national_status,
            procedure=r.procedure, procedure_name=r.procedure_name, field=r.field,
            receiving_unit=r.receiving_unit, competent_unit=r.competent_unit,
            current_unit=r.current_unit, applicant_name=r.applicant_name, channel=r.channel,
            received_at=r.received_at, due_at=r.due_at,
            overdue_now=overdue(status, r.due_at, now), when=when, label=label))
    return out


class Step(NamedTuple):
    """A step as the detail shows it (``DossierStep`` with its unit's code)."""

    id: int
    order: int
    name: str
    role: str
    unit_id: int
    unit: str | None
    hours: Decimal
    started_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    outcome: str


class Change(NamedTuple):
    """A history row as the detail shows it (``StatusChange`` with its actor's username)."""

    id: int
    at: dt.datetime
    action: str
    from_status: str
    to_status: str
    actor: str | None
    reason: str
    due_at: dt.datetime | None


class Document(NamedTuple):
    id: int
    name: str
    provided_as: str
    copies: int


@dataclass(slots=True)
class DetailRecord:
    """Everything the detail shows of one dossier: the dossier row (a ``Dossier`` with the
    columns shown loaded), the codes and names of its related rows, its steps, history and
    documents. Read in one statement by ``access.detail_read``, or taken from a dossier loaded
    with its related rows (``record_of``)."""

    dossier: Dossier
    procedure: str | None
    procedure_name: str | None
    field: str | None
    receiving_unit: str | None
    competent_unit: str | None
    current_unit: str | None
    holder: str | None
    steps: list[Step]
    history: list[Change]
    documents: list[Document]
    # The change counter read with the row (``accounts.tokens``), when read by ``detail_read``.
    generation: int | None = None

    def unit_ids(self) -> set[int]:
        """``permissions.dossier_unit_ids`` from the rows in hand: no query."""
        d = self.dossier
        return {d.receiving_unit_id, d.competent_unit_id, d.current_unit_id,
                *(s.unit_id for s in self.steps)}


def _code(obj, attr: str):
    return None if obj is None else _str(getattr(obj, attr))


def record_of(d: Dossier) -> DetailRecord:
    """The record of a dossier loaded with its related rows, steps, history and documents
    (intake's answer: the rows just written)."""
    version = d.procedure_version
    return DetailRecord(
        dossier=d, procedure=_str(version.procedure.code), procedure_name=_str(version.name),
        field=_code(d.field, "code"), receiving_unit=_code(d.receiving_unit, "code"),
        competent_unit=_code(d.competent_unit, "code"),
        current_unit=_code(d.current_unit, "code"), holder=_code(d.holder, "username"),
        steps=[Step(s.pk, s.order, s.name, s.role, s.unit_id, _code(s.unit, "code"), s.hours,
                    s.started_at, s.due_at, s.finished_at, s.outcome) for s in d.steps.all()],
        history=[Change(c.pk, c.at, c.action, c.from_status, c.to_status,
                        _code(c.actor, "username"), c.reason, c.due_at)
                 for c in d.status_changes.all()],
        documents=[Document(doc.pk, doc.name, doc.provided_as, doc.copies)
                   for doc in d.documents.all()],
    )


def full(user, r: DetailRecord) -> dict:
    """``DossierDetailSerializer(d).data``."""
    d = r.dossier
    when = _clock()
    return {
        # DossierListSerializer's fields first, in its order.
        **_list_part(
            code=d.code, status=d.status, national_status=d.national_status,
            procedure=r.procedure, procedure_name=r.procedure_name, field=r.field,
            receiving_unit=r.receiving_unit, competent_unit=r.competent_unit,
            current_unit=r.current_unit, applicant_name=d.applicant_name, channel=d.channel,
            received_at=d.received_at, due_at=d.due_at, overdue_now=d.is_overdue(), when=when,
            label=status_label(d.status)),
        "view": "full",
        "holder": _str(r.holder),
        "original_due_at": when(d.original_due_at),
        "rescheduled_due_at": when(d.rescheduled_due_at),
        "finished_at": when(d.finished_at),
        "returned_at": when(d.returned_at),
        "applicant": {
            "kind": d.applicant_kind, "name": d.applicant_name,
            "id_number": d.applicant_id_number, "legacy_id": d.applicant_legacy_id,
            "birth_date": d.applicant_birth_date, "gender": d.applicant_gender,
            "address": d.applicant_address, "phone": d.applicant_phone,
            "email": d.applicant_email, "tax_code": d.organisation_tax_code,
            "representative_name": d.representative_name,
        },
        "documents": [
            {"name": doc.name, "provided_as": doc.provided_as, "copies": doc.copies}
            for doc in r.documents
        ],
        "delivery_method": _str(d.delivery_method),
        "delivery_address": _str(d.delivery_address),
        "fee_total": _int(d.fee_total),
        "supplement_count": _int(d.supplement_count),
        "result_signed": None if d.result_signed is None else bool(d.result_signed),
        "refusal_reason": _str(d.refusal_reason),
        "steps": [
            {
                "order": _int(s.order), "name": _str(s.name), "role": _str(s.role),
                "unit": _str(s.unit),
                "hours": None if s.hours is None else _hours.to_representation(s.hours),
                "started_at": when(s.started_at), "due_at": when(s.due_at),
                "finished_at": when(s.finished_at), "outcome": _str(s.outcome),
            }
            for s in r.steps
        ],
        "history": [
            {
                "at": when(c.at), "action": _str(c.action), "from_status": _str(c.from_status),
                "to_status": _str(c.to_status), "actor": _str(c.actor),
                "reason": _str(c.reason), "due_at": when(c.due_at),
            }
            for c in r.history
        ],
        "allowed_actions": permissions.allowed_actions(user, d),
    }


def delivery(user, r: DetailRecord) -> dict:
    """``DossierDeliverySerializer(d).data``."""
    d = r.dossier
    when = _clock()
    return {
        "view": "delivery",
        "code": _str(d.code),
        "status": _status(d.status),
        "status_label": status_label(d.status),
        "national_status": _int(d.national_status),
        "procedure": _str(r.procedure),
        "procedure_name": _str(r.procedure_name),
        "receiving_unit": _str(r.receiving_unit),
        "competent_unit": _str(r.competent_unit),
        "current_unit": _str(r.current_unit),
        "applicant_name": _str(d.applicant_name),
        "delivery_method": _str(d.delivery_method),
        "delivery_address": _str(d.delivery_address),
        "due_at": when(d.due_at),
        "returned_at": when(d.returned_at),
        "allowed_actions": permissions.allowed_actions(user, d),
    }


def record_body(user, r: DetailRecord, unit_ids: set[int] | None = None) -> dict:
    """The detail ``user`` may see of the dossier of ``r`` (``serializers.detail_serializer``'s
    choice): the full shape, or the delivery data only."""
    d = r.dossier
    if permissions.can_view_personal_data(user, d, r.unit_ids() if unit_ids is None else unit_ids):
        return full(user, r)
    return delivery(user, r)


def detail_body(user, dossier: Dossier, unit_ids: set[int] | None = None) -> dict:
    """``record_body`` of a dossier loaded with its related rows and children."""
    return record_body(user, record_of(dossier), unit_ids)
