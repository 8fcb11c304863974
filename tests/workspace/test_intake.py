"""Intake at the counter (/can-bo/tiep-nhan/): accept, guidance slip, refusal; bad input keeps
the form and writes nothing; live field checks; only receptionists of a receiving unit."""

from __future__ import annotations

import pytest

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import CounterGuidance, Dossier
from motcua.org.models import Role
from tests.factories import UserFactory, published_procedure, staff

URL = "/can-bo/tiep-nhan/"


def form_data(world, **overrides) -> dict:
    docs = list(world.version.documents.order_by("order"))
    data = {
        "unit": world.center.pk,
        "procedure": world.version.pk,
        "applicant_kind": "person",
        "name": "Nguyễn Văn An",
        "id_number": "066090001234",
        "birth_date": "04/05/1990",
        "gender": "male",
        "address": "12 Lê Duẩn, Buôn Ma Thuột",
        "phone": "0912 345 678",
        "email": "an@example.vn",
        "delivery_method": "counter",
        "decision": "accept",
        f"doc_{docs[0].pk}": "original",
        f"doc_{docs[1].pk}": "copy",
        f"doc_{docs[2].pk}": "none",
    }
    data.update(overrides)
    return data


def written() -> tuple[int, int, int]:
    return Dossier.objects.count(), CounterGuidance.objects.count(), AuditEvent.objects.count()


# ----------------------------------------------------------------------------- page


def test_page_lists_the_procedures_this_center_receives(world, login, frozen):
    published_procedure(agency=world.agency, receiving_units=[world.foreign_center],
                        name="Thủ tục của trung tâm khác")
    response = login(world.receptionist).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert world.version.name in html
    assert "Thủ tục của trung tâm khác" not in html
    for label in ("Tiếp nhận", "Hướng dẫn bổ sung", "Từ chối tiếp nhận"):
        assert f">{label}</button>" in html


def test_search_box_filters_without_accents(world, login, frozen):
    published_procedure(agency=world.agency, receiving_units=[world.center],
                        name="Đăng ký thành lập hộ kinh doanh")
    client = login(world.receptionist)
    html = client.get(URL + "thu-tuc/", {"q": "ho kinh doanh", "unit": world.center.pk}
                      ).content.decode()
    assert "Đăng ký thành lập hộ kinh doanh" in html
    assert world.version.name not in html
    assert html.lstrip().startswith('<div id="procedure-box">')


