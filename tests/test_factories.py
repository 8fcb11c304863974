import pytest
from django.core.exceptions import ValidationError

from motcua.catalog.models import RequiredDocument
from tests.factories import CenterFactory, UnitFactory, published_procedure


@pytest.mark.django_db
def test_published_version_is_immutable():
    center = CenterFactory()
    version = published_procedure(agency=UnitFactory(), receiving_units=[center])
    assert version.steps.count() == 6
    version.name = "Đổi tên"
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        RequiredDocument.objects.create(version=version, order=9, name="Thêm giấy tờ")
    with pytest.raises(ValidationError):
        version.documents.first().delete()
