import pytest

from motcua.notifications import registry
from tests.dossiers.conftest import bring, receive, world  # noqa: F401  (fixtures)

CITIZEN = [
    "motcua.notifications.contrib.email.EmailChannel",
    "motcua.notifications.contrib.sms.SmsChannel",
    "motcua.notifications.contrib.zalo.ZaloChannel",
]


@pytest.fixture
def channels(settings):
    """Set the channel list (dotted paths) for one test."""

    def _set(paths):
        settings.MOTCUA_NOTIFICATION_CHANNELS = list(paths)
        registry._load.cache_clear()

    _set(CITIZEN)
    yield _set
    registry._load.cache_clear()
