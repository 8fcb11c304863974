"""One date input everywhere, in Vietnamese order (core/dates.py)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from motcua.core.dates import format_day, parse_day


@pytest.mark.parametrize("text", ["07/12/2026", "7/12/2026", " 07/12/2026 ", "2026-12-07"])
def test_day_month_year_and_iso_links(text):
    assert parse_day(text) == dt.date(2026, 12, 7)


@pytest.mark.parametrize("text", ["12/31/2026", "31/02/2026", "hôm qua", ""])
def test_month_first_and_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        parse_day(text)


def test_format_is_day_first():
    assert format_day(dt.date(2026, 3, 2)) == "02/03/2026"
    assert format_day(None) == ""


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/bao-cao/", "/bao-cao/chi-so/", "/bao-cao/cham-diem/",
                                 "/bao-cao/khoi-luong/", "/bao-cao/cong-khai/"])
def test_report_filters_take_dd_mm_yyyy_without_the_browser_date_picker(client, url):
    from motcua.org.models import Role
    from tests.factories import CenterFactory, staff

    center = CenterFactory()
    client.force_login(staff(Role.CENTER_MANAGER, center))
    response = client.get(url, {"from": "02/03/2026", "to": "31/03/2026"})
    assert response.status_code == 200, response.content.decode()[:500]
    html = response.content.decode()
    assert 'type="date"' not in html
    # The download bar repeats the filters as hidden fields; the typed ones are these two.
    date_inputs = re.findall(r'<input(?![^>]*type="hidden")[^>]*name="(?:from|to)"[^>]*>', html)
    assert len(date_inputs) == 2
    assert 'value="02/03/2026"' in date_inputs[0] and 'value="31/03/2026"' in date_inputs[1]
    assert all('placeholder="dd/mm/yyyy"' in i for i in date_inputs)
    wrong = client.get(url, {"from": "03/31/2026", "to": "04/30/2026"})
    assert "dd/mm/yyyy" in wrong.content.decode()
