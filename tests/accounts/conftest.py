import pytest

from motcua.org.models import Role, UnitKind
from tests.factories import CenterFactory, UnitFactory, staff

PASSWORD = "matkhau-thu-nghiem"


class World:
    pass


@pytest.fixture
def world(db):
    w = World()
    w.center = CenterFactory(code="000.00.01.H15", name="Trung tâm tỉnh")
    w.agency = UnitFactory(code="000.00.02.H15", name="Sở Xây dựng", kind=UnitKind.AGENCY)
    w.receptionist = staff(Role.RECEPTIONIST, w.center, username="tiepnhan")
    w.manager = staff(Role.CENTER_MANAGER, w.center, username="quanly")
    w.leader = staff(Role.LEADER, w.agency, username="lanhdao")
    w.specialist = staff(Role.SPECIALIST, w.agency, username="chuyenvien")
    return w
