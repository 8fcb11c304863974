"""Runs at each pickup time, one batch per destination, holidays, hand-over confirmations and
discrepancies, the way back, custody and time in transit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.core.errors import Conflict, InvalidInput, NotAllowed
from motcua.courier import selectors, services
from motcua.courier.models import (
    Batch,
    BatchStatus,
    CustodyEvent,
    Direction,
    LineState,
    Manifest,
    PaperTrail,
    PickupTime,
    Run,
    TrailState,
)
from motcua.dossiers import services as dossier_services
from tests.courier.conftest import at

pytestmark = pytest.mark.django_db


def codes(batch):
    return sorted(batch.lines.values_list("dossier__code", flat=True))


@pytest.mark.parametrize("hour, received_hour", [(9, 8), (11, 10), (14, 12), (16, 15)])
def test_each_pickup_time_takes_what_waited_before_it(courier_world, transferred, hour,
                                                      received_hour):
    w = courier_world
    waiting = transferred(at(2, received_hour, 0))
    later = transferred(at(2, hour, 5))  # transferred after the pickup time: next run
    result = services.run_create(actor=None, center=w.center, at=at(2, hour))
    assert result.created
    [batch] = result.batches
    assert (batch.direction, batch.origin, batch.destination) == (Direction.OUT, w.center,
                                                                  w.agency)
    assert codes(batch) == [waiting.code]
    assert PaperTrail.objects.get(dossier=later).state == TrailState.WAITING_OUT


def test_one_batch_per_destination_and_online_dossiers_have_no_paper(courier_world, transferred,
                                                                     bring):
    w = courier_world
    a1 = transferred(at(2, 8, 0))
    a2 = transferred(at(2, 8, 20))
    b1 = transferred(at(2, 8, 40), version=w.version2)
    result = services.run_create(actor=None, center=w.center, at=at(2, 9))
    by_destination = {b.destination: codes(b) for b in result.batches}
    assert by_destination == {w.agency: sorted([a1.code, a2.code]), w.agency2: [b1.code]}
    assert len({b.number for b in result.batches}) == 2


def test_holiday_and_weekend_have_no_run(courier_world, transferred):
    w = courier_world
    transferred(at(2, 8))
    for day in (dt.datetime(2026, 4, 30, 9, 0), dt.datetime(2026, 3, 7, 9, 0)):  # 30/4, Saturday
        from tests.factories import vn
        when = vn(day.year, day.month, day.day, 9, 0)
        with pytest.raises(InvalidInput) as err:
            services.run_create(actor=None, center=w.center, at=when)
        assert err.value.code == "not_working_day"
        assert "ngày nghỉ" in err.value.message
        assert services.runs_due(now=when.replace(hour=17)) == []
    assert not Run.objects.exists()


def test_not_a_pickup_time_and_configured_times(courier_world):
    w = courier_world
    with pytest.raises(InvalidInput) as err:
        services.run_create(actor=None, center=w.center, at=at(2, 10))
    assert err.value.code == "not_a_pickup_time" and "09:00, 11:00, 14:00, 16:00" in \
        err.value.message
    PickupTime.objects.create(center=w.center, time=dt.time(10, 0))
    assert services.run_create(actor=None, center=w.center, at=at(2, 10)).created
    with pytest.raises(InvalidInput):
        services.run_create(actor=None, center=w.center, at=at(2, 11))


def test_run_once_only_and_scheduler_catches_up(courier_world, transferred):
    w = courier_world
    transferred(at(2, 8))
    first = services.run_create(actor=None, center=w.center, at=at(2, 9))
    again = services.run_create(actor=None, center=w.center, at=at(2, 9))
    assert not again.created and again.run == first.run
    results = services.runs_due(now=at(2, 14, 30))
    assert sorted((r.run.center, r.run.scheduled_at.hour) for r in results
                  if r.run.center == w.center) == [(w.center, 11), (w.center, 14)]
    assert Run.objects.filter(center=w.center).count() == 3


def test_command_runs_and_refuses_a_holiday(courier_world, transferred, capsys):
    w = courier_world
    d = transferred(at(2, 8))
    call_command("courier", "run", "--at", "2026-03-02 09:00", "--center", w.center.code)
    assert "1 lô, 1 hồ sơ" in capsys.readouterr().out
    assert Manifest.objects.get(dossier=d).batch.run.center == w.center
    with pytest.raises(CommandError, match="ngày nghỉ"):
        call_command("courier", "run", "--at", "2026-04-30 09:00", "--center", w.center.code)
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("courier", "run", "--at", "mai 9 giờ")


def _out_batch(w, transferred, n=2):
    dossiers = [transferred(at(2, 8, 10 * i)) for i in range(n)]
    [batch] = services.run_create(actor=None, center=w.center, at=at(2, 9)).batches
    return batch, dossiers


def test_full_hand_over_and_custody(courier_world, transferred):
    w = courier_world
    batch, dossiers = _out_batch(w, transferred)
    with pytest.raises(NotAllowed):
        services.batch_collect(actor=w.receptionist, batch=batch, at=at(2, 9, 10))
    with pytest.raises(Conflict):  # not yet collected
        services.batch_receive(actor=w.specialist, batch=batch, at=at(2, 9, 40))
    services.batch_collect(actor=w.courier, batch=batch, at=at(2, 9, 10))
    trail = PaperTrail.objects.get(dossier=dossiers[0])
    assert (trail.state, trail.holder) == (TrailState.IN_TRANSIT, w.courier)
    with pytest.raises(NotAllowed):  # not an officer of the agency
        services.batch_receive(actor=w.receptionist, batch=batch, at=at(2, 9, 40))
    services.batch_receive(actor=w.specialist, batch=batch, at=at(2, 9, 40))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RECEIVED and batch.received_by == w.specialist
    trail.refresh_from_db()
    assert (trail.state, trail.place, trail.holder) == (TrailState.AT_AGENCY, w.agency, None)
    states = list(CustodyEvent.objects.filter(dossier=dossiers[0]).values_list("state",
                                                                               flat=True))
    assert states == [TrailState.WAITING_OUT, TrailState.IN_TRANSIT, TrailState.AT_AGENCY]
    summary = selectors.transit_against_deadline(dossiers[0], now=at(2, 12))
    assert summary.in_transit == dt.timedelta(minutes=30)
    assert summary.share is not None and 0 < summary.share < 0.05


def test_confirming_twice_changes_nothing(courier_world, transferred):
    w = courier_world
    batch, _ = _out_batch(w, transferred)
    services.batch_collect(actor=w.courier, batch=batch, at=at(2, 9, 10))
    events = CustodyEvent.objects.count()
    with pytest.raises(Conflict) as err:
        services.batch_collect(actor=w.courier, batch=batch, at=at(2, 9, 20))
    assert err.value.code == "batch_already_collected" and "09:10" in err.value.message
    services.batch_receive(actor=w.specialist, batch=batch, at=at(2, 9, 40))
    events = CustodyEvent.objects.count()
    with pytest.raises(Conflict) as err:
        services.batch_receive(actor=w.leader, batch=batch, at=at(2, 10))
    assert err.value.code == "batch_already_received"
    batch.refresh_from_db()
    assert batch.received_by == w.specialist and CustodyEvent.objects.count() == events


def test_partial_receipt_flags_the_missing_dossier(courier_world, transferred):
    w = courier_world
    batch, (kept, lost) = _out_batch(w, transferred)
    services.batch_collect(actor=w.courier, batch=batch, at=at(2, 9, 10))
    services.batch_receive(actor=w.specialist, batch=batch, received_codes=[kept.code],
                           note="Túi hồ sơ còn niêm phong.", at=at(2, 9, 40))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PARTIAL
    assert lost.code in batch.discrepancy and "Thiếu 1/2" in batch.discrepancy
    assert Manifest.objects.get(batch=batch, dossier=lost).state == LineState.MISSING
    trail = PaperTrail.objects.get(dossier=lost)
    assert (trail.state, trail.holder) == (TrailState.MISSING, w.courier)
    assert PaperTrail.objects.get(dossier=kept).state == TrailState.AT_AGENCY
    assert list(selectors.overdue_in_transit(hours=1, now=at(2, 11))) == [trail]


def test_a_dossier_not_in_the_batch_changes_nothing(courier_world, transferred):
    w = courier_world
    batch, dossiers = _out_batch(w, transferred)
    services.batch_collect(actor=w.courier, batch=batch, at=at(2, 9, 10))
    events = CustodyEvent.objects.count()
    with pytest.raises(InvalidInput) as err:
        services.batch_receive(actor=w.specialist, batch=batch,
                               received_codes=[dossiers[0].code, "KHONG-CO"], at=at(2, 9, 40))
    assert err.value.code == "not_in_batch" and "KHONG-CO" in err.value.message
    batch.refresh_from_db()
    assert batch.status == BatchStatus.COLLECTED and CustodyEvent.objects.count() == events
    assert not Manifest.objects.exclude(state=LineState.LISTED).exists()


def _process_to_issued(w, dossier, start):
    steps = [("assign", w.leader, {"assignee": w.specialist}),
             ("start_appraisal", w.specialist, {}),
             ("submit_for_approval", w.specialist, {}),
             ("approve", w.leader, {"result_content": b"%PDF-1.4 result"}),
             ("issue", w.leader, {})]
    for i, (action, actor, params) in enumerate(steps, start=1):
        dossier_services.dossier_act(actor=actor, dossier=dossier, action=action,
                                     at=start + dt.timedelta(minutes=10 * i), **params)
    dossier.refresh_from_db()


def test_the_result_comes_back_in_a_later_run(courier_world, transferred):
    w = courier_world
    batch, (dossier, _other) = _out_batch(w, transferred)
    services.batch_collect(actor=w.courier, batch=batch, at=at(2, 9, 10))
    services.batch_receive(actor=w.specialist, batch=batch, at=at(2, 9, 40))
    _process_to_issued(w, dossier, at(2, 10))
    assert PaperTrail.objects.get(dossier=dossier).state == TrailState.WAITING_BACK
    result = services.run_create(actor=None, center=w.center, at=at(2, 11))
    [back] = [b for b in result.batches if b.direction == Direction.BACK]
    assert (back.origin, back.destination, codes(back)) == (w.agency, w.center, [dossier.code])
    services.batch_collect(actor=w.courier, batch=back, at=at(2, 11, 15))
    services.batch_receive(actor=w.receptionist, batch=back, at=at(2, 11, 50))
    trail = PaperTrail.objects.get(dossier=dossier)
    assert (trail.state, trail.place) == (TrailState.AT_CENTER, w.center)
    assert selectors.transit_time(dossier) == dt.timedelta(minutes=65)
    assert [e.state for e in selectors.custody_timeline(dossier)] == [
        "waiting_out", "in_transit", "at_agency", "waiting_back", "in_transit", "at_center"]
    assert Batch.objects.count() == 2
