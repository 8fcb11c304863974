"""Supplements, payments, apologies, warnings, recompute, overdue selectors."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from motcua.audit.models import AuditEvent
from motcua.catalog.models import TimeUnit
from motcua.core.errors import Conflict, InvalidInput, NotAllowed
from motcua.dossiers import selectors, services
from motcua.dossiers.models import Apology, DeadlineWarning, DossierPause, StatusChange
from motcua.org.models import CalendarOverride, Role, UnitKind
from motcua.worktime import Timeliness
from tests.factories import UnitFactory, published_procedure, staff, vn


def _act(user, d, action, at, **kw):
    return services.dossier_act(actor=user, dossier=d, action=action, at=at, **kw)


@pytest.mark.django_db
def test_supplement_restarts_the_limit_and_warns_on_second(world, bring):
    d = bring("appraising")  # received Mon 02/03 08:00, due Mon 09/03 08:00
    first = _act(world.specialist, d, "request_supplement", vn(2026, 3, 3, 9, 0),
                 items="Bản vẽ")
    assert first.warnings == []
    d.refresh_from_db()
    assert d.status == "supplement_requested" and d.national_status == 5
    assert not d.is_overdue(vn(2026, 4, 1, 8, 0))
    pause = DossierPause.objects.get(dossier=d)
    assert (pause.kind, pause.resume_status) == ("supplement", "appraising")
    _act(world.receptionist, d, "complete_supplement", vn(2026, 3, 4, 10, 0))
    d.refresh_from_db()
    assert d.status == "appraising"
    assert d.clock_start == vn(2026, 3, 4, 10, 0)
    assert d.due_at == d.original_due_at == vn(2026, 3, 11, 10, 0)
    # Still within 3 working days of the original receipt (the window does not restart).
    second = _act(world.specialist, d, "request_supplement", vn(2026, 3, 5, 9, 0),
                  items="Bản sao giấy tờ đất")
    assert len(second.warnings) == 1 and "lần yêu cầu bổ sung thứ 2" in second.warnings[0]
    event = d.audit_events.filter(event_type="dossier.request_supplement").last()
    assert event.data["warnings"] == second.warnings


@pytest.mark.django_db
def test_supplement_window_closes_after_three_working_days(world, bring, settings):
    settings.MOTCUA_SUPPLEMENT_WINDOW_WORKING_DAYS = 3
    d = bring("appraising")  # received Monday 02/03
    before = StatusChange.objects.count()
    with pytest.raises(Conflict) as err:
        _act(world.specialist, d, "request_supplement", vn(2026, 3, 6, 8, 0), items="x")
    assert err.value.code == "supplement_window_closed"
    assert StatusChange.objects.count() == before and DossierPause.objects.count() == 0
    _act(world.specialist, d, "request_supplement", vn(2026, 3, 5, 16, 0), items="x")


@pytest.mark.django_db
def test_supplement_window_counts_from_the_original_receipt_not_the_restart(world, bring,
                                                                           settings):
    """A second request is measured from the original receipt's counting start: completing
    the first supplement restarts the time limit, not the 3-working-day window."""
    settings.MOTCUA_SUPPLEMENT_WINDOW_WORKING_DAYS = 3
    d = bring("appraising")  # received Monday 02/03 08:00
    _act(world.specialist, d, "request_supplement", vn(2026, 3, 3, 9, 0), items="Bản vẽ")
    _act(world.receptionist, d, "complete_supplement", vn(2026, 3, 4, 9, 0))
    d.refresh_from_db()
    assert d.clock_start == vn(2026, 3, 4, 9, 0)
    with pytest.raises(Conflict) as err:  # Friday: the 4th working day after receipt
        _act(world.specialist, d, "request_supplement", vn(2026, 3, 6, 9, 0), items="x")
    assert err.value.code == "supplement_window_closed"
    # A province that reads the window from the restarted clock can say so.
    settings.MOTCUA_SUPPLEMENT_WINDOW_FROM = "clock"
    _act(world.specialist, d, "request_supplement", vn(2026, 3, 6, 9, 0), items="x")


@pytest.mark.django_db
def test_supplement_window_starts_where_the_cut_off_moved_the_count(world, receive, settings):
    """Received Monday 16:00, after the 15:00 cut-off: counting starts Tuesday, so the third
    working day of the window is Friday (Thursday if measured from the receipt date)."""
    from motcua.dossiers.transitions import TRANSITIONS
    from tests.dossiers.conftest import actor_for

    settings.MOTCUA_SUPPLEMENT_WINDOW_WORKING_DAYS = 3
    d = receive(at=vn(2026, 3, 2, 16, 0))
    actor = actor_for(world, TRANSITIONS["request_supplement"], d)
    settings.MOTCUA_SUPPLEMENT_WINDOW_FROM = "receipt"
    with pytest.raises(Conflict):
        _act(actor, d, "request_supplement", vn(2026, 3, 6, 9, 0), items="x")
    settings.MOTCUA_SUPPLEMENT_WINDOW_FROM = "counting_start"
    _act(actor, d, "request_supplement", vn(2026, 3, 6, 9, 0), items="x")
    d.refresh_from_db()
    assert d.status == "supplement_requested"


@pytest.mark.django_db
def test_payment_pause_pushes_the_due(world, bring):
    d = bring("appraising")  # due Mon 09/03 08:00
    _act(world.specialist, d, "request_payment", vn(2026, 3, 3, 8, 0), amount=200000)
    d.refresh_from_db()
    assert d.status == "awaiting_payment" and d.national_status == 6 and d.fee_total == 200000
    _act(world.receptionist, d, "confirm_payment", vn(2026, 3, 4, 8, 0))
    d.refresh_from_db()
    assert d.status == "appraising"
    # One working day paused: the due moves one working day.
    assert d.due_at == vn(2026, 3, 10, 8, 0) == d.original_due_at


@pytest.mark.django_db
def test_payment_pause_pushes_a_calendar_day_limit_by_whole_days(world, bring):
    """A limit in calendar days (ngày) is pushed by the days the pause covered, a started day
    counting: the due keeps its time of day. Pushed by the raw 5 d 21 h 15 min it fell at 05:15,
    before the office opens (the demo's 05:57 due)."""
    world.version = published_procedure(agency=world.agency, receiving_units=[world.center],
                                        time_value=10, time_unit=TimeUnit.CALENDAR_DAYS)
    d = bring("appraising")  # received Mon 02/03 08:00
    assert d.due_at == vn(2026, 3, 12, 8, 0)
    _act(world.specialist, d, "request_payment", vn(2026, 3, 3, 10, 55), amount=50000)
    d.refresh_from_db()
    _act(world.receptionist, d, "confirm_payment", vn(2026, 3, 9, 8, 10))
    d.refresh_from_db()
    assert d.due_at == d.original_due_at == vn(2026, 3, 18, 8, 0)


@pytest.mark.django_db
def test_apology_rules(world, bring, settings):
    settings.MOTCUA_APOLOGY_LEAD_WORKING_DAYS = 1
    d = bring("appraising")  # due Mon 09/03 08:00
    new_due = vn(2026, 3, 12, 16, 0)
    with pytest.raises(NotAllowed) as err:
        services.dossier_apologise(actor=world.specialist, dossier=d, reason="Chậm",
                                   new_due_at=new_due, at=vn(2026, 3, 4, 8, 0))
    assert err.value.code == "role_not_allowed"
    with pytest.raises(NotAllowed) as err:
        services.dossier_apologise(actor=world.foreign_leader, dossier=d, reason="Chậm",
                                   new_due_at=new_due, at=vn(2026, 3, 4, 8, 0))
    assert err.value.code == "unit_not_allowed"
    # Friday before a Monday-morning due: Monday itself is the only working day left, enough.
    # On Monday (the due date) it is too late.
    with pytest.raises(Conflict) as err:
        services.dossier_apologise(actor=world.leader, dossier=d, reason="Chậm",
                                   new_due_at=new_due, at=vn(2026, 3, 9, 7, 0))
    assert err.value.code == "apology_too_late"
    with pytest.raises(InvalidInput) as err:
        services.dossier_apologise(actor=world.leader, dossier=d, reason="Chậm",
                                   new_due_at=vn(2026, 3, 8, 8, 0), at=vn(2026, 3, 6, 8, 0))
    assert err.value.code == "new_due_not_later"
    apology = services.dossier_apologise(actor=world.leader, dossier=d, reason="Chờ ý kiến",
                                         new_due_at=new_due, at=vn(2026, 3, 6, 8, 0))
    d.refresh_from_db()
    assert d.due_at == d.rescheduled_due_at == new_due
    assert d.original_due_at == vn(2026, 3, 9, 8, 0) == apology.previous_due_at
    assert apology.unit == world.agency
    with pytest.raises(Conflict) as err:
        services.dossier_apologise(actor=world.leader, dossier=d, reason="Lần hai",
                                   new_due_at=new_due + dt.timedelta(days=3),
                                   at=vn(2026, 3, 6, 9, 0))
    assert err.value.code == "already_rescheduled"
    assert Apology.objects.count() == 1
    # Finished after the original due but before the new one: still late for statistics.
    for action, user, at in [("submit_for_approval", world.specialist, vn(2026, 3, 10, 8, 0)),
                             ("approve", world.leader, vn(2026, 3, 10, 9, 0)),
                             ("issue", world.leader, vn(2026, 3, 10, 10, 0))]:
        kw = {"result_content": b"%PDF-1.4"} if action == "approve" else {}
        _act(user, d, action, at, **kw)
    d.refresh_from_db()
    assert selectors.dossier_timeliness(d) is Timeliness.LATE
    assert list(selectors.apology_register(unit=world.agency)) == [apology]


@pytest.mark.django_db
def test_explanation_and_escalation(world, bring):
    province = UnitFactory(kind=UnitKind.PROVINCE, name="UBND tỉnh Đắk Lắk")
    d = bring("appraising")
    apology = services.dossier_apologise(actor=world.leader, dossier=d, reason="Chậm",
                                         new_due_at=vn(2026, 3, 12, 16, 0),
                                         at=vn(2026, 3, 4, 8, 0))
    with pytest.raises(NotAllowed):
        services.apology_record_explanation(actor=world.foreign_leader, apology=apology,
                                            explanation="x")
    services.apology_record_explanation(actor=world.leader, apology=apology,
                                        explanation="Thiếu nhân sự", at=vn(2026, 3, 5, 8, 0))
    with pytest.raises(NotAllowed):
        services.apology_escalate(actor=world.specialist, apology=apology)
    services.apology_escalate(actor=world.manager, apology=apology, at=vn(2026, 3, 5, 9, 0))
    apology.refresh_from_db()
    assert apology.explanation == "Thiếu nhân sự" and apology.escalated_to == province
    with pytest.raises(Conflict):
        services.apology_escalate(actor=world.manager, apology=apology)
    supervisor = UnitFactory(kind=UnitKind.COMMUNE, name="UBND xã")
    world.agency.supervisor = supervisor
    world.agency.save()
    assert services.escalation_target(world.agency) == supervisor


@pytest.mark.django_db
def test_deadline_warnings_are_sent_once_per_level(world, bring, settings, mailoutbox,
                                                   django_capture_on_commit_callbacks):
    settings.MOTCUA_WARNING_WORKING_DAYS = [2, 1]
    settings.MOTCUA_NOTIFICATION_CHANNELS = [
        "motcua.notifications.contrib.email.EmailChannel"]
    world.specialist.email = "cv@example.vn"
    world.specialist.save()
    d = bring("appraising")  # due Mon 09/03 08:00, holder = specialist
    assert services.deadline_warnings_send(now=vn(2026, 3, 4, 8, 0)) == []
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.deadline_warnings_send(now=vn(2026, 3, 5, 8, 30))  # < 2 days left
    assert [w.days_before for w in sent] == [2]
    assert services.deadline_warnings_send(now=vn(2026, 3, 5, 9, 0)) == []
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.deadline_warnings_send(now=vn(2026, 3, 6, 8, 30))
    assert [w.days_before for w in sent] == [1]
    assert DeadlineWarning.objects.filter(dossier=d).count() == 2
    # (The outbox also sends the applicant's "received" messages written while bringing the
    # dossier to its state: the first delivery after commit sends every pending row.)
    warnings = [m for m in mailoutbox if m.to == ["cv@example.vn"]]
    assert len(warnings) == 2 and "còn 2 ngày" in warnings[0].subject
    # Paused dossiers are not warned.
    other = bring("supplement_requested")
    assert services.deadline_warnings_send(now=vn(2026, 3, 6, 9, 0)) == []
    assert not DeadlineWarning.objects.filter(dossier=other).exists()


@pytest.mark.django_db
def test_overdue_filter_in_sql_matches_model(world, bring):
    running = bring("appraising")
    paused = bring("supplement_requested")
    done = bring("issued")
    now = vn(2026, 4, 1, 8, 0)
    overdue = set(selectors.dossier_overdue(now=now))
    assert overdue == {running}
    for d in (running, paused, done):
        assert d.is_overdue(now) == (d in overdue)
    listed = selectors.dossier_list(user=world.leader, filters={"overdue": "true"}, now=now)
    assert list(listed) == [running]


@pytest.mark.django_db
def test_recompute_after_an_override(world, bring):
    d = bring("appraising")  # due Mon 09/03 08:00
    apologised = bring("appraising")
    services.dossier_apologise(actor=world.leader, dossier=apologised, reason="x",
                               new_due_at=vn(2026, 3, 20, 8, 0), at=vn(2026, 3, 4, 8, 0))
    CalendarOverride.objects.create(date=dt.date(2026, 3, 4), kind="day_off", name="Nghỉ")
    out = StringIO()
    call_command("deadlines_recompute", "--dry-run", stdout=out)
    assert f"{d.code}\t09/03/2026 08:00\t10/03/2026 08:00" in out.getvalue()
    assert apologised.code not in out.getvalue()
    d.refresh_from_db()
    assert d.due_at == vn(2026, 3, 9, 8, 0)
    call_command("deadlines_recompute", stdout=StringIO())
    d.refresh_from_db()
    assert d.due_at == vn(2026, 3, 10, 8, 0) == d.original_due_at
    assert AuditEvent.objects.filter(dossier=d, event_type="dossier.due_recomputed").count() == 1
    assert not d.status_changes.filter(at__gt=vn(2026, 3, 5, 0, 0)).exists()
    apologised.refresh_from_db()
    assert apologised.due_at == vn(2026, 3, 20, 8, 0)


@pytest.mark.django_db
def test_supplement_auto_close_is_system_only(world, bring):
    d = bring("supplement_requested")
    assert services.supplements_close_expired(now=vn(2026, 4, 30, 8, 0)) == []
    closed = services.supplements_close_expired(now=vn(2026, 4, 30, 8, 0), working_days=15)
    assert closed == [d.code]
    d.refresh_from_db()
    assert d.status == "stopped" and d.finished_at == vn(2026, 4, 30, 8, 0)
    assert d.status_changes.last().actor is None


@pytest.mark.django_db
def test_periodic_task_calls_the_service(world, bring):
    from motcua.dossiers import tasks

    bring("appraising")
    assert tasks.send_deadline_warnings.call_local() == 0  # today (2026-11) nothing is near due


@pytest.mark.django_db
def test_leader_of_partner_role_cannot_apologise(world, bring):
    d = bring("appraising")
    staff(Role.LEADER, world.partner, username="ldpartner")
    from django.contrib.auth import get_user_model

    with pytest.raises(NotAllowed):
        services.dossier_apologise(actor=get_user_model().objects.get(username="ldpartner"),
                                   dossier=d, reason="x", new_due_at=vn(2026, 3, 20, 8, 0),
                                   at=vn(2026, 3, 4, 8, 0))
