"""Random text into every form field of the workspace (issue 12 §2): never a server error.

Each example starts from a valid submission and replaces some of its fields with hostile text
— NUL bytes, right-to-left and combining characters, Vietnamese, very long strings, numbers
far out of range — so the replaced field reaches the validation (and the database) the way a
hand-made POST would. Each request runs in a savepoint rolled back afterwards, so every example
meets the same dossier. On PostgreSQL a value the database refuses (NUL, a too-long column, an
out-of-range integer) was a 500.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.workspace import selectors
from motcua.workspace.forms import action_form_class
from motcua.workspace.views import available_actions
from tests.workspace.test_actions import ENDPOINTS, _data
from tests.workspace.test_intake import form_data

HOSTILE = st.sampled_from([
    "", " ", "\x00", "a\x00b", "‮gnp.exe", "\u202e\u202d", "e\u0301\u0302\u0303" * 50,
    "שלום עולם", "مرحبا", "Nguyễn Văn Ân", "Đ" * 20_000, "x" * 300, "9" * 40, "-1", "0",
    "40000", "2147483648", "99999999999999999999", "1e309", "NaN", "31/02/2026", "9999-12-31",
    "0001-01-01", "00:99", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd",
    "\ud7ff\ue000\ufffd", "\U0001f600" * 100,
])
TEXT = st.one_of(HOSTILE, st.text(max_size=400), st.text(min_size=1000, max_size=3000))
FUZZ = settings(max_examples=15, deadline=None, derandomize=True,
                suppress_health_check=list(HealthCheck))


def fuzz(base: dict, names: list[str]):
    """Strategy: ``base`` with some of ``names`` replaced by hostile text."""
    return st.dictionaries(st.sampled_from(sorted(names)), TEXT, max_size=len(names)).map(
        lambda changes: {**base, **changes})


def _call(client, method, url, data):
    with transaction.atomic():
        response = client.get(url, data) if method == "GET" else client.post(url, data)
        transaction.set_rollback(True)
    assert response.status_code < 500, (url, data)
    return response


@pytest.mark.django_db
def test_intake_form(world, frozen):
    client = Client()
    client.force_login(world.receptionist)
    base = form_data(world)
    names = [*base, "q", "tax_code", "representative_name", "request_summary",
             "delivery_address", "notes", "items", "reason",
             *[f"copies_{d.pk}" for d in world.version.documents.all()]]

    @FUZZ
    @given(fuzz(base, names))
    def run(data):
        _call(client, "POST", "/can-bo/tiep-nhan/", data)

    run()


@pytest.mark.django_db
def test_intake_lookups_and_field_checks(world, frozen):
    client = Client()
    client.force_login(world.receptionist)
    base = {"unit": world.center.pk, "q": "xây", "procedure": world.version.pk}
    check = {"field": "id_number", "id_number": "066090001234", "phone": "0912345678",
             "tax_code": "0101234567", "birth_date": "04/05/1990", "gender": "male"}

    @FUZZ
    @given(fuzz(base, list(base)), fuzz(check, list(check)))
    def run(query, posted):
        for url in ("/can-bo/tiep-nhan/", "/can-bo/tiep-nhan/thu-tuc/",
                    "/can-bo/tiep-nhan/giay-to/"):
            _call(client, "GET", url, query)
        _call(client, "POST", "/can-bo/tiep-nhan/kiem-tra/", posted)

    run()


@pytest.mark.django_db
def test_worklist_and_register_filters(world, bring, frozen):
    bring("appraising")
    client = Client()
    client.force_login(world.manager)
    base = {"list": "all", "q": "Nguy", "status": "appraising", "procedure": "",
            "field": "", "received_from": "01/03/2026", "received_to": "31/03/2026", "page": "1"}
    register = {"unit": world.center.code, "from": "01/03/2026", "to": "31/03/2026", "field": ""}

    @FUZZ
    @given(fuzz(base, list(base)), fuzz(register, list(register)))
    def run(query, register_query):
        _call(client, "GET", "/can-bo/ho-so/", query)
        _call(client, "GET", "/can-bo/xin-loi/", {"unit": register_query["unit"]})
        _call(client, "GET", "/in/so-theo-doi/", register_query)

    run()


def _actor(world, dossier, action):
    candidates = [world.receptionist, world.manager, world.leader, world.specialist]
    for user in candidates:
        if action in available_actions(user, dossier, selectors.apology_of(dossier)):
            return user
    raise AssertionError(f"nobody may {action}")


@pytest.mark.django_db
@pytest.mark.parametrize("action,status,data", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_action_forms(world, bring, frozen, action, status, data):
    dossier = bring(status)
    client = Client()
    client.force_login(_actor(world, dossier, action))
    form = action_form_class(action)(dossier=dossier, prefix=action)
    names = [form.add_prefix(name) for name in form.fields]
    url = f"/can-bo/ho-so/{dossier.code}/thao-tac/{action}/"

    @FUZZ
    @given(fuzz(_data(world, data), names))
    def run(posted):
        _call(client, "POST", url, posted)

    run()
