"""The report pages in English (issue #5): chosen with the language selector, Vietnamese by
default; data (unit and procedure names) and the exports stay Vietnamese."""

import csv
import gettext
import html
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

import motcua.portal
import motcua.reports
from motcua.reports.transparency import ProcedureLine

CATALOGUE = Path(motcua.reports.__file__).parent / "locale" / "en" / "LC_MESSAGES"
PORTAL_CATALOGUE = Path(motcua.portal.__file__).parent / "locale" / "en" / "LC_MESSAGES"

# url, (English that must appear), (its Vietnamese, which must not), (Vietnamese of the default)
PAGES = {
    "dashboard": (
        "/bao-cao/?preset=month",
        ("Dossier intake and processing dashboard", "On-time rate (%)", "Total received",
         "By responsible agency", "In person"),
        ("Bảng điều hành tiếp nhận và giải quyết hồ sơ", "Tỷ lệ đúng hạn", "Tổng số tiếp nhận",
         "Theo cơ quan giải quyết", "Trực tiếp"),
    ),
    "dossiers": (
        "/bao-cao/ho-so/?metric=received&from=2026-03-01&to=2026-03-31",
        ("Total received", "Dossier code", "Timeliness", "Processed, result ready", "Early",
         "Within the time limit", "</strong> dossiers"),
        ("Tổng số tiếp nhận", "Mã hồ sơ", "Tiến độ", "Đã xử lý xong", "Trước hạn", "Trong hạn"),
    ),
    "transparency": (
        "/bao-cao/cong-khai/",
        ("Published results of administrative procedures", "Committed time limit",
         "15 working days", "Letters of apology"),
        ("Công khai kết quả giải quyết thủ tục hành chính", "Thời hạn cam kết", "ngày làm việc",
         "Văn bản xin lỗi"),
    ),
    "index766": (
        "/bao-cao/chi-so/?from=2026-03-01&to=2026-03-31",
        ("Service index for citizens and businesses", "Numerator", "Publicity and transparency",
         "Share of dossiers processed on time", "No data in the period (the denominator is 0)."),
        ("Bộ chỉ số phục vụ người dân, doanh nghiệp", "Tử số", "Công khai, minh bạch",
         "Tỷ lệ hồ sơ xử lý đúng hạn", "mẫu số bằng 0"),
    ),
    "scoring": (
        "/bao-cao/cham-diem/?preset=month",
        ("Evaluation of administrative procedure processing", "Average dossier score",
         "one-stop office", "Poor"),
        ("Đánh giá giải quyết TTHC", "Điểm bình quân hồ sơ", "bộ phận một cửa", "Yếu"),
    ),
    "workload": (
        "/bao-cao/khoi-luong/",
        ("Workload and peak hours", "Dossiers per working day", "Monday",
         "Consider redeploying staff"),
        ("Khối lượng công việc và giờ cao điểm", "Hồ sơ/ngày làm việc", "Thứ Hai",
         "Đề xuất điều chuyển cán bộ"),
    ),
}


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_page_in_english(english, frozen, march, manager, page):
    url, english_words, vietnamese_words = PAGES[page]
    english.force_login(manager)
    content = _text(english.get(url))
    assert '<html lang="en">' in content
    for words in english_words:
        assert words in content
    for words in vietnamese_words:
        assert words not in content


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_page_in_vietnamese_keeps_its_diacritics(client, frozen, march, manager, page):
    url, _, vietnamese_words = PAGES[page]
    client.force_login(manager)
    content = _text(client.get(url))
    assert '<html lang="vi">' in content
    for words in vietnamese_words:
        assert words in content


@pytest.mark.django_db
def test_data_is_not_translated(english, frozen, march, manager):
    english.force_login(manager)
    content = _text(english.get("/bao-cao/ho-so/?metric=received&from=2026-03-01&to=2026-03-31"))
    assert "Sở Xây dựng" in content and "Cấp phiếu lý lịch tư pháp" in content
    assert "Trung tâm Phục vụ hành chính công tỉnh" in content


@pytest.mark.django_db
def test_error_pages_in_english(english, frozen, manager, receptionist):
    english.force_login(manager)
    response = english.get("/bao-cao/", {"from": "2026-03-10", "to": "2026-03-01"})
    assert response.status_code == 400
    content = html.unescape(response.content.decode())
    assert "Invalid parameters" in content
    assert "The end date of the reporting period must be on or after its start date." in content
    response = english.get("/bao-cao/khoi-luong/", {"threshold": "abc"})
    assert "Invalid threshold." in response.content.decode()
    response = english.get("/bao-cao/ho-so/", {"as_of": "hôm qua"})
    assert "The time “hôm qua” is not valid" in response.content.decode()
    english.force_login(receptionist)
    response = english.get("/bao-cao/")
    assert response.status_code == 403 and "Access denied" in response.content.decode()


