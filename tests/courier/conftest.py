"""The dossiers' world (center, agency, staff) plus a second agency, a courier, and helpers to
bring a paper dossier to the courier."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from motcua.dossiers import services
from motcua.org.models import Role
from tests.dossiers.conftest import (  # noqa: F401 - fixtures
    APPLICANT,
    bring,
    documents_for,
    frozen,
    receive,
    world,
)
from tests.factories import UnitFactory, published_procedure, staff, vn
from tests.signing.conftest import ca_dir, plain_pdf, signed_pdf, store  # noqa: F401 - fixtures

# Playwright's sync API runs an event loop in this thread; Django would then refuse ORM calls
# in the browser test (as tests/workspace/conftest.py does).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture
def courier_world(world):  # noqa: F811 - the imported fixture
    world.courier = staff(Role.COURIER, world.center, username="buudien")
    world.agency2 = UnitFactory(code="000.00.06.H15", name="Sở Tư pháp")
    world.leader2 = staff(Role.LEADER, world.agency2, username="lanhdao2")
    world.specialist2 = staff(Role.SPECIALIST, world.agency2, username="chuyenvien2")
    world.version2 = published_procedure(agency=world.agency2, receiving_units=[world.center],
                                         time_value=5)
    return world


@pytest.fixture
def transferred(courier_world, receive):  # noqa: F811 - the imported fixture
    """transferred(at, version=None): a counter dossier received at ``at`` and transferred to its
    agency 10 minutes later, so its paper waits for the courier."""
    w = courier_world

    def _make(at, version=None, **kw):
        dossier = receive(at=at, version=version or w.version, **kw)
        services.dossier_act(actor=w.receptionist, dossier=dossier, action="transfer",
                             at=at + dt.timedelta(minutes=10))
        dossier.refresh_from_db()
        return dossier

    return _make


def at(day, hour, minute=0):
    return vn(2026, 3, day, hour, minute)
