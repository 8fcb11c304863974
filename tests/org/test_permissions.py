import datetime as dt

import pytest

from motcua.org import permissions
from motcua.org.models import Membership, Role
from tests.factories import CenterFactory, UnitFactory, UserFactory, staff


@pytest.mark.django_db
def test_roles_are_per_unit_and_validity():
    center, agency = CenterFactory(), UnitFactory()
    user = staff(Role.LEADER, agency)
    assert permissions.has_role(user, Role.LEADER, agency)
    assert not permissions.has_role(user, Role.LEADER, center)
    assert not permissions.has_role(user, Role.SPECIALIST, agency)
    assert permissions.staff_units(user) == {agency.pk}
    expired = UserFactory()
    Membership.objects.create(user=expired, unit=agency, role=Role.LEADER,
                              valid_to=dt.date(2020, 1, 1))
    assert not permissions.has_role(expired, Role.LEADER, agency)
    assert permissions.staff_units(expired) == set()
    assert not permissions.is_staff_member(UserFactory())
