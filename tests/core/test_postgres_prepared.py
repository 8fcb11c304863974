"""PostgreSQL: parameters bound on the server, repeated statements prepared on kept connections
(motcua.config.database)."""

import pytest
from django.db import connection, connections

from motcua.config.database import database_from_url

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="PostgreSQL connections")


@pytest.fixture
def kept_connection(tmp_path, django_db_setup, django_db_blocker):
    """A second connection to the test database, configured as production keeps them."""
    url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**connection.settings_dict)
    config = database_from_url(url, tmp_path / "unused", conn_max_age=60)
    config["NAME"] = connection.settings_dict["NAME"]
    configured = connections.configure_settings(
        {"default": dict(connections.settings["default"]), "kept": config})["kept"]
    connections.settings["kept"] = configured
    try:
        with django_db_blocker.unblock():
            yield connections["kept"]
    finally:
        connections["kept"].close()
        del connections["kept"]
        del connections.settings["kept"]


def prepared_count(conn) -> int:
    with conn.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


def test_a_kept_connection_prepares_what_it_repeats(kept_connection):
    with kept_connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("SELECT %s + 1", [41])
            assert cursor.fetchone() == (42,)
    assert prepared_count(kept_connection) >= 1


@pytest.mark.django_db
def test_a_connection_per_request_prepares_nothing():
    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("SELECT %s + 1", [41])
    assert prepared_count(connection) == 0


@pytest.mark.django_db
def test_parameters_are_bound_on_the_server():
    # Client-side binding would send the literal; server-side binding sends $1 with a type.
    with connection.cursor() as cursor:
        assert type(cursor.cursor).__name__ == "ServerBindingCursor"
