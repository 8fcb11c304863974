"""A procedure can require an online dossier to be paid before it is accepted."""

from __future__ import annotations

import pytest

from motcua.catalog.models import Fee
from motcua.core.errors import Conflict
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import Status
from motcua.payments.models import ProcedurePaymentPolicy
from motcua.payments.providers import default_provider
from motcua.payments.services import payment_ipn, payment_start
from tests.factories import publish_version, published_procedure
from tests.payments.helpers import ipn_params, order_of
from tests.workspace.conftest import APPLICANT, documents_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def online(world):
    version = published_procedure(agency=world.agency, receiving_units=[world.center],
                                  time_value=5, name="Cấp phép trực tuyến", publish=False)
    Fee.objects.create(version=version, name="Lệ phí", amount=200000)
    publish_version(version)

    def submit(required: bool) -> Dossier:
        ProcedurePaymentPolicy.objects.update_or_create(
            procedure=version.procedure, defaults={"pay_before_acceptance": required})
        return services.dossier_submit_online(
            procedure_version=version, receiving_unit=world.center, applicant=APPLICANT,
            documents=documents_for(version))

    return submit


def test_unpaid_online_dossier_is_not_accepted(world, online):
    dossier = online(True)
    assert dossier.status == Status.SUBMITTED
    with pytest.raises(Conflict) as exc:
        services.dossier_act(actor=world.receptionist, dossier=dossier, action="receive")
    assert exc.value.code == "payment_required" and "200.000" in exc.value.message
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED  # rolled back
    assert not dossier.status_changes.filter(action="receive").exists()


def test_paid_online_dossier_is_accepted(world, online):
    dossier = online(True)
    _payment, url = payment_start(dossier=dossier, provider=default_provider(),
                                  return_url="http://t/")
    assert payment_ipn(provider_code="vnpay", params=ipn_params(order_of(url))).code == "00"
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED  # payment does not accept it by itself
    services.dossier_act(actor=world.receptionist, dossier=dossier, action="receive")
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_without_the_policy_acceptance_is_not_blocked(world, online):
    dossier = online(False)
    services.dossier_act(actor=world.receptionist, dossier=dossier, action="receive")
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
