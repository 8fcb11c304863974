"""The courier and signed-result demo (bưu chính, ký số), played through the real services.

1. Certificates: a development CA in the signing directory (``MOTCUA_SIGNING_DIR``, else
   ``var/signing``), a personal certificate for every leader and a seal for their units; never
   committed (``var/`` is ignored), made once.
2. The previous working day of the center: three paper dossiers received in the morning leave
   in the 11:00 run, the agency's officer confirms their arrival, two come back with a signed
   result in the 14:00 run, one of them goes to the citizen's home by post and is delivered.
3. Today: dossiers received early wait for the next run; the runs whose time has come are made
   (what the scheduler does every five minutes).

Every step is on the dossier's timeline (status history and custody). A second run does
nothing: the story's dossiers carry ``[demo:courier-…]`` in their notes.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape

from motcua.catalog.models import ProcedureVersion, TimeUnit, VersionStatus
from motcua.core.pdf import render_pdf
from motcua.courier import services as courier
from motcua.courier.models import Batch, Direction
from motcua.dossiers import services
from motcua.dossiers.demo import DEMO_APPLICANTS
from motcua.dossiers.models import Dossier
from motcua.org.calendars import calendar_for_unit
from motcua.org.models import Membership, Role
from motcua.signing.certificates import ensure_development_ca

MARK = "[demo:courier-{}]"


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def signing_dir() -> Path:
    return Path(settings.MOTCUA_SIGNING_DIR or settings.VAR_DIR / "signing")


def ensure_certificates(root: Path) -> int:
    """A personal certificate for each leader, a seal for each of their units; returns how many
    were made now."""
    ca = ensure_development_ca(root)
    made = 0
    for m in Membership.objects.filter(role=Role.LEADER).select_related("user", "unit"):
        unit = m.unit
        if not (root / "units" / f"{unit.code}.pem").exists():
            ca.issue_to(root, "units", unit.code, unit.name, organisation=unit.name,
                        unit_code=unit.code)
            made += 1
        user = m.user
        if not (root / "people" / f"{user.username}.pem").exists():
            name = f"{user.last_name} {user.first_name}".strip() or user.username
            ca.issue_to(root, "people", user.username, name, organisation=unit.name,
                        unit_code=unit.code)
            made += 1
    return made


def _holders(unit_id: int, role: str):
    return [m.user for m in Membership.objects.filter(unit_id=unit_id, role=role)
            .select_related("user").order_by("user__username")]


def _setup():
    """(courier, center, receptionist, version, agency, leader, specialist) or None."""
    for m in Membership.objects.filter(role=Role.COURIER).select_related("unit", "user") \
            .order_by("unit__code"):
        center = m.unit
        receptionists = _holders(center.pk, Role.RECEPTIONIST)
        if not receptionists:
            continue
        versions = (ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
                    .filter(Q(receiving_units=center) | Q(boundary_free=True))
                    .filter(legal_time_value__isnull=False).exclude(legal_time_unit="")
                    .select_related("agency", "procedure").distinct().order_by("procedure__code"))
        for version in versions:
            value, unit = version.effective_time
            if unit != TimeUnit.WORKING_DAYS or Decimal(str(value)) < 3 or not version.steps.exists():
                continue
            agency = services.competent_unit_for(version, center)
            if agency.pk == center.pk:
                continue
            leaders, specialists = (_holders(agency.pk, Role.LEADER),
                                    _holders(agency.pk, Role.SPECIALIST))
            if leaders and specialists:
                return m.user, center, receptionists[0], version, agency, leaders[0], specialists[0]
    return None


def _result_pdf(dossier: Dossier, agency) -> bytes:
    e = escape
    return render_pdf(
        f"<html lang='vi'><body style='font-family: Liberation Serif'>"
        f"<p><strong>{e(agency.name.upper())}</strong></p>"
        f"<h2 style='text-align:center'>KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH</h2>"
        f"<p>Thủ tục: {e(dossier.procedure_version.name)}</p>"
        f"<p>Hồ sơ: {dossier.code}</p><p>Người đề nghị: {e(dossier.applicant_name)}</p>"
        f"<p>Văn bản điện tử có chữ ký số của người có thẩm quyền và con dấu số của cơ quan."
        f"</p></body></html>")


def _previous_working_day(center, today: dt.date) -> dt.date:
    cal = calendar_for_unit(center)
    day = today - dt.timedelta(days=1)
    while not cal.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _documents(version):
    return [{"required": d.pk, "provided_as": "original"} for d in version.documents.all()]


def load_demo_courier(*, stdout=None, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    made = ensure_certificates(signing_dir())
    _say(stdout, f"Chứng thư số minh họa: {made} chứng thư mới trong {signing_dir()}.")
    ctx = _setup()
    if ctx is None:
        _say(stdout, "Bưu chính minh họa: chưa có trung tâm có nhân viên bưu chính; bỏ qua.")
        return {"dossiers": 0, "certificates": made}
    if Dossier.objects.filter(notes=MARK.format(1)).exists():
        return {"dossiers": 0, "certificates": made}
    with transaction.atomic():  # all of the story or none of it
        count = _story(ctx, now)
    _say(stdout, f"Bưu chính minh họa: {count} hồ sơ giấy qua các chuyến, một kết quả đã phát "
                 f"tận nhà; đăng nhập buudien1.")
    return {"dossiers": count, "certificates": made}


def _story(ctx, now: dt.datetime) -> int:
    courier_user, center, receptionist, version, agency, leader, specialist = ctx
    zone = timezone.get_current_timezone()
    day = _previous_working_day(center, timezone.localtime(now).date())

    def at(hour: int, minute: int = 0, on: dt.date = day) -> dt.datetime:
        return dt.datetime.combine(on, dt.time(hour, minute), tzinfo=zone)

    dossiers = []
    for i, (hour, minute) in enumerate([(9, 10), (9, 40), (10, 20)], start=1):
        applicant = DEMO_APPLICANTS[i % len(DEMO_APPLICANTS)]
        delivery = ({"method": "post", "address": applicant["address"]} if i == 1 else None)
        dossier = services.dossier_receive(
            actor=receptionist, procedure_version=version, receiving_unit=center,
            applicant=applicant, documents=_documents(version), delivery=delivery,
            notes=MARK.format(i), at=at(hour, minute))
        services.dossier_act(actor=receptionist, dossier=dossier, action="transfer",
                             at=at(hour, minute + 10))
        dossiers.append(dossier)
    for hour in (9, 11):  # the 9:00 run left before they were received
        courier.run_create(actor=None, center=center, at=at(hour))
    out = Batch.objects.get(run__center=center, run__scheduled_at=at(11),
                            direction=Direction.OUT, destination=agency)
    courier.batch_collect(actor=courier_user, batch=out, at=at(11, 10))
    courier.batch_receive(actor=specialist, batch=out, at=at(11, 50))
    for n, dossier in enumerate(dossiers[:2]):
        dossier.refresh_from_db()
        t = at(13, 10 * n)
        steps = [("assign", leader, {"assignee": specialist}),
                 ("start_appraisal", specialist, {}),
                 ("submit_for_approval", specialist, {}),
                 ("approve", leader, {"result_content": _result_pdf(dossier, agency),
                                      "result_number": f"{dossier.pk}/QĐ"}),
                 ("issue", leader, {})]
        for k, (action, actor, params) in enumerate(steps, start=1):
            services.dossier_act(actor=actor, dossier=dossier, action=action,
                                 at=t + dt.timedelta(minutes=k), **params)
    back = courier.run_create(actor=None, center=center, at=at(14))
    [batch] = [b for b in back.batches if b.direction == Direction.BACK]
    courier.batch_collect(actor=courier_user, batch=batch, at=at(14, 10))
    courier.batch_receive(actor=receptionist, batch=batch, at=at(14, 50))
    for dossier in dossiers[:2]:
        dossier.refresh_from_db()
        services.dossier_act(actor=receptionist, dossier=dossier, action="receive_result",
                             at=at(14, 55))
    home = dossiers[0]
    home.refresh_from_db()
    parcel = courier.home_delivery_create(actor=receptionist, dossier=home, at=at(15, 0))
    courier.home_delivery_hand_off(actor=receptionist, delivery=parcel,
                                   courier=courier_user, tracking_number="EB000123456VN",
                                   at=at(15, 5))
    courier.home_delivery_delivered(actor=courier_user, delivery=parcel,
                                    recipient_name=home.applicant_name, at=at(16, 40))
    courier.run_create(actor=None, center=center, at=at(16))
    made_today = 0
    today = timezone.localtime(now).date()
    if calendar_for_unit(center).is_working_day(today) and now >= at(8, 30, on=today):
        for i, minute in enumerate((5, 20), start=4):
            applicant = DEMO_APPLICANTS[i % len(DEMO_APPLICANTS)]
            dossier = services.dossier_receive(
                actor=receptionist, procedure_version=version, receiving_unit=center,
                applicant=applicant, documents=_documents(version), notes=MARK.format(i),
                at=at(8, minute, on=today))
            services.dossier_act(actor=receptionist, dossier=dossier, action="transfer",
                                 at=at(8, minute + 5, on=today))
            made_today += 1
        courier.runs_due(now=now)
    return len(dossiers) + made_today
