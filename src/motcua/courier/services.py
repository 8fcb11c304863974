"""Courier writes (nghiệp vụ bưu chính): runs and batches, hand-over confirmations, home
delivery. Every service: keyword-only arguments, a required ``actor`` (``None`` only for the
scheduler's runs), one transaction, an audit event inside it, notifications on commit.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.audit.services import audit_record
from motcua.core.errors import Conflict, InvalidInput, NotAllowed
from motcua.courier import permissions, schedule
from motcua.courier.hooks import move
from motcua.courier.models import (
    Batch,
    BatchStatus,
    DeliveryStatus,
    Direction,
    HomeDelivery,
    LineState,
    Manifest,
    PaperTrail,
    Run,
    TrailState,
)
from motcua.dossiers import permissions as dossier_permissions
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_perform
from motcua.dossiers.services.actions import system_act
from motcua.dossiers.states import DeliveryMethod, Status
from motcua.notifications import Message, notify
from motcua.org.models import Unit


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _hm(at: dt.datetime | None) -> str:
    return f"{timezone.localtime(at):%H:%M %d/%m/%Y}" if at is not None else ""


@dataclass
class RunResult:
    run: Run
    created: bool
    batches: list[Batch] = field(default_factory=list)


def run_create(*, actor, center: Unit, at: dt.datetime) -> RunResult:
    """Create the run of ``center`` at pickup time ``at`` and batch what waits for it.

    Outbound: the paper dossiers transferred to an agency before ``at`` that still wait at the
    center, one batch per agency. Back: the paper results waiting at each agency, one batch
    per agency. A run exists once (creating it again returns it unchanged); a day off or a
    time that is not a pickup time of the center is refused.
    """
    local = timezone.localtime(at)
    if not schedule.is_working_day(center, local.date()):
        raise InvalidInput(
            "not_working_day",
            _("Ngày %(date)s là ngày nghỉ (%(holiday_name)s) của %(center)s: không có chuyến "
              "bưu chính.")
            % {"date": local.strftime("%d/%m/%Y"),
               "holiday_name": schedule.holiday_name(center, local.date()),
               "center": center.name}, field="at")
    if local.time().replace(second=0, microsecond=0) not in schedule.pickup_times(center):
        times = ", ".join(f"{t:%H:%M}" for t in schedule.pickup_times(center))
        raise InvalidInput("not_a_pickup_time",
                           _("%(time)s không phải giờ lấy hồ sơ của %(center)s (các giờ: "
                             "%(times)s).")
                           % {"time": local.strftime("%H:%M"),
                              "center": center.name,
                              "times": times}, field="at")
    at = local.replace(second=0, microsecond=0)
    with transaction.atomic():
        run, created = Run.objects.get_or_create(center=center, scheduled_at=at)
        if not created:
            return RunResult(run=run, created=False, batches=list(run.batches.all()))
        Unit.objects.select_for_update().filter(pk=center.pk).first()  # one batching at a time
        groups: dict[tuple[str, int, int], list[PaperTrail]] = defaultdict(list)
        waiting_out = (PaperTrail.objects.select_for_update()
                       .filter(state=TrailState.WAITING_OUT, place=center, since__lte=at)
                       .order_by("destination_id", "dossier__code"))
        for trail in waiting_out:
            assert trail.destination_id is not None
            groups[(Direction.OUT, center.pk, trail.destination_id)].append(trail)
        waiting_back = (PaperTrail.objects.select_for_update()
                        .filter(state=TrailState.WAITING_BACK, destination=center, since__lte=at)
                        .order_by("place_id", "dossier__code"))
        for trail in waiting_back:
            assert trail.place_id is not None
            groups[(Direction.BACK, trail.place_id, center.pk)].append(trail)
        busy = set(Manifest.objects.filter(
            state=LineState.LISTED,
            dossier_id__in=[t.dossier_id for ts in groups.values() for t in ts],
        ).values_list("dossier_id", flat=True))
        batches = []
        for n, ((direction, origin_id, destination_id), trails) in enumerate(sorted(groups.items()),
                                                                              start=1):
            trails = [t for t in trails if t.dossier_id not in busy]
            if not trails:
                continue
            batch = Batch.objects.create(
                run=run, direction=direction, origin_id=origin_id, destination_id=destination_id,
                number=f"BB{at:%y%m%d%H%M}-{run.pk}-{n:02d}",
            )
            Manifest.objects.bulk_create(
                [Manifest(batch=batch, dossier_id=t.dossier_id) for t in trails])
            batches.append(batch)
        audit_record(actor=actor, event_type="courier.run_created", obj=run, at=timezone.now(),
                     data={"center": center.code, "at": at.isoformat(),
                           "batches": [b.number for b in batches],
                           "dossiers": sum(b.lines.count() for b in batches)})
    return RunResult(run=run, created=True, batches=batches)


def runs_due(*, now: dt.datetime | None = None) -> list[RunResult]:
    """The scheduler's job: every center's runs of today whose time has come (catching up on
    the ones missed while the scheduler was down); an existing run is left as it is."""
    now = timezone.localtime(_now(now))
    results = []
    for center in schedule.courier_centers():
        for at in schedule.run_times(center, now.date()):
            if at <= now and not Run.objects.filter(center=center, scheduled_at=at).exists():
                results.append(run_create(actor=None, center=center, at=at))
    return results


def _lock_batch(batch: Batch) -> Batch:
    return Batch.objects.select_for_update().select_related("run").get(pk=batch.pk)


def batch_collect(*, actor, batch: Batch, at: dt.datetime | None = None) -> Batch:
    """The courier takes the batch at its origin (xác nhận đã nhận lô để vận chuyển)."""
    at = _now(at)
    with transaction.atomic():
        locked = _lock_batch(batch)
        if not permissions.can_collect(actor, locked):
            raise NotAllowed("not_courier", _("Chỉ nhân viên bưu chính của trung tâm được nhận "
                                              "lô."))
        if locked.status != BatchStatus.WAITING:
            raise Conflict("batch_already_collected",
                           _("Lô %(number)s đã được xác nhận lấy lúc %(collected_at)s: không "
                             "ghi nhận lại.")
                           % {"number": locked.number, "collected_at": _hm(locked.collected_at)})
        locked.status, locked.collected_by, locked.collected_at = BatchStatus.COLLECTED, actor, at
        locked.save()
        lines = list(locked.lines.select_related("dossier"))
        trails = {t.dossier_id: t for t in PaperTrail.objects.select_for_update()
                  .filter(dossier_id__in=[ln.dossier_id for ln in lines])}
        for line in lines:
            move(trails[line.dossier_id], state=TrailState.IN_TRANSIT, at=at, holder=actor,
                 destination=locked.destination, batch=locked, actor=actor,
                 note=f"Bưu chính nhận theo biên bản {locked.number}.")
        audit_record(actor=actor, event_type="courier.batch_collected", obj=locked, at=at,
                     data={"batch": locked.number, "dossiers": len(lines)})
    batch.refresh_from_db()
    return locked


def batch_receive(*, actor, batch: Batch, received_codes: list[str] | None = None,
                  note: str = "", at: dt.datetime | None = None) -> Batch:
    """The receiving officer confirms the batch (xác nhận đã nhận).

    ``received_codes``: the dossier codes actually handed over (``None``: all of them). A code
    not in the batch is refused, naming it; a dossier of the batch not handed over is recorded
    as missing (thất lạc) with the discrepancy, and flagged on its trail at once.
    """
    at = _now(at)
    with transaction.atomic():
        locked = _lock_batch(batch)
        if not permissions.can_receive(actor, locked):
            raise NotAllowed("not_receiving_officer",
                             _("Chỉ cán bộ của %(destination)s được xác nhận nhận lô.")
                             % {"destination": locked.destination.name})
        if locked.status in (BatchStatus.RECEIVED, BatchStatus.PARTIAL):
            raise Conflict("batch_already_received",
                           _("Lô %(number)s đã được xác nhận nhận lúc %(received_at)s: không "
                             "ghi nhận lại.")
                           % {"number": locked.number, "received_at": _hm(locked.received_at)})
        if locked.status != BatchStatus.COLLECTED:
            raise Conflict("batch_not_collected",
                           _("Lô %(number)s chưa được bưu chính nhận để vận chuyển.")
                           % {"number": locked.number})
        lines = list(locked.lines.select_related("dossier"))
        codes = {ln.dossier.code for ln in lines}
        wanted = codes if received_codes is None else {c.strip() for c in received_codes
                                                       if c.strip()}
        strangers = sorted(wanted - codes)
        if strangers:
            raise InvalidInput("not_in_batch",
                               _("Hồ sơ không thuộc lô %(number)s: %(strangers)s.")
                               % {"number": locked.number, "strangers": ', '.join(strangers)},
                               field="received_codes")
        missing = sorted(codes - wanted)
        trails = {t.dossier_id: t for t in PaperTrail.objects.select_for_update()
                  .filter(dossier_id__in=[ln.dossier_id for ln in lines])}
        for line in lines:
            trail = trails[line.dossier_id]
            if line.dossier.code in wanted:
                line.state = LineState.RECEIVED
                arrived = (TrailState.AT_AGENCY if locked.direction == Direction.OUT
                           else TrailState.AT_CENTER)
                move(trail, state=arrived, at=at, place=locked.destination, batch=locked,
                     actor=actor, note=f"Đã nhận theo biên bản {locked.number}.")
            else:
                line.state = LineState.MISSING
                move(trail, state=TrailState.MISSING, at=at, holder=locked.collected_by,
                     batch=locked, actor=actor,
                     note=f"Không có khi giao nhận theo biên bản {locked.number}.")
            line.save(update_fields=["state"])
        locked.received_by, locked.received_at = actor, at
        if missing:
            locked.status = BatchStatus.PARTIAL
            locked.discrepancy = (f"Thiếu {len(missing)}/{len(codes)} hồ sơ: "
                                  f"{', '.join(missing)}." + (f" {note.strip()}" if note.strip()
                                                              else ""))
        else:
            locked.status = BatchStatus.RECEIVED
            locked.discrepancy = note.strip()
        locked.save()
        audit_record(actor=actor, event_type="courier.batch_received", obj=locked, at=at,
                     data={"batch": locked.number, "received": len(codes) - len(missing),
                           "missing": missing})
        if missing:
            notify(Message(event="courier.missing", subject=f"Thiếu hồ sơ khi giao nhận lô "
                           f"{locked.number}", body=locked.discrepancy,
                           data={"batch": locked.number, "missing": missing}))
    return locked


def delivery_fee(center: Unit) -> int:
    fees = getattr(settings, "MOTCUA_HOME_DELIVERY_FEES", {}) or {}
    return int(fees.get(center.code, getattr(settings, "MOTCUA_HOME_DELIVERY_FEE", 0)))


def _notify_citizen(dossier: Dossier, event: str, subject: str, body: str) -> None:
    notify(Message(event=event, subject=subject, body=body,
                   recipients=(dossier.applicant_email,) if dossier.applicant_email else (),
                   phones=(dossier.applicant_phone,) if dossier.applicant_phone else (),
                   dossier_code=dossier.code))


def home_delivery_create(*, actor, dossier: Dossier, address: str | None = None,
                         at: dt.datetime | None = None) -> HomeDelivery:
    """The desk prepares the result for delivery to the citizen's address."""
    at = _now(at)
    address = (address if address is not None else dossier.delivery_address or "").strip()
    if not permissions.can_manage_delivery(actor, dossier):
        raise NotAllowed("not_desk", _("Chỉ bộ phận một cửa nơi tiếp nhận được chuyển phát kết "
                                       "quả."))
    if not address:
        raise InvalidInput("address_required", _("Cần địa chỉ nhận kết quả để chuyển phát."),
                           field="address")
    if dossier.status != Status.RESULT_READY:
        raise Conflict("result_not_ready",
                       _("Chỉ chuyển phát khi kết quả đã về bộ phận một cửa, chờ trả."))
    with transaction.atomic():
        if HomeDelivery.objects.select_for_update().filter(
                dossier=dossier, status__in=[DeliveryStatus.PENDING, DeliveryStatus.HANDED_OFF]
        ).exists():
            raise Conflict("delivery_exists", _("Hồ sơ đang được chuyển phát."))
        delivery = HomeDelivery.objects.create(
            dossier=dossier, address=address, fee=delivery_fee(dossier.receiving_unit),
            created_by=actor, created_at=at)
        audit_record(actor=actor, event_type="courier.delivery_created", dossier=dossier,
                     obj=delivery, at=at, data={"fee": delivery.fee})
    return delivery


