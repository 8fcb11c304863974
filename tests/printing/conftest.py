"""Dossiers for the printing tests, built row by row (no dossier services)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from motcua.catalog.models import TimeUnit
from motcua.dossiers.models import Dossier, DossierDocument, ProvidedAs
from motcua.dossiers.states import Channel, Status
from motcua.org.models import Role, Unit, UnitKind
from tests.factories import CenterFactory, UnitFactory, published_procedure, staff, vn


@pytest.fixture
def province(db):
    return Unit.objects.create(
        code="H15", name="Tỉnh Đắk Lắk", kind=UnitKind.PROVINCE
    )


@pytest.fixture
def center(province):
    return CenterFactory(
        name="Trung tâm Phục vụ hành chính công tỉnh Đắk Lắk", parent=province,
        phone="0262 3 888 999",
    )


@pytest.fixture
def agency(province):
    return UnitFactory(name="Sở Xây dựng", parent=province, short_name="SXD")


@pytest.fixture
def version(center, agency):
    return published_procedure(
        agency=agency, receiving_units=[center], name="Cấp giấy phép xây dựng nhà ở riêng lẻ"
    )


@pytest.fixture
def receptionist(center):
    user = staff(Role.RECEPTIONIST, center, username="tiepnhan")
    user.last_name, user.first_name = "Trần", "Thị Bình"
    user.save()
    return user


@pytest.fixture
def outsider(db):
    other = CenterFactory(name="Trung tâm Phục vụ hành chính công xã Ea Kao")
    return staff(Role.RECEPTIONIST, other, username="ngoaidonvi")


@pytest.fixture
def make_dossier(version, center, agency, receptionist):
    counter = {"n": 0}
    default_received = vn(2026, 3, 2, 14, 5)

    def make(status=Status.RECEIVED, received_at=default_received, **fields):
        counter["n"] += 1
        values = {
            "code": f"{center.code}-260302-{counter['n']:04d}",
            "procedure_version": version,
            "field": version.field,
            "receiving_unit": center,
            "competent_unit": agency,
            "current_unit": agency,
            "channel": Channel.COUNTER,
            "received_by": receptionist,
            "applicant_name": "Nguyễn Văn Hùng",
            "applicant_id_number": "066090001234",
            "applicant_address": "12 Lê Duẩn, phường Buôn Ma Thuột, tỉnh Đắk Lắk",
            "applicant_phone": "0905123456",
            "applicant_email": "hung@example.vn",
            "received_at": received_at,
            "submitted_at": received_at,
            "clock_start": received_at,
            "time_value": Decimal(15),
            "time_unit": TimeUnit.WORKING_DAYS,
            "due_at": vn(2026, 3, 23, 14, 5),
        }
        values.update(fields)
        dossier = Dossier(**values)
        dossier.set_status(status)
        dossier.save()
        return dossier

    return make


@pytest.fixture
def received(make_dossier):
    dossier = make_dossier()
    DossierDocument.objects.create(
        dossier=dossier, name="Đơn đề nghị cấp giấy phép xây dựng", provided_as=ProvidedAs.ORIGINAL
    )
    DossierDocument.objects.create(
        dossier=dossier, name="Bản vẽ thiết kế", provided_as=ProvidedAs.COPY, copies=2
    )
    DossierDocument.objects.create(
        dossier=dossier, name="Giấy tờ chưa nộp", provided_as=ProvidedAs.NONE
    )
    return dossier
