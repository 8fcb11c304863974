"""Worklists sort by their columns (?sort=<column> / -<column>), with aria-sort headers."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.workspace.conftest import APPLICANT, NOW
from tests.workspace.test_worklists import codes

LIST_URL = "/can-bo/ho-so/"


@pytest.fixture
def three(world, bring, frozen):
    names = ["Trần Bình", "Lê An", "Đặng Cường"]  # "Đ" sorts as "D", not after "Z"
    return [bring("received", at=NOW - dt.timedelta(hours=3 - i),
                  applicant={**APPLICANT, "name": name}) for i, name in enumerate(names)]


@pytest.mark.parametrize("list_key", ["all", "unit"])
def test_sort_by_applicant_and_reverse(three, world, login, list_key):
    client = login(world.receptionist)
    by_name = sorted(three, key=lambda d: d.applicant_name_folded)
    assert [d.applicant_name for d in by_name] == ["Đặng Cường", "Lê An", "Trần Bình"]
    response = client.get(LIST_URL, {"list": list_key, "sort": "applicant"})
    assert codes(response) == [d.code for d in by_name]
    assert codes(client.get(LIST_URL, {"list": list_key, "sort": "-applicant"})) == [
        d.code for d in reversed(by_name)]


def test_sort_by_code_received_and_the_header_states(three, world, login):
    client = login(world.receptionist)
    assert codes(client.get(LIST_URL, {"list": "all", "sort": "code"})) == [d.code for d in three]
    assert codes(client.get(LIST_URL, {"list": "all", "sort": "-received"})) == [
        d.code for d in reversed(three)]
    html = client.get(LIST_URL, {"list": "all", "sort": "code"}).content.decode()
    header = re.search(r'<th aria-sort="ascending"><a class="sort" href="([^"]+)">', html)
    assert header and "sort=-code" in header.group(1).replace("&amp;", "&")
    assert html.count('aria-sort="none"') == 4


def test_an_unknown_sort_is_ignored(three, world, login):
    client = login(world.receptionist)
    default = codes(client.get(LIST_URL, {"list": "all"}))
    assert codes(client.get(LIST_URL, {"list": "all", "sort": "holder__password"})) == default
