"""The staff workspace in English: chosen with the language selector, Vietnamese by default.

Data (unit, procedure and step names) and the official printed forms stay Vietnamese; the
dossier states, channels, transition names and the service's error messages are translated."""

from __future__ import annotations

import gettext
import html
import itertools
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

import motcua.accounts
import motcua.api
import motcua.catalog
import motcua.citizens
import motcua.core
import motcua.courier
import motcua.dossiers
import motcua.floor
import motcua.interop
import motcua.notifications
import motcua.payments
import motcua.portal
import motcua.printing
import motcua.reports
import motcua.signing
import motcua.workspace
from motcua.dossiers import services
from motcua.dossiers.models import ApplicantKind, Gender, PauseKind, ProvidedAs, StepOutcome
from motcua.dossiers.states import Channel, DeliveryMethod, Status
from motcua.dossiers.transitions import TRANSITIONS, table_markdown
from motcua.org.models import Role
from tests.factories import vn


def _catalogue(module) -> Path:
    return Path(module.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


WORKSPACE = _catalogue(motcua.workspace)
DOSSIERS = _catalogue(motcua.dossiers)
CATALOGUES = {
    "workspace": WORKSPACE,
    "dossiers": DOSSIERS,
    "portal": _catalogue(motcua.portal),
    "reports": _catalogue(motcua.reports),
    "core": _catalogue(motcua.core),
    "api": _catalogue(motcua.api),
    "catalog": _catalogue(motcua.catalog),
    "accounts": _catalogue(motcua.accounts),
    "printing": _catalogue(motcua.printing),
}
# The core's and the features' catalogues (their domain errors' messages reach pages and the
# API: tests/core/test_error_messages_translated.py). Only checked for being compiled: they
# still disagree with the others on short words ("Số", "Nội dung", "trạng thái"...), which
# need a context (pgettext) before they can join CATALOGUES.
MORE_CATALOGUES = {
    "notifications": _catalogue(motcua.notifications),
    "signing": _catalogue(motcua.signing),
    "payments": _catalogue(motcua.payments),
    "courier": _catalogue(motcua.courier),
    "floor": _catalogue(motcua.floor),
    "interop": _catalogue(motcua.interop),
    "citizens": _catalogue(motcua.citizens),
}


CSRF_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _text(response) -> str:
    """The page's text without its CSRF tokens: a random 64-character token may hold a short
    Vietnamese word the checks look for ("Nam" made the intake page's check flaky)."""
    assert response.status_code == 200
    return CSRF_TOKEN.sub("", html.unescape(response.content.decode()))


def _section(page: str, element_id: str) -> str:
    """One card of the dossier page."""
    return page.split(f'id="{element_id}"', 1)[1].split("</section>", 1)[0]


def _without(page: str, *element_ids: str) -> str:
    """The dossier page without some cards: the step names of the control slip and the titles
    of the official forms are Vietnamese data, some written like the page's own words."""
    for element_id in element_ids:
        page = page.replace(_section(page, element_id), "")
    return page


# ----------------------------------------------------------------------------- pages

# name: (English that must appear, its Vietnamese, which must not)
HOME = (
    ("My workspace", "Dossiers I hold", "My unit's dossiers", "Due soon", "Overdue",
     "Result to return", "Receiving officer", "Common tasks", "Receive a dossier at the counter",
     "Apology register", "Dossier lists"),
    ("Trang làm việc", "Hồ sơ tôi đang giữ", "Hồ sơ của đơn vị", "Sắp đến hạn", "Quá hạn",
     "Chờ trả kết quả", "Cán bộ tiếp nhận", "Việc thường làm", "Tiếp nhận hồ sơ tại quầy",
     "Sổ xin lỗi", "Danh sách hồ sơ"),
)
DOSSIER_HEAD = (
    ("Being appraised", "National status code 4 – Being processed", "Responsible agency",
     "Submission channel", "In person", "Result due", "Male", "Documents handed in",
     "Letter of apology", "Processing control slip"),
    ("Đang thẩm định", "Mã trạng thái quốc gia", "Đang xử lý", "Cơ quan giải quyết", "Kênh nộp",
     "Trực tiếp", "Hẹn trả kết quả", "Nam", "Thành phần hồ sơ", "Văn bản xin lỗi",
     "Phiếu kiểm soát"),
)
DOSSIER_ACTIONS = (
    ("Request a supplement", "Within 3 working days of reception (Form 02); stops the clock.",
     "Refuse the request", "Stop processing", "Explanation of the delay",
     "Documents or information to supplement"),
    ("Yêu cầu bổ sung hồ sơ", "Trong 3 ngày làm việc", "Từ chối giải quyết", "Dừng xử lý",
     "Giải trình trễ hạn", "Giấy tờ, nội dung cần bổ sung"),
)
DOSSIER_TIMELINE = (
    ("Processing history", "Receive the dossier", "Send to the responsible agency",
     "Assign a handler", "Start appraisal", "→ Received", "→ Assigned for handling",
     "Apology and new return date"),
    ("Lịch sử xử lý", "Tiếp nhận hồ sơ", "Chuyển cơ quan giải quyết", "Phân công thụ lý",
     "Bắt đầu thẩm định", "Đã tiếp nhận", "Đã phân công thụ lý", "Xin lỗi và hẹn lại"),
)
INTAKE = (
    ("Receive a dossier", "1. Procedure", "Administrative procedure", "— Choose a procedure —",
     "The applicant is", "Individual", "Organisation", "Full name / name of the organisation",
     "Personal identification number", "Male", "Female", "Result delivery", "required",
     '"btn-accept">Receive<', "Give supplement guidance", "Refuse to receive"),
    ("Tiếp nhận hồ sơ", "1. Thủ tục", "Thủ tục hành chính", "Chọn thủ tục", "Người nộp là",
     "Cá nhân", "Tổ chức", "Họ và tên", "Số định danh cá nhân", "Nam", "Nữ", "Nhận kết quả",
     "bắt buộc", "Hướng dẫn bổ sung", "Từ chối tiếp nhận"),
)
APOLOGIES = (
    ("Apology register", "Letters of apology issued by the unit", "Apology date", "Dossier code",
     "Previous due date", "New due date", "Signed by", "Form 04",
     "Apologies for dossiers received at the center"),
    ("Sổ xin lỗi", "Văn bản xin lỗi đơn vị đã ban hành", "Ngày xin lỗi", "Mã hồ sơ", "Hẹn cũ",
     "Hẹn mới", "Người ký", "Mẫu 04", "Xin lỗi đối với hồ sơ tiếp nhận tại trung tâm"),
)
WORKLIST = (
    ("Dossiers I hold", "Dossier code", "Applicant", "Status", "Being appraised", "Clear filters",
     "Any status", "1 dossier"),
    ("Hồ sơ tôi đang giữ", "Mã hồ sơ", "Người nộp", "Trạng thái", "Đang thẩm định", "Xóa lọc",
     "Mọi trạng thái", "1 hồ sơ"),
)


def _check(page: str, words, absent=()) -> None:
    for w in words:
        assert w in page, w
    for w in absent:
        assert w not in page, w


def _apologised(world, bring):
    d = bring("appraising")
    services.dossier_apologise(actor=world.leader, dossier=d, reason="Chờ ý kiến phối hợp",
                               new_due_at=vn(2026, 3, 20, 8, 0))
    return d


def test_home_in_english(english, world, frozen):
    english.force_login(world.receptionist)
    page = _text(english.get("/can-bo/"))
    assert '<html lang="en">' in page
    _check(page, HOME[0], HOME[1])


def test_dossier_page_in_english(english, world, bring, frozen):
    d = _apologised(world, bring)
    english.force_login(world.leader)
    page = _text(english.get(f"/can-bo/ho-so/{d.code}/"))
    _check(page, DOSSIER_HEAD[0])
    _check(_without(page, "steps", "print"), (), DOSSIER_HEAD[1])
    _check(_section(page, "actions"), DOSSIER_ACTIONS[0], DOSSIER_ACTIONS[1])
    _check(_section(page, "timeline"), DOSSIER_TIMELINE[0], DOSSIER_TIMELINE[1])
    # Data stays as written: names, the procedure's own step names, the apology's reason.
    _check(page, ("Sở Xây dựng", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Phân công thụ lý",
                  "Chờ ý kiến phối hợp", "Nguyễn Văn An"))


def test_intake_page_in_english(english, world, frozen):
    english.force_login(world.receptionist)
    page = _text(english.get("/can-bo/tiep-nhan/", {"procedure": world.version.pk}))
    _check(page, INTAKE[0], INTAKE[1])
    _check(page, ("Đơn đề nghị cấp giấy phép", "Trung tâm Phục vụ hành chính công tỉnh"))


def test_apology_register_in_english(english, world, bring, frozen):
    d = _apologised(world, bring)
    english.force_login(world.manager)
    page = _text(english.get("/can-bo/xin-loi/"))
    _check(page, APOLOGIES[0], APOLOGIES[1])
    _check(page, (d.code, "Chờ ý kiến phối hợp"))


def test_worklist_in_english(english, world, bring, frozen):
    bring("appraising")
    english.force_login(world.specialist)
    page = _text(english.get("/can-bo/ho-so/", {"list": "mine"}))
    _check(page, WORKLIST[0], WORKLIST[1])


@pytest.mark.parametrize(
    ("url", "user", "words"),
    [("/can-bo/", "receptionist", HOME[1]),
     ("/can-bo/tiep-nhan/?procedure={version}", "receptionist", INTAKE[1]),
     ("/can-bo/xin-loi/", "manager", APOLOGIES[1]),
     ("/can-bo/ho-so/?list=mine", "specialist", WORKLIST[1]),
     ("/can-bo/ho-so/{code}/", "leader",
      DOSSIER_HEAD[1] + DOSSIER_ACTIONS[1] + DOSSIER_TIMELINE[1])],
)
def test_pages_stay_vietnamese_by_default(client, world, bring, frozen, url, user, words):
    d = _apologised(world, bring)
    client.force_login(getattr(world, user))
    page = _text(client.get(url.format(version=world.version.pk, code=d.code)))
    assert '<html lang="vi">' in page
    _check(page, words)


def test_action_message_and_service_errors_in_english(english, world, bring, frozen):
    d = bring("received")
    english.force_login(world.receptionist)
    response = english.post(f"/can-bo/ho-so/{d.code}/thao-tac/transfer/", {})
    page = _text(english.get(response["Location"]))
    assert "Done: Send to the responsible agency." in page
    assert "Sent to the responsible agency" in page
    # A stale action: the domain's message is in English too, naming the action in English.
    response = english.post(f"/can-bo/ho-so/{d.code}/thao-tac/transfer/", {})
    assert response.status_code == 409
    page = html.unescape(response.content.decode())
    assert "“Send to the responsible agency” is not possible while the dossier is" in page
    assert "Không thể thực hiện" not in page


def test_transitions_table_stays_vietnamese_in_english():
    # The docs table and the service messages read the labels as they are.
    with translation.override("en"):
        assert TRANSITIONS["receive"].label == "Tiếp nhận hồ sơ"
        assert "| `receive` | Tiếp nhận hồ sơ |" in table_markdown()


# ----------------------------------------------------------------------------- printed forms


def _sheet(page: str) -> str:
    return page.split('<div class="sheet">', 1)[1].split("</article>", 1)[0]


@pytest.mark.parametrize("form", ["mau-01", "mau-04", "mau-06"])
def test_printed_forms_stay_vietnamese_in_english(client, world, bring, frozen, form):
    d = _apologised(world, bring)
    url = f"/in/ho-so/{d.code}/{form}/"
    client.force_login(world.receptionist)
    vietnamese = _sheet(_text(client.get(url)))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _text(client.get(url))
    assert '<html lang="en">' in page
    assert _sheet(page) == vietnamese
    if form == "mau-01":
        # Labels of dossiers.models written on the receipt.
        assert "Bản chính" in vietnamese and "Nhận tại bộ phận một cửa" in vietnamese


def test_tracking_register_stays_vietnamese_in_english(client, world, bring, frozen):
    bring("appraising")
    url = f"/in/so-theo-doi/?unit={world.center.code}&from=01/03/2026&to=31/03/2026"
    client.force_login(world.manager)
    vietnamese = _sheet(_text(client.get(url)))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert _sheet(_text(client.get(url))) == vietnamese
    assert "Nhận tại bộ phận một cửa" in vietnamese


# ----------------------------------------------------------------------------- catalogues


def _entries(path: Path) -> dict[tuple[str | None, str], dict]:
    """(msgctxt, msgid) -> {"msgstr": [forms], "flags": "..."} of a .po file."""
    entries = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        flags, key = "", None
        for line in block.splitlines():
            if line.startswith("#,"):
                flags += line
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                fields[key] += line[1:-1]
            else:
                key, value = line.split(" ", 1)
                fields[key] = value[1:-1]
        if fields.get("msgid"):
            forms = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
            key = (fields.get("msgctxt"), fields["msgid"].replace('\\"', '"'))
            entries[key] = {"msgstr": [f.replace('\\"', '"') for f in forms], "flags": flags}
    return entries


@pytest.mark.parametrize("path", [WORKSPACE, DOSSIERS], ids=["workspace", "dossiers"])
def test_every_message_is_translated(path):
    entries = _entries(path)
    assert len(entries) > 50
    assert "fuzzy" not in path.read_text(encoding="utf-8")
    for key, entry in entries.items():
        assert "fuzzy" not in entry["flags"], key
        assert entry["msgstr"] and all(entry["msgstr"]), key


@pytest.mark.parametrize("path", [*CATALOGUES.values(), *MORE_CATALOGUES.values()],
                         ids=[*CATALOGUES, *MORE_CATALOGUES])
def test_compiled_catalogue_is_up_to_date(path):
    with path.with_suffix(".mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)._catalog
    entries = _entries(path)
    assert len(compiled) == 1 + sum(len(e["msgstr"]) for e in entries.values())  # 1: header
    for (context, msgid), entry in entries.items():
        key = f"{context}\x04{msgid}" if context else msgid
        if len(entry["msgstr"]) == 1:
            assert compiled[key] == entry["msgstr"][0], msgid
        else:
            assert [compiled[(key, n)] for n in range(2)] == entry["msgstr"], msgid


def test_shared_messages_agree_between_catalogues():
    # Django merges the apps' catalogues, the first app in INSTALLED_APPS winning: a different
    # msgstr for the same msgid would change another app's pages.
    catalogues = {name: _entries(path) for name, path in CATALOGUES.items()}
    for (a, first), (b, second) in itertools.combinations(catalogues.items(), 2):
        for key in first.keys() & second.keys():
            assert first[key]["msgstr"] == second[key]["msgstr"], (a, b, key)


def _translated(msgid: str, context: str | None = None) -> bool:
    with translation.override("en"):
        text = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
    return text != msgid


def test_every_label_the_workspace_shows_is_translated():
    labels = [str(label) for enum in (Status, Channel, ApplicantKind, Gender, StepOutcome,
                                      PauseKind, Role)
              for label in enum.labels]
    for label in labels:
        assert _translated(label), label
    for t in TRANSITIONS.values():
        assert _translated(t.label, "thao tác"), t.label
        if t.description:
            assert _translated(t.description, "thao tác"), t.description


def test_labels_printed_on_official_forms_are_not_translated():
    # printing renders its forms in the request's language: an English msgstr for these would
    # put English on the receipt (Mẫu 01) and the register (Mẫu 07).
    for label in [*DeliveryMethod.labels, *ProvidedAs.labels]:
        assert not _translated(str(label)), label



# The apps whose model names are all translated (the admin and error messages show them). The
# others still name some models in Vietnamese only, or in English only (sequences, ledgers).
TRANSLATED_MODEL_NAMES = ["citizens", "courier", "interop", "notifications", "ops"]


@pytest.mark.parametrize("label", TRANSLATED_MODEL_NAMES)
def test_model_names_are_translated(label):
    from django.apps import apps

    for model in apps.get_app_config(label).get_models():
        names = (model._meta.verbose_name, model._meta.verbose_name_plural)
        with translation.override("vi"):
            vietnamese = [str(name) for name in names]
        with translation.override("en"):
            english = [str(name) for name in names]
        assert all(e != v for e, v in zip(english, vietnamese, strict=True)), model.__name__


def test_every_label_of_the_page_frame_is_translated():
    """The header every page shares (core/base.html): each ``{% translate %}`` literal has an
    English text ("Công dân đăng nhập" stayed Vietnamese on English pages)."""
    import re

    from django.utils import translation

    base = Path(motcua.__file__).parent / "core" / "templates" / "core" / "base.html"
    labels = set(re.findall(r"""\{% translate (?:"([^"]+)"|'([^']+)') %\}""",
                            base.read_text(encoding="utf-8")))
    labels = {a or b for a, b in labels}
    assert "Công dân đăng nhập" in labels and len(labels) > 10
    with translation.override("en"):
        untranslated = sorted(m for m in labels if translation.gettext(m) == m)
    assert untranslated == []
