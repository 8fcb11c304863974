"""The QĐ 766 statistical view beside the legal one (issue 10, domain §3.4): supplement time is
subtracted from the original appointment, and two or more supplement requests count as late."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers import services
from motcua.reports.engine import dossier_lines, make_window, timeliness_766
from motcua.reports.index766 import service_index
from tests.dossiers.conftest import actor_for, params_for
from tests.factories import vn

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def act(world, d, action, at, **kw):
    from motcua.dossiers.transitions import TRANSITIONS

    d.refresh_from_db()
    services.dossier_act(actor=actor_for(world, TRANSITIONS[action], d), dossier=d,
                         action=action, at=at, **{**params_for(world, action), **kw})
    d.refresh_from_db()


def finish(world, d, at):
    for minutes, action in enumerate(("submit_for_approval", "approve", "issue")):
        act(world, d, action, at + dt.timedelta(minutes=minutes))


def line_of(d, as_of):
    window = make_window(*MARCH, as_of)
    return next(x for x in dossier_lines(window, {}) if x.facts.received_at == d.received_at)


@pytest.mark.django_db
def test_supplement_time_is_subtracted_from_the_original_appointment(world, bring):
    d = bring("appraising")  # received Mon 02/03 08:00, 5 working days: due Mon 09/03 08:00
    act(world, d, "request_supplement", vn(2026, 3, 3, 9, 0))
    act(world, d, "complete_supplement", vn(2026, 3, 6, 9, 0))  # waited 3 days
    assert d.due_at == vn(2026, 3, 13, 9, 0)  # legal: restarted from the completion
    # Waiting for the supplement: the 766 end is the request (03/03), in time.
    mid = line_of(d, vn(2026, 3, 5, 12, 0))
    assert (mid.category, mid.timeliness_766, mid.supplements) == ("paused", "on_time", 1)
    finish(world, d, vn(2026, 3, 13, 8, 0))  # legal: on the due date, before the due time
    line = line_of(d, vn(2026, 3, 31, 17, 0))
    assert line.timeliness == "on_time"
    # 766: 13/03 08:00 − 3 days = 10/03 08:00, after the original 09/03 08:00: late.
    assert line.timeliness_766 == "late"


@pytest.mark.django_db
def test_a_quick_result_after_a_supplement_is_early_in_both_views(world, bring):
    d = bring("appraising")
    act(world, d, "request_supplement", vn(2026, 3, 3, 9, 0))
    act(world, d, "complete_supplement", vn(2026, 3, 4, 9, 0))
    finish(world, d, vn(2026, 3, 5, 9, 0))  # 766: 04/03 09:00, before 09/03
    line = line_of(d, vn(2026, 3, 31, 17, 0))
    assert (line.timeliness, line.timeliness_766) == ("early", "early")


@pytest.mark.django_db
def test_two_supplement_requests_count_as_late(world, bring):
    d = bring("appraising")
    act(world, d, "request_supplement", vn(2026, 3, 2, 10, 0))
    act(world, d, "complete_supplement", vn(2026, 3, 2, 11, 0))
    act(world, d, "request_supplement", vn(2026, 3, 3, 9, 0))
    open_line = line_of(d, vn(2026, 3, 3, 12, 0))
    assert (open_line.timeliness, open_line.timeliness_766) == ("on_time", "overdue")
    act(world, d, "complete_supplement", vn(2026, 3, 3, 10, 0))
    finish(world, d, vn(2026, 3, 4, 9, 0))
    line = line_of(d, vn(2026, 3, 31, 17, 0))
    assert (line.timeliness, line.timeliness_766, line.supplements) == ("early", "late", 2)
    views = timeliness_766(make_window(*MARCH, vn(2026, 3, 31, 17, 0)), {})
    assert (views.processed, views.processed_in_time, views.repeated_supplements) == (1, 0, 1)
    assert (views.legal_in_time, views.in_time) == (1, 0)


@pytest.mark.django_db
def test_without_supplements_the_views_agree(world, bring):
    d = bring("appraising")
    finish(world, d, vn(2026, 3, 10, 9, 0))  # after the due 09/03 08:00: late in both
    line = line_of(d, vn(2026, 3, 31, 17, 0))
    assert (line.timeliness, line.timeliness_766, line.supplements) == ("late", "late", 0)


@pytest.mark.django_db
def test_the_index_scores_the_766_view_and_shows_the_legal_one(world, bring, client):
    from motcua.org.models import Role
    from tests.factories import staff

    twice = bring("appraising")
    act(world, twice, "request_supplement", vn(2026, 3, 2, 10, 0))
    act(world, twice, "complete_supplement", vn(2026, 3, 2, 11, 0))
    act(world, twice, "request_supplement", vn(2026, 3, 3, 9, 0))
    act(world, twice, "complete_supplement", vn(2026, 3, 3, 10, 0))
    finish(world, twice, vn(2026, 3, 4, 9, 0))
    plain = bring("appraising", start=vn(2026, 3, 9, 8, 0))
    finish(world, plain, vn(2026, 3, 10, 9, 0))
    index = service_index(date_from=MARCH[0], date_to=MARCH[1], as_of=vn(2026, 3, 31, 17, 0))
    sub = index.sub("2.1")
    assert (sub.numerator, sub.denominator, sub.legal_numerator) == (1, 2, 2)
    assert index.sub("5.4").numerator == 1 and index.sub("5.4").legal_numerator == 0

    client.force_login(staff(Role.CENTER_MANAGER, world.center))
    page = client.get("/bao-cao/chi-so/", {"from": "2026-03-01", "to": "2026-03-31",
                                          "unit": world.center.code}).content.decode()
    assert 'id="views-766"' in page and "1/2 hồ sơ đúng hạn" in page
    assert "Theo quy định (thời hạn tính lại khi bổ sung đủ): 2 / 2" in page
    dash = client.get("/bao-cao/", {"from": "2026-03-01", "to": "2026-03-31"}).content.decode()
    assert 'id="kpi-766"' in dash and "50,00%" in dash.split('id="kpi-766"')[1][:200]
