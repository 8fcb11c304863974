"""The data of each form, read without HTML."""

from decimal import Decimal

import pytest
import time_machine
from django.template.loader import render_to_string

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import (
    Apology,
    ApplicantKind,
    CounterGuidance,
    DossierPause,
    DossierStep,
    PauseKind,
    StatusChange,
)
from motcua.dossiers.states import DeliveryMethod, Status
from motcua.org.models import Role
from motcua.printing import forms
from motcua.printing.editions import Edition
from motcua.printing.forms import FormNotApplicable
from motcua.printing.qr import status_url
from tests.factories import UnitFactory, catalog_unfrozen, staff, vn

pytestmark = pytest.mark.django_db


# --- Mẫu 01 ---------------------------------------------------------------------------------


def test_receipt_fields(received, receptionist):
    data = forms.receipt_context(received)
    assert data["code"] == received.code
    assert data["header"]["form_number"] == "Mẫu số 01"
    assert data["header"]["title"] == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
    assert data["header"]["parent"] == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"
    assert data["header"]["unit"] == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH ĐẮK LẮK"
    assert data["header"]["number"] == "Số: ……/TTPVHCC"
    assert data["header"]["place_date"] == "Đắk Lắk, ngày 02 tháng 3 năm 2026"
    assert data["applicant"]["name"] == "Nguyễn Văn Hùng"
    assert data["applicant"]["id_number"] == "066090001234"
    assert data["applicant"]["label"] == "Ông/Bà"
    assert data["received_text"] == "14 giờ 05 phút, ngày 02 tháng 3 năm 2026"
    assert data["due_text"] == "14 giờ 05 phút, ngày 23 tháng 3 năm 2026"
    assert data["time_limit"] == "15 ngày làm việc"
    assert data["request"] == "Cấp giấy phép xây dựng nhà ở riêng lẻ"
    # What was handed in, not what is missing.
    assert [(d["name"], d["form"], d["copies"]) for d in data["documents"]] == [
        ("Đơn đề nghị cấp giấy phép xây dựng", "Bản chính", 1),
        ("Bản vẽ thiết kế", "Bản sao", 2),
    ]
    assert data["receiver"] == "Trần Thị Bình"
    assert data["delivery"] == (
        "Nhận tại bộ phận một cửa: Trung tâm Phục vụ hành chính công tỉnh Đắk Lắk"
    )
    assert data["qr"]["url"] == status_url(received.code)


def test_receipt_postal_delivery_and_organisation(make_dossier):
    dossier = make_dossier(
        applicant_kind=ApplicantKind.ORGANISATION,
        applicant_name="Công ty TNHH Xây dựng Ea Súp",
        organisation_tax_code="6001234567",
        delivery_method=DeliveryMethod.POST,
        delivery_address="45 Nguyễn Tất Thành, Buôn Ma Thuột",
    )
    data = forms.receipt_context(dossier)
    assert data["applicant"]["label"] == "Tổ chức"
    assert data["applicant"]["id_number"] == "6001234567"
    assert data["delivery"] == "Nhận qua bưu chính: 45 Nguyễn Tất Thành, Buôn Ma Thuột"


def test_receipt_keeps_the_first_appointment_after_an_apology(received, agency, receptionist):
    Apology.objects.create(
        dossier=received, unit=agency, reason="Chờ ý kiến cơ quan phối hợp",
        previous_due_at=vn(2026, 3, 23, 14, 5), new_due_at=vn(2026, 3, 30, 10, 0),
        issued_at=vn(2026, 3, 19, 9, 0), issued_by=receptionist,
    )
    received.due_at = vn(2026, 3, 30, 10, 0)
    received.save()
    assert forms.receipt_context(received)["due_text"] == (
        "14 giờ 05 phút, ngày 23 tháng 3 năm 2026"
    )


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.REFUSED_AT_RECEPTION])
def test_no_receipt_for_a_dossier_not_received(make_dossier, status):
    dossier = make_dossier(status=status, received_at=None)
    with pytest.raises(FormNotApplicable, match="chưa được tiếp nhận"):
        forms.receipt_context(dossier)


def test_old_dossier_prints_the_2018_edition(make_dossier):
    data = forms.receipt_context(make_dossier(received_at=vn(2025, 6, 3, 9, 0)))
    assert data["header"]["edition"] == Edition.TT01_2018.value
    assert "01/2018" in data["header"]["basis"]


