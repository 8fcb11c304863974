"""The public lookup page in two parts (``portal/lookup_page.py``): a visitor's page is the frame
rendered once per process and language with the dossier's part put in, and it is the same page,
byte for byte, as the single template it replaced (``lookup_result_before.html``, the page's
template before the split, kept here as the reference) for every status and both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template import engines
from django.test import Client, RequestFactory
from django.utils import translation

from motcua.dossiers.models import Dossier, NoticeDelivery
from motcua.dossiers.states import CLOSED_WITH_NOTICE, NATIONAL_CODE, Channel, Status
from motcua.portal import lookup_page
from motcua.portal.selectors import dossier_public_status
from tests.factories import UnitFactory, UserFactory, published_procedure, vn

pytestmark = pytest.mark.django_db

BEFORE = (Path(__file__).parent / "lookup_result_before.html").read_text()


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.MOTCUA_LOOKUP_RATE = ""  # more pages than a visitor may ask for in a minute


@pytest.fixture
def make(center):
    agency = UnitFactory(code="000.00.13.H15", name="Sở Xây dựng & <Quy hoạch>")
    version = published_procedure(code="1.013236", name="Cấp giấy phép \"xây dựng\"",
                                  agency=agency, receiving_units=[center])

    def make(n=1, status=Status.APPRAISING, unit=None, **values):
        values = {"received_at": vn(2026, 3, 2, 8, 30), "due_at": vn(2026, 3, 23, 8, 30),
                  **values}
        return Dossier.objects.create(
            code=f"000.00.01.H15-260302-{n:04d}", procedure_version=version, field=version.field,
            receiving_unit=unit or center, competent_unit=agency, current_unit=agency,
            channel=Channel.COUNTER, status=status, national_status=NATIONAL_CODE[status],
            applicant_name="Nguyễn Văn Bình", applicant_id_number="066090001234", **values)

    return make


def _before(path: str, code: str, language: str) -> str:
    """The page as the single template rendered it for a visitor."""
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    with translation.override(language):
        return engines["django"].from_string(BEFORE).render(
            {"d": dossier_public_status(code)}, request)


def _client(language: str) -> Client:
    client = Client()
    if language != "vi":
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
    return client


def _values(status: Status, n: int) -> dict:
    closed = status in CLOSED_WITH_NOTICE
    return {
        "finished_at": vn(2026, 3, 20, 10, 0) if closed or status == Status.RETURNED else None,
        "returned_at": vn(2026, 3, 20, 14, 15) if status == Status.RETURNED else None,
        "refusal_reason": "Thiếu giấy tờ A\n<b>và</b> B" if closed else "",
        # Every other dossier rescheduled (the "appointment moved" line).
        **({"original_due_at": vn(2026, 3, 23, 8, 30),
            "rescheduled_due_at": vn(2026, 3, 30, 8, 30)} if n % 2 else {}),
    }


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_status_is_the_same_page_as_before(make, language):
    client = _client(language)
    dossiers = [make(n, status=status, **_values(status, n))
                for n, status in enumerate(Status, start=1)]
    # A notice handed over; a receiving unit without a phone, one without an address.
    handed = make(90, status=Status.REFUSED_AFTER_APPRAISAL,
                  **_values(Status.REFUSED_AFTER_APPRAISAL, 90))
    NoticeDelivery.objects.create(dossier=handed, how="counter", handed_to="An",
                                  handed_at=vn(2026, 3, 21, 9, 5), handed_by=UserFactory())
    dossiers += [
        handed,
        make(91, unit=UnitFactory(code="000.00.02.H15", address="Xã <Ea> & Kar", phone="")),
        make(92, unit=UnitFactory(code="000.00.03.H15", address="", phone="0262 1")),
    ]
    for d in dossiers:
        for _ in range(2):  # the frame built, then reused
            path = f"/tra-cuu/{d.code}/"
            response = client.get(path)
            assert response.status_code == 200
            assert response.content.decode() == _before(path, d.code, language), d.status


def test_the_address_is_put_in_escaped_and_nothing_of_one_visitor_stays(make):
    d = make()
    client = Client()
    first = client.get(f"/tra-cuu/{d.code}/?from=qr&q='x'")
    path = first.wsgi_request.get_full_path()
    assert first.content.decode() == _before(path, d.code, "vi")
    # The language menu's return address, escaped.
    assert "?from=qr&amp;q=&#x27;x&#x27;\"" in first.content.decode()
    second = client.get(f"/tra-cuu/{d.code}/").content.decode()
    assert "from=qr" not in second
    assert second == _before(f"/tra-cuu/{d.code}/", d.code, "vi")


def test_signed_in_users_and_waiting_messages_get_the_whole_page(make, rf):
    d = make()
    client = Client()
    client.force_login(UserFactory())
    html = client.get(f"/tra-cuu/{d.code}/").content.decode()
    assert "Đăng xuất" in html and "csrfmiddlewaretoken" in html
    assert d.code in html and "Tình trạng hồ sơ" in html

    request = rf.get(f"/tra-cuu/{d.code}/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    request._messages.add(20, "Đã đổi ngôn ngữ")
    html = lookup_page.response(request, dossier_public_status(d.code)).content.decode()
    assert "Đã đổi ngôn ngữ" in html and d.code in html


def test_a_frame_that_cannot_be_split_is_not_kept(make, monkeypatch, caplog):
    d = make()
    # A frame that shows the address twice: the page is rendered whole, the same as before.
    monkeypatch.setattr(lookup_page, "_NobodysRequest", type(
        "Twice", (lookup_page._NobodysRequest,),
        {"get_full_path": lambda self, force_append_slash=False: lookup_page._PATH * 2}))
    response = Client().get(f"/tra-cuu/{d.code}/")
    assert response.content.decode() == _before(f"/tra-cuu/{d.code}/", d.code, "vi")
    assert "marker is missing or repeated" in caplog.text


def test_a_visitors_page_renders_no_template_once_the_frame_is_kept(make):
    d = make()
    client = Client()
    first = client.get(f"/tra-cuu/{d.code}/")
    assert "portal/lookup_result.html" in [t.name for t in first.templates]  # the frame, built
    assert lookup_page._frames["vi"] is not None
    second = client.get(f"/tra-cuu/{d.code}/")
    assert second.status_code == 200 and second.templates == []
    client.force_login(UserFactory())
    signed_in = client.get(f"/tra-cuu/{d.code}/")
    assert "portal/lookup_result.html" in [t.name for t in signed_in.templates]
