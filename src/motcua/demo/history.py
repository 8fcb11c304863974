"""A realistic demo history (lịch sử hồ sơ minh họa): thousands of dossiers over the last months.

``history_load(n=..., days=..., seed=..., now=...)`` receives dossiers on working days at every
receiving unit for every procedure the demo can work, through every channel, and plays each one
forward to ``now``: transfer, assignment, appraisal, consultation, liên thông, supplement and
payment pauses, apologies, rework, approval, issue, return, and the ways out (refusal at the
counter, refusal after appraisal, withdrawal, stop). Slow dossiers are late, some after an
apology; recent ones are still in process, a few waiting for acceptance online.

Two parts:

* ``_Sim`` keeps one dossier and writes the rows the dossier services would write for each
  action — ``Dossier``, ``DossierDocument``, ``StatusChange``, ``DossierStep``,
  ``DossierPause``, ``Apology`` and the audit chain — mirroring their handlers, with the same
  public deadline functions (``dossiers.deadlines``, ``worktime``). It also keeps the actions
  as a log, and a test replays that log through the real services and compares the rows, so the
  two cannot drift apart unnoticed (tests/demo/test_history.py).
* ``_story`` decides with a seeded ``random.Random`` what happens to a dossier and when.

Everything is inserted in bulk (a few statements per table) and the report ledger is built once
with ``ledger_merge``, so about 4,000 dossiers load in seconds. Idempotent: the load leaves a
``demo.history`` audit event, and a second call finds it and does nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from motcua.audit.models import AuditEvent
from motcua.audit.services import audit_chain_seal, audit_record
from motcua.catalog.models import ProcedureVersion
from motcua.core.bulk import insert_tuples
from motcua.dossiers import deadlines
from motcua.dossiers.models import (
    Apology,
    CodeSequence,
    Dossier,
    DossierDocument,
    DossierPause,
    DossierStep,
    PauseKind,
    StatusChange,
)
from motcua.dossiers.states import NATIONAL_CODE, Channel, DeliveryMethod, Status
from motcua.dossiers.transitions import PROCESSING, TRANSITIONS, check_state
from motcua.org.calendars import calendar_for_unit, unit_calendar
from motcua.org.models import Membership, Role, Unit, UnitKind
from motcua.signing import get_backend
from motcua.worktime import Duration, classify

from .people import Target, load_targets, person

S = Status
MARKER = "demo.history"
DEFAULT_SIZE = 4000
DEFAULT_DAYS = 110  # a little over three months up to today
DEFAULT_SEED = 20261201
RESULT_CONTENT = b"%PDF-1.4\n% demo result\n"
RESULT_FILE = "results/demo/ket-qua-minh-hoa.pdf"

SUPPLEMENT_ITEMS = [
    "Bản sao giấy chứng nhận quyền sử dụng đất",
    "Bản vẽ mặt bằng có chữ ký của chủ hộ",
    "Giấy ủy quyền có chứng thực",
    "Tờ khai ghi đầy đủ thông tin người thân",
    "Ảnh chụp hiện trạng công trình",
]
REFUSALS = [
    "Hồ sơ không đủ điều kiện theo quy định",
    "Kết quả thẩm định không đạt yêu cầu",
    "Nội dung đề nghị không phù hợp quy hoạch",
]
APOLOGY_REASONS = [
    "Chờ kết quả xác minh thực địa",
    "Cần thêm thời gian lấy ý kiến cơ quan liên quan",
    "Khối lượng hồ sơ tăng đột biến",
]


@dataclass
class HistorySummary:
    """What one load wrote (all zero when the history was already there)."""

    dossiers: int = 0
    status_changes: int = 0
    steps: int = 0
    pauses: int = 0
    apologies: int = 0
    audit_events: int = 0
    seconds: float = 0.0
    skipped: bool = False
    by_status: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


# ----------------------------------------------------------------------------- rows


class _Row:
    """An unsaved row (attnames as attributes): much cheaper than a model instance at tens of
    thousands of rows, and inserted by ``_insert`` with the model's column defaults."""

    def __init__(self, _model: str = "", **values):
        self.__dict__.update(values)
        self._model = _model

    @property
    def pk(self):
        return self.id


_STEP_DURATIONS: dict[Decimal, Duration] = {}


def _step_due(start: dt.datetime, hours, calendar) -> dt.datetime:
    """``deadlines.step_due`` with each step length's Duration built once (tens of thousands
    of calls); the consistency test checks both agree."""
    hours = Decimal(str(hours))
    if hours <= 0:
        return deadlines.step_due(start, hours, calendar)
    duration = _STEP_DURATIONS.get(hours)
    if duration is None:
        number = int(hours) if hours == hours.to_integral_value() else Fraction(str(hours))
        duration = _STEP_DURATIONS[hours] = Duration.working_hours(number)
    return calendar.deadline(start, duration, cutoff=None)


def _as_read(value: dt.datetime) -> dt.datetime:
    """A time as the services have it after reading it back from the database (UTC), which is
    how their audit events record such values."""
    return value.astimezone(dt.UTC)


def _set_status(d: _Row, status: str) -> None:
    d.status = status
    d.national_status = NATIONAL_CODE[status]


