"""Two officers confirming the same batch at once, two schedulers creating the same run: one
wins, nothing is recorded twice (PostgreSQL, real threads and connections)."""

from __future__ import annotations

import pytest
from django.db import connection

from motcua.core.errors import Conflict
from motcua.courier import services
from motcua.courier.models import Batch, CustodyEvent, Run
from tests.courier.conftest import at
from tests.dossiers.test_concurrency import _race

pytestmark = [
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises every write)")


def test_two_officers_confirm_at_once(courier_world, transferred):
    w = courier_world
    transferred(at(2, 8))
    batch = services.run_create(actor=None, center=w.center, at=at(2, 9)).batches[0]
    services.batch_collect(actor=w.courier, batch=batch, at=at(2, 9, 10))
    officers = [w.specialist, w.leader]
    results, errors = _race(2, lambda i: services.batch_receive(
        actor=officers[i], batch=Batch.objects.get(pk=batch.pk), at=at(2, 9, 40)))
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], Conflict) and errors[0].code == "batch_already_received"
    assert CustodyEvent.objects.filter(state="at_agency").count() == 1


def test_two_schedulers_create_one_run(courier_world, transferred):
    w = courier_world
    transferred(at(2, 8))
    results, errors = _race(2, lambda i: services.run_create(actor=None, center=w.center,
                                                             at=at(2, 9)))
    assert not errors
    assert Run.objects.count() == 1 and Batch.objects.count() == 1
    assert sorted(r.created for r in results) == [False, True]
