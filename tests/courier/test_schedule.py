"""The scheduler's task and the demo story."""

from __future__ import annotations

import pytest
import time_machine

from motcua.courier.models import Batch, HomeDelivery, Run
from tests.courier.conftest import at

pytestmark = pytest.mark.django_db


def test_periodic_task_creates_the_runs_whose_time_has_come(courier_world, transferred):
    from motcua.courier.tasks import create_due_runs

    transferred(at(2, 8))
    with time_machine.travel(at(2, 11, 2), tick=False):
        create_due_runs.call_local()
        create_due_runs.call_local()  # again: nothing more
    assert sorted(r.scheduled_at for r in Run.objects.filter(center=courier_world.center)) == \
        [at(2, 9), at(2, 11)]
    assert Batch.objects.get().run.scheduled_at == at(2, 9)


def test_demo_story(settings, tmp_path):
    from motcua.demo import load_demo
    from motcua.demo.courier import load_demo_courier
    from motcua.dossiers.models import Dossier

    settings.MOTCUA_SIGNING_DIR = str(tmp_path / "signing")
    settings.MOTCUA_SIGNATURE_BACKEND = "motcua.signing.contrib.pades.PadesBackend"
    now = at(2, 10, 0)  # Monday: the story plays on Friday 27/02/2026
    with time_machine.travel(now, tick=False):
        load_demo()
        first = load_demo_courier(now=now)
        assert load_demo_courier(now=now)["dossiers"] == 0  # idempotent
    assert first["dossiers"] == 5 and first["certificates"] > 0
    assert (tmp_path / "signing" / "ca.pem").exists()
    story = {d.notes: d for d in Dossier.objects.filter(notes__startswith="[demo:courier")}
    home = story["[demo:courier-1]"]
    assert home.status == "returned" and home.returned_how == "post" and home.result_signed
    assert story["[demo:courier-2]"].status == "result_ready"
    out = Batch.objects.get(run__scheduled_at=at(2, 11).replace(day=27, month=2),
                            direction="out")
    assert out.lines.count() == 3 and out.status == "received"
    assert HomeDelivery.objects.get().status == "delivered"
