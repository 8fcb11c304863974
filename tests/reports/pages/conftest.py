"""Fixtures of the report pages' tests: a month of dossiers with known outcomes."""

import os

import pytest
from django.utils import translation

from motcua.dossiers.states import Status
from motcua.org.models import Role
from tests.factories import staff, vn
from tests.reports.helpers import make_dossier, record

# Playwright's sync API runs an event loop in the test thread; Django's ORM then refuses to run
# unless told that this (test-only) use is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

NOW = vn(2026, 3, 31, 10, 0)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def march(version, version2, center):
    """Five dossiers of March 2026 (Mon 02/03 … Tue 31/03), seen on 31/03 at 10:00.

    d1 online, early; d2 on time; d3 open and overdue; d4 late; d5 carried over from
    February, in time.
    """
    d1 = make_dossier(version, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 20, 17),
                      receiving_unit=center, channel=2, applicant_phone="0905123456",
                      applicant_id_number="066123456789")
    record(d1, Status.RESULT_READY, vn(2026, 3, 10, 10))
    d2 = make_dossier(version2, received_at=vn(2026, 3, 3, 8), due_at=vn(2026, 3, 4, 17),
                      receiving_unit=center)
    record(d2, Status.RESULT_READY, vn(2026, 3, 4, 9))
    d3 = make_dossier(version, received_at=vn(2026, 3, 5, 8), due_at=vn(2026, 3, 6, 17),
                      receiving_unit=center)
    d4 = make_dossier(version2, received_at=vn(2026, 3, 9, 8), due_at=vn(2026, 3, 10, 17),
                      receiving_unit=center)
    record(d4, Status.RESULT_READY, vn(2026, 3, 12, 9))
    d5 = make_dossier(version, received_at=vn(2026, 2, 20, 8), due_at=vn(2026, 4, 10, 17),
                      receiving_unit=center)
    return {"d1": d1, "d2": d2, "d3": d3, "d4": d4, "d5": d5}


@pytest.fixture
def manager(center):
    return staff(Role.CENTER_MANAGER, center)


@pytest.fixture
def agency_leader(agency):
    return staff(Role.LEADER, agency)


@pytest.fixture
def receptionist(center):
    return staff(Role.RECEPTIONIST, center)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The staff factory sets a password; the default hasher is slow on purpose.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _vietnamese_outside_requests():
    # A request activates its language in the thread and nothing deactivates it: a test run
    # after an English request in the same worker would otherwise run in English.
    translation.deactivate()
    yield
    translation.deactivate()