def _insert(model, rows: list[_Row], **extra) -> None:
    """Insert rows with their ids; columns a row does not set take the field default."""
    fields = [f for f in model._meta.concrete_fields]
    names = [f.attname for f in fields]
    defaults = {f.attname: (None if f.null and not f.has_default() else f.get_default())
                for f in fields}
    json_fields = {f.attname for f in fields if f.get_internal_type() == "JSONField"}

    def values(row):
        data = row.__dict__
        out = []
        for name in names:
            value = data[name] if name in data else defaults[name]
            if name in json_fields:
                value = json.dumps(value, cls=DjangoJSONEncoder)
            out.append(value)
        return tuple(out)

    insert_tuples(model, names, (values(r) for r in rows))


# ----------------------------------------------------------------------------- people and units


class _World:
    """Units, staff, versions and calendars, read once."""

    def __init__(self):
        self.units = {u.pk: u for u in Unit.objects.all()}
        self.users = {u.pk: u for u in get_user_model().objects.all()}
        self.staff: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.counters: dict[int, object] = {}
        for m in Membership.objects.select_related("counter").order_by("user__username"):
            self.staff[(m.unit_id, m.role)].append(m.user_id)
            if m.role == Role.RECEPTIONIST and m.counter and m.counter.center_id == m.unit_id:
                self.counters[(m.user_id, m.unit_id)] = m.counter_id
        # Every published version with its parts, in a fixed number of queries whatever the
        # size of the history.
        self.versions: dict[int, ProcedureVersion] = {
            v.pk: v for v in ProcedureVersion.objects.filter(status="published")
            .select_related("procedure", "agency").prefetch_related("steps", "documents", "fees")
        }
        # What approval leaves (services._h_approve): the configured backend's verdict on the
        # demo result, and one shared result file instead of thousands of identical ones.
        try:
            signed = get_backend().sign(RESULT_CONTENT, signer=None)
            self.signature = {"signature_backend": signed.backend, "signed": signed.signed,
                              "note": signed.note}
        except Exception:  # a real signing backend wants a real signer: record it unsigned
            self.signature = {"signature_backend": "unsigned", "signed": False, "note": ""}
        if not default_storage.exists(RESULT_FILE):
            default_storage.save(RESULT_FILE, ContentFile(RESULT_CONTENT))
        # Every unit's calendar up front (a lookup is a query): the number of queries of a
        # load does not depend on how many dossiers it makes.
        self._unit_calendars = {pk: unit_calendar(u) for pk, u in self.units.items()}
        self._calendars = {pk: calendar_for_unit(u) for pk, u in self.units.items()}

    def version(self, pk: int) -> ProcedureVersion:
        v = self.versions.get(pk)
        if v is None:
            v = (ProcedureVersion.objects.select_related("procedure", "agency")
                 .prefetch_related("steps", "documents", "fees").get(pk=pk))
            self.versions[pk] = v
        return v

    def calendar(self, unit_id: int):
        cal = self._calendars.get(unit_id)
        if cal is None:
            cal = self._calendars[unit_id] = calendar_for_unit(self.units[unit_id])
        return cal

    def unit_calendar(self, unit_id: int):
        uc = self._unit_calendars.get(unit_id)
        if uc is None:
            uc = self._unit_calendars[unit_id] = unit_calendar(self.units[unit_id])
        return uc

    def people(self, unit_id: int, role: str) -> list[int]:
        return self.staff.get((unit_id, role), [])


# ----------------------------------------------------------------------------- one dossier


class _Ids:
    """Primary keys handed out in Python, after the largest one in each table."""

    def __init__(self, models):
        self.next = {}
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
                self.next[model] = cursor.fetchone()[0] + 1

    def take(self, model) -> int:
        pk = self.next[model]
        self.next[model] = pk + 1
        return pk


@dataclass
class Act:
    """One action as a service call would take it (replayed by the consistency test)."""

    action: str
    at: dt.datetime
    actor: int | None
    params: dict = field(default_factory=dict)