def _lock_delivery(delivery: HomeDelivery) -> HomeDelivery:
    return HomeDelivery.objects.select_for_update().select_related("dossier").get(pk=delivery.pk)


def home_delivery_hand_off(*, actor, delivery: HomeDelivery, courier, tracking_number: str,
                           at: dt.datetime | None = None) -> HomeDelivery:
    """The result goes to the courier, with the postal tracking number (mã vận đơn)."""
    at = _now(at)
    tracking_number = (tracking_number or "").strip()
    if not tracking_number:
        raise InvalidInput("tracking_required", _("Cần mã vận đơn."), field="tracking_number")
    with transaction.atomic():
        locked = _lock_delivery(delivery)
        if not permissions.can_manage_delivery(actor, locked.dossier):
            raise NotAllowed("not_desk", _("Chỉ bộ phận một cửa được giao kết quả cho bưu chính."))
        if courier is None or locked.dossier.receiving_unit_id not in \
                permissions.courier_center_ids(courier):
            raise InvalidInput("courier_required",
                               _("Cần chọn nhân viên bưu chính của trung tâm."), field="courier")
        if locked.status != DeliveryStatus.PENDING:
            raise Conflict("delivery_not_pending", _("Kết quả đã được giao cho bưu chính."))
        locked.status, locked.courier = DeliveryStatus.HANDED_OFF, courier
        locked.tracking_number, locked.handed_off_at = tracking_number, at
        locked.save()
        dossier = locked.dossier
        trail = PaperTrail.objects.filter(dossier=dossier).first() or PaperTrail(dossier=dossier)
        move(trail, state=TrailState.OUT_FOR_DELIVERY, at=at, holder=courier, actor=actor,
             note=f"Giao bưu chính phát tận nhà, mã vận đơn {tracking_number}.")
        audit_record(actor=actor, event_type="courier.delivery_handed_off", dossier=dossier,
                     obj=locked, at=at, data={"tracking_number": tracking_number})
        _notify_citizen(dossier, "courier.delivery_handed_off",
                        f"Kết quả hồ sơ {dossier.code} đang được chuyển phát",
                        f"Mã vận đơn {tracking_number}; địa chỉ nhận: {locked.address}.")
    return locked


