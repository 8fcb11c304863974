"""bench/profile_requests.py's ``--only``: a request's own name, or a prefix of names."""

from bench.profile_requests import selected

NAMES = ["intake", "lookup", "lookup_page", "raw_select", "worklist_unit", "worklist_overdue"]


def test_a_full_name_is_that_request_alone():
    assert selected(NAMES, ["lookup"]) == ["lookup"]


def test_a_word_that_is_no_name_is_a_prefix():
    assert selected(NAMES, ["look"]) == ["lookup", "lookup_page"]
    assert selected(NAMES, ["worklist"]) == ["worklist_unit", "worklist_overdue"]


def test_several_words_and_none():
    assert selected(NAMES, ["intake", "raw"]) == ["intake", "raw_select"]
    assert selected(NAMES, []) == NAMES
