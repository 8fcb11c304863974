from tests.dossiers.conftest import (  # noqa: F401 - shared fixtures
    bring,
    receive,
    world,
)
