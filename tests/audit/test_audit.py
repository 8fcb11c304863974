import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from motcua.audit.models import AppendOnlyError, AuditEvent
from motcua.audit.services import audit_record, audit_verify
from tests.factories import UserFactory


def _record(actor, chain, n):
    for i in range(n):
        with transaction.atomic():
            audit_record(actor=actor, event_type="test.event", chain=chain, data={"i": i})


@pytest.mark.django_db
def test_chain_links_each_event_to_the_previous():
    actor = UserFactory()
    _record(actor, "A", 3)
    events = list(AuditEvent.objects.filter(chain="A").order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == ""
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert audit_verify() == []


@pytest.mark.django_db
def test_events_cannot_be_edited_or_deleted_through_the_orm():
    _record(UserFactory(), "A", 1)
    event = AuditEvent.objects.get()
    event.data = {"i": 99}
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db
def test_verify_detects_an_edited_row():
    _record(UserFactory(), "A", 3)
    AuditEvent.objects.filter(chain="A", seq=2).update(data={"i": 42})
    breaks = audit_verify()
    assert [(b.chain, b.seq, b.reason) for b in breaks] == [("A", 2, "row content was changed")]
    with pytest.raises(CommandError, match="bị sửa hoặc xóa"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_verify_detects_a_deleted_row():
    _record(UserFactory(), "A", 3)
    AuditEvent.objects.filter(chain="A", seq=2).delete()  # queryset delete bypasses the model
    reasons = {(b.seq, b.reason) for b in audit_verify()}
    assert (3, "missing rows after 1") in reasons
    assert (3, "previous hash does not match") in reasons


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        audit_record(actor=None, event_type="x")


@pytest.mark.django_db
def test_verify_command_reports_intact_log(capsys):
    _record(UserFactory(), "B", 2)
    call_command("audit_verify")
    assert "nguyên vẹn: 2" in capsys.readouterr().out


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
    assert audit_verify() == []


@pytest.mark.django_db
def test_events_recorded_with_a_vietnam_time_verify():
    import datetime as dt

    at = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    with transaction.atomic():
        audit_record(actor=UserFactory(), event_type="test.past", chain="C", at=at)
    assert audit_verify() == []
