"""The outbox: written in the caller's transaction, sent after commit, retried with backoff,
"failed" after the last try, sent again from the admin; SMS/Zalo through their providers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from motcua.notifications import Channel, Message, notify
from motcua.notifications.models import OutboxMessage, OutboxStatus
from motcua.notifications.outbox import backoff, outbox_retry, outbox_send_pending
from motcua.notifications.providers import SmsProvider, ZaloProvider

SENT: list[Message] = []
FAIL_TIMES = {"n": 0}


class Flaky(Channel):
    """Fails FAIL_TIMES["n"] times, then delivers."""

    name = "flaky"
    address_kind = "email"

    def send(self, message):
        if FAIL_TIMES["n"] > 0:
            FAIL_TIMES["n"] -= 1
            raise ConnectionError("provider down")
        SENT.append(message)


class RecordingSms(SmsProvider):
    def send_sms(self, *, phone, text):
        SENT.append(Message(event="sms", subject=text, body="", phones=(phone,)))


class RecordingZalo(ZaloProvider):
    def send_zalo(self, *, phone, event, text, data):
        SENT.append(Message(event=event, subject=text, body="", phones=(phone,), data=data))


@pytest.fixture(autouse=True)
def _clear():
    SENT.clear()
    FAIL_TIMES["n"] = 0


def message(**kw):
    base = dict(event="dossier.received", subject="Đã tiếp nhận hồ sơ H15.01-260302-0001",
                body="Hẹn trả kết quả lúc 08:00 09/03/2026.", recipients=("an@example.vn",),
                phones=("0912345678",), dossier_code="H15.01-260302-0001",
                applicant_name="Nguyễn Văn An")
    base.update(kw)
    return Message(**base)


@pytest.mark.django_db(transaction=True)
def test_rollback_writes_nothing_commit_writes_and_sends(channels, settings, mailoutbox):
    settings.MOTCUA_SMS_PROVIDER = f"{__name__}.RecordingSms"
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(message())
        assert OutboxMessage.objects.count() == 2  # email + sms (default choice), same transaction
        raise RuntimeError("the change fails")
    assert OutboxMessage.objects.count() == 0
    assert mailoutbox == [] and SENT == []

    with transaction.atomic():
        notify(message())
        assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"pending"}
        assert mailoutbox == []  # nothing leaves before commit
    rows = {r.channel: r for r in OutboxMessage.objects.all()}
    assert set(rows) == {"email", "sms"}  # zalo is off unless the citizen chose it
    assert all(r.status == OutboxStatus.SENT and r.attempts == 1 and r.sent_at for r in
               rows.values())
    assert [m.to for m in mailoutbox] == [["an@example.vn"]]
    assert mailoutbox[0].body.startswith("Kính gửi Nguyễn Văn An,")
    assert [m.phones for m in SENT] == [("0912345678",)]


@pytest.mark.django_db
def test_a_failing_write_does_not_break_the_caller(channels, monkeypatch):
    from motcua.notifications import outbox

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(outbox, "outbox_write", boom)
    with transaction.atomic():
        notify(message())  # logged, not raised
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_retries_with_exponential_backoff_then_failed_then_admin_retry(channels, settings,
                                                                     world):
    channels([f"{__name__}.Flaky"])
    settings.MOTCUA_NOTIFICATION_MAX_ATTEMPTS = 3
    settings.MOTCUA_NOTIFICATION_RETRY_BASE_SECONDS = 60
    FAIL_TIMES["n"] = 10
    notify(message())
    row = OutboxMessage.objects.get()
    t0 = timezone.now()
    assert outbox_send_pending(now=t0) == {"sent": 0, "retry": 1, "failed": 0}
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert row.next_attempt_at == t0 + dt.timedelta(seconds=60)
    assert "provider down" in row.last_error
    # Not due yet: nothing is tried.
    assert outbox_send_pending(now=t0 + dt.timedelta(seconds=59)) == {
        "sent": 0, "retry": 0, "failed": 0}
    t1 = t0 + dt.timedelta(seconds=60)
    assert outbox_send_pending(now=t1)["retry"] == 1
    row.refresh_from_db()
    assert row.next_attempt_at == t1 + dt.timedelta(seconds=120)  # doubled
    t2 = t1 + dt.timedelta(seconds=120)
    assert outbox_send_pending(now=t2)["failed"] == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 3)
    assert outbox_send_pending(now=t2 + dt.timedelta(days=1))["failed"] == 0  # left alone
    assert SENT == []

    FAIL_TIMES["n"] = 0
    assert outbox_retry(actor=world.manager, ids=[row.pk]) == 1
    assert outbox_send_pending()["sent"] == 1
    row.refresh_from_db()
    assert row.status == "sent" and len(SENT) == 1


def test_backoff_is_capped():
    assert backoff(1, base=60, cap=3600) == dt.timedelta(minutes=1)
    assert backoff(4, base=60, cap=3600) == dt.timedelta(minutes=8)
    assert backoff(20, base=60, cap=3600) == dt.timedelta(hours=1)


@pytest.mark.django_db
def test_an_unknown_channel_is_retried_not_lost(channels):
    notify(message())
    channels([f"{__name__}.Flaky"])  # the e-mail channel was removed from the settings
    assert outbox_send_pending()["retry"] == 2
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"pending"}


@pytest.mark.django_db
def test_a_stale_claim_is_taken_back(channels, settings):
    channels([f"{__name__}.Flaky"])
    notify(message())
    long_ago = timezone.now() - dt.timedelta(hours=1)
    OutboxMessage.objects.update(status="sending", claimed_at=long_ago, attempts=1)
    assert outbox_send_pending()["sent"] == 1
    row = OutboxMessage.objects.get()
    assert row.status == "sent" and row.attempts == 2


@pytest.mark.django_db
def test_zalo_and_sms_go_through_their_providers(channels, settings):
    from motcua.notifications.preferences import preference_set

    settings.MOTCUA_SMS_PROVIDER = f"{__name__}.RecordingSms"
    settings.MOTCUA_ZALO_PROVIDER = f"{__name__}.RecordingZalo"
    preference_set(actor=None, id_number="066090001234", channels={"zalo", "sms"})
    notify(message(id_number="066090001234"))
    assert outbox_send_pending()["sent"] == 2
    by_event = {m.event: m for m in SENT}
    assert by_event["sms"].subject == "Đã tiếp nhận hồ sơ H15.01-260302-0001"
    zalo = by_event["dossier.received"]
    assert zalo.phones == ("0912345678",) and "Hẹn trả kết quả" in zalo.subject
    assert zalo.data["dossier_code"] == "H15.01-260302-0001"


@pytest.mark.django_db
def test_logging_providers_deliver_to_the_log(channels, caplog):
    import logging

    caplog.set_level(logging.INFO, logger="motcua.notifications")
    notify(message())
    assert outbox_send_pending()["sent"] == 2
    assert any("sms to 0912345678" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db
def test_heartbeat_and_selector():
    from motcua.notifications.selectors import outbox_counts, scheduler_heartbeat
    from motcua.notifications.tasks import scheduler_tick

    assert scheduler_heartbeat() is None
    before = timezone.now()
    scheduler_tick.call_local()
    beat = scheduler_heartbeat()
    assert beat is not None and beat >= before
    assert outbox_counts() == {}


@pytest.mark.django_db
def test_admin_lists_states_and_retries(channels, client, settings):
    from django.contrib.auth import get_user_model

    channels([f"{__name__}.Flaky"])
    settings.MOTCUA_NOTIFICATION_MAX_ATTEMPTS = 1
    FAIL_TIMES["n"] = 1
    notify(message())
    outbox_send_pending()
    row = OutboxMessage.objects.get()
    assert row.status == "failed"
    admin = get_user_model().objects.create_superuser("root", "root@example.vn", "x")
    client.force_login(admin)
    from django.urls import reverse

    page = client.get(reverse("admin:notifications_outboxmessage_changelist"))
    assert page.status_code == 200
    assert "Gửi không được" in page.content.decode()
    response = client.post(reverse("admin:notifications_outboxmessage_changelist"),
                           {"action": "retry", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 0)  # back in the queue, fresh count
    assert row.next_attempt_at <= timezone.now()
