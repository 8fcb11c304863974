import os

import pytest

# Playwright's sync API runs an event loop in this thread; Django would then refuse ORM calls
# from the live-server fixtures. Set before any test runs.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture
def center(db):
    from tests.factories import CenterFactory

    return CenterFactory(
        code="000.00.01.H15",
        name="Trung tâm Phục vụ hành chính công tỉnh Đắk Lắk",
        address="01 Lê Duẩn, phường Buôn Ma Thuột",
        phone="0262 3979 799",
    )
