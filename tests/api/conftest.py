from tests.dossiers.conftest import bring, frozen, receive, world  # noqa: F401 - shared fixtures
