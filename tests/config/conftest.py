from tests.workspace.conftest import bring, frozen, world  # noqa: F401 - shared fixtures
