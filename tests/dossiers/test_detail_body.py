"""The hand-written detail answer (``dossiers/detail_body.py``) is exactly what the DRF
serializers it stands in for give, for every status of a dossier's life and both shapes."""

from __future__ import annotations

import json

import pytest
from django.utils import translation
from rest_framework.renderers import JSONRenderer

from motcua.accounts.tokens import current_generation
from motcua.dossiers import access, selectors
from motcua.dossiers.detail_body import detail_body, record_body, record_of
from motcua.dossiers.models import DossierDocument
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


def _loaded(user, d):
    """The dossier as the ORM loads it for the serializers (the reference)."""
    return selectors.dossier_get(user=user, code=d.code)


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("status", sorted(PATHS))
def test_full_shape_equals_the_detail_serializer(world, bring, frozen, status, language):
    d = bring(status)
    for user in (world.leader, world.receptionist, world.specialist):
        with translation.override(language):
            record = access.dossier_for_view(user=user, code=d.code)
            body = record_body(user, record)
            reference = _reference(DossierDetailSerializer, user, _loaded(user, d))
            assert body["view"] == "full"
            assert _json(body) == reference
            assert list(body) == list(DossierDetailSerializer().fields)
            # The same bytes as DRF renders the serializer's data.
            request = type("Request", (), {"user": user})()
            data = DossierDetailSerializer(_loaded(user, d), context={"request": request}).data
            assert JSONRenderer().render(body) == JSONRenderer().render(data)
            # A dossier loaded with its related rows (intake's answer) gives the same.
            assert _json(detail_body(user, _loaded(user, d))) == reference


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("status", ["received", "result_ready", "returned"])
def test_delivery_shape_equals_the_delivery_serializer(world, bring, frozen, status, language):
    courier = staff(Role.COURIER, world.center, username="buudien")
    d = bring(status)
    with translation.override(language):
        record = access.dossier_for_view(user=courier, code=d.code)
        body = record_body(courier, record)
        assert body["view"] == "delivery" and "applicant" not in body
        reference = _reference(DossierDeliverySerializer, courier, _loaded(courier, d))
        assert _json(body) == reference
        assert list(body) == list(DossierDeliverySerializer().fields)
        assert _json(detail_body(courier, _loaded(courier, d))) == reference


@pytest.mark.parametrize("status", sorted(PATHS))
def test_the_one_read_gives_what_the_orm_loads(world, bring, frozen, status):
    """``access.detail_read``'s values (its own SQL, JSON arrays for the children) are the
    ORM's, types included: aware datetimes, dates, decimals, booleans; children in order."""
    d = bring(status)
    DossierDocument.objects.create(dossier=d, name="Bản vẽ", provided_as="copy", copies=2)
    DossierDocument.objects.create(dossier=d, name="Đơn", provided_as="original", copies=1)
    record = access.detail_read(d.code)
    orm = record_of(_loaded(world.leader, d))
    for name in access._SHOWN:
        ours, theirs = getattr(record.dossier, name), getattr(orm.dossier, name)
        assert (ours, type(ours)) == (theirs, type(theirs)), name
    assert record.generation == current_generation()
    for part in ("procedure", "procedure_name", "field", "receiving_unit", "competent_unit",
                 "current_unit", "holder", "steps", "history", "documents"):
        assert getattr(record, part) == getattr(orm, part), part
    for ours, theirs in zip(record.steps + record.history, orm.steps + orm.history, strict=True):
        assert [type(v) for v in ours] == [type(v) for v in theirs]
    assert len(record.documents) >= 2 and record.unit_ids() == orm.unit_ids()
    assert access.detail_read("KHONG-CO") is None


