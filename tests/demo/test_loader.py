"""The demo loader: idempotent, complete, through the catalog importer."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from motcua.catalog.models import (
    Fee,
    Field,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    VersionStatus,
)
from motcua.demo import DEMO_PASSWORD, load_demo
from motcua.demo.convert import FIVE_ON_SITE
from motcua.demo.staff import STAFF
from motcua.org.models import Counter, Membership, Role, Unit, UnitKind

pytestmark = pytest.mark.django_db

MODELS = [Unit, Counter, Membership, get_user_model(), Field, ProcedureVersion,
          RequiredDocument, Fee, ProcessStep]


def _counts():
    return {m.__name__: m.objects.count() for m in MODELS}


def test_loading_twice_changes_nothing():
    first = load_demo()
    before = _counts()
    second = load_demo()
    assert _counts() == before
    assert first.created > 0
    assert (second.created, second.updated) == (0, 0)
    assert "không đổi 84" in second.catalog


def test_the_demo_province_is_complete():
    summary = load_demo()
    assert summary.agencies >= 12
    assert summary.procedures >= 60
    assert 3 <= summary.communes <= 5
    assert Unit.objects.filter(kind=UnitKind.COMMUNE_CENTER).count() == summary.communes

    province = Unit.objects.get(code="000.00.00.H15")
    center = Unit.objects.get(code="000.00.01.H15")
    assert center.name == "Trung tâm Phục vụ hành chính công tỉnh Đắk Lắk"
    assert center.supervisor == province
    assert set(Unit.objects.filter(kind=UnitKind.AGENCY).values_list("supervisor", flat=True)) == {
        province.pk
    }
    for name in ("Công an tỉnh Đắk Lắk", "Sở Xây dựng", "Sở Tư pháp",
                 "Văn phòng Đăng ký đất đai tỉnh Đắk Lắk"):
        assert Unit.objects.filter(name=name, kind=UnitKind.AGENCY).exists()
    # Every counter of the center serves at least one field.
    assert all(c.fields.exists() for c in Counter.objects.filter(center=center))


def test_every_role_has_a_demo_login():
    load_demo()
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    User = get_user_model()
    for spec in STAFF:
        user = User.objects.get(username=spec.username)
        assert user.check_password(DEMO_PASSWORD)
        assert Membership.objects.filter(user=user, role=spec.role).exists()
    assert User.objects.get(username="quantri").is_superuser
    receptionist = Membership.objects.get(user__username="tiepnhan1")
    assert receptionist.unit.kind == UnitKind.PROVINCIAL_CENTER
    assert receptionist.counter is not None and receptionist.counter.center == receptionist.unit
    assert Membership.objects.get(user__username="tiepnhan.bmt").unit.kind == (
        UnitKind.COMMUNE_CENTER
    )


def test_five_on_site_and_committed_limits_reach_the_catalog():
    load_demo()
    current = ProcedureVersion.objects.filter(
        status=VersionStatus.PUBLISHED, procedure__current__isnull=False
    )
    assert set(current.filter(five_on_site=True).values_list("procedure__code", flat=True)) == set(
        FIVE_ON_SITE
    )
    judicial = current.get(procedure__code="3.000333")
    assert (judicial.legal_time_value, judicial.time_value) == (10, 7)
    birth = current.get(procedure__code="1.001193")
    assert birth.legal_time_value is None and birth.time_value is None
    assert birth.receiving_units.filter(kind=UnitKind.COMMUNE_CENTER).count() == 4


def test_unit_codes_follow_the_province_setting(settings):
    settings.MOTCUA_PROVINCE_CODE = "000.00.00.H99"
    summary = load_demo()
    assert summary.province_code == "000.00.00.H99"
    assert Unit.objects.filter(code="000.00.01.H99", kind=UnitKind.PROVINCIAL_CENTER).exists()
    assert not Unit.objects.filter(code__endswith=".H15").exists()
    agencies = set(ProcedureVersion.objects.values_list("agency__code", flat=True))
    assert agencies and all(code.endswith(".H99") for code in agencies)


def test_demo_load_command_prints_a_summary():
    out = io.StringIO()
    call_command("demo_load", "--no-dossiers", stdout=out)
    assert "84 thủ tục" in out.getvalue()
    assert "sở, ban, ngành" in out.getvalue()


def test_demo_load_command_creates_dossiers_in_every_state_once():
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.states import Status

    call_command("demo_load", "--history", "40", stdout=io.StringIO())
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert set(Status.values) <= statuses
    assert Dossier.objects.filter(rescheduled_due_at__isnull=False).exists()
    from motcua.audit.services import audit_verify

    assert audit_verify() == []  # demo events are recorded in the past, in Vietnam time
    count = Dossier.objects.count()
    call_command("demo_load", "--history", "40", stdout=io.StringIO())
    assert Dossier.objects.count() == count


def test_runserver_demo_prints_the_logins_then_runs_the_server(monkeypatch):
    from django.core.management.commands.runserver import Command as Runserver

    calls = []
    monkeypatch.setattr(Runserver, "run", lambda self, **options: calls.append(options))
    out = io.StringIO()
    call_command("runserver_demo", "127.0.0.1:8765", "--skip-checks", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8765/" in text
    assert "http://127.0.0.1:8765/quan-tri/" in text
    assert DEMO_PASSWORD in text
    for spec in STAFF:
        assert spec.username in text
    assert "Cán bộ tiếp nhận" in text
    assert len(calls) == 1
