"""E-mail over real SMTP (aiosmtpd), the center's templates, the citizen's channel choice."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest
from django.db import transaction
from django.template import TemplateSyntaxError

from motcua.notifications import Message, notify
from motcua.notifications.models import NotificationTemplate, OutboxMessage
from motcua.notifications.outbox import outbox_send_pending
from motcua.notifications.preferences import channels_for, preference_get, preference_set


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on a free local port; yields the list of received messages."""
    from aiosmtpd.controller import Controller

    received: list[email.message.EmailMessage] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            msg = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=email.policy.default)
            received.append(msg)
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "motcua@daklak.gov.vn"
    try:
        yield received
    finally:
        controller.stop()


def message(**kw):
    base = dict(event="dossier.supplement_requested",
                subject="Yêu cầu bổ sung hồ sơ H15.01-260302-0001",
                body="Cần bổ sung: Bản sao giấy khai sinh.", recipients=("an@example.vn",),
                phones=(), dossier_code="H15.01-260302-0001", applicant_name="Trần Thị Thu Trang",
                id_number="066090001234")
    base.update(kw)
    return Message(**base)


@pytest.mark.django_db(transaction=True)
def test_email_over_smtp_in_vietnamese(channels, smtp_server):
    with transaction.atomic():
        notify(message())
    row = OutboxMessage.objects.get(channel="email")
    assert row.status == "sent", row.last_error
    assert len(smtp_server) == 1
    got = smtp_server[0]
    assert got["To"] == "an@example.vn"
    assert str(got["Subject"]).strip() == "Yêu cầu bổ sung hồ sơ H15.01-260302-0001"
    body = got.get_content()
    assert "Kính gửi Trần Thị Thu Trang," in body
    assert "Cần bổ sung: Bản sao giấy khai sinh." in body
    assert "Trung tâm Phục vụ hành chính công." in body