def test_commune_center_header(version, make_dossier, province):
    commune = UnitFactory(name="Xã Ea Kao", kind="commune", level="xa", parent=province)
    commune_center = UnitFactory(
        name="Trung tâm Phục vụ hành chính công xã Ea Kao", kind="commune_center", level="xa",
        parent=commune,
    )
    dossier = make_dossier(receiving_unit=commune_center)
    header = forms.receipt_context(dossier)["header"]
    assert header["parent"] == "ỦY BAN NHÂN DÂN XÃ EA KAO"
    assert header["place_date"] == "Ea Kao, ngày 02 tháng 3 năm 2026"


# --- Mẫu 02 ---------------------------------------------------------------------------------


def test_supplement_from_the_latest_pause(received, agency):
    officer = staff(Role.SPECIALIST, agency, username="thuly")
    officer.last_name, officer.first_name = "Lê", "Văn Cường"
    officer.save()
    DossierPause.objects.create(
        dossier=received, kind=PauseKind.SUPPLEMENT, started_at=vn(2026, 3, 3, 9, 0),
        ended_at=vn(2026, 3, 4, 9, 0), resume_status=Status.APPRAISING, items="Bản vẽ cũ",
    )
    DossierPause.objects.create(
        dossier=received, kind=PauseKind.PAYMENT, started_at=vn(2026, 3, 4, 10, 0),
        ended_at=vn(2026, 3, 5, 15, 0), resume_status=Status.APPRAISING,
    )
    DossierPause.objects.create(
        dossier=received, kind=PauseKind.SUPPLEMENT, started_at=vn(2026, 3, 5, 15, 40),
        resume_status=Status.APPRAISING, requested_by=officer,
        items="1. Bản vẽ mặt bằng móng\n2) Bản sao giấy chứng nhận quyền sử dụng đất\n\n",
        reason="Bản vẽ thiếu mặt bằng móng",
    )
    data = forms.supplement_context(received)
    assert data["code"] == received.code
    assert data["header"]["title"] == "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"
    assert data["header"]["number"] == "Số: ……/PBS-TTPVHCC"
    assert data["items"] == [
        "Bản vẽ mặt bằng móng",
        "Bản sao giấy chứng nhận quyền sử dụng đất",
    ]
    assert data["reason"] == "Bản vẽ thiếu mặt bằng móng"
    assert data["requested_text"] == "15 giờ 40 phút, ngày 05 tháng 3 năm 2026"
    assert data["guide"] == "Lê Văn Cường"
    assert data["sequence"] == 2
    assert data["contact_phone"] == "0262 3 888 999"


def test_supplement_not_applicable_without_a_supplement_pause(received):
    DossierPause.objects.create(
        dossier=received, kind=PauseKind.PAYMENT, started_at=vn(2026, 3, 4, 10, 0),
        ended_at=vn(2026, 3, 5, 15, 0), resume_status=Status.APPRAISING,
    )
    with pytest.raises(FormNotApplicable, match="yêu cầu bổ sung"):
        forms.supplement_context(received)


def test_counter_guidance_slip(version, center, receptionist):
    guidance = CounterGuidance.objects.create(
        procedure_version=version, unit=center, applicant_name="Phạm Thị Lan",
        applicant_id_number="054185000321", applicant_phone="0912000111",
        items="Tờ khai có chữ ký\nBản sao sổ đỏ", reason="Thiếu giấy tờ",
        issued_by=receptionist, issued_at=vn(2026, 3, 2, 9, 15),
    )
    data = forms.guidance_context(guidance)
    assert data["code"] == "" and data["qr"] is None
    assert data["applicant"]["name"] == "Phạm Thị Lan"
    assert data["items"] == ["Tờ khai có chữ ký", "Bản sao sổ đỏ"]
    assert data["request"] == version.name
    assert data["guide"] == "Trần Thị Bình"
    assert data["header"]["place_date"] == "Đắk Lắk, ngày 02 tháng 3 năm 2026"


# --- Mẫu 03 ---------------------------------------------------------------------------------


def test_refusal(make_dossier, receptionist, center):
    dossier = make_dossier(
        status=Status.REFUSED_AT_RECEPTION, received_at=None, submitted_at=vn(2026, 3, 2, 10, 0),
        refusal_reason="Thủ tục không thuộc thẩm quyền giải quyết của tỉnh",
    )
    StatusChange.objects.create(
        dossier=dossier, from_status="", to_status=Status.REFUSED_AT_RECEPTION, action="refuse",
        actor=receptionist, unit=center, at=vn(2026, 3, 2, 10, 20),
    )
    data = forms.refusal_context(dossier)
    assert data["header"]["title"] == "Phiếu từ chối tiếp nhận giải quyết hồ sơ"
    assert data["header"]["number"] == "Số: ……/PTC-TTPVHCC"
    assert data["code"] == dossier.code
    assert data["reason"] == "Thủ tục không thuộc thẩm quyền giải quyết của tỉnh"
    assert data["refused_text"] == "10 giờ 20 phút, ngày 02 tháng 3 năm 2026"
    assert data["receiver"] == "Trần Thị Bình"


