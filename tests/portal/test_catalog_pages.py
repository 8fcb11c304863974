"""Public catalog pages: home, list with search and filters, browse pages, procedure page."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone

from motcua.catalog.models import (
    DocumentForm,
    Fee,
    Procedure,
    ProcedureVersion,
    ProcessStep,
    RequiredDocument,
    StepRole,
    TimeUnit,
    VersionStatus,
)
from motcua.org.models import Level, UnitKind
from tests.factories import FieldFactory, UnitFactory, catalog_unfrozen, published_procedure

pytestmark = pytest.mark.django_db


def full_procedure(*, code, name, agency, field, receiving_units, **values) -> ProcedureVersion:
    """A published procedure with fees, documents and steps, built the way the importer does."""
    procedure = Procedure.objects.create(code=code, national_code=code[:8])
    documents = values.pop("documents", [])
    fees = values.pop("fees", [])
    steps = values.pop("steps", [])
    version = ProcedureVersion.objects.create(
        procedure=procedure, number=1, name=name, field=field, agency=agency, **values
    )
    version.receiving_units.set(receiving_units)
    for order, doc in enumerate(documents, start=1):
        RequiredDocument.objects.create(version=version, order=order, **doc)
    for fee in fees:
        Fee.objects.create(version=version, **fee)
    for order, (step_name, role, hours) in enumerate(steps, start=1):
        ProcessStep.objects.create(
            version=version, order=order, name=step_name, role=role, hours=Decimal(hours)
        )
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    procedure.current = version
    procedure.save(update_fields=["current"])
    return version


@pytest.fixture
def catalog(center):
    police = UnitFactory(code="000.00.20.H15", name="Công an tỉnh Đắk Lắk")
    building = UnitFactory(code="000.00.13.H15", name="Sở Xây dựng")
    commune = UnitFactory(code="000.00.41.H15", name="Ủy ban nhân dân phường Buôn Ma Thuột",
                          kind=UnitKind.COMMUNE, level=Level.COMMUNE)
    congan = FieldFactory(code="CONGAN", name="Công an", slug="cong-an")
    xaydung = FieldFactory(code="XAYDUNG", name="Xây dựng, bất động sản", slug="xay-dung")
    id_card = published_procedure(
        code="1.014063", name="Cấp đổi thẻ căn cước", agency=commune, field=congan,
        receiving_units=[center], time_value=7, level=Level.COMMUNE,
    )
    residence = published_procedure(
        code="1.004222", name="Đăng ký thường trú", agency=commune, field=congan,
        receiving_units=[center], time_value=7, level=Level.COMMUNE,
    )
    permit = full_procedure(
        code="1.013236", name="Cấp giấy phép xây dựng mới công trình cấp I", agency=building,
        field=xaydung, receiving_units=[center], level=Level.PROVINCE,
        legal_time_value=Decimal(20), legal_time_unit=TimeUnit.CALENDAR_DAYS,
        time_value=Decimal(15), time_unit=TimeUnit.CALENDAR_DAYS,
        time_note="Thời hạn cam kết cắt giảm (minh họa).",
        fee_text="Lệ phí 50.000 đồng/giấy phép", five_on_site=True, online_mode="partial",
        legal_basis="Luật Xây dựng 2014",
        documents=[
            {"name": "Đơn đề nghị cấp giấy phép xây dựng", "form": DocumentForm.ORIGINAL},
            {"name": "Bản vẽ thiết kế", "form": DocumentForm.COPY, "copies": 2},
            {"name": "Văn bản ủy quyền", "mandatory": False, "condition": "trường hợp ủy quyền"},
        ],
        fees=[{"name": "Lệ phí", "amount": 50000}],
        steps=[("Tiếp nhận hồ sơ", StepRole.RECEPTION, "4"),
               ("Thẩm định hồ sơ", StepRole.SPECIALIST, "100"),
               ("Phê duyệt", StepRole.LEADER, "0.5")],
    )
    return {"police": police, "building": building, "commune": commune, "congan": congan,
            "xaydung": xaydung, "id_card": id_card, "residence": residence, "permit": permit}


def _text(response) -> str:
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _results(response) -> list[str]:
    return [v.procedure.code for v in response.context["page"]]


def test_home_shows_search_fields_with_counts_and_agencies(client, catalog):
    response = client.get("/")
    assert response.status_code == 200
    text = _text(response)
    assert "Trung tâm Phục vụ hành chính công tỉnh Đắk Lắk" in text
    assert "01 Lê Duẩn" in text
    assert "Công an 2 thủ tục" in text
    assert "Xây dựng, bất động sản 1 thủ tục" in text
    assert "Sở Xây dựng 1 thủ tục" in text
    assert "Ủy ban nhân dân phường Buôn Ma Thuột 2 thủ tục" in text
    assert 'action="/thu-tuc/"' in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cap doi can cuoc", ["1.014063"]),
        ("Cấp đổi thẻ căn cước", ["1.014063"]),
        ("dang ky", ["1.004222"]),  # "đ" folds to "d"
        ("ĐĂNG KÝ", ["1.004222"]),
        ("1.013236", ["1.013236"]),
        ("khong co thu tuc nay", []),
    ],
)
def test_search_is_accent_insensitive(client, catalog, query, expected):
    response = client.get("/thu-tuc/", {"q": query})
    assert response.status_code == 200
    assert _results(response) == expected


def test_filters_by_field_agency_and_level(client, catalog):
    assert _results(client.get("/thu-tuc/", {"field": "XAYDUNG"})) == ["1.013236"]
    assert _results(client.get("/thu-tuc/", {"agency": "000.00.41.H15"})) == [
        "1.004222", "1.014063"
    ]
    assert _results(client.get("/thu-tuc/", {"level": "tinh"})) == ["1.013236"]
    assert _results(client.get("/thu-tuc/", {"level": "xa", "q": "can cuoc"})) == ["1.014063"]
    # An unknown level is ignored rather than emptying the list.
    assert len(_results(client.get("/thu-tuc/", {"level": "bogus"}))) == 3


def test_list_is_paginated(client, center):
    agency = UnitFactory(code="000.00.10.H15")
    field = FieldFactory()
    for n in range(25):
        published_procedure(code=f"1.{n + 200000:06d}", name=f"Thủ tục số {n}", agency=agency,
                            field=field)
    first = client.get("/thu-tuc/")
    second = client.get("/thu-tuc/", {"page": 2})
    assert len(first.context["page"]) == 20
    assert len(second.context["page"]) == 5
    assert "Trang 1/2" in _text(first)
    assert "Tìm thấy 25 thủ tục" in _text(first)


def test_field_and_agency_pages(client, catalog):
    field_page = client.get("/linh-vuc/cong-an/")
    assert field_page.status_code == 200
    assert "Lĩnh vực: Công an" in _text(field_page)
    assert _results(field_page) == ["1.004222", "1.014063"]
    agency_page = client.get("/co-quan/000.00.13.H15/")
    assert agency_page.status_code == 200
    assert "Sở Xây dựng" in _text(agency_page)
    assert _results(agency_page) == ["1.013236"]


def test_unknown_field_agency_and_procedure_are_404_in_vietnamese(client, catalog):
    for url, message in [
        ("/linh-vuc/khong-co/", "Không tìm thấy lĩnh vực"),
        ("/co-quan/999.99.99.H15/", "Không tìm thấy cơ quan"),
        ("/thu-tuc/9.999999/", "Không tìm thấy thủ tục"),
    ]:
        response = client.get(url)
        assert response.status_code == 404
        assert message in _text(response)


def test_unknown_page_uses_the_vietnamese_404(client, db):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in _text(response)


def test_procedure_page_shows_everything_a_citizen_needs(client, catalog):
    response = client.get("/thu-tuc/1.013236/")
    assert response.status_code == 200
    text = _text(response)
    for expected in [
        "Cấp giấy phép xây dựng mới công trình cấp I",
        "1.013236",
        "Xây dựng, bất động sản",
        "Sở Xây dựng",
        "Cấp tỉnh",
        "Thời hạn giải quyết theo quy định 20 ngày",
        "Thời hạn cam kết 15 ngày",
        "Lệ phí: 50.000 đồng",
        "Lệ phí 50.000 đồng/giấy phép",
        "Đơn đề nghị cấp giấy phép xây dựng Bản chính 1 Bắt buộc",
        "Bản vẽ thiết kế Bản sao 2 Bắt buộc",
        "Văn bản ủy quyền Bản chính hoặc bản sao 1 Theo trường hợp trường hợp ủy quyền",
        "Thẩm định hồ sơ Chuyên viên – Sở Xây dựng 100 giờ",
        "Phê duyệt Lãnh đạo – Sở Xây dựng 0,5 giờ",
        "Trung tâm Phục vụ hành chính công tỉnh Đắk Lắk – 01 Lê Duẩn",
        "Dịch vụ công trực tuyến: Một phần",
        "5 tại chỗ",
        "Luật Xây dựng 2014",
        "Phiên bản 1",
    ]:
        assert expected in text, expected


def test_working_days_are_spelled_out_and_no_badge_without_the_flag(client, catalog):
    text = _text(client.get("/thu-tuc/1.014063/"))
    assert "Thời hạn giải quyết theo quy định 7 ngày làm việc" in text
    assert "Thời hạn cam kết" not in text
    assert "5 tại chỗ" not in text
    assert "Dịch vụ công trực tuyến: Trực tiếp" in text


def test_a_procedure_without_a_published_version_is_not_shown(client, center):
    procedure = Procedure.objects.create(code="1.000999", national_code="1.000999")
    ProcedureVersion.objects.create(
        procedure=procedure, number=1, name="Thủ tục dự thảo", field=FieldFactory(),
        agency=UnitFactory(code="000.00.10.H15"), level=Level.PROVINCE,
    )
    assert client.get("/thu-tuc/1.000999/").status_code == 404
    assert "1.000999" not in _results(client.get("/thu-tuc/", {"q": "du thao"}))


def test_english_is_available_through_the_language_switch(client, catalog):
    assert "Cơ quan giải quyết" in _text(client.get("/"))
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
    text = _text(response)
    assert "Responsible agencies" in text
    assert "Công an 2 procedures" in text  # data stays as published
    detail = _text(client.get("/thu-tuc/1.014063/"))
    assert "Legal time limit" in detail
    assert "Required documents" in detail


def _with_catalog_notes(version):
    # As the importer writes them with the version; a published version is frozen in the
    # database, so the shared fixture's version gets them as an operator lifting it could.
    with catalog_unfrozen():
        ProcedureVersion.objects.filter(pk=version.pk).update(
            source="chatbot-tthc/chatbot_tthc@53229487610b:scripts/crawler/data/raw/x.json",
            note="Trang nguồn ghi thời hạn là '1' nhưng không ghi đơn vị.",
            legal_basis="Luật Xây dựng 2014\nQuyết định công bố TTHC số 56/QĐ-BXD",
        )


def test_citizens_see_no_crawler_source_nor_the_load_date(client, catalog):
    _with_catalog_notes(catalog["permit"])
    text = _text(client.get("/thu-tuc/1.013236/"))
    assert "chatbot-tthc" not in text and "Nguồn" not in text
    assert "không ghi đơn vị" not in text
    # The date the catalog was loaded is not a publication date; the announcing decision is.
    assert "công bố ngày" not in text and "đưa lên hệ thống" not in text
    assert "Quyết định công bố Quyết định công bố TTHC số 56/QĐ-BXD" in text
    # The one-stop step names its role once.
    assert "Tiếp nhận hồ sơ Bộ phận một cửa 4 giờ" in text
    assert "Bộ phận một cửa – Bộ phận một cửa" not in text


def test_staff_still_see_the_source_of_the_catalog_entry(client, catalog):
    from motcua.org.models import Role
    from tests.factories import staff

    _with_catalog_notes(catalog["permit"])
    client.force_login(staff(Role.RECEPTIONIST, catalog["building"]))
    text = _text(client.get("/thu-tuc/1.013236/"))
    assert "Nguồn: chatbot-tthc/" in text
    assert "không ghi đơn vị" in text
    assert "đưa lên hệ thống ngày" in text


def test_english_pages_translate_time_limits_hours_and_document_forms(client, catalog):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    permit = _text(client.get("/thu-tuc/1.013236/"))
    for expected in ["20 days", "15 days", "4 hours", "0.5 hours",
                     "Original", "Copy", "Original or copy", "Partly online", "One-stop desk",
                     "VND 50,000"]:
        assert expected in permit, expected
    for vietnamese in ["ngày làm việc", " giờ ", "Bản chính", "Bản sao", "Một phần"]:
        assert vietnamese not in permit, vietnamese
    assert "7 working days" in _text(client.get("/thu-tuc/1.014063/"))
    assert "7 working days" in _text(client.get("/thu-tuc/", {"q": "can cuoc"}))


def test_home_tells_where_to_go_from_the_unit_data(client, catalog, center):
    import datetime as dt

    from motcua.org.models import Counter, UnitKind, WorkSchedule

    center.email = "ttpvhcc@daklak.gov.vn"
    center.save()
    commune_center = UnitFactory(code="000.01.41.H15", name="Trung tâm Phục vụ hành chính công phường Tân An",
                                 kind=UnitKind.COMMUNE_CENTER, level=Level.COMMUNE,
                                 address="Trụ sở UBND phường Tân An", phone="0262 3111 222")
    WorkSchedule.objects.create(unit=commune_center, effective_from=dt.date(2020, 1, 1),
                                sessions="07:30-11:30,13:30-17:00", cutoff=dt.time(16, 0))
    counter = Counter.objects.create(center=center, number=3, name="Xây dựng",
                                     agency=catalog["building"])
    counter.fields.set([catalog["xaydung"]])
    Counter.objects.create(center=commune_center, number=1, name="Một cửa phường")
    Counter.objects.create(center=center, number=9, name="Quầy đã đóng", is_active=False)
    text = _text(client.get("/"))
    where = text.split("Nơi nộp hồ sơ và nhận kết quả", 1)[1].split("Lĩnh vực Tư pháp", 1)[0]
    assert where.index("Trung tâm Phục vụ hành chính công tỉnh Đắk Lắk") < where.index("phường Tân An")
    assert "Địa chỉ 01 Lê Duẩn, phường Buôn Ma Thuột" in where
    assert "Liên hệ 0262 3979 799 · ttpvhcc@daklak.gov.vn" in where
    assert "Giờ làm việc Thứ Hai – Thứ Sáu: 07:00–11:30, 13:30–17:00" in where
    assert "Quầy 3 – Xây dựng (Sở Xây dựng) Lĩnh vực: Xây dựng, bất động sản" in where
    assert "Quầy đã đóng" not in where
    # The commune center's own schedule.
    assert "Thứ Hai – Thứ Sáu: 07:30–11:30, 13:30–17:00" in where
    assert "Hồ sơ nhận sau 16:00 được tính từ ngày làm việc tiếp theo." in where
    assert "Trụ sở UBND phường Tân An" in where and "Quầy 1 – Một cửa phường" in where
    assert 'href="tel:02623111222"' in client.get("/").content.decode()


def test_home_where_to_go_in_english(client, catalog, center):
    from django.conf import settings

    from motcua.org.models import Counter

    Counter.objects.create(center=center, number=3, name="Xây dựng")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = _text(client.get("/"))
    for expected in ["Where to hand in a dossier", "Opening hours Monday – Friday: 07:00–11:30",
                     "1 reception counter", "Counter 3 – Xây dựng"]:
        assert expected in text, expected
