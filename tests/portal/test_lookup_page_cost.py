"""The public lookup page's own cost (issue #18 item 2): no CSRF token or cookie for a visitor,
the parts that depend on nothing but the language rendered once per process and language
(``{% fragment %}``), and the page still right for every status and both languages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import Client, RequestFactory

from motcua.core.templatetags import fragments
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import CLOSED_WITH_NOTICE, NATIONAL_CODE, Channel, Status
from tests.factories import UnitFactory, UserFactory, published_procedure, vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def make(center):
    agency = UnitFactory(code="000.00.13.H15", name="Sở Xây dựng")
    version = published_procedure(code="1.013236", name="Cấp giấy phép xây dựng", agency=agency,
                                  receiving_units=[center])

    def make(n=1, status=Status.APPRAISING, **values):
        values = {"received_at": vn(2026, 3, 2, 8, 30), "due_at": vn(2026, 3, 23, 8, 30),
                  **values}
        return Dossier.objects.create(
            code=f"000.00.01.H15-260302-{n:04d}", procedure_version=version, field=version.field,
            receiving_unit=center, competent_unit=agency, current_unit=agency,
            channel=Channel.COUNTER, status=status, national_status=NATIONAL_CODE[status],
            applicant_name="Nguyễn Văn Bình",
            applicant_id_number="066090001234", **values)

    return make


def test_a_visitor_gets_no_csrf_token_nor_cookie(make):
    d = make()
    client = Client(enforce_csrf_checks=True)
    response = client.get(f"/tra-cuu/{d.code}/")
    assert response.status_code == 200
    assert "csrftoken" not in response.cookies
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html and "X-CSRFToken" not in html
    # The language menu still works without a token (it only sets the language cookie).
    answer = client.post("/i18n/setlang/", {"language": "en", "next": f"/tra-cuu/{d.code}/"})
    assert answer.status_code == 302 and answer["Location"] == f"/tra-cuu/{d.code}/"
    assert "Application status" in client.get(f"/tra-cuu/{d.code}/").content.decode()
    # Only to this site.
    away = client.post("/i18n/setlang/", {"language": "vi", "next": "https://evil.example/"})
    assert away["Location"] == "/"


def test_signed_in_pages_keep_the_htmx_csrf_header(make):
    d = make()
    client = Client()
    client.force_login(UserFactory())
    html = client.get(f"/tra-cuu/{d.code}/").content.decode()
    assert "X-CSRFToken" in html and "csrfmiddlewaretoken" in html  # the sign-out form


def test_english_and_vietnamese_fragments_do_not_mix(make):
    d = make()
    vi, en = Client(), Client()
    en.post("/i18n/setlang/", {"language": "en", "next": "/"})
    pages = [(vi, "vi"), (en, "en"), (vi, "vi"), (en, "en")]
    for client, lang in pages:
        html = client.get(f"/tra-cuu/{d.code}/").content.decode()
        assert f'<html lang="{lang}">' in html
        if lang == "vi":
            assert "Tình trạng hồ sơ" in html and "Tra cứu hồ sơ</a>" in html
            assert "Application status" not in html and "Application lookup" not in html
            assert '<option value="vi" selected>' in html
        else:
            assert "Application status" in html and "Application lookup</a>" in html
            assert "Being processed" in html  # the dossier's own status, per request
            assert "Tình trạng hồ sơ" not in html and "Tra cứu hồ sơ</a>" not in html
            assert '<option value="en" selected>' in html


@pytest.mark.parametrize("status", list(Status))
def test_every_status_shows_its_own_dossier(make, status):
    """Two dossiers one after the other: nothing of the first is left in the second's page."""
    first = make(1, status=status, finished_at=vn(2026, 3, 20, 10, 0),
                 returned_at=vn(2026, 3, 20, 14, 15) if status == Status.RETURNED else None,
                 refusal_reason="Thiếu giấy tờ A" if status in CLOSED_WITH_NOTICE else "")
    second = make(2, status=Status.APPRAISING, received_at=vn(2026, 3, 3, 9, 45))
    client = Client()
    one = client.get(f"/tra-cuu/{first.code}/").content.decode()
    two = client.get(f"/tra-cuu/{second.code}/").content.decode()
    assert first.code in one and second.code not in one
    assert second.code in two and first.code not in two
    assert "09:45 03/03/2026" in two and "08:30 02/03/2026" not in two
    assert "Thiếu giấy tờ A" not in two
    if status in CLOSED_WITH_NOTICE:
        assert "Thiếu giấy tờ A" in one and "10:00 20/03/2026" in one
    for html in (one, two):
        assert "066090001234" not in html and "Nguyễn Văn Bình" not in html


def test_a_fragment_never_keeps_a_csrf_token():
    template = Template('{% load fragments %}{% fragment "form" %}<form>{% csrf_token %}'
                        '</form>{% endfragment %}')
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    first = template.render(Context({"csrf_token": "token-of-one"}))
    second = template.render(Context({"csrf_token": "token-of-two"}))
    assert "token-of-one" in first and "token-of-two" in second


def test_a_fragment_is_rendered_once_per_vary_value():
    template = Template('{% load fragments %}{% fragment "x" lang %}{{ value }}{% endfragment %}')
    assert template.render(Context({"lang": "vi", "value": "a"})) == "a"
    assert template.render(Context({"lang": "vi", "value": "b"})) == "a"  # kept
    assert template.render(Context({"lang": "en", "value": "c"})) == "c"  # another key
    fragments.clear()
    assert template.render(Context({"lang": "vi", "value": "d"})) == "d"


def test_the_page_costs_one_query(make, django_assert_num_queries):
    d = make()
    client = Client()
    client.get(f"/tra-cuu/{d.code}/")
    with django_assert_num_queries(1):
        assert client.get(f"/tra-cuu/{d.code}/").status_code == 200