def test_no_refusal_slip_for_a_received_dossier(received):
    with pytest.raises(FormNotApplicable, match="từ chối"):
        forms.refusal_context(received)


# --- Mẫu 04 ---------------------------------------------------------------------------------


def test_apology(received, agency):
    leader = staff(Role.LEADER, agency, username="giamdoc")
    leader.last_name, leader.first_name = "Võ", "Minh Tâm"
    leader.save()
    Apology.objects.create(
        dossier=received, unit=agency, reason="Phải xác minh hiện trạng công trình",
        previous_due_at=vn(2026, 3, 23, 14, 5), new_due_at=vn(2026, 3, 30, 16, 0),
        issued_at=vn(2026, 3, 19, 9, 0), issued_by=leader,
    )
    data = forms.apology_context(received)
    assert data["header"]["title"] == "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"
    # Issued by the late agency, under its own name and symbol.
    assert data["header"]["unit"] == "SỞ XÂY DỰNG"
    assert data["header"]["number"] == "Số: ……/PXL-SXD"
    assert data["header"]["place_date"] == "Đắk Lắk, ngày 19 tháng 3 năm 2026"
    assert data["addressee"] == "Ông/Bà Nguyễn Văn Hùng"
    assert data["previous_due_text"] == "14 giờ 05 phút, ngày 23 tháng 3 năm 2026"
    assert data["new_due_text"] == "16 giờ 00 phút, ngày 30 tháng 3 năm 2026"
    assert data["received_text"] == "ngày 02 tháng 3 năm 2026"
    assert data["reason"] == "Phải xác minh hiện trạng công trình"
    assert data["signer"] == "Võ Minh Tâm"
    assert data["code"] == received.code


def test_apology_of_an_old_dossier_has_the_2018_title(make_dossier, agency, receptionist):
    dossier = make_dossier(received_at=vn(2025, 5, 5, 8, 0), due_at=vn(2025, 5, 26, 8, 0))
    Apology.objects.create(
        dossier=dossier, unit=agency, reason="Chậm", previous_due_at=vn(2025, 5, 26, 8, 0),
        new_due_at=vn(2025, 6, 2, 8, 0), issued_at=vn(2025, 5, 22, 8, 0), issued_by=receptionist,
    )
    assert forms.apology_context(dossier)["header"]["title"] == (
        "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
    )


def test_apology_to_an_organisation_is_addressed_by_its_name(make_dossier, agency, receptionist):
    dossier = make_dossier(
        applicant_kind=ApplicantKind.ORGANISATION, applicant_name="Công ty CP Cà phê Buôn Ma Thuột",
        organisation_tax_code="6000123456",
    )
    Apology.objects.create(
        dossier=dossier, unit=agency, reason="Chậm", previous_due_at=dossier.due_at,
        new_due_at=vn(2026, 3, 30, 8, 0), issued_at=vn(2026, 3, 19, 8, 0), issued_by=receptionist,
    )
    assert forms.apology_context(dossier)["addressee"] == "Công ty CP Cà phê Buôn Ma Thuột"


def test_no_apology_letter_without_an_apology(received):
    with pytest.raises(FormNotApplicable, match="xin lỗi"):
        forms.apology_context(received)


# --- Mẫu 05 ---------------------------------------------------------------------------------


def test_stop_notice_for_a_withdrawn_dossier(make_dossier, receptionist, center):
    dossier = make_dossier(status=Status.WITHDRAWN)
    StatusChange.objects.create(
        dossier=dossier, from_status=Status.APPRAISING, to_status=Status.WITHDRAWN,
        action="withdraw", actor=receptionist, unit=center, at=vn(2026, 3, 6, 16, 45),
        reason="Công dân xin rút để điều chỉnh thiết kế",
    )
    data = forms.stop_context(dossier)
    assert data["header"]["title"] == "Thông báo dừng giải quyết hồ sơ"
    assert data["header"]["form_number"] == "Mẫu số 05"
    assert data["withdrawn"] is True
    assert data["stopped_text"] == "16 giờ 45 phút, ngày 06 tháng 3 năm 2026"
    assert data["reason"] == "Công dân xin rút để điều chỉnh thiết kế"
    assert data["officer"] == "Trần Thị Bình"
    assert data["code"] == dossier.code


