import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _access_spool(settings, tmp_path):
    # Each test spools its reads of personal data into its own folder, flushed by the test
    # (``access.flush_pending``) or the views that read the log; no flusher thread.
    settings.MOTCUA_ACCESS_SPOOL_DIR = str(tmp_path / "spool")
    settings.MOTCUA_ACCESS_SPOOL_FLUSH_SECONDS = 0
    yield
    from motcua.audit import spool

    spool.rotate()


@pytest.fixture(autouse=True)
def _empty_cache():
    # The access log remembers "already logged" in the cache by user and dossier id; ids are
    # reused after each test's rollback, so a previous test's entry must not hide a read.
    cache.clear()
    from motcua.accounts import tokens
    from motcua.core.templatetags import fragments
    from motcua.dossiers.services import catalog_cache
    from motcua.portal import lookup_page

    # The per-process sign-in and intake caches: rows (and the change counter) roll back after
    # each test. The page fragments and the lookup page's frame are kept per process from the
    # first page rendered: a test sees what its own pages render first, whatever ran before.
    forget = (tokens.forget, catalog_cache.forget, fragments.clear, lookup_page.clear)
    for each in forget:
        each()
    yield
    cache.clear()
    for each in forget:
        each()


@pytest.fixture(autouse=True)
def _generous_throttles(monkeypatch):
    # Production throttles (60 anonymous API calls a minute per address) would stop tests that
    # make hundreds of requests from 127.0.0.1; the throttles have their own tests
    # (tests/accounts/test_throttles.py), which set the rates they test.
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES",
                        {"anon": "100000/minute", "user": "100000/minute",
                         "login": "100000/minute"})


@pytest.fixture(autouse=True, scope="session")
def _huey_immediate():
    # Tasks run at once in memory (huey's immediate mode): a test that commits a notification
    # sees it sent by the outbox task, and no test writes into var/huey.sqlite3.
    from huey.contrib.djhuey import HUEY

    was = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = was


@pytest.fixture(autouse=True)
def _no_language_leak():
    # A request activates its language in the worker's thread and nothing deactivates it after
    # a test-client request: an English page test would otherwise change the next test's text.
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs ~0.3 s a user; the suites create hundreds of staff users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser():
    """A headless Debian chromium, closed after the test."""
    from tests.browser import ARGS, CHROMIUM

    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(autouse=True)
def _flushable_guarded_tables(request):
    """A transactional test ends with Django's flush: TRUNCATE on PostgreSQL (no row trigger
    fires) but DELETE FROM every table on SQLite, which the database's guards (frozen published
    versions, append-only audit tables: ``motcua.core.dbrules``) refuse. Empty the guarded
    tables here with the triggers lifted, then put the triggers back, before the flush runs."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        (marker is not None and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")  # torn down (flushed) after this fixture
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' "
                       "AND sql LIKE '%motcua:%'")
        triggers = cursor.fetchall()
        cursor.execute("PRAGMA foreign_keys = OFF")
        try:
            for name, _table, _sql in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            for table in sorted({t for _n, t, _s in triggers}):
                cursor.execute(f'DELETE FROM "{table}"')
        finally:
            for _name, _table, sql in triggers:
                cursor.execute(sql)
            cursor.execute("PRAGMA foreign_keys = ON")


@pytest.fixture
def clamd(settings):
    """A fake clamd (tests/core/fake_clamd.py) that the upload checks talk to."""
    from tests.core.fake_clamd import FakeClamd

    server = FakeClamd()
    settings.MOTCUA_CLAMD = server.address
    yield server
    server.close()
