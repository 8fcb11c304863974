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

from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from motcua.dossiers import permissions
from motcua.dossiers.models import Dossier, overdue
from motcua.dossiers.states import Status

_datetime = serializers.DateTimeField(allow_null=True)
_hours = serializers.DecimalField(max_digits=7, decimal_places=2)


def _dt(value):
    return None if value is None else _datetime.to_representation(value)


def _dt_row(value):
    """``_dt`` for the list's rows: an aware datetime in ISO 8601 written directly, as DRF's
    ``DateTimeField`` writes it (in the current time zone, ``Z`` for UTC); anything else
    through the field (its per-call settings lookups were a tenth of a list request)."""
    if value is None:
        return None
    if value.tzinfo is None or api_settings.DATETIME_FORMAT.lower() != ISO_8601:
        return _datetime.to_representation(value)
    text = value.astimezone(timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _str(value):
    return None if value is None else str(value)


def _int(value):
    return None if value is None else int(value)


def _status(value):
    # ChoiceField.to_representation: the stored value (a known status) as it is.
    return None if value is None else str(value)


def _related(obj, name: str, attr: str):
    related = getattr(obj, name)
    return None if related is None else _str(getattr(related, attr))


def list_row(d: Dossier) -> dict:
    """``DossierListSerializer(d).data``: one row of the API's dossier list (a 50-row page
    through DRF's per-field machinery was a third of the list request's CPU time)."""
    version = d.procedure_version
    return {
        "code": _str(d.code),
        "status": _status(d.status),
        "status_label": str(Status(d.status).label),
        "national_status": _int(d.national_status),
        "procedure": _str(version.procedure.code),
        "procedure_name": _str(version.name),
        "field": _related(d, "field", "code"),
        "receiving_unit": _related(d, "receiving_unit", "code"),
        "competent_unit": _related(d, "competent_unit", "code"),
        "current_unit": _related(d, "current_unit", "code"),
        "applicant_name": _str(d.applicant_name),
        "channel": _int(d.channel),
        "received_at": _dt(d.received_at),
        "due_at": _dt(d.due_at),
        "overdue": d.is_overdue(),
    }


def list_row_values(r) -> dict:
    """``DossierListSerializer(d).data`` from a ``selectors.ListRow`` (the API list's page)."""
    return {
        "code": _str(r.code),
        "status": _status(r.status),
        "status_label": str(Status(r.status).label),
        "national_status": _int(r.national_status),
        "procedure": _str(r.procedure),
        "procedure_name": _str(r.procedure_name),
        "field": _str(r.field),
        "receiving_unit": _str(r.receiving_unit),
        "competent_unit": _str(r.competent_unit),
        "current_unit": _str(r.current_unit),
        "applicant_name": _str(r.applicant_name),
        "channel": _int(r.channel),
        "received_at": _dt_row(r.received_at),
        "due_at": _dt_row(r.due_at),
        "overdue": overdue(r.status, r.due_at),
    }


def full(user, d: Dossier) -> dict:
    """``DossierDetailSerializer(d).data``."""
    body = list_row(d)
    holder = d.holder
    body.update({
        "view": "full",
        "holder": None if holder is None else _str(holder.username),
        "original_due_at": _dt(d.original_due_at),
        "rescheduled_due_at": _dt(d.rescheduled_due_at),
        "finished_at": _dt(d.finished_at),
        "returned_at": _dt(d.returned_at),
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
            for doc in d.documents.all()
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
                "unit": None if s.unit is None else _str(s.unit.code),
                "hours": None if s.hours is None else _hours.to_representation(s.hours),
                "started_at": _dt(s.started_at), "due_at": _dt(s.due_at),
                "finished_at": _dt(s.finished_at), "outcome": _str(s.outcome),
            }
            for s in d.steps.all()
        ],
        "history": [
            {
                "at": _dt(c.at), "action": _str(c.action), "from_status": _str(c.from_status),
                "to_status": _str(c.to_status),
                "actor": None if c.actor is None else _str(c.actor.username),
                "reason": _str(c.reason), "due_at": _dt(c.due_at),
            }
            for c in d.status_changes.all()
        ],
        "allowed_actions": permissions.allowed_actions(user, d),
    })
    return body


def delivery(user, d: Dossier) -> dict:
    """``DossierDeliverySerializer(d).data``."""
    version = d.procedure_version
    return {
        "view": "delivery",
        "code": _str(d.code),
        "status": _status(d.status),
        "status_label": str(Status(d.status).label),
        "national_status": _int(d.national_status),
        "procedure": _str(version.procedure.code),
        "procedure_name": _str(version.name),
        "receiving_unit": _related(d, "receiving_unit", "code"),
        "competent_unit": _related(d, "competent_unit", "code"),
        "current_unit": _related(d, "current_unit", "code"),
        "applicant_name": _str(d.applicant_name),
        "delivery_method": _str(d.delivery_method),
        "delivery_address": _str(d.delivery_address),
        "due_at": _dt(d.due_at),
        "returned_at": _dt(d.returned_at),
        "allowed_actions": permissions.allowed_actions(user, d),
    }


def detail_body(user, dossier: Dossier, unit_ids: set[int] | None = None) -> dict:
    """The detail ``user`` may see of ``dossier`` (``serializers.detail_serializer``'s choice):
    the full shape, or the delivery data only."""
    if permissions.can_view_personal_data(user, dossier, unit_ids):
        return full(user, dossier)
    return delivery(user, dossier)
