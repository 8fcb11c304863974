"""The workspace's small province (tests/workspace/conftest.py) with a paused dossier."""

from __future__ import annotations

import pytest

from tests.workspace.conftest import (  # noqa: F401 - fixtures reused
    _fast_passwords,
    bring,
    frozen,
    login,
    world,
)

AMOUNT = 500000  # params_for("request_payment") in the workspace fixtures


@pytest.fixture
def paused(bring):  # noqa: F811 - the imported fixture
    """A dossier waiting for its financial obligation (chờ thực hiện nghĩa vụ tài chính)."""
    return bring("awaiting_payment")
