"""Home delivery: address required (service and database), hand-off with a tracking number,
delivered → the dossier is returned at that time, failed → back to the counter."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from motcua.core.errors import Conflict, InvalidInput, NotAllowed
from motcua.courier import services
from motcua.courier.models import DeliveryStatus, HomeDelivery, PaperTrail, TrailState
from motcua.dossiers import services as dossier_services
from motcua.dossiers.states import Status
from motcua.notifications import registry
from motcua.notifications.base import Channel
from tests.courier.conftest import at

pytestmark = pytest.mark.django_db

SENT = []


class Collect(Channel):
    """Takes the whole message (no address kind), as the logging channel does."""

    name = "collect"

    def send(self, message):
        SENT.append(message)


@pytest.fixture
def collecting(settings):
    SENT.clear()
    settings.MOTCUA_NOTIFICATION_CHANNELS = [f"{__name__}.Collect"]
    registry._load.cache_clear()
    yield SENT
    registry._load.cache_clear()


@pytest.fixture
def ready(courier_world, bring):
    dossier = bring("result_ready")
    dossier.delivery_method = "post"
    dossier.delivery_address = "45 Y Jút, Buôn Ma Thuột"
    dossier.save()
    return dossier


def test_address_required_in_service_and_database(courier_world, ready):
    w = courier_world
    with pytest.raises(InvalidInput) as err:
        services.home_delivery_create(actor=w.receptionist, dossier=ready, address="  ")
    assert err.value.code == "address_required"
    assert not HomeDelivery.objects.exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        HomeDelivery.objects.create(dossier=ready, address="", created_by=w.receptionist,
                                    created_at=at(3, 9))


def test_only_the_desk_and_only_a_ready_result(courier_world, ready, bring):
    w = courier_world
    with pytest.raises(NotAllowed):
        services.home_delivery_create(actor=w.courier, dossier=ready)
    early = bring("issued")
    with pytest.raises(Conflict):
        services.home_delivery_create(actor=w.receptionist, dossier=early, address="Nhà")
    services.home_delivery_create(actor=w.receptionist, dossier=ready)
    with pytest.raises(Conflict):
        services.home_delivery_create(actor=w.receptionist, dossier=ready)


def test_delivered_returns_the_dossier_at_delivery_time(courier_world, ready, collecting,
                                                        settings,
                                                        django_capture_on_commit_callbacks):
    w = courier_world
    settings.MOTCUA_HOME_DELIVERY_FEES = {w.center.code: 25000}
    delivery = services.home_delivery_create(actor=w.receptionist, dossier=ready, at=at(3, 8))
    assert delivery.fee == 25000 and delivery.address == "45 Y Jút, Buôn Ma Thuột"
    with pytest.raises(InvalidInput):
        services.home_delivery_hand_off(actor=w.receptionist, delivery=delivery,
                                        courier=w.courier, tracking_number="")
    with django_capture_on_commit_callbacks(execute=True):
        services.home_delivery_hand_off(actor=w.receptionist, delivery=delivery,
                                        courier=w.courier, tracking_number="EA123456789VN",
                                        at=at(3, 9))
    trail = PaperTrail.objects.get(dossier=ready)
    assert (trail.state, trail.holder) == (TrailState.OUT_FOR_DELIVERY, w.courier)
    with django_capture_on_commit_callbacks(execute=True):
        services.home_delivery_delivered(actor=w.courier, delivery=delivery,
                                         recipient_name="Nguyễn Văn An", at=at(3, 10, 30))
    ready.refresh_from_db()
    assert ready.status == Status.RETURNED
    assert ready.returned_at == at(3, 10, 30) and ready.returned_how == "post"
    assert ready.returned_to == "Nguyễn Văn An"
    assert PaperTrail.objects.get(dossier=ready).state == TrailState.DELIVERED
    # The courier's own notices, in order (the dossier's "result delivered" notice comes too).
    assert [m.event for m in collecting if m.dossier_code == ready.code
            and m.event.startswith("courier.")][-2:] == [
        "courier.delivery_handed_off", "courier.delivered"]
    with pytest.raises(Conflict):  # twice
        services.home_delivery_delivered(actor=w.courier, delivery=delivery,
                                         recipient_name="Ai đó")


def test_failed_goes_back_to_the_counter(courier_world, ready, collecting,
                                         django_capture_on_commit_callbacks):
    w = courier_world
    delivery = services.home_delivery_create(actor=w.receptionist, dossier=ready, at=at(3, 8))
    services.home_delivery_hand_off(actor=w.receptionist, delivery=delivery, courier=w.courier,
                                    tracking_number="EA1", at=at(3, 9))
    with pytest.raises(InvalidInput):
        services.home_delivery_failed(actor=w.courier, delivery=delivery, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.home_delivery_failed(actor=w.courier, delivery=delivery,
                                      reason="Không có người nhận", at=at(3, 11))
    ready.refresh_from_db()
    assert ready.status == Status.RESULT_READY
    trail = PaperTrail.objects.get(dossier=ready)
    assert (trail.state, trail.place) == (TrailState.AT_CENTER, w.center)
    assert collecting[-1].event == "courier.delivery_failed"
    # The citizen comes to the counter: the dossier services return it there.
    dossier_services.dossier_act(actor=w.receptionist, dossier=ready, action="return_result",
                                 returned_to="Nguyễn Văn An", how="counter",
                                 at=at(3, 14))
    # A new delivery is possible after a failed one (only one open at a time).
    assert HomeDelivery.objects.filter(status=DeliveryStatus.FAILED).count() == 1


def test_a_stranger_courier_cannot_report(courier_world, ready):
    from motcua.org.models import Role
    from tests.factories import CenterFactory, staff

    w = courier_world
    other = staff(Role.COURIER, CenterFactory(), username="buudienkhac")
    delivery = services.home_delivery_create(actor=w.receptionist, dossier=ready)
    with pytest.raises(InvalidInput):
        services.home_delivery_hand_off(actor=w.receptionist, delivery=delivery, courier=other,
                                        tracking_number="X1")
    services.home_delivery_hand_off(actor=w.receptionist, delivery=delivery, courier=w.courier,
                                    tracking_number="X1", at=at(3, 9) + dt.timedelta(hours=1))
    with pytest.raises(NotAllowed):
        services.home_delivery_delivered(actor=other, delivery=delivery, recipient_name="A")
