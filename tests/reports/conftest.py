import pytest

# The dossier services' world (staff of a center and an agency), for the tests that drive
# the real services (test_immutable_past, test_view766).
from tests.dossiers.conftest import bring, receive, world  # noqa: F401
from tests.factories import CenterFactory, FieldFactory, UnitFactory, published_procedure


@pytest.fixture
def center(db):
    return CenterFactory(code="000.00.00.H15", name="Trung tâm Phục vụ hành chính công tỉnh")


@pytest.fixture
def agency(db):
    return UnitFactory(code="000.00.01.H15", name="Sở Xây dựng")


@pytest.fixture
def agency2(db):
    return UnitFactory(code="000.00.02.H15", name="Sở Tư pháp")


@pytest.fixture
def version(agency, center):
    return published_procedure(
        agency=agency, receiving_units=[center], code="1.000001",
        field=FieldFactory(code="XD", name="Xây dựng"),
    )


@pytest.fixture
def version2(agency2, center):
    return published_procedure(
        agency=agency2, receiving_units=[center], code="2.000002", name="Cấp phiếu lý lịch tư pháp",
        field=FieldFactory(code="TP", name="Tư pháp"), level="xa",
    )