def test_stop_notice_prefers_the_recorded_reason(make_dossier):
    dossier = make_dossier(status=Status.STOPPED, refusal_reason="Hồ sơ giả mạo giấy tờ")
    data = forms.stop_context(dossier)
    assert data["withdrawn"] is False
    assert data["reason"] == "Hồ sơ giả mạo giấy tờ"


def test_no_stop_notice_for_a_dossier_in_progress(received):
    with pytest.raises(FormNotApplicable, match="dừng"):
        forms.stop_context(received)


# --- Mẫu 06 ---------------------------------------------------------------------------------


def _step(dossier, order, unit, name, *, due, finished=None, outcome="", note="", **kw):
    return DossierStep.objects.create(
        dossier=dossier, order=order, name=name, role="x", unit=unit, hours=4,
        started_at=vn(2026, 3, 2, 14, 5), due_at=due, finished_at=finished, outcome=outcome,
        note=note, **kw,
    )


def test_control_slip_rows_and_timeliness(received, center, agency, receptionist):
    partner = UnitFactory(name="Công an tỉnh Đắk Lắk")
    # Early: finished the day before its due date.
    _step(received, 1, center, "Tiếp nhận, chuyển hồ sơ", due=vn(2026, 3, 3, 9, 0),
          finished=vn(2026, 3, 2, 16, 0), finished_by=receptionist)
    # On time: on the due date, before the due time.
    _step(received, 2, agency, "Phân công thụ lý", due=vn(2026, 3, 4, 11, 0),
          finished=vn(2026, 3, 4, 10, 59))
    # Late: after the due time, same day.
    _step(received, 3, partner, "Lấy ý kiến", due=vn(2026, 3, 6, 10, 0),
          finished=vn(2026, 3, 6, 10, 1), note="Chờ văn bản trả lời")
    # An outcome recorded at hand-over wins over the computation.
    _step(received, 4, agency, "Thẩm định", due=vn(2026, 3, 10, 17, 0),
          finished=vn(2026, 3, 9, 8, 0), outcome="on_time")
    # In progress, deadline not yet passed.
    _step(received, 5, agency, "Phê duyệt, ký", due=vn(2026, 3, 12, 17, 0))

    with time_machine.travel(vn(2026, 3, 11, 9, 0), tick=False):
        data = forms.control_context(received)

    assert data["header"]["title"] == "Phiếu kiểm soát quá trình giải quyết hồ sơ"
    assert data["header"]["paper"] == "A4"
    assert data["code"] == received.code
    assert data["partners"] == "Công an tỉnh Đắk Lắk"
    assert data["received_text"] == "14 giờ 05 phút, ngày 02 tháng 3 năm 2026"
    assert data["due_text"] == "14 giờ 05 phút, ngày 23 tháng 3 năm 2026"
    rows = data["rows"]
    assert [r["outcome"] for r in rows] == ["Trước hạn", "Đúng hạn", "Quá hạn", "Đúng hạn", ""]
    assert rows[0]["giver"] == "Trung tâm Phục vụ hành chính công tỉnh Đắk Lắk (Trần Thị Bình)"
    assert rows[0]["receiver"] == "Sở Xây dựng"
    assert rows[0]["handed_text"] == "16 giờ 00 phút, ngày 02 tháng 3 năm 2026"
    assert rows[1]["receiver"] == "Công an tỉnh Đắk Lắk"
    assert rows[2]["note"] == "Chờ văn bản trả lời"
    assert rows[4]["handed_text"] == ""
    assert rows[4]["note"] == "Đang xử lý, hạn 17:00 12/03/2026"


def test_control_slip_pending_step_past_its_deadline_is_late(received, agency):
    _step(received, 1, agency, "Thẩm định", due=vn(2026, 3, 5, 17, 0))
    with time_machine.travel(vn(2026, 3, 6, 8, 0), tick=False):
        rows = forms.control_context(received)["rows"]
    assert rows[0]["outcome"] == "Quá hạn"


def test_control_slip_last_hand_over_to_the_applicant(make_dossier, center):
    dossier = make_dossier(status=Status.RETURNED)
    _step(dossier, 1, center, "Trả kết quả", due=vn(2026, 3, 23, 14, 5),
          finished=vn(2026, 3, 20, 9, 0))
    row = forms.control_context(dossier)["rows"][0]
    assert row["receiver"] == "Tổ chức, cá nhân: Nguyễn Văn Hùng"
    assert row["outcome"] == "Trước hạn"


