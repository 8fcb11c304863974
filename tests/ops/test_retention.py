"""Retention: plan lists, apply anonymises and deletes with one audit event; the audit log
still verifies and a past year's official report is unchanged."""

import datetime as dt
import json

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Dossier
from motcua.ops.models import RetentionRule
from motcua.ops.retention import ANONYMISED, retention_apply, retention_plan
from motcua.reports.aggregates import ledger_rebuild
from motcua.reports.engine import end_of_day, official_report
from tests.dossiers.conftest import APPLICANT
from tests.factories import vn

pytestmark = pytest.mark.django_db
YEAR_2026 = dict(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 12, 31),
                 as_of=end_of_day(dt.date(2026, 12, 31)))


def figures(**kw) -> dict:
    data = official_report(**YEAR_2026, **kw).to_dict()
    for key in ("generated_at", "method"):
        data.pop(key, None)
    return data


def test_plan_then_apply(bring, settings, django_capture_on_commit_callbacks):
    settings.MOTCUA_RETENTION_PERSONAL_YEARS = 5
    settings.MOTCUA_RETENTION_FILES_YEARS = 3
    returned = bring("returned")          # closed in March 2026, has a result file
    open_dossier = bring("appraising")    # not closed: never touched
    result_name = returned.result_file.name
    assert default_storage.exists(result_name)
    ledger_rebuild()
    before = {by: {m: figures(by=by, method=m) for m in ("exact", "aggregate")}
              for by in ("agency", "field")}

    # 2028: nothing due yet.
    assert retention_plan(now=vn(2028, 1, 1)).empty
    # 2029-06: files due (3 years), personal data not yet (5 years).
    plan = retention_plan(now=vn(2029, 6, 1))
    assert plan.anonymise == [] and [(d.pk, n) for d, n in plan.files] == [
        (returned.pk, [result_name])]
    # 2031-06: both; a field's own rule overrides the default.
    RetentionRule.objects.create(field=returned.field, personal_data_years=10,
                                 files_years=10)
    assert retention_plan(now=vn(2031, 6, 1)).empty
    RetentionRule.objects.all().delete()
    plan = retention_plan(now=vn(2031, 6, 1))
    assert [d.pk for d in plan.anonymise] == [returned.pk]

    events = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        retention_apply(actor=None, now=vn(2031, 6, 1))
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.order_by("-gseq").first()
    assert event.event_type == "retention.applied"
    assert event.data["anonymised"] == [returned.code]
    returned.refresh_from_db()
    assert returned.applicant_name == ANONYMISED
    assert returned.applicant_id_number == "" and returned.applicant_phone == ""
    assert returned.applicant_birth_date is None and returned.returned_to == ""
    assert not returned.result_file and not default_storage.exists(result_name)
    assert returned.status == "returned" and returned.code
    open_dossier.refresh_from_db()
    assert open_dossier.applicant_name == APPLICANT["name"]
    # Idempotent: nothing left to do.
    assert retention_plan(now=vn(2031, 6, 1)).empty

    # The audit log verifies, and holds none of the removed personal data.
    call_command("audit_verify")
    dumped = json.dumps([e.data for e in AuditEvent.objects.filter(dossier=returned)],
                        ensure_ascii=False, default=str)
    for value in (APPLICANT["name"], APPLICANT["id_number"], APPLICANT["phone"],
                  APPLICANT["email"], APPLICANT["address"]):
        assert value not in dumped

    # The past year's official report is unchanged on both paths, before and after a rebuild.
    after = {by: {m: figures(by=by, method=m) for m in ("exact", "aggregate")}
             for by in ("agency", "field")}
    assert after == before
    ledger_rebuild()
    assert {by: {m: figures(by=by, method=m) for m in ("exact", "aggregate")}
            for by in ("agency", "field")} == before


def test_commands(bring, settings, capsys):
    from django.core.management.base import CommandError

    settings.MOTCUA_RETENTION_PERSONAL_YEARS = 1
    settings.MOTCUA_RETENTION_FILES_YEARS = 1
    bring("returned")
    bring("withdrawn")
    call_command("retention_plan")
    assert "Tổng: 0 hồ sơ" in capsys.readouterr().out  # closed in March 2026: not yet
    call_command("retention_plan", "--as-of", "01/06/2027")
    out = capsys.readouterr().out
    assert "2 hồ sơ ẩn danh" in out
    assert Dossier.objects.filter(applicant_name=ANONYMISED).count() == 0
    with pytest.raises(CommandError, match="--yes"):
        call_command("retention_apply")
    call_command("retention_apply", "--yes", "--as-of", "01/06/2027")
    assert Dossier.objects.filter(applicant_name=ANONYMISED).count() == 2


def test_one_default_rule_only():
    from django.db import IntegrityError, transaction

    RetentionRule.objects.create(personal_data_years=5, files_years=5)
    with pytest.raises(IntegrityError), transaction.atomic():
        RetentionRule.objects.create(personal_data_years=5, files_years=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        RetentionRule.objects.create(personal_data_years=0, files_years=7, basis="x")
