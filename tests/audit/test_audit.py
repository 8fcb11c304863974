"""Writing the audit log: keyed MAC chain, gap-free numbers, origin of each action, keys."""

import datetime as dt
import hashlib
import hmac

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from motcua.audit import keys
from motcua.audit.canonical import event_message, event_payload
from motcua.audit.context import audit_context
from motcua.audit.models import AppendOnlyError, AuditEvent, AuditHead
from motcua.audit.services import audit_record, audit_verify
from tests.audit.helpers import record
from tests.factories import UserFactory


@pytest.mark.django_db
def test_chain_links_each_event_to_the_previous_with_a_keyed_mac(settings):
    actor = UserFactory()
    record(actor, "A", 2)
    record(actor, "B", 1)
    record(actor, "A", 1)
    a = list(AuditEvent.objects.filter(chain="A").order_by("seq"))
    assert [e.seq for e in a] == [1, 2, 3]
    assert [e.prev_hash for e in a] == ["", a[0].hash, a[1].hash]
    # Numbered over the whole log without gaps, in the order written.
    assert [e.gseq for e in AuditEvent.objects.order_by("id")] == [1, 2, 3, 4]
    assert AuditHead.objects.get(name="events").seq == 4
    # The MAC is HMAC-SHA256 under the configured key, over every stored field.
    secret = settings.MOTCUA_AUDIT_KEYS[a[2].key_id]
    expected = hmac.new(secret, event_message(event_payload(a[2])), hashlib.sha256).hexdigest()
    assert a[2].hash == expected and a[2].key_id == settings.MOTCUA_AUDIT_KEY_ID
    assert set(event_payload(a[2])) >= {"actor_label", "channel", "ip", "gseq", "key_id", "data",
                                        "prev_hash", "at", "dossier", "object_id", "actor"}
    assert audit_verify() == []


@pytest.mark.django_db
def test_a_rolled_back_event_gives_its_number_back():
    actor = UserFactory()
    record(actor, "A", 1)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(actor=actor, event_type="test.event", chain="A")
        1 / 0  # noqa: B018 - the service fails after writing its event
    record(actor, "A", 1)
    assert list(AuditEvent.objects.order_by("gseq").values_list("gseq", "seq")) == [(1, 1), (2, 2)]
    assert audit_verify() == []


@pytest.mark.django_db
def test_events_cannot_be_edited_or_deleted_through_the_orm():
    record(UserFactory(), "A", 1)
    event = AuditEvent.objects.get()
    event.data = {"i": 99}
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, event_type="x")


@pytest.mark.django_db
def test_verify_command_reports_intact_log(capsys):
    record(UserFactory(), "B", 2)
    call_command("audit_verify")
    assert "nguyên vẹn: 2 sự kiện" in capsys.readouterr().out


@pytest.mark.django_db
def test_channel_and_ip_come_from_the_context_and_are_covered():
    actor = UserFactory()
    with audit_context(channel="api", ip="2001:0db8:0000::0001"):
        (event,) = record(actor, "A", 1)
    event.refresh_from_db()
    assert (event.channel, event.ip) == ("api", "2001:db8::1")
    with audit_context(channel="web", ip="::ffff:10.0.0.7"):
        (event,) = record(actor, "A", 1)
    event.refresh_from_db()
    assert (event.channel, event.ip) == ("web", "10.0.0.7")
    # An explicit channel wins over the context.
    with audit_context(channel="web", ip="10.0.0.8"), transaction.atomic():
        event = audit_record(actor=actor, event_type="x", chain="A", channel="online")
    event.refresh_from_db()
    assert (event.channel, event.ip) == ("online", "10.0.0.8")
    assert audit_verify() == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_of_a_shared_chain_all_land():
    import threading

    from django.db import connection

    actor = UserFactory()
    errors = []

    def write(i):
        try:
            with transaction.atomic():
                audit_record(actor=actor, event_type="test.race", chain="shared", data={"i": i})
            with transaction.atomic():
                audit_record(actor=actor, event_type="test.race", chain=f"own{i}")
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(AuditEvent.objects.filter(chain="shared").values_list("seq", flat=True)) == list(
        range(1, 9)
    )
    assert sorted(AuditEvent.objects.values_list("gseq", flat=True)) == list(range(1, 17))
    assert audit_verify() == []


@pytest.mark.django_db
def test_events_recorded_with_a_vietnam_time_verify():
    at = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    with transaction.atomic():
        audit_record(actor=UserFactory(), event_type="test.past", chain="C", at=at)
    assert audit_verify() == []