class _Sim:
    """One dossier and every row the services would have written for it."""

    def __init__(self, world: _World, ids: _Ids, target: Target):
        self.w = world
        self.ids = ids
        self.target = target
        self.version = world.version(target.version_id)
        self.d: Dossier | None = None
        self.documents: list[DossierDocument] = []
        self.changes: list[StatusChange] = []
        self.steps: list[DossierStep] = []
        self.pauses: list[DossierPause] = []
        self.apology: Apology | None = None
        self.events: list[AuditEvent] = []
        self.log: list[Act] = []

    # -- rows -------------------------------------------------------------------------------

    def _user(self, pk):
        return self.w.users.get(pk) if pk else None

    def _audit(self, *, actor, event_type, at, obj=None, data=None, channel=""):
        user = self._user(actor)
        self.events.append(_Row(
            id=self.ids.take(AuditEvent), event_type=event_type, actor_id=actor,
            actor_label=str(user) if user is not None else "", at=at, channel=channel,
            dossier_id=self.d.pk,
            object_type=obj._model if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "", data=data or {},
        ))

    def _back_to_the_desk(self):
        """As services.handlers.back_to_the_desk: a dossier closed without a result goes back
        to the desk that received it."""
        self.d.current_unit_id = self.d.receiving_unit_id
        self.d.holder_id = None

    def _history(self, *, action, from_status, actor, unit_id, at, reason="", step=None):
        d = self.d
        change = _Row(
            "StatusChange", id=self.ids.take(StatusChange), dossier_id=d.pk, from_status=from_status,
            to_status=d.status, action=action, actor_id=actor, unit_id=unit_id, at=at,
            reason=reason, due_at=d.due_at,
            # as deadlines.statistical_due: the legal due, never an apology's date
            stat_due_at=d.original_due_at if d.original_due_at is not None else d.due_at,
            step_id=(step or d.current_step).pk if (step or d.current_step) else None,
        )
        self.changes.append(change)
        return change

    # -- intake (dossier_receive, dossier_submit_online, dossier_refuse_at_reception) --------

    def _new(self, *, at, channel, applicant, actor, status, documents, delivery, code):
        t, version = self.target, self.version
        birth = dt.date.fromisoformat(applicant["birth_date"])
        d = _Row(
            "Dossier", id=self.ids.take(Dossier), code=code, procedure_version_id=t.version_id,
            field_id=version.field_id, receiving_unit_id=t.receiving_id,
            competent_unit_id=t.competent_id, current_unit_id=t.receiving_id, channel=channel,
            # Only the counter intake says at which counter (dossier_receive's ``counter``).
            counter_id=(self.w.counters.get((actor, t.receiving_id))
                        if actor and status == S.RECEIVED else None),
            holder_id=None, supplement_count=0, lock_version=0, rescheduled_due_at=None,
            result_signed=False, result_number="", result_file="", refusal_reason="", finished_at=None,
            returned_at=None, returned_to="", returned_how="", received_at=None,
            clock_start=None, due_at=None, original_due_at=None, current_step=None,
            received_by_id=actor, submitted_at=at, applicant_name=applicant["name"],
            applicant_id_number=applicant["id_number"], applicant_birth_date=birth,
            applicant_gender=applicant["gender"], applicant_address=applicant["address"],
            applicant_phone=applicant["phone"],
            digitised=any(x["provided_as"] == "digital" for x in documents),
            fee_total=sum(f.amount or 0 for f in version.fees.all()),
            delivery_method=delivery["method"], delivery_address=delivery.get("address", ""),
            created_at=at, updated_at=at,
        )
        _set_status(d, status)
        self.d = d
        by_pk = {doc.pk: doc for doc in version.documents.all()}
        for item in documents:
            doc = by_pk[item["required"]]
            self.documents.append(_Row(
                id=self.ids.take(DossierDocument), dossier_id=d.pk, required_id=doc.pk,
                name=doc.name, provided_as=item["provided_as"], copies=1,
            ))
        return d

    def _start_clock(self, at):
        d, version = self.d, self.version
        uc = self.w.unit_calendar(d.receiving_unit_id)
        value, unit = version.effective_time
        d.received_at = at
        d.clock_start = at
        d.time_value = Decimal(value)
        d.time_unit = unit
        d.cutoff = deadlines.intake_cutoff(
            version, self.w.units[d.receiving_unit_id], five_on_site=version.five_on_site,
            unit_cutoff=lambda: uc.cutoff,
        )
        d.due_at = self._legal_due(uc.calendar)
        d.original_due_at = d.due_at
        # The step plan (services._step_plan): deadlines chained by working hours.
        start = uc.calendar.effective_start(at, cutoff=d.cutoff)
        for ps in sorted(version.steps.all(), key=lambda ps: (ps.order, ps.pk)):
            if ps.unit_id:
                unit_id = ps.unit_id
            elif ps.role == "reception":
                unit_id = d.receiving_unit_id
            else:
                unit_id = d.competent_unit_id
            due = _step_due(start, ps.hours, uc.calendar)
            first = not self.steps
            self.steps.append(_Row(
                id=self.ids.take(DossierStep), dossier_id=d.pk, process_step_id=ps.pk,
                order=ps.order, name=ps.name, role=ps.role, unit_id=unit_id, hours=ps.hours,
                due_at=due, started_at=at if first else None,
                assignee_id=d.received_by_id if first else None,
                finished_at=None, finished_by_id=None, outcome="", note="",
            ))
            start = due
        d.current_step = self.steps[0] if self.steps else None

    def _legal_due(self, calendar):
        d = self.d
        pauses = [(p.started_at, p.ended_at) for p in sorted(self.pauses, key=lambda p: p.started_at)
                  if p.kind == PauseKind.PAYMENT and p.ended_at is not None
                  and p.started_at >= d.clock_start]
        return calendar.deadline(d.clock_start, deadlines.duration_of(d.time_value, d.time_unit),
                                 pauses=pauses, cutoff=d.cutoff)

    def receive(self, *, at, actor, applicant, documents, delivery, channel, code):
        self.log.append(Act("intake", at, actor, {"applicant": applicant, "documents": documents,
                                                  "delivery": delivery, "channel": channel}))
        d = self._new(at=at, channel=channel, applicant=applicant, actor=actor,
                      status=S.RECEIVED, documents=documents, delivery=delivery, code=code)
        self._start_clock(at)
        self._history(action="receive", from_status="", actor=actor,
                      unit_id=d.receiving_unit_id, at=at)
        self._audit(actor=actor, event_type="dossier.received", at=at, obj=d,
                    data={"code": d.code, "due_at": d.due_at, "channel": channel,
                          "procedure": self.version.procedure.code})

    def submit_online(self, *, at, applicant, documents, delivery, code, portal):
        self.log.append(Act("submit", at, None, {"applicant": applicant, "documents": documents,
                                                 "delivery": delivery}))
        self._new(at=at, channel=Channel.ONLINE, applicant=applicant, actor=None,
                  status=S.SUBMITTED, documents=documents, delivery=delivery, code=code)
        self._history(action="submit", from_status="", actor=None, unit_id=None, at=at)
        # Which portal it came through (Cổng DVC quốc gia or the province's) has no column of
        # its own: the audit channel keeps it.
        self._audit(actor=None, event_type="dossier.submitted", at=at, channel=portal,
                    data={"code": self.d.code})

    def refuse_at_reception(self, *, at, actor, applicant, reason, code):
        self.log.append(Act("refuse_at_reception", at, actor,
                            {"applicant": applicant, "reason": reason}))
        d = self._new(at=at, channel=Channel.COUNTER, applicant=applicant, actor=actor,
                      status=S.REFUSED_AT_RECEPTION, documents=[],
                      delivery={"method": DeliveryMethod.COUNTER}, code=code)
        d.refusal_reason = reason
        d.finished_at = at
        self._history(action="refuse_reception", from_status="", actor=actor,
                      unit_id=d.receiving_unit_id, at=at, reason=reason)
        self._audit(actor=actor, event_type="dossier.refused_at_reception", at=at,
                    data={"reason": reason})

    # -- transitions (services._run and its handlers) ----------------------------------------

    def _finish_step(self, step, *, actor, at, note=""):
        if step is None or step.finished_at is not None:
            return
        step.finished_at = at
        step.finished_by_id = actor
        if step.due_at is not None:
            step.outcome = classify(at, step.due_at, self.w.calendar(step.unit_id)).name.lower()
        if note:
            step.note = note

    def _advance(self, *, actor, at, assignee=None):
        current = self.d.current_step
        self._finish_step(current, actor=actor, at=at)
        after = current.order if current else 0
        planned = sorted(
            (s for s in self.steps if s.order > after and s.started_at is None
             and s.process_step_id is not None),
            key=lambda s: (s.order, s.pk),
        )
        previous_due = current.due_at if current is not None else None
        while planned and current is not None and planned[0].role == current.role:
            same = planned.pop(0)
            chained_from = previous_due or at
            same.started_at = min(chained_from, at)  # as services.steps.advance
            same.due_at = _step_due(chained_from, same.hours, self.w.calendar(same.unit_id))
            self._finish_step(same, actor=actor, at=at)
            previous_due = same.due_at
        nxt = planned[0] if planned else None
        if nxt is not None:
            nxt.started_at = at
            nxt.due_at = _step_due(at, nxt.hours, self.w.calendar(nxt.unit_id))
            nxt.assignee_id = assignee
        self.d.current_step = nxt

    def _lead_unit(self) -> int:
        d = self.d
        return d.receiving_unit_id if self.version.five_on_site else d.competent_unit_id

    def _open_pause(self, kind):
        return next(p for p in reversed(self.pauses) if p.kind == kind and p.ended_at is None)

    def _scope_unit(self, transition, actor) -> int:
        """The unit the actor acts for (permissions.check_transition_actor)."""
        d = self.d
        scopes = {"receiving": d.receiving_unit_id, "current": d.current_unit_id,
                  "competent": d.competent_unit_id}
        for role, scope in transition.who:
            if actor in self.w.people(scopes[scope], role):
                return scopes[scope]
        raise AssertionError(f"{actor} may not {transition.name} {d.code}")

    def act(self, action, *, at, actor, **p):
        """``services.dossier_act``: one transition, its history row and audit event."""
        self.log.append(Act(action, at, actor, dict(p)))
        d = self.d
        transition = TRANSITIONS[action]
        unit_id = self._scope_unit(transition, actor)
        check_state(transition, d.status)
        from_status = d.status
        target, data, step = transition.target, {}, None
        if action == "receive":
            d.received_by_id = actor
            self._start_clock(at)
        elif action == "transfer":
            d.current_unit_id = self._lead_unit()
            d.holder_id = None
            self._advance(actor=actor, at=at)
        elif action == "assign":
            if d.status == S.TRANSFERRED:
                self._advance(actor=actor, at=at, assignee=p["assignee"])
            elif d.current_step is not None:
                d.current_step.assignee_id = p["assignee"]
            d.holder_id = p["assignee"]
            data["assignee"] = p["assignee"]
        elif action == "request_supplement":
            self.pauses.append(_Row(
                id=self.ids.take(DossierPause), dossier_id=d.pk, kind=PauseKind.SUPPLEMENT,
                started_at=at, resume_status=d.status, requested_by_id=actor,
                items=p["items"], reason=p.get("reason", ""), ended_at=None,
            ))
            d.supplement_count += 1
            data.update(items=p["items"], supplement_count=d.supplement_count)
        elif action == "complete_supplement":
            pause = self._open_pause(PauseKind.SUPPLEMENT)
            pause.ended_at = at
            target = pause.resume_status
            d.clock_start = at
            d.due_at = self._legal_due(self.w.calendar(d.receiving_unit_id))
            d.original_due_at = d.due_at
            d.rescheduled_due_at = None
            if d.current_step is not None:
                d.current_step.due_at = _step_due(
                    at, d.current_step.hours, self.w.calendar(d.current_step.unit_id))
            data["due_at"] = d.due_at
        elif action == "consult":
            data["note"] = p.get("note") or ""
        elif action == "send_interagency":
            partner, hours = p["partner_unit"], Decimal(str(p["hours"]))
            step = _Row(
                id=self.ids.take(DossierStep), dossier_id=d.pk,
                order=d.current_step.order if d.current_step else 0,
                name=f"Liên thông: {self.w.units[partner].name}", role="partner",
                unit_id=partner, hours=hours, started_at=at,
                due_at=_step_due(at, hours, self.w.calendar(partner)),
                note=p.get("note") or "", process_step_id=None, assignee_id=None,
                finished_at=None, finished_by_id=None, outcome="",
            )
            self.steps.append(step)
            d.current_step = step
            d.current_unit_id = partner
            d.holder_id = None
            data.update(partner_unit=partner, hours=str(hours), step_due=step.due_at)
        elif action == "interagency_done":
            partner_step = d.current_step
            self._finish_step(partner_step, actor=actor, at=at, note=p.get("note") or "")
            lead = max((s for s in self.steps if s.finished_at is None
                        and s.started_at is not None and s.process_step_id is not None),
                       key=lambda s: (s.order, s.pk), default=None)
            d.current_step = lead
            d.current_unit_id = self._lead_unit()
            d.holder_id = lead.assignee_id if lead else None
            if partner_step is not None:
                data["outcome"] = partner_step.outcome
        elif action == "submit_for_approval":
            self._advance(actor=actor, at=at)
            d.holder_id = None
        elif action == "return_for_rework":
            spec = max((s for s in self.steps if s.role == "specialist"),
                       key=lambda s: s.order, default=None)
            d.holder_id = spec.assignee_id if spec else None
        elif action == "approve":
            d.result_file = RESULT_FILE
            d.result_signed = self.w.signature["signed"]
            d.result_number = (p.get("result_number") or "").strip()
            data.update(self.w.signature)
            self._advance(actor=actor, at=at)
        elif action == "refuse":
            assert d.due_at is None or at <= d.due_at, "refusal after the deadline"
            d.refusal_reason = p["reason"]
            d.finished_at = at
            self._finish_step(d.current_step, actor=actor, at=at)
            self._back_to_the_desk()
        elif action == "issue":
            d.finished_at = at
            d.current_unit_id = d.receiving_unit_id
            d.holder_id = None
            self._advance(actor=actor, at=at)
        elif action == "request_payment":
            d.fee_total = p["amount"]
            self.pauses.append(_Row(
                id=self.ids.take(DossierPause), dossier_id=d.pk, kind=PauseKind.PAYMENT,
                started_at=at, resume_status=d.status, requested_by_id=actor,
                reason=p.get("reason", ""), ended_at=None,
            ))
            data["amount"] = p["amount"]
        elif action == "confirm_payment":
            pause = self._open_pause(PauseKind.PAYMENT)
            pause.ended_at = at
            target = pause.resume_status
            calendar = self.w.calendar(d.receiving_unit_id)
            legal = self._legal_due(calendar)
            if d.rescheduled_due_at is not None:
                span = calendar.working_time_between(pause.started_at, at)
                if pause.started_at < d.rescheduled_due_at:
                    d.rescheduled_due_at = deadlines.shift_by_working_time(
                        d.rescheduled_due_at, span, calendar)
                else:  # kept as read from the database (UTC), as the event records it
                    d.rescheduled_due_at = _as_read(d.rescheduled_due_at)
                d.due_at = d.rescheduled_due_at
            else:
                d.due_at = legal
            d.original_due_at = legal
            data["due_at"] = d.due_at
        elif action == "return_result":
            d.returned_to = p["returned_to"]
            d.returned_how = p["how"]
            d.returned_at = at
            self._advance(actor=actor, at=at)
        elif action in ("withdraw", "stop"):
            d.refusal_reason = p["reason"]
            d.finished_at = at
            for pause in self.pauses:
                if pause.ended_at is None:
                    pause.ended_at = at
            self._finish_step(d.current_step, actor=actor, at=at)
            self._back_to_the_desk()
        elif p.get("note"):
            data["note"] = p["note"]
        _set_status(d, target)
        d.lock_version += 1
        d.updated_at = at
        reason = p.get("reason") or p.get("items") or p.get("note") or ""
        change = self._history(action=action, from_status=from_status, actor=actor,
                               unit_id=unit_id, at=at, reason=str(reason), step=step)
        self._audit(actor=actor, event_type=f"dossier.{action}", at=at, obj=change,
                    data={"from": from_status, "to": d.status, **data})

    def apologise(self, *, at, actor, reason, new_due_at):
        """``services.dossier_apologise``: no status change, a new appointment."""
        self.log.append(Act("apologise", at, actor, {"reason": reason, "new_due_at": new_due_at}))
        d = self.d
        assert d.status in PROCESSING and self.apology is None and new_due_at > d.due_at
        unit = (d.current_unit_id if actor in self.w.people(d.current_unit_id, Role.LEADER)
                else d.competent_unit_id)
        self.apology = _Row(
            "Apology", id=self.ids.take(Apology), dossier_id=d.pk, unit_id=unit, reason=reason,
            previous_due_at=d.due_at, new_due_at=new_due_at, issued_at=at, issued_by_id=actor,
        )
        d.rescheduled_due_at = new_due_at
        d.due_at = new_due_at
        d.lock_version += 1
        d.updated_at = at
        self._audit(actor=actor, event_type="dossier.apologised", at=at, obj=self.apology,
                    data={"previous_due_at": _as_read(self.apology.previous_due_at),
                          "new_due_at": new_due_at, "reason": reason})


