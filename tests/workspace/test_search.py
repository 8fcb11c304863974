"""Finding a dossier (tìm hồ sơ): the header's search box and /can-bo/tim/."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.db import connection

from motcua.dossiers.models import Dossier
from tests.workspace.conftest import APPLICANT
from tests.workspace.test_worklists import codes

SEARCH = "/can-bo/tim/"


@pytest.fixture
def two(world, bring, frozen):
    first = bring("received")
    second = bring("transferred", applicant={**APPLICANT, "name": "Trần Thị Thu Trang"})
    return first, second


def opened(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"]


def test_the_header_has_a_search_box_for_staff_only(world, login, client, db):
    assert 'id="staff-search"' not in client.get("/").content.decode()
    html = login(world.receptionist).get("/can-bo/").content.decode()
    assert 'action="/can-bo/tim/"' in html and 'id="staff-search"' in html
    assert 'id="home-search"' in html and html.count('action="/can-bo/tim/"') == 2
    # The public pages of a logged-in clerk keep the box too.
    assert 'id="staff-search"' in client.get("/thu-tuc/").content.decode()


@pytest.mark.parametrize("term", [
    "{code}", " {code} ", "{lower}", "260302-0002", "0002",
    "tran thi thu trang", "TRAN THI", "Thu Trang", "trần thị",
    "http://127.0.0.1:8000/tra-cuu/{code}/", "https://motcua.example.vn/tra-cuu/{code}/?utm=qr",
])
def test_one_match_opens_the_dossier(two, world, login, term):
    _, second = two
    term = term.format(code=second.code, lower=second.code.lower())
    location = opened(login(world.receptionist).get(SEARCH, {"q": term}))
    assert location == f"/can-bo/ho-so/{second.code}/"


def test_several_matches_list_every_dossier_the_user_may_see(two, world, login):
    first, second = two
    client = login(world.receptionist)
    location = opened(client.get(SEARCH, {"q": "260302"}))
    assert location.startswith("/can-bo/ho-so/?list=all&q=260302")
    assert sorted(codes(client.get(location))) == [first.code, second.code]


def test_search_reaches_a_dossier_another_unit_holds(two, world, login):
    """The clerk's default list (?list=unit) does not show a dossier sent on to the agency;
    the search does."""
    _, second = two
    client = login(world.receptionist)
    assert second.code not in client.get("/can-bo/ho-so/?list=unit").content.decode()
    assert opened(client.get(SEARCH, {"q": "0002"})) == f"/can-bo/ho-so/{second.code}/"


def test_search_never_reveals_a_dossier_the_user_may_not_see(two, world, login):
    _, second = two
    client = login(world.foreign_leader)
    location = opened(client.get(SEARCH, {"q": second.code}))
    assert location.startswith("/can-bo/ho-so/?list=all")
    assert codes(client.get(location)) == []


def test_an_empty_search_goes_to_the_whole_list(world, login):
    assert opened(login(world.receptionist).get(SEARCH, {"q": "  "})) == "/can-bo/ho-so/?list=all"


def test_the_worklist_filter_and_the_api_use_the_same_matching(two, world, login):
    _, second = two
    client = login(world.receptionist)
    response = client.get("/can-bo/ho-so/", {"list": "all", "q": "tran thi thu"})
    assert codes(response) == [second.code]
    api = client.get("/api/v1/dossiers", {"q": "tran thi thu"})
    assert api.status_code == 200
    assert [d["code"] for d in api.json()["results"]] == [second.code]


def test_anonymous_search_goes_to_login(client, db):
    assert opened(client.get(SEARCH, {"q": "x"})).startswith("/dang-nhap/")


# ----------------------------------------------------------------------------- folded name


def test_the_folded_name_follows_every_save(two):
    first, _ = two
    assert first.applicant_name_folded == "nguyen van an"
    first.applicant_name = "Đặng Ánh Tuyết"
    first.save(update_fields=["applicant_name"])
    assert Dossier.objects.get(pk=first.pk).applicant_name_folded == "dang anh tuyet"


def test_the_migration_backfills_existing_rows(two):
    first, second = two
    Dossier.objects.update(applicant_name_folded="")
    migration = importlib.import_module(
        "motcua.dossiers.migrations.0005_applicant_name_folded")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.backfill(django_apps, editor)
    folded = dict(Dossier.objects.values_list("pk", "applicant_name_folded"))
    assert folded == {first.pk: "nguyen van an", second.pk: "tran thi thu trang"}
