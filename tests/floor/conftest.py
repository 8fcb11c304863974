import datetime as dt
import os

import pytest

from motcua.floor.models import CapacityWindow, FloorService
from motcua.org.models import Counter, Role
from tests.factories import CenterFactory, staff

# Playwright's sync API runs an event loop in the test's thread; the test's own ORM calls
# there are still synchronous (as in tests/workspace/conftest.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
WINDOWS = [(dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(16, 30))]


def make_service(center, code="CANCUOC", *, places=2, counters=(), base=1000, **kw):
    service = FloorService.objects.create(unit=center, code=code, name=f"Dịch vụ {code}",
                                          number_base=base, slot_minutes=30, **kw)
    service.counters.set(counters)
    CapacityWindow.objects.bulk_create([
        CapacityWindow(service=service, weekday=d, start=s, end=e, places=places)
        for d in range(5) for s, e in WINDOWS])
    return service


@pytest.fixture
def floor(db):
    center = CenterFactory(code="000.00.99.H15")
    c1 = Counter.objects.create(center=center, number=1, name="Quầy một")
    c2 = Counter.objects.create(center=center, number=2, name="Quầy hai")
    service = make_service(center, counters=[c1])
    other = make_service(center, "DATDAI", counters=[c2], base=3000)
    officer = staff(Role.RECEPTIONIST, center, username="quay1", counter=c1)
    officer2 = staff(Role.RECEPTIONIST, center, username="quay2", counter=c2)
    return type("Floor", (), {"center": center, "c1": c1, "c2": c2, "service": service,
                              "other": other, "officer": officer, "officer2": officer2})