# ----------------------------------------------------------------------------- the story


class _Clock:
    """Moves forward in the receiving unit's working time."""

    _durations: dict[int, Duration] = {}

    def __init__(self, calendar, rng: random.Random):
        self.cal = calendar
        self.rng = rng

    def after(self, at: dt.datetime, hours: float) -> dt.datetime:
        minutes = max(int(hours * 60), 5)
        duration = self._durations.get(minutes)
        if duration is None:
            duration = self._durations[minutes] = Duration.working_hours(Fraction(minutes, 60))
        return self.cal.deadline(at, duration, cutoff=None)

    def days_before(self, due: dt.datetime, n: int, hour: int = 9) -> dt.datetime:
        day = self.cal.add_working_days(timezone.localtime(due).date(), -n)
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60))))


def _documents(version, channel, rng) -> list[dict]:
    form = "digital" if channel == Channel.ONLINE else None
    return [
        {"required": doc.pk,
         "provided_as": form or ("original" if rng.random() < 0.6 else "copy")}
        for doc in sorted(version.documents.all(), key=lambda d: (d.order, d.pk))
        if doc.mandatory and not doc.condition or rng.random() < 0.5
    ]


def _one(people, rng):
    return rng.choice(people) if people else None


def _story(sim: _Sim, rng: random.Random, now: dt.datetime, *, first_at: dt.datetime,
           channel: int, code: str) -> None:
    """Receive the dossier at ``first_at`` and play it forward while the actions fall before
    ``now``. Probabilities are illustrative, tuned so the demo shows every case."""
    w, t = sim.w, sim.target
    version = sim.version
    receptionists = w.people(t.receiving_id, Role.RECEPTIONIST)
    leaders = w.people(t.competent_id, Role.LEADER)
    specialists = w.people(t.competent_id, Role.SPECIALIST)
    clock = _Clock(w.calendar(t.receiving_id), rng)
    applicant = person(rng)
    delivery = {"method": DeliveryMethod.COUNTER}
    if channel == Channel.POST or (channel == Channel.ONLINE and rng.random() < 0.3):
        delivery = {"method": DeliveryMethod.POST, "address": applicant["address"]}
    documents = _documents(version, channel, rng)
    desk = _one(receptionists, rng)

    if channel == Channel.COUNTER and rng.random() < 0.02:
        sim.refuse_at_reception(at=first_at, actor=desk, applicant=applicant, code=code,
                                reason="Thủ tục không thuộc thẩm quyền tiếp nhận của đơn vị")
        return
    if channel == Channel.ONLINE:
        portal = "dvcqg" if rng.random() < 0.5 else "online"
        sim.submit_online(at=first_at, applicant=applicant, documents=documents,
                          delivery=delivery, code=code, portal=portal)
        at = clock.after(first_at, rng.uniform(0.5, 10))
        if at > now:
            return  # waiting for acceptance (Mới đăng ký)
        sim.act("receive", at=at, actor=desk)
    else:
        sim.receive(at=first_at, actor=desk, applicant=applicant, documents=documents,
                    delivery=delivery, channel=channel, code=code)
        at = first_at
    d = sim.d
    specialist = _one(specialists, rng)
    leader = _one(leaders, rng)
    if not (leader and specialist and desk):
        return  # nobody to work it: it waits at the desk

    # How this dossier goes: speed scales every step's budget.
    roll = rng.random()
    speed = (rng.uniform(0.15, 0.6) if roll < 0.62 else
             rng.uniform(0.65, 0.95) if roll < 0.86 else rng.uniform(1.05, 1.7))
    supplement = rng.random() < 0.09
    payment = rng.random() < 0.07
    consult = rng.random() < 0.08
    interagency = rng.random() < 0.05
    rework = rng.random() < 0.05
    apology = speed > 1 and rng.random() < 0.5
    ending = rng.random()  # refuse / withdraw / stop
    hours = {s.order: float(s.hours) for s in d_steps(sim)}

    def step_hours(order, default=4.0):
        return hours.get(order, default) * speed * rng.uniform(0.8, 1.2)

    def do(action, at_, actor, **params):
        """Apologise first when the moment came before this action; then act. False when
        the action would fall after now."""
        nonlocal apology
        if apology and sim.apology is None and d.due_at is not None:
            apology_at = clock.days_before(d.due_at, 2)
            if (apology_at < at_ and apology_at <= now and d.status in PROCESSING
                    and apology_at > sim.changes[-1].at):
                new_due = w.calendar(t.receiving_id).deadline(
                    d.due_at, Duration.working_days(rng.randint(2, 6)), cutoff=None)
                sim.apologise(at=apology_at, actor=leader, reason=rng.choice(APOLOGY_REASONS),
                              new_due_at=new_due)
                apology = False
        if at_ > now:
            return False
        sim.act(action, at=at_, actor=actor, **params)
        return True

    at = clock.after(at, step_hours(1, 2))
    if not do("transfer", at, desk):
        return
    if ending < 0.015 and not do("withdraw", clock.after(at, rng.uniform(1, 6)), desk,
                                 reason="Công dân đề nghị rút hồ sơ"):
        return
    if d.status == S.WITHDRAWN:
        return
    at = clock.after(at, step_hours(2, 2))
    if not do("assign", at, leader, assignee=specialist):
        return
    if supplement:
        at = clock.after(at, rng.uniform(1, 6))
        received_day = timezone.localtime(d.received_at).date()
        window = settings.MOTCUA_SUPPLEMENT_WINDOW_WORKING_DAYS - 1  # a day to spare
        if clock.cal.working_days_between(received_day + dt.timedelta(days=1),
                                          timezone.localtime(at).date()) > window:
            supplement = False
    if supplement:
        if not do("request_supplement", at, specialist,
                  items=rng.choice(SUPPLEMENT_ITEMS), reason="Thành phần hồ sơ chưa đầy đủ"):
            return
        wait = clock.after(at, rng.uniform(8, 70))
        if rng.random() < 0.08:
            do("withdraw", wait, desk, reason="Công dân không bổ sung được giấy tờ")
            return
        at = wait
        if not do("complete_supplement", at, desk):
            return
    at = clock.after(at, rng.uniform(0.5, 4))
    if not do("start_appraisal", at, specialist):
        return
    appraisal = step_hours(3, 8)
    if consult:
        at = clock.after(at, appraisal * 0.3)
        if not do("consult", at, specialist, note="Lấy ý kiến phòng chuyên môn"):
            return
        at = clock.after(at, rng.uniform(4, 24))
        if not do("consult_done", at, specialist):
            return
    if interagency:
        partners = [u for u in _partners(w) if u != d.current_unit_id]
        justice = [u for u in partners if w.units[u].name == "Sở Tư pháp"]
        partner = justice[0] if justice and rng.random() < 0.5 else rng.choice(partners)
        at = clock.after(at, appraisal * 0.3)
        if not do("send_interagency", at, specialist, partner_unit=partner, hours=16,
                  note="Xác minh thông tin (liên thông)"):
            return
        partner_staff = w.people(partner, Role.SPECIALIST) or w.people(partner, Role.LEADER)
        at = clock.after(at, rng.uniform(4, 24))
        if not do("interagency_done", at, _one(partner_staff, rng),
                  note="Đã có kết quả xác minh"):
            return
    if ending < 0.03 and rng.random() < 0.3:
        at = clock.after(at, rng.uniform(2, 12))
        do("stop", at, leader, reason="Thủ tục không thuộc thẩm quyền giải quyết")
        return
    if payment:
        at = clock.after(at, appraisal * 0.4)
        if not do("request_payment", at, specialist, amount=rng.choice([100_000, 500_000]),
                  reason="Nộp lệ phí theo quy định"):
            return
        at = clock.after(at, rng.uniform(4, 40))
        if not do("confirm_payment", at, desk):
            return
    at = clock.after(at, appraisal * 0.6)
    if not do("submit_for_approval", at, specialist):
        return
    if rework:
        at = clock.after(at, rng.uniform(2, 8))
        if not do("return_for_rework", at, leader, reason="Bổ sung ý kiến thẩm định"):
            return
        at = clock.after(at, rng.uniform(4, 16))
        if not do("submit_for_approval", at, specialist):
            return
    at = clock.after(at, step_hours(4, 4) + step_hours(5, 4))
    if 0.03 <= ending < 0.065:
        if d.due_at is not None and at > d.due_at:
            at = clock.after(sim.changes[-1].at, 1)
        if at <= d.due_at:
            do("refuse", at, leader, reason=rng.choice(REFUSALS))
            return
    if not do("approve", at, leader, result_content=RESULT_CONTENT,
              result_number=f"{d.pk}/{rng.choice(['GP', 'QĐ', 'GCN', 'XN'])}"):
        return
    at = clock.after(at, step_hours(6, 2))
    if not do("issue", at, specialist):
        return
    at = clock.after(at, rng.uniform(0.5, 4))
    if not do("receive_result", at, desk):
        return
    at = clock.after(at, rng.uniform(0.5, 30) if rng.random() < 0.8 else rng.uniform(30, 120))
    how = d.delivery_method
    do("return_result", at, desk, returned_to=d.applicant_name, how=how)


