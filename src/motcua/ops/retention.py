"""Retention of personal data (lưu giữ và xóa dữ liệu cá nhân): plan and apply.

``retention_plan`` lists closed dossiers whose personal data or files have outlived their
field's rule (``ops.RetentionRule``; default ``MOTCUA_RETENTION_PERSONAL_YEARS`` /
``MOTCUA_RETENTION_FILES_YEARS``). ``retention_apply`` does it in one transaction with one audit
event, and deletes the files from storage only after the commit.

What anonymising keeps and why (docs/operations.md, "Retention"):

* The dossier row stays with its code, procedure, units, dates, status, fees and applicant
  kind: the official reports and the ledger count dossiers by those, never by the applicant, so
  a past period's report is unchanged (tests/ops/test_retention.py).
* The audit log is append-only (database triggers, ``core.dbrules``) and MAC-chained: its rows
  are never rewritten. They hold codes, statuses and officers, not the applicant's name,
  number, address or contacts, so nothing in them must be removed; the test checks that no
  event of an anonymised dossier still carries the applicant's personal data. The retention
  event itself names dossier codes only.
* Free texts an officer wrote about the case (``notes``, ``returned_to``, addresses) are
  cleared with the applicant fields, since they may name people.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.catalog.models import Field
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.states import FINAL
from motcua.ops.models import RetentionRule

ANONYMISED = "[đã ẩn danh]"
# Applicant fields and what they become.
PERSONAL_FIELDS: dict[str, object] = {
    "applicant_name": ANONYMISED,
    "applicant_name_folded": "",
    "applicant_id_number": "",
    "applicant_legacy_id": "",
    "applicant_birth_date": None,
    "applicant_gender": "",
    "applicant_address": "",
    "applicant_phone": "",
    "applicant_email": "",
    "representative_name": "",
    "authorised_by": "",
    "delivery_address": "",
    "returned_to": "",
    "notes": "",
}
EVENT = "retention.applied"


@dataclass(frozen=True)
class Rule:
    personal_data_years: int
    files_years: int


@dataclass
class Plan:
    as_of: dt.datetime
    anonymise: list[Dossier] = field(default_factory=list)
    # (dossier, names of stored files to delete)
    files: list[tuple[Dossier, list[str]]] = field(default_factory=list)

    @property
    def file_count(self) -> int:
        return sum(len(names) for _, names in self.files)

    @property
    def empty(self) -> bool:
        return not self.anonymise and not self.files


def _years_before(moment: dt.datetime, years: int) -> dt.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def rules() -> tuple[Rule, dict[int, Rule]]:
    """(default rule, {field id: rule})."""
    default = Rule(settings.MOTCUA_RETENTION_PERSONAL_YEARS, settings.MOTCUA_RETENTION_FILES_YEARS)
    by_field: dict[int, Rule] = {}
    for row in RetentionRule.objects.all():
        rule = Rule(row.personal_data_years, row.files_years)
        if row.field_id is None:
            default = rule
        else:
            by_field[row.field_id] = rule
    return default, by_field


def _closed_before(cutoffs: dict[int | None, dt.datetime], default_cutoff: dt.datetime) -> Q:
    """Dossiers closed before their field's cutoff."""
    specific = [fid for fid in cutoffs if fid is not None]
    condition = Q(closed_at__lt=default_cutoff) & ~Q(field_id__in=specific)
    for fid in specific:
        condition |= Q(field_id=fid, closed_at__lt=cutoffs[fid])
    return condition


def retention_plan(*, now: dt.datetime | None = None) -> Plan:
    now = now or timezone.now()
    default, by_field = rules()
    closed = Dossier.objects.filter(status__in=FINAL).annotate(
        closed_at=Coalesce("returned_at", "finished_at", "received_at", "created_at"))
    personal_cutoffs: dict[int | None, dt.datetime] = {
        fid: _years_before(now, rule.personal_data_years) for fid, rule in by_field.items()}
    files_cutoffs: dict[int | None, dt.datetime] = {
        fid: _years_before(now, rule.files_years) for fid, rule in by_field.items()}
    plan = Plan(as_of=now)
    plan.anonymise = list(
        closed.filter(_closed_before(personal_cutoffs,
                                     _years_before(now, default.personal_data_years)))
        .exclude(applicant_name=ANONYMISED).order_by("closed_at", "pk"))
    expired = closed.filter(_closed_before(files_cutoffs,
                                           _years_before(now, default.files_years)))
    documents: dict[int, list[str]] = {}
    for dossier_id, name in (DossierDocument.objects.filter(dossier__in=expired.values("pk"))
                             .exclude(file="").values_list("dossier_id", "file")):
        documents.setdefault(dossier_id, []).append(name)
    for dossier in expired.filter(Q(pk__in=list(documents)) | ~Q(result_file="")
                                  ).order_by("closed_at", "pk"):
        names = list(documents.get(dossier.pk, []))
        if dossier.result_file.name:
            names.append(dossier.result_file.name)
        plan.files.append((dossier, names))
    return plan


def retention_apply(*, actor, now: dt.datetime | None = None, storage=None) -> Plan:
    """Anonymise and delete what the plan lists; one audit event (``retention.applied``)."""
    storage = storage or default_storage
    with transaction.atomic():
        plan = retention_plan(now=now)
        if plan.empty:
            return plan
        ids = [d.pk for d in plan.anonymise]
        # A bulk UPDATE, not Dossier.save(): the row's lock_version and updated_at say when the
        # case last changed, which anonymising does not (the audit event says it happened).
        Dossier.objects.filter(pk__in=ids).update(**PERSONAL_FIELDS)
        file_ids = [d.pk for d, _ in plan.files]
        DossierDocument.objects.filter(dossier_id__in=file_ids).exclude(file="").update(file="")
        Dossier.objects.filter(pk__in=file_ids).exclude(result_file="").update(result_file="")
        audit_record(actor=actor, event_type=EVENT, data={
            "as_of": plan.as_of.isoformat(),
            "anonymised": [d.code for d in plan.anonymise],
            "files_removed_from": [d.code for d, _ in plan.files],
            "file_count": plan.file_count,
        })
        names = [name for _, batch in plan.files for name in batch]
        # Deleted only once the rows no longer point at them: a rollback leaves both in place.
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
    return plan


def fields_without_rule() -> list[Field]:
    return list(Field.objects.filter(retention_rule__isnull=True).order_by("code"))