NEW_KEYS = {"dev": keys.DEV_KEY_SECRET.encode(), "k2027": b"x" * 40}


@pytest.mark.django_db
def test_a_key_rotation_is_recorded_and_old_rows_still_verify():
    actor = UserFactory()
    record(actor, "A", 2)
    with override_settings(MOTCUA_AUDIT_KEYS=NEW_KEYS, MOTCUA_AUDIT_KEY_ID="k2027"):
        record(actor, "A", 1)
        record(actor, "B", 1)
        rows = list(AuditEvent.objects.order_by("gseq").values_list("event_type", "key_id",
                                                                    "chain"))
        assert rows == [("test.event", "dev", "A"), ("test.event", "dev", "A"),
                        ("audit.key_rotated", "k2027", "system"),
                        ("test.event", "k2027", "A"), ("test.event", "k2027", "B")]
        rotation = AuditEvent.objects.get(event_type="audit.key_rotated")
        assert rotation.data == {"from": "dev", "to": "k2027"}
        assert audit_verify() == []
    # Without the new key, its rows cannot be checked: verify says so.
    problems = audit_verify()
    assert [(p.kind, p.position) for p in problems] == [("key", 3)]


@pytest.mark.django_db
def test_a_key_change_without_a_rotation_event_is_reported():
    actor = UserFactory()
    record(actor, "A", 1)
    AuditHead.objects.filter(name="events").update(key_id="k2027")  # pretend it was always k2027
    with override_settings(MOTCUA_AUDIT_KEYS=NEW_KEYS, MOTCUA_AUDIT_KEY_ID="k2027"):
        record(actor, "A", 1)
    with override_settings(MOTCUA_AUDIT_KEYS=NEW_KEYS):
        problems = audit_verify()
    assert [(p.kind, p.position) for p in problems] == [("key", 2)]
    with pytest.raises(CommandError, match="Chỗ hỏng đầu tiên: sự kiện #2"):
        with override_settings(MOTCUA_AUDIT_KEYS=NEW_KEYS):
            call_command("audit_verify")


@pytest.mark.django_db
def test_the_periodic_job_and_the_command_seal_the_heads(capsys):
    from motcua.audit.models import AuditCheckpoint
    from motcua.audit.tasks import seal_audit_log

    actor = UserFactory()
    record(actor, "A", 2)
    record(actor, "B", 1)
    assert seal_audit_log.call_local() == 1
    cp = AuditCheckpoint.objects.get()
    assert (cp.events_gseq, cp.heads) == (3, {
        "A": [2, AuditEvent.objects.get(chain="A", seq=2).hash],
        "B": [1, AuditEvent.objects.get(chain="B", seq=1).hash],
    })
    assert seal_audit_log.call_local() is None  # nothing new
    record(actor, "A", 1)
    call_command("audit_checkpoint")
    out = capsys.readouterr().out
    assert "Điểm niêm phong #2: sự kiện đến #4" in out and '"number": 2' in out
    assert AuditCheckpoint.objects.get(number=2).heads == {
        "A": [3, AuditEvent.objects.get(chain="A", seq=3).hash]}
    assert audit_verify() == []


@pytest.mark.django_db
def test_a_naive_time_is_read_in_the_project_zone_and_verifies():
    with transaction.atomic():
        event = audit_record(actor=None, event_type="test.naive", chain="N",
                             at=dt.datetime(2026, 3, 2, 8, 0))
    event.refresh_from_db()
    assert event.at == dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)
    assert audit_verify() == []


@pytest.mark.django_db
def test_the_compiled_last_of_chain_read_is_the_orm_read():
    from motcua.audit.services import chain_last

    actor = UserFactory()
    record(actor, "A", 3)
    record(actor, "B", 1)
    for chain in ("A", "B", "C", "", "a'; --"):
        orm = AuditEvent.objects.filter(chain=chain).order_by("-seq").values("seq", "hash").first()
        assert chain_last(chain) == orm
    assert chain_last("A")["seq"] == 3 and chain_last("C") is None


def test_addresses_are_normalised_the_same_when_remembered():
    """``normalise_ip`` remembers each address's form per process (every request asks): the
    answers are those of parsing it, the first time and after."""
    from motcua.audit.context import _normalised, normalise_ip

    cases = {"10.0.0.7": "10.0.0.7", " ::ffff:10.0.0.7 ": "10.0.0.7",
             "2001:DB8:0:0::1": "2001:db8::1", "not an address": None, "": None, None: None}
    for _ in range(2):
        for given, expected in cases.items():
            assert normalise_ip(given) == expected
    assert _normalised.cache_info().hits >= 3
