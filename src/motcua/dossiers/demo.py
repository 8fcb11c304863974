"""Demo dossiers (hồ sơ minh họa) in every state, made through the real services.

``load_demo_dossiers(stdout=None)`` uses whatever units, procedures and staff exist (the demo
loader of ``motcua.demo`` creates the Đắk Lắk ones): it picks a receiving unit with a
receptionist and a published procedure received there whose competent unit has a leader and a
specialist, then plays each scenario with past ``at=`` values. Each scenario's dossier carries
``[demo:<name>]`` in its notes, so a second run creates nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone

from motcua.catalog.models import ProcedureVersion, TimeUnit, VersionStatus
from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.deadlines import calendar_for_dossier
from motcua.dossiers.models import CounterGuidance, Dossier
from motcua.org.calendars import calendar_for_unit
from motcua.org.models import Membership, Role, Unit
from motcua.worktime import Duration

DEMO_APPLICANTS = [
    {"name": "Nguyễn Văn Bình", "id_number": "066085001234", "birth_date": "1985-03-12",
     "gender": "male", "address": "45 Phan Chu Trinh, phường Buôn Ma Thuột",
     "phone": "0905123456", "email": "binh.nv@example.vn"},
    {"name": "H'Ly Niê", "id_number": "066195004321", "birth_date": "1995-08-20",
     "gender": "female", "address": "Buôn Ko Tam, xã Hòa Phú", "phone": "0376543210"},
    {"name": "Trần Thị Thu Trang", "id_number": "054192007788", "birth_date": "1992-11-02",
     "gender": "female", "address": "12 Hùng Vương, phường Tuy Hòa", "phone": "0912888777",
     "email": "trang.ttt@example.vn"},
    {"name": "Lê Quang Vinh", "id_number": "066078009900", "birth_date": "1978-01-25",
     "gender": "male", "address": "88 Lê Duẩn, phường Tân An", "phone": "02623851234"},
]

PATH = ["transfer", "assign", "start_appraisal", "submit_for_approval", "approve", "issue",
        "receive_result", "return_result"]

# name -> (actions after intake, overdue?)
SCENARIOS: dict[str, tuple[list[str], bool]] = {
    "received": ([], False),
    "transferred": (PATH[:1], False),
    "assigned": (PATH[:2], False),
    "appraising": (PATH[:3], False),
    "appraising_overdue": (PATH[:3], True),
    "consulting": ([*PATH[:3], "consult"], False),
    "interagency": ([*PATH[:3], "send_interagency"], False),
    "supplement": (["transfer", "assign", "request_supplement"], False),
    "supplement_done": (["transfer", "assign", "request_supplement", "complete_supplement"],
                        False),
    "payment": ([*PATH[:3], "request_payment"], False),
    "awaiting_approval": (PATH[:4], False),
    "signed": (PATH[:5], False),
    "issued": (PATH[:6], False),
    "result_ready": (PATH[:7], False),
    "returned": (PATH, False),
    "returned_late": (PATH, True),
    "apologised": (PATH[:3], False),
    "refused": ([*PATH[:3], "refuse"], False),
    "withdrawn": (["transfer", "withdraw"], False),
    "stopped": (["transfer", "stop"], False),
}


def _say(stdout, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _holders(unit_id: int, role: str):
    return [m.user for m in Membership.objects.filter(unit_id=unit_id, role=role)
            .select_related("user").order_by("user__username")]


def _setup():
    """(receptionist, center, version, leader, specialist) or None."""
    for m in (Membership.objects.filter(role=Role.RECEPTIONIST).select_related("unit", "user")
              .order_by("unit__code", "user__username")):
        center = m.unit
        if not center.is_receiving:
            continue
        versions = (
            ProcedureVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .filter(Q(receiving_units=center) | Q(boundary_free=True))
            .filter(legal_time_value__isnull=False)
            .exclude(legal_time_unit="")
            .select_related("agency", "procedure").distinct().order_by("procedure__code")
        )
        for version in versions:
            value, unit = version.effective_time
            if unit != TimeUnit.WORKING_DAYS or Decimal(value) < 3 or not version.steps.exists():
                continue
            competent = services.competent_unit_for(version, center)
            leaders = _holders(competent.pk, Role.LEADER)
            specialists = _holders(competent.pk, Role.SPECIALIST)
            if leaders and specialists:
                return m.user, center, version, leaders[0], specialists[0]
    return None


@functools.cache
def _result_pdf() -> bytes:
    """A real (small) PDF: a PAdES backend signs it when certificates are configured."""
    from motcua.core.pdf import render_pdf

    return render_pdf("<p>Văn bản kết quả minh họa.</p>")


def _documents(version):
    return [{"required": d.pk, "provided_as": "original" if i % 2 == 0 else "copy"}
            for i, d in enumerate(version.documents.all())]


def _play(name, actions, overdue, ctx, applicant, now):
    receptionist, center, version, leader, specialist = ctx
    cal = calendar_for_unit(center)
    value = int(Decimal(version.effective_time[0]))
    today = timezone.localtime(now).date()
    if overdue:
        back = value + 4
    elif name == "apologised":
        back = 1
    else:
        back = min(2, value - 1)
    start_day = cal.add_working_days(today, -back)
    start = timezone.make_aware(dt.datetime.combine(start_day, dt.time(8, 0)))
    dossier = services.dossier_receive(
        actor=receptionist, procedure_version=version, receiving_unit=center,
        applicant=applicant, documents=_documents(version), notes=f"[demo:{name}]", at=start,
    )
    at = start
    partner = Unit.objects.exclude(pk__in=[center.pk, dossier.competent_unit_id]).filter(
        kind="agency").order_by("code").first()
    for action in actions:
        at = cal.deadline(at, Duration.working_hours(1), cutoff=None)
        if name == "returned_late" and action == "submit_for_approval":
            # The apology comes two working days before the original due; the result is
            # returned after the original due, before the new one: late for statistics.
            apology_at = timezone.make_aware(dt.datetime.combine(
                cal.add_working_days(timezone.localtime(dossier.due_at).date(), -2),
                dt.time(9, 0)))
            new_due = cal.deadline(dossier.due_at, Duration.working_days(2), cutoff=None)
            services.dossier_apologise(actor=leader, dossier=dossier,
                                       reason="Chờ kết quả xác minh thực địa",
                                       new_due_at=new_due, at=apology_at)
            at = cal.deadline(dossier.original_due_at, Duration.working_hours(2), cutoff=None)
        params = {
            "assign": {"assignee": specialist},
            "request_supplement": {"items": "Bản sao giấy tờ chứng minh quyền sử dụng đất",
                                   "reason": "Thiếu giấy tờ"},
            "request_payment": {"amount": 500000, "reason": "Lệ phí cấp giấy"},
            "approve": {"result_content": _result_pdf(),
                        "result_number": f"{dossier.pk}/GP"},
            "refuse": {"reason": "Hồ sơ không đủ điều kiện theo quy định"},
            "return_result": {"returned_to": applicant["name"], "how": "counter"},
            "withdraw": {"reason": "Công dân đề nghị rút hồ sơ"},
            "stop": {"reason": "Thủ tục không thuộc thẩm quyền giải quyết"},
            "consult": {"note": "Lấy ý kiến Sở Tài chính"},
        }.get(action, {})
        if action == "complete_supplement":
            at = cal.deadline(at, Duration.working_hours(4), cutoff=None)
        if action == "consult" and partner is not None:
            params["note"] = f"Lấy ý kiến {partner.name}"
        if action == "send_interagency":
            params = {"partner_unit": partner, "hours": 16,
                      "note": "Xác định nghĩa vụ tài chính (liên thông)"}
        user = {
            "transfer": receptionist, "assign": leader, "approve": leader, "refuse": leader,
            "issue": leader, "receive_result": receptionist, "return_result": receptionist,
            "withdraw": receptionist, "stop": leader, "complete_supplement": receptionist,
        }.get(action, specialist)
        services.dossier_act(actor=user, dossier=dossier, action=action, at=min(at, now),
                             **params)
        dossier.refresh_from_db()
    if name == "apologised":
        cal2 = calendar_for_dossier(dossier)
        services.dossier_apologise(
            actor=leader, dossier=dossier, reason="Cần thêm thời gian thẩm định hiện trạng",
            new_due_at=cal2.deadline(dossier.due_at, Duration.working_days(3), cutoff=None),
            at=min(cal2.deadline(at, Duration.working_hours(1), cutoff=None), now),
        )
    return dossier


def load_demo_dossiers(*, stdout=None, now: dt.datetime | None = None) -> dict[str, int]:
    """Create the demo dossiers that are missing; returns {"created": n, "skipped": m}."""
    now = now or timezone.now()
    ctx = _setup()
    if ctx is None:
        _say(stdout, "Hồ sơ minh họa: chưa có đơn vị, thủ tục và cán bộ phù hợp; bỏ qua.")
        return {"created": 0, "skipped": len(SCENARIOS)}
    receptionist, center, version = ctx[0], ctx[1], ctx[2]
    created = skipped = 0
    for i, (name, (actions, overdue)) in enumerate(SCENARIOS.items()):
        if Dossier.objects.filter(notes=f"[demo:{name}]").exists():
            skipped += 1
            continue
        try:
            _play(name, actions, overdue, ctx, DEMO_APPLICANTS[i % len(DEMO_APPLICANTS)], now)
            created += 1
        except DomainError as exc:
            _say(stdout, f"Hồ sơ minh họa “{name}” không tạo được: {exc.code} {exc.message}")
    extra = {"online": "[demo:online]", "refused_at_reception": "[demo:refused_at_reception]"}
    if not Dossier.objects.filter(request_summary=extra["online"]).exists():
        services.dossier_submit_online(
            procedure_version=version, receiving_unit=center, applicant=DEMO_APPLICANTS[2],
            documents=_documents(version), request_summary=extra["online"],
            at=now - dt.timedelta(hours=2))
        created += 1
    if not Dossier.objects.filter(request_summary=extra["refused_at_reception"]).exists():
        d = services.dossier_refuse_at_reception(
            actor=receptionist, procedure_version=version, receiving_unit=center,
            applicant=DEMO_APPLICANTS[3], reason="Thủ tục không thuộc thẩm quyền tiếp nhận",
            at=now - dt.timedelta(days=1))
        Dossier.objects.filter(pk=d.pk).update(request_summary=extra["refused_at_reception"])
        created += 1
    # An online dossier the desk has asked to complete before receiving it (no clock runs).
    marker = "[demo:online_supplement_at_reception]"
    if not Dossier.objects.filter(request_summary=marker).exists():
        d = services.dossier_submit_online(
            procedure_version=version, receiving_unit=center, applicant=DEMO_APPLICANTS[1],
            documents=_documents(version), request_summary=marker,
            at=now - dt.timedelta(hours=3))
        services.dossier_act(
            actor=receptionist, dossier=d, action="request_supplement_at_reception",
            reason="Bản vẽ thiết kế chưa có chữ ký của người thiết kế",
            at=now - dt.timedelta(hours=1))
        created += 1
    if not CounterGuidance.objects.filter(reason="[demo]").exists():
        services.counter_guidance_issue(
            actor=receptionist, procedure_version=version, receiving_unit=center,
            applicant={"name": "Phạm Văn Hùng", "phone": "0987111222"},
            items="Bổ sung bản sao giấy chứng nhận quyền sử dụng đất", reason="[demo]",
            at=now - dt.timedelta(days=1))
    _say(stdout, f"Hồ sơ minh họa: tạo mới {created}, đã có {skipped}.")
    return {"created": created, "skipped": skipped}
