"""Worklists (/can-bo/ and /can-bo/ho-so/?list=…): membership of each list, filters, paging,
markers, scoping and query count."""

from __future__ import annotations

import re

import pytest
import time_machine

from motcua.org.models import Role
from tests.factories import UserFactory, staff, vn
from tests.workspace.conftest import NOW

LIST_URL = "/can-bo/ho-so/"


def codes(response) -> list[str]:
    return re.findall(r'<td class="code"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def tile_count(response, key) -> int:
    html = response.content.decode()
    match = re.search(rf'id="tile-{key}">\s*<span class="count">(\d+)</span>', html)
    assert match, f"no tile {key}"
    return int(match.group(1))


# ----------------------------------------------------------------------------- access


@pytest.mark.parametrize("url", ["/can-bo/", LIST_URL + "?list=all"])
def test_anonymous_is_sent_to_the_login_page(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/")


@pytest.mark.parametrize("url", ["/can-bo/", LIST_URL + "?list=all"])
def test_a_user_without_any_role_is_refused(client, db, url):
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403


def test_unknown_list_is_404(world, login):
    assert login(world.leader).get(LIST_URL + "?list=nothing").status_code == 404


def test_a_foreign_unit_sees_none_of_our_dossiers(world, bring, login, frozen):
    d = bring("appraising")
    response = login(world.foreign_leader).get(LIST_URL + "?list=all")
    assert response.status_code == 200
    assert d.code not in codes(response)
    assert codes(login(world.leader).get(LIST_URL + "?list=all")) == [d.code]


# ----------------------------------------------------------------------------- lists


def test_mine_holds_what_i_hold_and_unit_what_my_unit_holds(world, bring, login, frozen):
    held = bring("appraising")  # holder = world.specialist, current unit = agency
    waiting = bring("transferred")  # at the agency, nobody holds it yet
    at_center = bring("received")
    specialist = login(world.specialist)
    assert codes(specialist.get(LIST_URL + "?list=mine")) == [held.code]
    assert set(codes(specialist.get(LIST_URL + "?list=unit"))) == {held.code, waiting.code}
    receptionist = login(world.receptionist)
    assert codes(receptionist.get(LIST_URL + "?list=unit")) == [at_center.code]
    assert codes(receptionist.get(LIST_URL + "?list=mine")) == []


def test_paused_and_to_return(world, bring, login, frozen):
    supplement = bring("supplement_requested")
    payment = bring("awaiting_payment")
    ready = bring("result_ready")
    issued = bring("issued")
    bring("appraising")
    receptionist = login(world.receptionist)
    assert set(codes(receptionist.get(LIST_URL + "?list=paused"))) == {
        supplement.code, payment.code
    }
    assert set(codes(receptionist.get(LIST_URL + "?list=to_return"))) == {
        ready.code, issued.code
    }
    # The agency does not return results: its to_return list is empty.
    assert codes(login(world.leader).get(LIST_URL + "?list=to_return")) == []


def test_due_soon_and_overdue_follow_the_clock_and_are_marked(world, bring, login):
    with time_machine.travel(NOW, tick=False):
        d = bring("appraising")  # due Monday 09/03/2026 08:00 (5 working days)
        client = login(world.leader)
        assert codes(client.get(LIST_URL + "?list=due_soon")) == []
        assert codes(client.get(LIST_URL + "?list=overdue")) == []
    with time_machine.travel(vn(2026, 3, 6, 10, 0), tick=False):  # Friday: < 2 working days
        client = login(world.leader)  # days later: the idle session has ended
        response = client.get(LIST_URL + "?list=due_soon")
        assert codes(response) == [d.code]
        assert "Sắp đến hạn" in response.content.decode()
        assert codes(client.get(LIST_URL + "?list=overdue")) == []
    with time_machine.travel(vn(2026, 3, 9, 10, 0), tick=False):  # past due
        client = login(world.leader)
        response = client.get(LIST_URL + "?list=overdue")
        assert codes(response) == [d.code]
        html = response.content.decode()
        assert 'class="row-late"' in html and '<span class="badge late">Quá hạn</span>' in html
        assert codes(client.get(LIST_URL + "?list=due_soon")) == []
        home = client.get("/can-bo/")
        assert tile_count(home, "overdue") == 1
        assert tile_count(home, "due_soon") == 0


def test_home_counts_match_the_lists(world, bring, login, frozen):
    bring("appraising")
    bring("transferred")
    bring("supplement_requested")
    for user in (world.leader, world.specialist, world.receptionist, world.manager):
        client = login(user)
        home = client.get("/can-bo/")
        assert home.status_code == 200
        for key in ("mine", "unit", "paused", "to_return", "all"):
            assert tile_count(home, key) == len(codes(client.get(f"{LIST_URL}?list={key}")))


# ----------------------------------------------------------------------------- filters


def test_filters_status_procedure_field_code_and_dates(world, bring, login):
    from tests.factories import published_procedure

    other = published_procedure(agency=world.agency, receiving_units=[world.center],
                                name="Cấp chứng chỉ hành nghề", time_value=10)
    with time_machine.travel(NOW, tick=False):
        a = bring("appraising")
    with time_machine.travel(vn(2026, 3, 4, 9, 0), tick=False):
        b = bring("transferred")
        from motcua.dossiers import services
        from tests.workspace.conftest import APPLICANT, documents_for

        c = services.dossier_receive(
            actor=world.receptionist, procedure_version=other, receiving_unit=world.center,
            applicant={**APPLICANT, "name": "Trần Thị Bích"}, documents=documents_for(other),
        )
        client = login(world.manager)
        get = lambda q: set(codes(client.get(f"{LIST_URL}?list=all&{q}")))  # noqa: E731
        assert get("") == {a.code, b.code, c.code}
        assert get("status=appraising") == {a.code}
        assert get(f"procedure={other.procedure.code}") == {c.code}
        assert get(f"field={other.field.code}") == {c.code}
        assert get("received_from=03/03/2026") == {b.code, c.code}
        assert get("received_to=02/03/2026") == {a.code}
        assert get("received_from=02/03/2026&received_to=02/03/2026") == {a.code}
        assert get(f"q={b.code}") == {b.code}
        assert get("q=Bích") == {c.code}


def test_a_bad_date_filter_says_so_in_vietnamese(world, bring, login, frozen):
    bring("appraising")
    response = login(world.leader).get(LIST_URL + "?list=all&received_from=31-31-2026")
    assert response.status_code == 200
    assert "Ngày phải ghi theo dạng dd/mm/yyyy." in response.content.decode()


def test_pagination(world, bring, login, frozen, settings):
    from motcua.workspace import views

    for _ in range(views.PAGE_SIZE + 2):
        bring("received")
    client = login(world.receptionist)
    first = client.get(LIST_URL + "?list=all")
    second = client.get(LIST_URL + "?list=all&page=2")
    assert len(codes(first)) == views.PAGE_SIZE
    assert len(codes(second)) == 2
    assert not set(codes(first)) & set(codes(second))
    assert "Trang 2/2" in second.content.decode()


def test_list_queries_do_not_grow_with_rows(world, bring, login, frozen,
                                            django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.manager)
    bring("appraising")
    with CaptureQueriesContext(connection) as few:
        client.get(LIST_URL + "?list=all")
    for _ in range(6):
        bring("appraising")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST_URL + "?list=all")
    assert len(codes(response)) == 7


def test_superuser_without_roles_sees_all(world, bring, login, frozen):
    d = bring("received")
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert codes(login(admin).get(LIST_URL + "?list=all")) == [d.code]


def test_center_manager_of_another_center_sees_nothing(world, bring, login, frozen):
    bring("received")
    other_manager = staff(Role.CENTER_MANAGER, world.foreign_center)
    assert codes(login(other_manager).get(LIST_URL + "?list=all")) == []


def test_tiles_stop_counting_past_the_cap(world, bring, login, frozen, monkeypatch):
    from motcua.workspace import selectors

    for _ in range(3):
        bring("received")
    monkeypatch.setattr(selectors, "TILE_COUNT_CAP", 2)
    html = login(world.receptionist).get("/can-bo/").content.decode()
    assert re.search(r'id="tile-all">\s*<span class="count">2\+</span>', html)
    monkeypatch.setattr(selectors, "TILE_COUNT_CAP", 1000)
    assert tile_count(login(world.receptionist).get("/can-bo/"), "all") == 3


def test_a_long_list_says_more_than_and_still_pages_on(world, bring, login, frozen,
                                                        monkeypatch):
    from motcua.dossiers import pagination
    from motcua.workspace import views

    made = [bring("received") for _ in range(4)]
    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    client = login(world.receptionist)
    first = client.get(LIST_URL + "?list=all").content.decode()
    assert "Hơn 2 hồ sơ" in first and "Trang 1<" in first and "Trang 1/" not in first
    seen = []
    for n in range(1, 5):
        seen += codes(client.get(f"{LIST_URL}?list=all&page={n}"))
    assert sorted(seen) == sorted(d.code for d in made)
    last = client.get(LIST_URL + "?list=all&page=4").content.decode()
    assert "4 hồ sơ" in last and "Trang 4/4" in last and "Trang sau" not in last


def test_online_dossiers_waiting_for_acceptance_have_a_tile(world, login, frozen):
    """Issue 10: "Mới đăng ký" online arrivals had no tile on the staff home page."""
    from motcua.dossiers import services
    from tests.workspace.conftest import APPLICANT, documents_for

    submitted = services.dossier_submit_online(
        procedure_version=world.version, receiving_unit=world.center, applicant=APPLICANT,
        documents=documents_for(world.version),
    )
    client = login(world.receptionist)
    home = client.get("/can-bo/")
    assert "Hồ sơ trực tuyến chờ tiếp nhận" in home.content.decode()
    assert tile_count(home, "submitted") == 1
    assert codes(client.get(f"{LIST_URL}?list=submitted")) == [submitted.code]
    # Another center's receptionist does not see it.
    other = login(world.foreign_receptionist)
    assert tile_count(other.get("/can-bo/"), "submitted") == 0
