"""Catalog and organisation admin: pages load, published versions are read-only, actions."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from motcua.catalog.models import Procedure, ProcedureVersion, VersionStatus
from motcua.org.models import CalendarOverride, Counter, Membership, Role, WorkSchedule
from tests.factories import CenterFactory, FieldFactory, UnitFactory, published_procedure, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "matkhau-123")
    client.force_login(user)
    return user


@pytest.fixture
def version():
    center = CenterFactory()
    version = published_procedure(agency=UnitFactory(), receiving_units=[center])
    counter = Counter.objects.create(center=center, number=1, name="Quầy Tư pháp")
    counter.fields.add(version.field)
    CalendarOverride.objects.create(date="2026-04-27", kind="day_off", name="Nghỉ bù")
    WorkSchedule.objects.create(unit=center, effective_from="2026-01-01")
    staff(Role.RECEPTIONIST, center, username="tiepnhan")
    return version


MODELS = [
    "catalog_field", "catalog_procedure", "catalog_procedureversion", "org_unit", "org_counter",
    "org_calendaroverride", "org_workschedule", "auth_user",
]


@pytest.mark.parametrize("model", MODELS)
def test_changelists_and_add_pages_load_for_a_superuser(client, superuser, version, model):
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{model}_add")).status_code == 200


@pytest.mark.parametrize(
    "model", ["catalog_field", "catalog_procedureversion", "org_unit", "org_counter"]
)
def test_changelist_search_works(client, superuser, version, model):
    response = client.get(reverse(f"admin:{model}_changelist"), {"q": "ư"})
    assert response.status_code == 200


def test_change_pages_load(client, superuser, version):
    counter = Counter.objects.get()
    for url in (
        reverse("admin:catalog_procedure_change", args=[version.procedure.pk]),
        reverse("admin:org_unit_change", args=[counter.center.pk]),
        reverse("admin:org_counter_change", args=[counter.pk]),
    ):
        assert client.get(url).status_code == 200, url
    counter_page = client.get(reverse("admin:org_counter_change", args=[counter.pk]))
    assert b"selectfilter" in counter_page.content  # filter_horizontal for the fields


def test_user_admin_shows_memberships_inline(client, superuser, version):
    user = get_user_model().objects.get(username="tiepnhan")
    response = client.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert response.status_code == 200
    assert b"memberships-TOTAL_FORMS" in response.content
    assert "Cán bộ tiếp nhận".encode() in response.content


def test_published_version_is_read_only(client, superuser, version):
    url = reverse("admin:catalog_procedureversion_change", args=[version.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert b'name="_save"' not in response.content
    assert b'name="documents-0-name"' not in response.content
    assert b'name="name"' not in response.content

    response = client.post(url, {"name": "Sửa trái phép"})
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.name == "Cấp giấy phép xây dựng"


def test_draft_version_is_editable(client, superuser, version):
    url = reverse("admin:catalog_procedureversion_changelist")
    client.post(url, {"action": "make_new_draft", "_selected_action": [version.pk]})
    draft = ProcedureVersion.objects.get(status=VersionStatus.DRAFT)
    response = client.get(reverse("admin:catalog_procedureversion_change", args=[draft.pk]))
    assert response.context["has_change_permission"] is True
    assert b'name="_save"' in response.content
    assert b'name="documents-0-name"' in response.content


def test_actions_create_a_draft_then_publish_it(client, superuser, version):
    url = reverse("admin:catalog_procedureversion_changelist")
    response = client.post(
        url, {"action": "make_new_draft", "_selected_action": [version.pk]}, follow=True
    )
    assert "Đã tạo phiên bản dự thảo 2" in response.content.decode()
    draft = ProcedureVersion.objects.get(status=VersionStatus.DRAFT)
    assert draft.number == 2

    response = client.post(url, {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    assert "Đã công bố phiên bản 2" in response.content.decode()
    procedure = Procedure.objects.get()
    assert procedure.current_id == draft.pk
    version.refresh_from_db()
    assert version.status == VersionStatus.RETIRED


def test_publish_action_on_a_published_version_reports_an_error(client, superuser, version):
    url = reverse("admin:catalog_procedureversion_changelist")
    response = client.post(
        url, {"action": "publish", "_selected_action": [version.pk]}, follow=True
    )
    assert "chỉ công bố được phiên bản dự thảo" in response.content.decode()
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED


def test_new_draft_action_from_the_procedure_list(client, superuser, version):
    client.post(
        reverse("admin:catalog_procedure_changelist"),
        {"action": "make_new_draft", "_selected_action": [version.procedure.pk]},
    )
    assert version.procedure.versions.filter(status=VersionStatus.DRAFT).count() == 1


def test_staff_without_admin_rights_is_refused(client, version):
    user = get_user_model().objects.get(username="tiepnhan")
    client.force_login(user)
    response = client.get(reverse("admin:catalog_procedureversion_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    user.is_staff = True
    user.save()
    response = client.get(reverse("admin:catalog_procedureversion_changelist"))
    assert response.status_code == 403


def test_field_admin_counts_procedures_in_force(client, superuser, version):
    FieldFactory(code="TRONG", name="Lĩnh vực trống")
    response = client.get(reverse("admin:catalog_field_changelist"))
    rows = {f.code: f._in_force for f in response.context["cl"].result_list}
    assert rows == {version.field.code: 1, "TRONG": 0}
    assert Membership.objects.count() == 1


def test_adding_a_procedure_derives_national_and_local_codes(client, superuser):
    response = client.post(
        reverse("admin:catalog_procedure_add"),
        {"code": "1.014199.H05", "national_code": "", "local_code": "",
         "versions-TOTAL_FORMS": "0", "versions-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    procedure = Procedure.objects.get(code="1.014199.H05")
    assert (procedure.national_code, procedure.local_code) == ("1.014199", ".H05")