def test_old_dossier_control_slip_is_form_05_on_a5(make_dossier):
    header = forms.control_context(make_dossier(received_at=vn(2025, 3, 3, 8, 0)))["header"]
    assert (header["form_number"], header["paper"]) == ("Mẫu số 05", "A5")


# --- which forms apply ----------------------------------------------------------------------


def test_available_forms_follow_the_state(received, make_dossier):
    assert [f["key"] for f in forms.available_forms(received)] == ["mau-01", "mau-06"]
    refused = make_dossier(status=Status.REFUSED_AT_RECEPTION, received_at=None)
    assert [f["key"] for f in forms.available_forms(refused)] == ["mau-03"]
    withdrawn = make_dossier(status=Status.WITHDRAWN)
    assert [f["key"] for f in forms.available_forms(withdrawn)] == ["mau-01", "mau-05", "mau-06"]


def test_forms_are_rendered_in_vietnamese_whatever_the_page_language(received, rf):
    # A translated label that reaches a sheet lazily (here the online channel, which the
    # portal translates) must print in Vietnamese: the form is an official document.
    from django.template.loader import render_to_string
    from django.utils import translation

    from motcua.dossiers.states import Channel
    from motcua.printing.editions import FormKey
    from motcua.printing.views import _template, document_html

    data = {**forms.receipt_context(received), "delivery": Channel.ONLINE.label}
    with translation.override("en"):
        assert str(Channel.ONLINE.label) == "Online"
        pdf_html = document_html(data, FormKey.RECEIPT)
        request = rf.get("/")
        request.user = received.received_by
        screen = render_to_string("printing/screen.html", {
            "form": data, "sheet_template": _template(FormKey.RECEIPT), "pdf": False,
        }, request=request)
    for html in (pdf_html, screen):
        assert "Đăng ký nhận kết quả tại: Trực tuyến" in html
        assert "tại: Online" not in html


# --- the heading: the issuing body once (issue 10) ------------------------------------------


@pytest.mark.parametrize(
    "stored, printed",
    [
        ("Ủy ban nhân dân tỉnh Đắk Lắk", "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"),
        ("Uỷ ban nhân dân tỉnh Đắk Lắk", "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"),
        ("UBND tỉnh Đắk Lắk", "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"),
        ("Tỉnh Đắk Lắk", "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"),
    ],
)
def test_heading_names_the_peoples_committee_once(received, province, stored, printed):
    province.name = stored
    province.save()
    header = forms.receipt_context(received)["header"]
    assert header["parent"] == printed
    assert header["unit"] == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH ĐẮK LẮK"


def test_commune_heading_from_a_committee_name(version, make_dossier, province):
    commune = UnitFactory(
        name="Ủy ban nhân dân phường Tân An", kind="commune", level="xa", parent=province
    )
    center = UnitFactory(
        name="Trung tâm Phục vụ hành chính công phường Tân An", kind="commune_center",
        level="xa", parent=commune,
    )
    header = forms.receipt_context(make_dossier(receiving_unit=center))["header"]
    assert header["parent"] == "ỦY BAN NHÂN DÂN PHƯỜNG TÂN AN"


def test_printed_heading_has_the_body_once(received, province):
    from motcua.printing.editions import FormKey
    from motcua.printing.views import document_html
    from tests.printing.pdfcheck import layout_text

    province.name = "Ủy ban nhân dân tỉnh Đắk Lắk"
    province.save()
    text = layout_text(document_html(forms.receipt_context(received), FormKey.RECEIPT))
    assert text.count("ỦYBANNHÂNDÂN") == 1


# --- Mẫu 01: legal time "theo quy định", committed time beside it (issue 10) -----------------


def test_receipt_prints_the_legal_time_and_the_committed_time(make_dossier, version):
    with catalog_unfrozen():  # the shared fixture's version, given its legal time of 20 days
        ProcedureVersion.objects.filter(pk=version.pk).update(legal_time_value=Decimal(20))
    dossier = make_dossier(time_value=Decimal(15))
    data = forms.receipt_context(dossier)
    assert data["time_limit"] == "20 ngày làm việc"
    assert data["committed_time_limit"] == "15 ngày làm việc"
    html = render_to_string(
        "printing/forms/mau_01.html", {"form": data, "pdf": True}
    )
    assert "theo quy định là: 20 ngày làm việc" in html
    assert "theo cam kết: <span class=\"strong\">15 ngày làm việc" in html


def test_receipt_without_a_cut_prints_one_time(received):
    data = forms.receipt_context(received)
    assert data["time_limit"] == "15 ngày làm việc"
    assert data["committed_time_limit"] == ""