@pytest.mark.django_db
def test_smtp_down_is_retried(channels, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    notify(message())
    assert outbox_send_pending()["retry"] == 1
    row = OutboxMessage.objects.get()
    assert row.status == "pending" and "Connection" in row.last_error


@pytest.mark.django_db
def test_seeded_templates_cover_every_event():
    from motcua.notifications.templates import DEFAULTS

    assert set(NotificationTemplate.objects.values_list("event", flat=True)) >= set(DEFAULTS)


@pytest.mark.django_db
def test_the_centers_template_is_used(channels, mailoutbox):
    NotificationTemplate.objects.update_or_create(
        event="dossier.supplement_requested",
        defaults={"subject": "[Một cửa Đắk Lắk] Bổ sung hồ sơ {{ code }}",
                  "body": "Thưa {{ applicant_name }}: {{ body }} Hạn: {{ due_at }}."})
    notify(message(data={"due_at": "17:00 06/03/2026"}))
    row = OutboxMessage.objects.get(channel="email")
    assert row.subject == "[Một cửa Đắk Lắk] Bổ sung hồ sơ H15.01-260302-0001"
    assert row.body == ("Thưa Trần Thị Thu Trang: Cần bổ sung: Bản sao giấy khai sinh. "
                        "Hạn: 17:00 06/03/2026.")
    # Plain text: nothing is HTML-escaped.
    template = NotificationTemplate.objects.get(event="dossier.supplement_requested")
    template.body = "{{ applicant_name }} & <b>"
    template.save()  # the next message has the new wording (the cached templates are dropped)
    notify(message(applicant_name="Lê & Co"))
    assert OutboxMessage.objects.filter(channel="email").order_by("-id")[0].body == "Lê & Co & <b>"


@pytest.mark.django_db
def test_a_broken_template_falls_back_to_the_services_wording(channels):
    NotificationTemplate.objects.update_or_create(
        event="dossier.supplement_requested",
        defaults={"subject": "{% if %}", "body": "{{ body|no_such_filter }}"})
    with transaction.atomic():
        notify(message())
    row = OutboxMessage.objects.get(channel="email")
    assert (row.subject, row.body) == ("Yêu cầu bổ sung hồ sơ H15.01-260302-0001",
                                       "Cần bổ sung: Bản sao giấy khai sinh.")


@pytest.mark.django_db
def test_admin_refuses_a_template_that_does_not_render(client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    admin = get_user_model().objects.create_superuser("root", "root@example.vn", "x")
    client.force_login(admin)
    url = reverse("admin:notifications_notificationtemplate_add")
    response = client.post(url, {"event": "dossier.custom", "subject": "{% if %}",
                                 "body": "ok", "active": "on"})
    assert response.status_code == 200
    assert "Mẫu không hợp lệ" in response.content.decode()
    assert not NotificationTemplate.objects.filter(event="dossier.custom").exists()
    response = client.post(url, {"event": "dossier.custom", "subject": "Hồ sơ {{ code }}",
                                 "body": "ok", "active": "on"})
    assert response.status_code == 302
    assert NotificationTemplate.objects.filter(event="dossier.custom").exists()


@pytest.mark.django_db
def test_preferences_are_honoured(channels):
    # No choice: the defaults (e-mail and SMS).
    notify(message(phones=("0912345678",)))
    assert sorted(OutboxMessage.objects.values_list("channel", flat=True)) == ["email", "sms"]
    OutboxMessage.objects.all().delete()
    # Zalo only, chosen under the ID number.
    preference_set(actor=None, id_number="066090001234", channels=["zalo"])
    notify(message(phones=("0912345678",)))
    assert list(OutboxMessage.objects.values_list("channel", "address")) == [
        ("zalo", "0912345678")]
    OutboxMessage.objects.all().delete()
    # Someone without an ID number, known by phone: SMS only.
    preference_set(actor=None, phone="0987654321", channels=["sms"])
    notify(message(id_number="", recipients=("b@example.vn",), phones=("0987654321",)))
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == ["sms"]
    # Choosing nothing: nothing is written for the citizen channels.
    preference_set(actor=None, id_number="066090001234", channels=[])
    OutboxMessage.objects.all().delete()
    notify(message(phones=("0912345678",)))
    assert OutboxMessage.objects.count() == 0


@pytest.mark.django_db
def test_preference_service_updates_in_place_and_validates():
    from motcua.core.errors import InvalidInput

    first = preference_set(actor=None, id_number="066090001234", phone="0912345678",
                           channels=["email"])
    again = preference_set(actor=None, id_number="066090001234", channels=["sms", "zalo"])
    assert first.pk == again.pk
    from motcua.audit.models import AuditEvent

    audited = AuditEvent.objects.filter(event_type="notification.preference_set").count()
    preference_set(actor=None, id_number="066090001234", channels=["zalo", "sms"])
    assert AuditEvent.objects.filter(
        event_type="notification.preference_set").count() == audited  # unchanged: no event
    assert preference_get(id_number="066090001234").channels() == {"sms", "zalo"}
    assert channels_for(id_number="", phones=("0000",)) == {"email", "sms"}
    with pytest.raises(InvalidInput):
        preference_set(actor=None, channels=["email"])
    with pytest.raises(InvalidInput):
        preference_set(actor=None, id_number="066090001234", channels=["fax"])


def test_a_template_text_is_parsed_once_per_process(monkeypatch):
    from motcua.notifications import templates

    parsed = []
    real = templates._ENGINE.from_string
    monkeypatch.setattr(templates._ENGINE, "from_string", lambda s: parsed.append(s) or real(s))
    source = "Kính gửi {{ applicant_name|default:'ông/bà' }} — {{ code }} (lần đọc một)"
    first = templates.render_text(source, {"code": "A-1"})
    second = templates.render_text(source, {"code": "B-2", "applicant_name": "An"})
    assert first == "Kính gửi ông/bà — A-1 (lần đọc một)"
    assert second == "Kính gửi An — B-2 (lần đọc một)"
    assert parsed == [source]
    with pytest.raises(TemplateSyntaxError):
        templates.render_text("{% if %}", {})


@pytest.mark.django_db
def test_the_compiled_preference_read_is_the_orm_read():
    """``preference_get`` runs one query compiled per shape; it finds what the ORM query of
    the same conditions finds, for every shape and the fallback past ``_MAX_KEYS``."""
    from motcua.notifications import preferences
    from motcua.notifications.models import NotificationPreference

    preference_set(actor=None, id_number="066090001234", channels=["zalo"])
    preference_set(actor=None, phone="0987654321", channels=["sms"])
    preference_set(actor=None, email="an@example.vn", channels=["email"])
    cases = [
        ("066090001234", (), ()), ("066090001234", ("0987654321",), ("an@example.vn",)),
        ("", ("0987654321",), ()), ("", ("0900000000", "0987654321"), ()),
        ("", (), ("AN@example.vn",)), ("079000000000", ("0900000000",), ("x@y.vn",)),
        ("", tuple(f"09000000{i:02d}" for i in range(6)) + ("0987654321",), ()),
    ]
    for id_number, phones, emails in cases:
        q = preferences._query(id_number, list(phones), [e.lower() for e in emails])
        orm = sorted(NotificationPreference.objects.filter(q).values_list("pk", flat=True))
        got = preferences.preference_get(id_number=id_number, phones=phones, emails=emails)
        assert (got.pk if got else None) in (orm or [None])
        if orm:
            assert got is not None
    assert preference_get(id_number="066090001234", phones=("0987654321",)).by_zalo
    assert preference_get(phones=("0987654321",)).id_number == ""
    assert preference_get(emails=("AN@example.vn",)).email == "an@example.vn"
    assert preference_get() is None
