from tests.dossiers.conftest import frozen, receive, world  # noqa: F401 - shared fixtures
