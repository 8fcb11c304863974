from tests.dossiers.conftest import (  # noqa: F401 - shared fixtures
    _fast_password_hashing,
    bring,
    receive,
    world,
)
