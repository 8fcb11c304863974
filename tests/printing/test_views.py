"""Pages and PDFs: permissions, titles, PDF paper and content, not-applicable forms."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Apology, CounterGuidance, DossierPause, PauseKind
from motcua.dossiers.states import Status
from motcua.org.models import Role
from motcua.printing import forms
from motcua.printing.editions import FormKey
from motcua.printing.services import EVENT_FORM_PRINTED
from motcua.printing.views import document_html
from tests.factories import UserFactory, staff, vn
from tests.printing.pdfcheck import A4, A4_LANDSCAPE, A5, layout_text, page_sizes_mm, pdftotext

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossiers(make_dossier, received, agency, receptionist):
    """One dossier in the state each form needs, keyed by form."""
    refused = make_dossier(
        status=Status.REFUSED_AT_RECEPTION, received_at=None, refusal_reason="Sai thẩm quyền"
    )
    withdrawn = make_dossier(status=Status.WITHDRAWN)
    DossierPause.objects.create(
        dossier=received, kind=PauseKind.SUPPLEMENT, started_at=vn(2026, 3, 3, 9, 0),
        resume_status=Status.APPRAISING, items="Bản vẽ móng", reason="Thiếu",
    )
    Apology.objects.create(
        dossier=received, unit=agency, reason="Xác minh", previous_due_at=received.due_at,
        new_due_at=vn(2026, 3, 30, 16, 0), issued_at=vn(2026, 3, 19, 9, 0),
        issued_by=receptionist,
    )
    return {
        "mau-01": received, "mau-02": received, "mau-03": refused, "mau-04": received,
        "mau-05": withdrawn, "mau-06": received,
    }


TITLES = {
    "mau-01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "mau-02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "mau-03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "mau-04": "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    "mau-05": "Thông báo dừng giải quyết hồ sơ",
    "mau-06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}
PAPER = {"mau-01": A5, "mau-02": A5, "mau-03": A5, "mau-04": A5, "mau-05": A5, "mau-06": A4}


def _url(form, dossier, pdf=False):
    name = "printing:dossier_form_pdf" if pdf else "printing:dossier_form"
    return reverse(name, kwargs={"code": dossier.code, "form": form})


@pytest.mark.parametrize("form", sorted(TITLES))
def test_form_page_shows_the_vietnamese_title_code_and_qr(client, dossiers, receptionist, form):
    dossier = dossiers[form]
    client.force_login(receptionist)
    response = client.get(_url(form, dossier))
    assert response.status_code == 200
    html = response.content.decode()
    assert TITLES[form] in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html
    assert "Độc lập – Tự do – Hạnh phúc" in html
    assert dossier.code in html
    assert "<svg" in html  # inline QR
    assert "Tải PDF" in html and "data-print" in html
    assert _url(form, dossier, pdf=True) in html


@pytest.mark.parametrize("form", sorted(TITLES))
def test_form_pdf_is_a_pdf_on_the_right_paper_with_the_code(client, dossiers, receptionist, form):
    dossier = dossiers[form]
    client.force_login(receptionist)
    response = client.get(_url(form, dossier, pdf=True))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{form}-{dossier.code}.pdf"'
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    assert set(page_sizes_mm(pdf)) == {PAPER[form]}
    context = forms.BUILDERS[FormKey(form)](dossier)
    text = layout_text(document_html(context, FormKey(form)))
    assert dossier.code in text
    assert TITLES[form].upper().replace(" ", "") in text.upper()
    extracted = pdftotext(pdf)
    if extracted is not None:
        assert dossier.code in extracted


def test_format_query_parameter_also_gives_a_pdf(client, received, receptionist):
    client.force_login(receptionist)
    response = client.get(_url("mau-01", received) + "?format=pdf")
    assert response["Content-Type"] == "application/pdf"


def test_receipt_with_a_usual_checklist_fits_one_a5_sheet(client, received, receptionist):
    client.force_login(receptionist)
    assert page_sizes_mm(client.get(_url("mau-01", received, pdf=True)).content) == [A5]


def test_receipt_pdf_has_the_times_in_words(received):
    text = layout_text(document_html(forms.receipt_context(received), FormKey.RECEIPT))
    assert "14giờ05phút,ngày02tháng3năm2026" in text
    assert "14giờ05phút,ngày23tháng3năm2026" in text
    assert "NguyễnVănHùng" in text


@pytest.mark.parametrize(
    ("form", "which", "message"),
    [
        ("mau-03", "mau-01", "không ở trạng thái từ chối tiếp nhận"),
        ("mau-01", "mau-03", "chưa được tiếp nhận"),
        ("mau-05", "mau-01", "không bị rút hoặc dừng"),
        ("mau-04", "mau-05", "chưa có văn bản xin lỗi"),
        ("mau-02", "mau-05", "không có yêu cầu bổ sung"),
    ],
)
def test_form_that_does_not_apply_is_404_with_a_reason(
    client, dossiers, receptionist, form, which, message
):
    client.force_login(receptionist)
    response = client.get(_url(form, dossiers[which]))
    assert response.status_code == 404
    assert message in response.content.decode()
    assert client.get(_url(form, dossiers[which], pdf=True)).status_code == 404


def test_unknown_form_and_dossier_are_404(client, received, receptionist):
    client.force_login(receptionist)
    assert client.get(_url("mau-07", received)).status_code == 404
    assert client.get(_url("mau-99", received)).status_code == 404
    assert client.get(reverse(
        "printing:dossier_form", kwargs={"code": "KHONG-CO", "form": "mau-01"}
    )).status_code == 404


@pytest.mark.parametrize("form", sorted(TITLES))
def test_anonymous_is_sent_to_login(client, dossiers, form):
    for url in (_url(form, dossiers[form]), _url(form, dossiers[form], pdf=True)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("form", sorted(TITLES))
def test_staff_of_another_unit_is_refused(client, dossiers, outsider, form):
    # As for a code that does not exist: a 403 told other units which codes exist.
    client.force_login(outsider)
    assert client.get(_url(form, dossiers[form])).status_code == 404
    assert client.get(_url(form, dossiers[form], pdf=True)).status_code == 404


def test_user_without_any_role_is_refused(client, received):
    client.force_login(UserFactory(username="khongvaitro"))
    assert client.get(_url("mau-01", received)).status_code == 404


def test_agency_staff_may_print_the_dossier_they_process(client, received, agency):
    client.force_login(staff(Role.SPECIALIST, agency, username="chuyenvien"))
    assert client.get(_url("mau-06", received)).status_code == 200


def test_printing_is_audited(client, received, receptionist):
    client.force_login(receptionist)
    client.get(_url("mau-01", received, pdf=True))
    event = AuditEvent.objects.get(event_type=EVENT_FORM_PRINTED)
    assert (event.chain, event.actor, event.data) == (
        received.code, receptionist,
        {"form": "mau-01", "format": "pdf", "numbers": ["mau-01:1/2026", "register:1/2026"]},
    )


def test_refused_print_leaves_no_audit_event(client, received, outsider):
    client.force_login(outsider)
    client.get(_url("mau-01", received))
    assert not AuditEvent.objects.filter(event_type=EVENT_FORM_PRINTED).exists()


# --- dossier form list ----------------------------------------------------------------------


def test_dossier_form_list(client, dossiers, receptionist, outsider):
    url = reverse("printing:dossier_forms", kwargs={"code": dossiers["mau-01"].code})
    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 404  # as if absent (no 403/404 oracle)
    client.force_login(receptionist)
    html = client.get(url).content.decode()
    for form in ("mau-01", "mau-02", "mau-04", "mau-06"):
        assert _url(form, dossiers["mau-01"]) in html
    assert _url("mau-03", dossiers["mau-01"]) not in html


# --- counter guidance (Mẫu 02 without a dossier) --------------------------------------------


@pytest.fixture
def guidance(version, center, receptionist):
    return CounterGuidance.objects.create(
        procedure_version=version, unit=center, applicant_name="Phạm Thị Lan",
        items="Tờ khai có chữ ký", issued_by=receptionist, issued_at=vn(2026, 3, 2, 9, 15),
    )


def test_guidance_slip_page_and_pdf(client, guidance, receptionist):
    client.force_login(receptionist)
    page = client.get(reverse("printing:guidance_form", kwargs={"pk": guidance.pk}))
    assert page.status_code == 200
    assert "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ" in page.content.decode()
    assert "Tờ khai có chữ ký" in page.content.decode()
    pdf = client.get(reverse("printing:guidance_form_pdf", kwargs={"pk": guidance.pk}))
    assert pdf.content.startswith(b"%PDF-")
    assert page_sizes_mm(pdf.content) == [A5]
    text = layout_text(document_html(forms.guidance_context(guidance), FormKey.SUPPLEMENT))
    assert "PhạmThịLan" in text


def test_guidance_slip_permissions(client, guidance, outsider, agency):
    url = reverse("printing:guidance_form", kwargs={"pk": guidance.pk})
    assert client.get(url).status_code == 302
    client.force_login(outsider)
    assert client.get(url).status_code == 404  # as if absent (no 403/404 oracle)
    # Guidance is the center's: staff of the agency do not see the counter's slips.
    client.force_login(staff(Role.SPECIALIST, agency, username="sxd"))
    assert client.get(url).status_code == 404


# --- the register (Mẫu 07) ------------------------------------------------------------------

REGISTER = "printing:register"


def test_register_page_and_pdf(client, make_dossier, center, receptionist):
    inside = make_dossier(received_at=vn(2026, 3, 2, 14, 5))
    outside = make_dossier(received_at=vn(2026, 4, 2, 14, 5))
    client.force_login(receptionist)
    query = {"unit": center.code, "from": "01/03/2026", "to": "2026-03-31"}
    page = client.get(reverse(REGISTER), query)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sổ theo dõi hồ sơ" in html and "Từ ngày 01/03/2026 đến ngày 31/03/2026" in html
    assert inside.code in html and outside.code not in html
    for column in ("Tên TTHC", "Tên tổ chức, cá nhân", "Cơ quan chủ trì giải quyết",
                   "Hẹn trả kết quả", "Phương thức nhận kết quả", "Ký nhận"):
        assert column in html
    pdf = client.get(reverse("printing:register_pdf"), query)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        f'inline; filename="mau-07-so-theo-doi-{center.code}-20260301-20260331.pdf"'
    )
    assert set(page_sizes_mm(pdf.content)) == {A4_LANDSCAPE}
    context = forms.register_context(center, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert inside.code in layout_text(document_html(context, FormKey.REGISTER))


def test_register_defaults_to_the_users_only_unit_and_this_month(
    client, make_dossier, receptionist
):
    dossier = make_dossier(received_at=vn(2026, 3, 2, 14, 5))
    client.force_login(receptionist)
    with time_machine.travel(vn(2026, 3, 15, 9, 0), tick=False):
        response = client.get(reverse(REGISTER))
    assert response.status_code == 200
    assert dossier.code in response.content.decode()
    assert "Từ ngày 01/03/2026 đến ngày 15/03/2026" in response.content.decode()


def test_register_field_filter(client, make_dossier, center, receptionist):
    dossier = make_dossier()
    client.force_login(receptionist)
    response = client.get(reverse(REGISTER), {
        "unit": center.code, "from": "01/03/2026", "to": "31/03/2026", "field": "khong-co",
    })
    assert response.status_code == 400
    assert "Không có lĩnh vực" in response.content.decode()
    response = client.get(reverse(REGISTER), {
        "unit": center.code, "from": "01/03/2026", "to": "31/03/2026",
        "field": dossier.field.code,
    })
    assert dossier.field.name in response.content.decode()


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("32/03/2026", "31/03/2026", "không hợp lệ"),
        ("31/03/2026", "01/03/2026", "Ngày kết thúc phải sau ngày bắt đầu"),
        ("01/01/2025", "31/03/2026", "tối đa 366 ngày"),
    ],
)
def test_register_bad_dates(client, center, receptionist, start, end, message):
    client.force_login(receptionist)
    response = client.get(reverse(REGISTER), {"unit": center.code, "from": start, "to": end})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_register_permissions(client, center, outsider, agency):
    url = reverse(REGISTER)
    query = {"unit": center.code}
    assert client.get(url, query).status_code == 302
    assert client.get(reverse("printing:register_pdf"), query).status_code == 302
    client.force_login(outsider)
    assert client.get(url, query).status_code == 403
    assert client.get(reverse("printing:register_pdf"), query).status_code == 403
    # Processing a dossier of the center does not open the center's register.
    client.force_login(staff(Role.SPECIALIST, agency, username="sxd2"))
    assert client.get(url, query).status_code == 403


def test_superuser_may_print_any_register(client, center):
    admin = UserFactory(username="quantri", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse(REGISTER), {"unit": center.code}).status_code == 200


def test_register_asks_for_a_unit_when_the_user_has_several(client, center, receptionist):
    from tests.factories import CenterFactory

    staff_membership_unit = CenterFactory()
    from motcua.org.models import Membership

    Membership.objects.create(user=receptionist, unit=staff_membership_unit, role=Role.RECEPTIONIST)
    client.force_login(receptionist)
    response = client.get(reverse(REGISTER))
    assert response.status_code == 400
    assert "Hãy chọn đơn vị" in response.content.decode()


def test_an_earlier_supplement_request_by_its_pause(client, dossiers, receptionist):
    dossier = dossiers["mau-02"]
    first = DossierPause.objects.get(dossier=dossier)
    DossierPause.objects.filter(pk=first.pk).update(ended_at=vn(2026, 3, 4, 8, 0))
    DossierPause.objects.create(
        dossier=dossier, kind=PauseKind.SUPPLEMENT, started_at=vn(2026, 3, 4, 9, 0),
        resume_status=Status.APPRAISING, items="Tờ khai mới", reason="Lần hai",
    )
    client.force_login(receptionist)
    latest = client.get(_url("mau-02", dossier)).content.decode()
    assert "Tờ khai mới" in latest
    earlier = client.get(_url("mau-02", dossier), {"pause": first.pk}).content.decode()
    assert "Bản vẽ móng" in earlier and "Tờ khai mới" not in earlier
    assert f'{_url("mau-02", dossier, pdf=True)}?pause={first.pk}' in earlier
    assert client.get(_url("mau-02", dossier), {"pause": 999999}).status_code == 404


def test_register_sheet_is_a_table_in_a_keyboard_scrollable_box(client, make_dossier, center,
                                                                 receptionist):
    """On screen the site's layout class ``.grid`` made the register table a CSS grid, its rows
    overflowing the sheet; the sheet is a focusable region so a keyboard can scroll it."""
    make_dossier(received_at=vn(2026, 3, 2, 14, 5))
    client.force_login(receptionist)
    html = client.get(reverse(REGISTER), {"unit": center.code, "from": "01/03/2026",
                                          "to": "31/03/2026"}).content.decode()
    assert '<table class="grid register">' in html
    assert ".sheet table.grid { display: table; }" in html
    article = html.split('<article class="paper"', 1)[1].split(">", 1)[0]
    assert 'tabindex="0"' in article and 'role="region"' in article
# --- the QR code and lookup link follow where the site is served (issue 10) ------------------


@pytest.mark.parametrize("form", ["mau-01", "mau-02", "mau-03", "mau-04", "mau-05", "mau-06"])
def test_qr_in_development_points_to_the_serving_host(client, dossiers, receptionist, settings,
                                                     form):
    settings.MOTCUA_PUBLIC_BASE_URL = ""
    client.force_login(receptionist)
    dossier = dossiers[form]
    response = client.get(_url(form, dossier), HTTP_HOST="localhost:8111")
    expected = f"http://localhost:8111/tra-cuu/{dossier.code}/"
    assert response.context["form"]["qr"]["url"] == expected
    assert "127.0.0.1:8000" not in response.content.decode()
    pdf = client.get(_url(form, dossier, pdf=True), HTTP_HOST="localhost:8111").content
    text = pdftotext(pdf)
    if text is not None:
        assert "localhost:8111" in text.replace("\n", "")


def test_qr_in_production_points_to_the_public_base_url(client, received, receptionist, settings):
    settings.MOTCUA_PUBLIC_BASE_URL = "https://motcua.daklak.gov.vn/"
    client.force_login(receptionist)
    response = client.get(_url("mau-01", received), HTTP_HOST="localhost:8111")
    assert response.context["form"]["qr"]["url"] == (
        f"https://motcua.daklak.gov.vn/tra-cuu/{received.code}/"
    )
    assert "localhost:8111" not in response.content.decode()
