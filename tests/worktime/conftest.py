"""Fixtures for the working-time engine tests: pure Python, no Django, no database."""

from __future__ import annotations

import pytest

from motcua.worktime import WorkCalendar


@pytest.fixture(autouse=True)
def _media_root():
    """Shadow the repo-wide autouse fixture, which needs Django settings these tests don't."""
    yield


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    return WorkCalendar.vietnam()
