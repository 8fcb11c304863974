"""The hand-written detail answer (``dossiers/detail_body.py``) is exactly what the DRF
serializers it stands in for give, for every status of a dossier's life and both shapes."""

from __future__ import annotations

import json

import pytest
from django.utils import translation
from rest_framework.renderers import JSONRenderer

from motcua.dossiers import access
from motcua.dossiers.detail_body import detail_body
from motcua.dossiers.serializers import DossierDeliverySerializer, DossierDetailSerializer
from motcua.org.models import Role
from tests.dossiers.conftest import PATHS
from tests.factories import staff

pytestmark = pytest.mark.django_db


def _json(data) -> dict:
    return json.loads(JSONRenderer().render(data))


def _reference(serializer, user, dossier) -> dict:
    request = type("Request", (), {"user": user})()
    return _json(serializer(dossier, context={"request": request}).data)


@pytest.mark.parametrize("status", sorted(PATHS))
def test_full_shape_equals_the_detail_serializer(world, bring, frozen, status):
    d = bring(status)
    for user in (world.leader, world.receptionist, world.specialist):
        loaded = access.dossier_for_view(user=user, code=d.code)
        body = detail_body(user, loaded, access.loaded_unit_ids(loaded))
        assert body["view"] == "full"
        assert _json(body) == _reference(DossierDetailSerializer, user, loaded)
        assert list(body) == list(DossierDetailSerializer().fields)


@pytest.mark.parametrize("status", ["received", "result_ready", "returned"])
def test_delivery_shape_equals_the_delivery_serializer(world, bring, frozen, status):
    courier = staff(Role.COURIER, world.center, username="buudien")
    d = bring(status)
    loaded = access.dossier_for_view(user=courier, code=d.code)
    body = detail_body(courier, loaded, access.loaded_unit_ids(loaded))
    assert body["view"] == "delivery" and "applicant" not in body
    assert _json(body) == _reference(DossierDeliverySerializer, courier, loaded)
    assert list(body) == list(DossierDeliverySerializer().fields)


def test_labels_follow_the_active_language(world, bring, frozen):
    d = bring("appraising")
    loaded = access.dossier_for_view(user=world.leader, code=d.code)
    with translation.override("en"):
        assert _json(detail_body(world.leader, loaded)) == _reference(
            DossierDetailSerializer, world.leader, loaded)


@pytest.mark.parametrize("status", sorted(PATHS))
def test_list_row_equals_the_list_serializer(world, bring, frozen, status):
    """The API list's rows (``detail_body.list_row``), loaded as the list loads them (only the
    columns a row shows), are what ``DossierListSerializer`` gives, key order included."""
    from motcua.dossiers import selectors
    from motcua.dossiers.detail_body import list_row, list_row_values
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.serializers import DossierListSerializer

    d = bring(status)
    for loaded in (selectors.list_rows(Dossier.objects.filter(pk=d.pk)).get(),
                   Dossier.objects.get(pk=d.pk)):
        body = list_row(loaded)
        assert _json(body) == _json(DossierListSerializer(loaded).data)
        assert list(body) == list(DossierListSerializer().fields)
    # The API list's page: column values, no model instances.
    (values,) = selectors.list_page_rows([d.pk], "default")
    assert values.pk == d.pk
    assert list(list_row_values(values)) == list(DossierListSerializer().fields)
    assert _json(list_row_values(values)) == _json(DossierListSerializer(loaded).data)
    with translation.override("en"):
        assert _json(list_row(loaded)) == _json(DossierListSerializer(loaded).data)
        assert _json(list_row_values(values)) == _json(DossierListSerializer(loaded).data)


def test_list_row_datetimes_are_written_as_the_drf_field_writes_them():
    import datetime as dt

    from django.utils import timezone

    from motcua.dossiers.detail_body import _datetime, _dt_row

    values = [None, dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC),
              dt.datetime(2026, 12, 31, 23, 59, 59, 999_999, tzinfo=dt.UTC),
              dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))),
              dt.datetime(2026, 3, 2, 8, 0)]
    for zone in (None, "UTC", "Asia/Ho_Chi_Minh", "America/New_York"):
        with timezone.override(zone) if zone else translation.override("vi"):
            for value in values:
                expected = None if value is None else _datetime.to_representation(value)
                assert _dt_row(value) == expected, (zone, value)
