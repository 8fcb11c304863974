"""The SQLite writer queue (motcua.core.sqlite_backend): a lock file held from BEGIN to the end
of the transaction, so that writers queue on it instead of sleeping in SQLite's busy handler."""

import fcntl
import os
import threading

import pytest
from django.db import OperationalError, connections, transaction

from motcua.config.database import database_from_url
from motcua.core.sqlite_backend.base import writer_lock_path

ALIASES = ("queue_a", "queue_b")


@pytest.fixture
def two_connections(tmp_path, django_db_blocker):
    """Two aliases on one SQLite file outside the test database: two writers."""
    config = database_from_url(None, tmp_path / "queue.sqlite3")
    config["OPTIONS"]["timeout"] = 0.3
    configured = connections.configure_settings(
        {"default": dict(connections.settings["default"])}
        | {alias: dict(config) for alias in ALIASES})
    connections.settings.update({alias: configured[alias] for alias in ALIASES})
    with django_db_blocker.unblock():
        with connections["queue_a"].cursor() as cursor:
            cursor.execute("CREATE TABLE t (n integer)")
        yield connections["queue_a"], connections["queue_b"]
        for alias in ALIASES:
            connections[alias].close()
            del connections[alias]
            del connections.settings[alias]


def lock_is_free(path) -> bool:
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)
    return True


def insert(conn, n):
    with conn.cursor() as cursor:
        cursor.execute("INSERT INTO t VALUES (%s)", [n])


def test_the_engine_is_the_queued_backend(two_connections):
    first, _ = two_connections
    assert first.vendor == "sqlite"
    assert type(first).__module__ == "motcua.core.sqlite_backend.base"


def test_the_lock_is_held_from_begin_to_commit(two_connections):
    first, _ = two_connections
    path = writer_lock_path(first.settings_dict["NAME"])
    with transaction.atomic(using="queue_a"):
        insert(first, 1)
        assert not lock_is_free(path)
        with transaction.atomic(using="queue_a"):  # a savepoint takes nothing more
            insert(first, 2)
        assert not lock_is_free(path)
    assert lock_is_free(path)


def test_the_lock_is_released_by_a_rollback(two_connections):
    first, _ = two_connections
    path = writer_lock_path(first.settings_dict["NAME"])
    with pytest.raises(RuntimeError), transaction.atomic(using="queue_a"):
        insert(first, 1)
        raise RuntimeError("undo")
    assert lock_is_free(path)
    with first.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM t")
        assert cursor.fetchone() == (0,)


def test_the_lock_is_released_when_the_connection_closes_in_a_transaction(two_connections):
    first, second = two_connections
    path = writer_lock_path(first.settings_dict["NAME"])
    first.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    insert(first, 1)
    first.close()
    assert lock_is_free(path)
    with transaction.atomic(using="queue_b"):
        insert(second, 2)


def test_a_second_writer_waits_for_the_first_commit(two_connections):
    first, second = two_connections
    order = []
    started = threading.Event()

    def other_writer():
        started.set()
        # A thread has its own connection for the alias: this is the second writer.
        with transaction.atomic(using="queue_b"):
            order.append("second begins")
            insert(connections["queue_b"], 2)
        connections["queue_b"].close()

    with transaction.atomic(using="queue_a"):
        insert(first, 1)
        thread = threading.Thread(target=other_writer)
        thread.start()
        started.wait()
        thread.join(0.05)
        order.append("first commits")
    thread.join(5)
    assert order == ["first commits", "second begins"]


def test_a_writer_that_never_gets_the_lock_fails_with_database_is_locked(two_connections):
    first, second = two_connections
    with transaction.atomic(using="queue_a"):
        insert(first, 1)
        with pytest.raises(OperationalError, match="database is locked"):
            with transaction.atomic(using="queue_b"):
                insert(second, 2)
    # The queue is usable again once the holder commits.
    with transaction.atomic(using="queue_b"):
        insert(second, 3)
    with second.cursor() as cursor:
        cursor.execute("SELECT n FROM t ORDER BY n")
        assert cursor.fetchall() == [(1,), (3,)]