def d_steps(sim: _Sim):
    return [s for s in sim.steps if s.process_step_id is not None]


def _partners(world: _World) -> list[int]:
    """Agencies a liên thông can go to: those with a specialist to answer it."""
    staffed = [pk for pk, u in world.units.items() if u.kind == UnitKind.AGENCY
               and world.people(pk, Role.SPECIALIST)]
    return sorted(staffed)


# ----------------------------------------------------------------------------- load


def _receipt_times(n: int, rng: random.Random, now: dt.datetime, days: int, calendar):
    """``n`` receipt instants on working days of the last ``days`` days, office hours, more in
    the morning, sorted (codes are numbered in receipt order)."""
    today = timezone.localtime(now).date()
    day_list = [today - dt.timedelta(days=i) for i in range(days, -1, -1)]
    day_list = [d for d in day_list if calendar.is_working_day(d)]
    weights = [1.0 + 0.3 * i / len(day_list) for i in range(len(day_list))]
    minutes = [m for m in range(7 * 60 + 30, 17 * 60) if not 11 * 60 + 30 <= m < 13 * 60 + 30]
    minute_w = [3.0 if m < 11 * 60 + 30 else 2.0 for m in minutes]
    out = []
    for day in rng.choices(day_list, weights=weights, k=n):
        minute = rng.choices(minutes, weights=minute_w)[0]
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(minute // 60, minute % 60,
                                                                  rng.randrange(60))))
        if at < now:
            out.append(at)
    out.sort()
    return out