@pytest.mark.parametrize("status", sorted(PATHS))
def test_list_row_equals_the_list_serializer(world, bring, frozen, status):
    """The API list's rows (``detail_body.list_row_values``, from the page's column values, no
    model instances) are what ``DossierListSerializer`` gives, key order included, in both
    languages (the detail's head, the same fields, is checked with the detail above)."""
    from motcua.dossiers import selectors
    from motcua.dossiers.detail_body import list_row_values
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.serializers import DossierListSerializer

    d = bring(status)
    loaded = Dossier.objects.get(pk=d.pk)
    (values,) = selectors.list_page_rows([d.pk], "default")
    assert values.pk == d.pk
    # A ListRow (made with tuple.__new__), one field per column read.
    assert type(values) is selectors.ListRow
    assert selectors.ListRow._fields[1:] == tuple(
        {"procedure_version__procedure__code": "procedure",
         "procedure_version__name": "procedure_name", "field__code": "field",
         "receiving_unit__code": "receiving_unit", "competent_unit__code": "competent_unit",
         "current_unit__code": "current_unit"}.get(c, c) for c in selectors.LIST_VALUES)
    assert values == selectors.ListRow(*Dossier.objects.values_list(
        "pk", *selectors.LIST_VALUES).get(pk=d.pk))
    fields = list(DossierListSerializer().fields)
    assert list(list_row_values(values)) == fields
    for language in ("vi", "en"):
        with translation.override(language):
            expected = _json(DossierListSerializer(loaded).data)
            assert _json(list_row_values(values)) == expected


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "UTC", "America/New_York"])
def test_the_body_clock_is_drfs_datetime_field(zone):
    """``detail_body._clock`` formats as DRF's ``DateTimeField`` does, in the active time zone
    (``Z`` for UTC; a naive value made aware as DRF makes it)."""
    import datetime as dt
    import zoneinfo

    from django.utils import timezone
    from rest_framework.fields import DateTimeField

    from motcua.dossiers.detail_body import _clock

    values = [dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC),
              dt.datetime(2026, 3, 2, 8, 30, 15, 123456, tzinfo=zoneinfo.ZoneInfo(zone)),
              dt.datetime(2025, 12, 31, 23, 59, 59, tzinfo=dt.UTC), dt.datetime(2026, 7, 1, 9, 0),
              None]
    with timezone.override(zone):
        clock = _clock()
        field = DateTimeField(allow_null=True)
        for value in values:
            assert clock(value) == (None if value is None else field.to_representation(value))


def test_the_kept_status_labels_follow_the_language():
    """``status_label`` keeps each label per language: the same text as translating it each
    time, whichever language asks first, and an unknown status still refused."""
    from motcua.dossiers import detail_body
    from motcua.dossiers.states import Status

    detail_body._LABELS.clear()
    for language in ("en", "vi", "en", None):
        with translation.override(language):
            for status in Status:
                assert detail_body.status_label(status.value) == str(Status(status).label)
    with translation.override("en"):
        assert detail_body.status_label("received") != detail_body._LABELS[("received", "vi")]
        with pytest.raises(ValueError):
            detail_body.status_label("no-such-status")


def test_a_page_of_rows_equals_the_list_serializer(world, bring, frozen):
    """``detail_body.list_page_values`` (the API list's page: clock, time of day and language
    looked up once for the page) gives each row what ``DossierListSerializer`` gives, in both
    languages, overdue or not, and the same as ``list_row_values`` one row at a time."""
    import datetime as dt
    from unittest import mock

    from django.utils import timezone

    from motcua.dossiers import detail_body
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.serializers import DossierListSerializer

    dossiers = [bring(status) for status in ("received", "appraising", "appraising",
                                              "supplement_requested", "returned", "submitted")]
    rows = selectors.list_page_rows([d.pk for d in dossiers], "default")
    assert [r.pk for r in rows] == [d.pk for d in dossiers]
    # Long after every due time: the running ones are overdue, the others not.
    frozen.shift(dt.timedelta(days=400))
    for language in ("vi", "en"):
        with translation.override(language):
            expected = [_json(DossierListSerializer(Dossier.objects.get(pk=d.pk)).data)
                        for d in dossiers]
            page = detail_body.list_page_values(rows)
            assert [list(row) for row in page] == [list(DossierListSerializer().fields)] * 6
            assert _json(page) == expected
            assert page == [detail_body.list_row_values(r) for r in rows]
    assert {row["overdue"] for row in _json(page)} == {True, False}
    # Once per page, not once per row.
    with mock.patch.object(detail_body, "_clock", wraps=detail_body._clock) as clock, \
            mock.patch.object(detail_body, "get_language",
                              wraps=detail_body.get_language) as language, \
            mock.patch.object(timezone, "now", wraps=timezone.now) as now:
        detail_body._LABELS.clear()
        detail_body.list_page_values(rows)
    assert (clock.call_count, now.call_count) == (1, 1)
    assert language.call_count == len({r.status for r in rows})
    # A page's "overdue" is answered at the time given.
    before = detail_body.list_page_values(rows, timezone.now() - dt.timedelta(days=400))
    assert not any(row["overdue"] for row in before)
