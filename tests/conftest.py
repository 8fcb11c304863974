import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    # The access log remembers "already logged" in the cache by user and dossier id; ids are
    # reused after each test's rollback, so a previous test's entry must not hide a read.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _generous_throttles(monkeypatch):
    # Production throttles (60 anonymous API calls a minute per address) would stop tests that
    # make hundreds of requests from 127.0.0.1; the throttles have their own tests
    # (tests/accounts/test_throttles.py), which set the rates they test.
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES",
                        {"anon": "100000/minute", "user": "100000/minute",
                         "login": "100000/minute"})


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