def history_loaded() -> bool:
    return AuditEvent.objects.filter(event_type=MARKER).exists()


def simulate(*, n: int, days: int, seed: int, now: dt.datetime):
    """The dossiers of one history in memory (nothing written), and the last code number used
    per (unit code, day)."""
    rng = random.Random(seed)
    world = _World()
    ids = _Ids([Dossier, DossierDocument, StatusChange, DossierStep, DossierPause, Apology,
                AuditEvent])
    targets = load_targets(receivable_only=True)
    target_list = [t for t, _ in targets]
    # Flatter than the benchmark's Zipf law: every agency should have a visible share.
    weights = [wt ** 0.5 * (1.0 if world.units[t.receiving_id].level == "xa" else 2.0)
               for t, wt in targets]
    national = world.calendar(next(iter(world.units)))
    times = _receipt_times(n, rng, now, days, national)
    chosen = rng.choices(target_list, weights=weights, k=len(times))
    existing = dict(((u, d), last) for u, d, last in
                    CodeSequence.objects.values_list("unit_code", "day", "last"))
    seq: dict[tuple[str, dt.date], int] = {}
    sims = []
    for at, target in zip(times, chosen, strict=True):
        day = timezone.localtime(at).date()
        key = (target.receiving_code, day)
        seq[key] = number = seq.get(key, existing.get(key, 0)) + 1
        code = f"{target.receiving_code}-{day:%y%m%d}-{number:04d}"
        roll = rng.random()
        channel = (Channel.COUNTER if roll < 0.55 else Channel.ONLINE if roll < 0.93
                   else Channel.POST)
        sim = _Sim(world, ids, target)
        _story(sim, rng, now, first_at=at, channel=channel, code=code)
        sims.append(sim)
    return sims, seq


