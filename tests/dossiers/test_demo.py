import pytest
import time_machine

from motcua.dossiers.demo import SCENARIOS, load_demo_dossiers
from motcua.dossiers.models import Apology, CounterGuidance, Dossier
from tests.factories import vn


@pytest.mark.django_db
def test_demo_dossiers_cover_the_states_and_are_idempotent(world):
    with time_machine.travel(vn(2026, 6, 10, 10, 0), tick=False):
        first = load_demo_dossiers()
        assert first["created"] == len(SCENARIOS) + 3  # + online, refused at reception, supplement before receipt
        statuses = set(Dossier.objects.values_list("status", flat=True))
        assert {"submitted", "received", "transferred", "assigned", "appraising", "consulting",
                "supplement_requested", "awaiting_payment", "awaiting_approval", "signed",
                "issued", "result_ready", "returned", "refused_after_appraisal", "withdrawn",
                "stopped", "refused_at_reception"} <= statuses
        assert Dossier.objects.get(notes="[demo:appraising_overdue]").is_overdue()
        late = Dossier.objects.get(notes="[demo:returned_late]")
        assert late.rescheduled_due_at is not None and late.finished_at > late.original_due_at
        assert Apology.objects.count() == 2
        count = Dossier.objects.count()
        assert load_demo_dossiers() == {"created": 0, "skipped": len(SCENARIOS)}
        assert Dossier.objects.count() == count and CounterGuidance.objects.count() == 1


@pytest.mark.django_db
def test_demo_without_data_does_nothing():
    assert load_demo_dossiers()["created"] == 0
    assert Dossier.objects.count() == 0