def test_choosing_a_procedure_shows_its_checklist_with_mandatory_marks(world, login, frozen):
    response = login(world.receptionist).get(URL + "giay-to/", {"procedure": world.version.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Đơn đề nghị cấp giấy phép" in html and "Giấy ủy quyền" in html
    assert html.count("* bắt buộc") == 2
    assert "5 ngày làm việc" in html


# ----------------------------------------------------------------------------- decisions


def test_accept_creates_the_dossier_and_offers_the_receipt(world, login, frozen):
    client = login(world.receptionist)
    response = client.post(URL, form_data(world))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/?in=mau-01"
    assert dossier.status == "received" and dossier.received_by_id == world.receptionist.pk
    assert dossier.applicant_phone == "0912345678"
    assert [d.provided_as for d in dossier.documents.order_by("id")] == ["original", "copy", "none"]
    page = client.get(response["Location"]).content.decode()
    assert f'href="/in/ho-so/{dossier.code}/mau-01/" target="_blank"' in page


def test_guidance_issues_mau_02_listing_the_missing_documents(world, login, frozen):
    docs = list(world.version.documents.order_by("order"))
    client = login(world.receptionist)
    response = client.post(URL, form_data(world, decision="guide", **{f"doc_{docs[1].pk}": "none"}))
    assert response.status_code == 302
    guidance = CounterGuidance.objects.get()
    assert "Bản vẽ thiết kế" in guidance.items and "Đơn đề nghị" not in guidance.items
    assert not Dossier.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert f'/in/huong-dan/{guidance.pk}/mau-02/' in page


def test_refusal_needs_a_reason_and_then_offers_mau_03(world, login, frozen):
    client = login(world.receptionist)
    before = written()
    response = client.post(URL, form_data(world, decision="refuse", reason=""))
    assert response.status_code == 400
    assert "Cần ghi lý do từ chối." in response.content.decode()
    assert written() == before
    response = client.post(URL, form_data(world, decision="refuse",
                                          reason="Không thuộc thẩm quyền"))
    dossier = Dossier.objects.get()
    assert dossier.status == "refused_at_reception"
    assert response["Location"] == f"/can-bo/ho-so/{dossier.code}/?in=mau-03"
    assert f'/in/ho-so/{dossier.code}/mau-03/' in client.get(response["Location"]).content.decode()


def test_organisation_applicant(world, login, frozen):
    response = login(world.receptionist).post(URL, form_data(
        world, applicant_kind="organisation", name="Công ty TNHH Ea Kao", tax_code="6001234567",
        representative_name="Lê Văn Bình", id_number="", birth_date="", gender=""))
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert d.applicant_kind == "organisation" and d.organisation_tax_code == "6001234567"


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "overrides,message",
    [
        ({"DOC0": "none"}, "Thiếu giấy tờ bắt buộc: Đơn đề nghị cấp giấy phép."),
        ({"id_number": "06609000123"}, "Số định danh cá nhân phải gồm đúng 12 chữ số."),
        ({"id_number": "999090001234"}, "Mã tỉnh 999"),
        ({"id_number": "066190001234"}, "không khớp với giới tính"),
        ({"phone": "12345"}, "Số điện thoại không phải số Việt Nam hợp lệ"),
        ({"name": ""}, "Cần ghi họ và tên"),
        ({"delivery_method": "post", "delivery_address": ""},
         "Nhận qua bưu chính cần địa chỉ nhận kết quả."),
        # A day that does not exist is a wrong date, not a wrong format (issue 10).
        ({"birth_date": "31/02/1990"}, "Ngày 31/02/1990 không có thật"),
        ({"birth_date": "1990.02.03"}, "Ngày phải ghi theo dạng dd/mm/yyyy."),
        ({"birth_date": "04/05/2027"}, "Ngày sinh 04/05/2027 ở sau ngày hôm nay"),
        ({"procedure": ""}, "Trường này là bắt buộc"),
    ],
    ids=["missing-document", "short-id", "bad-province", "gender-digit", "bad-phone",
         "no-name", "post-without-address", "impossible-date", "bad-date", "future-birth",
         "no-procedure"],
)
def test_bad_input_keeps_everything_typed_and_writes_nothing(world, login, frozen, overrides,
                                                             message):
    docs = list(world.version.documents.order_by("order"))
    if "DOC0" in overrides:
        overrides = {f"doc_{docs[0].pk}": overrides.pop("DOC0")}
    data = form_data(world, **overrides)
    before = written()
    response = login(world.receptionist).post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert written() == before
    # What was typed comes back.
    for key in ("address", "email"):
        assert f'value="{data[key]}"' in html
    assert f'value="{data["id_number"]}"' in html
    if data["procedure"]:
        assert f'name="doc_{docs[1].pk}" value="copy" id="id_doc_{docs[1].pk}_1" checked' in html


def test_procedure_of_another_center_cannot_be_posted(world, login, frozen):
    foreign = published_procedure(agency=world.agency, receiving_units=[world.foreign_center])
    before = written()
    response = login(world.receptionist).post(URL, form_data(world, procedure=foreign.pk))
    assert response.status_code == 400
    assert written() == before


# ----------------------------------------------------------------------------- live checks


@pytest.mark.parametrize(
    "data,expected",
    [
        ({"field": "id_number", "id_number": "0660900012"},
         "Số định danh cá nhân phải gồm đúng 12 chữ số."),
        ({"field": "id_number", "id_number": "066090001234", "birth_date": "04/05/1991"},
         "không khớp với năm sinh"),
        ({"field": "id_number", "id_number": "066090001234", "birth_date": "04/05/1990",
          "gender": "male"}, "✓"),
        ({"field": "phone", "phone": "0123"}, "Số điện thoại không phải số Việt Nam hợp lệ"),
        ({"field": "phone", "phone": "+84 912 345 678"}, "✓"),
        ({"field": "tax_code", "tax_code": "12"}, "Mã số thuế phải gồm 10 chữ số"),
    ],
)
def test_live_validation_answers_next_to_the_field(world, login, frozen, data, expected):
    response = login(world.receptionist).post(URL + "kiem-tra/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<span id="check-{data["field"]}"')
    assert expected in html


def test_live_validation_of_an_unknown_field_is_404(world, login, frozen):
    assert login(world.receptionist).post(URL + "kiem-tra/", {"field": "x"}).status_code == 404


# ----------------------------------------------------------------------------- access

PAGES = [("get", URL), ("post", URL), ("get", URL + "thu-tuc/"), ("get", URL + "giay-to/"),
         ("post", URL + "kiem-tra/")]


@pytest.mark.parametrize("method,url", PAGES)
def test_anonymous_goes_to_login(client, db, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("method,url", PAGES)
@pytest.mark.parametrize("who", ["leader", "specialist", "manager", "nobody", "agency_receptionist"])
def test_only_receptionists_of_a_receiving_unit(world, login, frozen, method, url, who):
    if who == "nobody":
        user = UserFactory()
    elif who == "agency_receptionist":  # a receptionist role in a unit that receives nothing
        user = staff(Role.RECEPTIONIST, world.agency)
    else:
        user = getattr(world, who)
    before = written()
    response = getattr(login(user), method)(url, form_data(world) if method == "post" else {})
    assert response.status_code == 403
    assert written() == before


def test_a_receptionist_cannot_receive_for_another_center(world, login, frozen):
    before = written()
    response = login(world.foreign_receptionist).post(URL, form_data(world))
    assert response.status_code == 403
    assert written() == before


def test_guidance_page_of_another_unit_is_404(world, login, frozen):
    login(world.receptionist).post(URL, form_data(world, decision="guide", items="Bản vẽ mới"))
    guidance = CounterGuidance.objects.get()
    assert login(world.foreign_receptionist).get(
        f"{URL}huong-dan/{guidance.pk}/").status_code == 404
    assert login(world.receptionist).get(f"{URL}huong-dan/{guidance.pk}/").status_code == 200


def test_guidance_with_nothing_missing_asks_what_to_supplement(world, login, frozen):
    before = written()
    response = login(world.receptionist).post(URL, form_data(world, decision="guide", items=""))
    assert response.status_code == 400
    assert "Cần ghi nội dung yêu cầu hoàn thiện." in response.content.decode()
    assert written() == before


def test_empty_form_shows_every_error_at_once(world, login, frozen):
    """Issue 10: an empty form showed only the name error."""
    client = login(world.receptionist)
    response = client.post("/can-bo/tiep-nhan/", {
        "unit": world.center.pk, "procedure": world.version.pk, "applicant_kind": "person",
        "delivery_method": "counter", "birth_date": "31/02/1990", "decision": "accept",
    })
    assert response.status_code == 400
    page = response.content.decode()
    for message in ("Cần ghi họ và tên", "Cần ghi số định danh cá nhân",
                    "Thiếu giấy tờ bắt buộc: Đơn đề nghị cấp giấy phép.",
                    "Thiếu giấy tờ bắt buộc: Bản vẽ thiết kế.", "Ngày 31/02/1990 không có thật"):
        assert message in page, message


def test_over_long_name_is_refused_with_a_message(world, login, frozen):
    client = login(world.receptionist)
    page = client.get("/can-bo/tiep-nhan/").content.decode()
    assert 'maxlength="255"' not in page  # the browser would cut it silently
    response = client.post("/can-bo/tiep-nhan/", {
        "unit": world.center.pk, "procedure": world.version.pk, "applicant_kind": "person",
        "delivery_method": "counter", "name": "A" * 300, "id_number": "066090001234",
        "decision": "accept",
    })
    assert response.status_code == 400
    assert "dài 300 ký tự, tối đa 255 ký tự" in response.content.decode()


def test_id_check_is_wired_to_birth_date_and_gender(world, login):
    page = login(world.receptionist).get("/can-bo/tiep-nhan/").content.decode()
    assert 'hx-trigger="change, change from:#id_birth_date, change from:#id_gender"' in page