def _write(sims: list[_Sim], sequences: dict) -> None:
    for s in sims:
        s.d.current_step_id = s.d.current_step.id if s.d.current_step else None
    audit_chain_seal({s.d.code: s.events for s in sims})
    # Foreign keys are checked at commit (Django creates them deferrable), so the dossiers
    # may point at their current step before the steps are in.
    _insert(Dossier, [s.d for s in sims])
    _insert(DossierDocument, [x for s in sims for x in s.documents])
    _insert(DossierStep, [x for s in sims for x in s.steps])
    _insert(StatusChange, [x for s in sims for x in s.changes])
    _insert(DossierPause, [x for s in sims for x in s.pauses])
    _insert(Apology, [s.apology for s in sims if s.apology])
    _insert(AuditEvent, [x for s in sims for x in s.events])
    existing = {(u, d): pk for pk, u, d in
                CodeSequence.objects.values_list("id", "unit_code", "day")}
    insert_tuples(CodeSequence, ["unit_code", "day", "last"],
                  [(u, d, last) for (u, d), last in sequences.items() if (u, d) not in existing])
    table = CodeSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f'UPDATE {table} SET "last" = CASE WHEN "last" < %s THEN %s ELSE "last" END '
            'WHERE id = %s',
            [(last, last, existing[key]) for key, last in sequences.items() if key in existing],
        )
    if connection.vendor == "postgresql":
        models = [Dossier, DossierDocument, StatusChange, DossierStep, DossierPause, Apology,
                  AuditEvent]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)


