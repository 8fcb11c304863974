from tests.dossiers.conftest import bring, receive, world  # noqa: F401  (fixtures)
