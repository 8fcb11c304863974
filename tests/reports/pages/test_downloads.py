"""Report downloads from the web (/bao-cao/tai-ve/): the official report of the filters shown on
every report page, as Excel and as an official PDF document."""

import html
import io
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from motcua.org.models import Role
from tests.factories import UnitFactory, UserFactory, staff

PAGES = ["/bao-cao/", "/bao-cao/ho-so/?metric=processed", "/bao-cao/chi-so/",
         "/bao-cao/cham-diem/", "/bao-cao/khoi-luong/"]


def _download_form(content: str) -> tuple[str, dict]:
    form = re.search(r'<form method="get" action="([^"]+)"[^>]*id="report-downloads".*?</form>',
                     content, re.S)
    assert form, "no download form"
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0)))
    assert 'value="xlsx"' in form.group(0) and 'value="pdf"' in form.group(0)
    return form.group(1), {k: html.unescape(v) for k, v in fields.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_every_report_page_offers_xlsx_and_pdf_for_its_filters(client, frozen, march, manager,
                                                               page):
    client.force_login(manager)
    sep = "&" if "?" in page else "?"
    response = client.get(f"{page}{sep}from=2026-03-01&to=2026-03-31")
    assert response.status_code == 200
    url, fields = _download_form(response.content.decode())
    assert url == "/bao-cao/tai-ve/"
    assert fields["from"] == "2026-03-01" and fields["to"] == "2026-03-31"
    xlsx = client.get(url, {**fields, "format": "xlsx", "by": "agency"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in xlsx["Content-Disposition"]
    ws = load_workbook(io.BytesIO(xlsx.content)).active
    total = [c.value for c in ws[ws.max_row]]
    assert total[1] == "Tổng cộng" and total[2] == 5  # received: carried over 1 + new 4


@pytest.mark.django_db
def test_download_keeps_the_filters_shown(client, frozen, march, manager, agency):
    """Filtered on one agency (Sở Xây dựng: d1, d3, d5), the download counts only those."""
    client.force_login(manager)
    response = client.get("/bao-cao/", {"from": "2026-03-01", "to": "2026-03-31",
                                        "agency": agency.code})
    url, fields = _download_form(response.content.decode())
    assert fields["agency"] == agency.code and "as_of" in fields
    ws = load_workbook(io.BytesIO(
        client.get(url, {**fields, "format": "xlsx", "by": "field"}).content)).active
    assert [c.value for c in ws[ws.max_row]][2] == 3


@pytest.mark.django_db
def test_pdf_is_an_official_document(client, frozen, march, manager, center):
    from motcua.reports.engine import official_report
    from motcua.reports.exports import issuer_for, to_html

    leader = UserFactory(first_name="Minh", last_name="Trần Văn")
    staff_membership = staff(Role.LEADER, center)  # another leader, later id: not the signer
    from motcua.org.models import Membership

    Membership.objects.filter(user=staff_membership).delete()
    Membership.objects.create(user=leader, unit=center, role=Role.LEADER, title="Giám đốc")
    import datetime as dt

    report = official_report(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31))
    page = to_html(report, issuer_for(center, number="15"))
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập – Tự do – Hạnh phúc" in text
    assert "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" in text and text.count("ỦY BAN NHÂN DÂN") == 1
    assert center.name.upper() in text
    assert "Số: 15/BC-TTPVHCC" in text
    assert "Đắk Lắk, ngày 31 tháng 3 năm 2026" in text
    assert "từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    assert "GIÁM ĐỐC" in text and "Trần Văn Minh" in text and "Nơi nhận:" in text
    # The table as §6.2 lays it out: "Trong kỳ" spans its channels.
    assert re.search(r'<th colspan="4">Trong kỳ</th>', page)
    for head in ("Kỳ trước chuyển sang", "Trực tuyến", "Trực tiếp", "Bưu chính công ích",
                 "Đã xử lý", "Trước hạn", "Đúng hạn", "Quá hạn", "Đang xử lý",
                 "Tạm dừng xử lý", "Trong hạn"):
        assert head in text


@pytest.mark.django_db
def test_pdf_download_renders(client, frozen, march, manager, tmp_path):
    client.force_login(manager)
    response = client.get("/bao-cao/tai-ve/", {"from": "2026-03-01", "to": "2026-03-31",
                                               "format": "pdf", "number": "07"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        path = tmp_path / "r.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Số: 07/BC-TTPVHCC" in text
        assert "Tổng cộng" in text


@pytest.mark.django_db
def test_downloads_stay_vietnamese_in_english(client, frozen, march, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    page = client.get("/bao-cao/", {"preset": "month"}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Download the official report" in page.content.decode()
    response = client.get("/bao-cao/tai-ve/", {"preset": "month", "format": "xlsx",
                                               "by": "channel"}, HTTP_ACCEPT_LANGUAGE="en")
    ws = load_workbook(io.BytesIO(response.content)).active
    labels = {row[1].value for row in ws.iter_rows(min_row=8)}
    assert "Tổng cộng" in labels and "Trực tiếp" in labels


@pytest.mark.django_db
def test_download_access_and_bad_input(client, frozen, march, manager, receptionist):
    assert client.get("/bao-cao/tai-ve/", {"format": "pdf"}).status_code == 302  # login
    client.force_login(receptionist)
    assert client.get("/bao-cao/tai-ve/", {"format": "pdf"}).status_code == 403
    other = UnitFactory(code="000.00.09.H15", name="Trung tâm xã khác", kind="commune_center",
                        level="xa")
    commune_manager = staff(Role.CENTER_MANAGER, other)
    client.force_login(commune_manager)
    forbidden = client.get("/bao-cao/tai-ve/", {"format": "xlsx", "unit": "000.00.00.H15"})
    assert forbidden.status_code == 403
    client.force_login(manager)
    for bad in ({"format": "docx"}, {"by": "nothing"}, {"from": "2026-03-31", "to": "2026-03-01"},
                {"number": "1" * 30}):
        assert client.get("/bao-cao/tai-ve/", {"format": "pdf", **bad}).status_code == 400, bad


@pytest.mark.django_db
def test_a_commune_center_issues_under_its_commune_once():
    from motcua.reports.exports import issuer_for

    commune = UnitFactory(code="000.30.01.H15", kind="commune", level="xa",
                          name="Ủy ban nhân dân xã Ea Kao")
    center = UnitFactory(code="000.30.02.H15", kind="commune_center", level="xa", parent=commune,
                         name="Trung tâm Phục vụ hành chính công xã Ea Kao")
    issuer = issuer_for(center)
    assert issuer.governing == "ỦY BAN NHÂN DÂN XÃ EA KAO"
    assert issuer.name == "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ EA KAO"
    assert issuer.place == "Ea Kao" and issuer.symbol == "BC-TTPVHCC"
    assert (issuer.signer_title, issuer.signer_name) == ("GIÁM ĐỐC", "")
    agency = UnitFactory(code="000.30.03.H15", kind="agency", name="Sở Tư pháp",
                         short_name="STP", parent=UnitFactory(code="000.30.00.H15",
                                                              kind="province", name="Tỉnh Đắk Lắk"))
    assert issuer_for(agency).governing == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"
    assert issuer_for(agency).symbol == "BC-STP"