def history_load(*, n: int = DEFAULT_SIZE, days: int = DEFAULT_DAYS, seed: int = DEFAULT_SEED,
                 now: dt.datetime | None = None, stdout=None) -> HistorySummary:
    """Generate and insert the demo history unless it is there already."""
    from motcua.reports.aggregates import ledger_merge

    started = time.perf_counter()
    if history_loaded():
        return HistorySummary(skipped=True)
    now = now or timezone.now()
    with transaction.atomic():
        sims, sequences = simulate(n=n, days=days, seed=seed, now=now)
        if not sims:
            return HistorySummary()
        _write(sims, sequences)
        ids = [s.d.pk for s in sims]
        ledger_merge(id_range=(min(ids), max(ids)))
        summary = HistorySummary(
            dossiers=len(sims),
            status_changes=sum(len(s.changes) for s in sims),
            steps=sum(len(s.steps) for s in sims),
            pauses=sum(len(s.pauses) for s in sims),
            apologies=sum(1 for s in sims if s.apology),
            audit_events=sum(len(s.events) for s in sims),
        )
        for s in sims:
            summary.by_status[s.d.status] = summary.by_status.get(s.d.status, 0) + 1
        audit_record(actor=None, event_type=MARKER, at=now,
                     data={"seed": seed, "n": n, "days": days,
                           "dossiers": summary.dossiers, "until": now})
    summary.seconds = time.perf_counter() - started
    if stdout is not None:
        stdout.write(
            f"Lịch sử minh họa: {summary.dossiers} hồ sơ, {summary.status_changes} lượt chuyển "
            f"trạng thái, {summary.apologies} văn bản xin lỗi ({summary.seconds:.1f} giây).\n")
    return summary


__all__ = ["DEFAULT_SIZE", "HistorySummary", "history_load", "history_loaded", "simulate"]