def _lock_under_way(actor, delivery: HomeDelivery) -> HomeDelivery:
    """The delivery locked, if ``actor`` may report on it and it is out with the courier."""
    locked = _lock_delivery(delivery)
    if not permissions.can_report_delivery(actor, locked):
        raise NotAllowed("not_delivery_courier",
                         _("Chỉ nhân viên bưu chính đang phát hoặc bộ phận một cửa được ghi "
                           "nhận."))
    if locked.status != DeliveryStatus.HANDED_OFF:
        raise Conflict("delivery_not_under_way",
                       _("Kết quả chưa được giao bưu chính hoặc đã có kết quả phát."))
    return locked


def home_delivery_delivered(*, actor, delivery: HomeDelivery, recipient_name: str,
                            at: dt.datetime | None = None) -> HomeDelivery:
    """Delivered to the citizen: the dossier is returned (trả kết quả) at this time, through the
    dossier services."""
    at = _now(at)
    recipient_name = (recipient_name or "").strip()
    if not recipient_name:
        raise InvalidInput("recipient_required", _("Cần ghi tên người nhận."), field="recipient_name")
    with transaction.atomic():
        locked = _lock_under_way(actor, delivery)
        locked.status, locked.recipient_name, locked.delivered_at = (
            DeliveryStatus.DELIVERED, recipient_name, at)
        locked.save()
        dossier = locked.dossier
        if dossier_permissions.can_act(actor, dossier, "return_result"):
            dossier_perform(actor=actor, dossier=dossier, action="return_result", at=at,
                            returned_to=recipient_name, how=DeliveryMethod.POST)
        else:
            # The postal worker is no officer of the desk: the return is recorded on their
            # report, as the system (our own audit event names them).
            system_act(dossier=dossier, action="return_result", at=at,
                       returned_to=recipient_name, how=DeliveryMethod.POST)
        trail = PaperTrail.objects.filter(dossier=dossier).first() or PaperTrail(dossier=dossier)
        move(trail, state=TrailState.DELIVERED, at=at, actor=actor,
             note=f"Đã phát cho {recipient_name}.")
        audit_record(actor=actor, event_type="courier.delivery_delivered", dossier=dossier,
                     obj=locked, at=at, data={"recipient_name": recipient_name})
        _notify_citizen(dossier, "courier.delivered", f"Đã phát kết quả hồ sơ {dossier.code}",
                        f"Người nhận: {recipient_name}, lúc {_hm(at)}.")
    return locked


def home_delivery_failed(*, actor, delivery: HomeDelivery, reason: str,
                         at: dt.datetime | None = None) -> HomeDelivery:
    """Not delivered: the result goes back to the counter, where the citizen may collect it."""
    at = _now(at)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason_required", _("Cần ghi lý do không phát được."), field="reason")
    with transaction.atomic():
        locked = _lock_under_way(actor, delivery)
        locked.status, locked.failure_reason = DeliveryStatus.FAILED, reason
        locked.save()
        dossier = locked.dossier
        trail = PaperTrail.objects.filter(dossier=dossier).first() or PaperTrail(dossier=dossier)
        move(trail, state=TrailState.AT_CENTER, at=at, place=dossier.receiving_unit, actor=actor,
             note=f"Phát không thành công ({reason}), trả về quầy.")
        audit_record(actor=actor, event_type="courier.delivery_failed", dossier=dossier,
                     obj=locked, at=at, data={"reason": reason})
        _notify_citizen(dossier, "courier.delivery_failed",
                        f"Chưa phát được kết quả hồ sơ {dossier.code}",
                        f"Lý do: {reason}. Mời ông/bà đến nhận kết quả tại bộ phận một cửa.")
    return locked