@pytest.mark.django_db
def test_error_messages_stay_vietnamese_by_default(client, frozen, manager):
    client.force_login(manager)
    response = client.get("/bao-cao/", {"from": "2026-03-10", "to": "2026-03-01"})
    assert "Ngày kết thúc kỳ báo cáo phải sau hoặc bằng ngày bắt đầu." in response.content.decode()


@pytest.mark.django_db
def test_csv_export_stays_vietnamese(english, frozen, march, manager):
    english.force_login(manager)
    response = english.get("/bao-cao/ho-so/", {"metric": "online", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Mã hồ sơ"
    assert rows[1][5] == "Trực tuyến" and rows[1][rows[0].index("Tiến độ")] == "Trước hạn"


@pytest.mark.django_db
def test_chart_labels_show_a_single_percent_sign(client, frozen, march, manager):
    client.force_login(manager)
    response = client.get("/bao-cao/")
    content = response.content.decode()
    # The legends reach reports/dashboard.js as JSON (no inline script under the CSP).
    assert response.context["chart_labels"]["rate"] == "Tỷ lệ đúng hạn (%)"
    assert '"rate": "T\\u1ef7 l\\u1ec7 \\u0111\\u00fang h\\u1ea1n (%)"' in content
    assert "(%%)" not in content


def test_time_limits_in_the_page_language():
    def line(value, unit):
        return ProcedureLine("1", "x", "y", 1, Decimal(1), Decimal(value), unit, None)

    with translation.override("vi"):
        assert line("0.5", "working_days").limit_label == "0,5 ngày làm việc"
        assert line("4", "working_hours").limit_label == "4 giờ làm việc"
    with translation.override("en"):
        assert line("0.5", "working_days").limit_label == "0.5 working days"
        assert line("4", "working_hours").limit_label == "4 working hours"
        assert line("30", "calendar_days").limit_label == "30 days"


# ------------------------------------------------------------------------------- catalogue


def _entries(path: Path) -> list[dict]:
    """The entries of a .po file: context, msgid, msgstr (a list with plurals), flags."""
    entries, entry, key = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry is not None:
                entries.append(entry)
            entry, key = None, None
            continue
        if entry is None:
            entry = {"msgctxt": None, "msgid": "", "msgstr": {}, "flags": ""}
        if line.startswith("#,"):
            entry["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = line[1:-1]
            if isinstance(key, tuple):
                entry["msgstr"][key[1]] += value
            else:
                entry[key] += value
        else:
            name, value = line.split(" ", 1)
            value = value[1:-1]
            match = re.fullmatch(r"msgstr(?:\[(\d)\])?", name)
            if match:
                key = ("msgstr", int(match.group(1) or 0))
                entry["msgstr"][key[1]] = value
            else:
                key = name
                entry[name] = value
    return [e for e in entries if e["msgid"]]


def test_every_message_is_translated():
    entries = _entries(CATALOGUE / "django.po")
    assert len(entries) > 200
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        assert all(entry["msgstr"].values()), entry["msgid"]


def test_compiled_catalogue_is_up_to_date():
    with (CATALOGUE / "django.mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for entry in _entries(CATALOGUE / "django.po"):
        msgid = entry["msgid"].replace('\\"', '"')
        if entry["msgctxt"]:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        expected = entry["msgstr"][0].replace('\\"', '"')
        assert compiled._catalog.get(msgid, compiled._catalog.get((msgid, 0))) == expected


def test_shared_messages_agree_with_the_portal():
    # Django merges the apps' catalogues and the reports app comes first: a different msgstr
    # here would change the portal's English pages.
    portal = {(e["msgctxt"], e["msgid"]): e["msgstr"] for e in _entries(PORTAL_CATALOGUE / "django.po")}
    for entry in _entries(CATALOGUE / "django.po"):
        key = (entry["msgctxt"], entry["msgid"])
        if key in portal:
            assert entry["msgstr"] == portal[key], entry["msgid"]


def test_reports_catalogue_is_installed():
    with translation.override("en"):
        assert translation.gettext("Bảng điều hành") == "Dashboard"
        assert translation.pgettext("báo cáo", "Cơ quan giải quyết") == "Responsible agency"
