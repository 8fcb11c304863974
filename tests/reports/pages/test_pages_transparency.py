"""Public transparency page (/bao-cao/cong-khai/)."""

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog.models import TimeUnit
from motcua.dossiers.models import Apology
from motcua.dossiers.states import Status
from motcua.reports.transparency import limit_in_working_days, public_as_of
from tests.factories import UnitFactory, published_procedure, staff, vn
from tests.reports.helpers import make_dossier, record


@pytest.mark.django_db
def test_public_page_without_login(client, frozen, march, agency, agency2):
    apologiser = staff("leader", agency2)
    Apology.objects.create(
        dossier=march["d4"], unit=agency2, reason="Chờ xác minh", issued_by=apologiser,
        previous_due_at=vn(2026, 3, 10, 17), new_due_at=vn(2026, 3, 13, 17),
        issued_at=vn(2026, 3, 9, 15),
    )
    Apology.objects.create(  # issued last year: not in the period
        dossier=march["d2"], unit=agency2, reason="Cũ", issued_by=apologiser,
        previous_due_at=vn(2025, 3, 10, 17), new_due_at=vn(2025, 3, 13, 17),
        issued_at=vn(2025, 12, 9, 15),
    )
    response = client.get("/bao-cao/cong-khai/")
    assert response.status_code == 200
    data = response.context["data"]
    # Default period: the current year to date, as of the end of yesterday.
    assert (data.date_from, data.date_to) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert data.as_of == vn(2026, 3, 30, 23, 59, 59, 999999)
    rows = {a.code: a for a in data.agencies}
    assert (rows[agency.code].processed, rows[agency.code].on_time_rate,
            rows[agency.code].overdue, rows[agency.code].apologies) == (1, 100.0, 1, 0)
    assert (rows[agency2.code].processed, rows[agency2.code].on_time_rate,
            rows[agency2.code].overdue, rows[agency2.code].apologies) == (2, 50.0, 0, 1)
    assert "chưa có dữ liệu" in response.content.decode()


@pytest.mark.django_db
def test_no_personal_data(client, frozen, march):
    content = client.get("/bao-cao/cong-khai/").content.decode()
    assert "Nguyễn Văn A" not in content  # every test applicant's name
    assert "066123456789" not in content and "0905123456" not in content
    for dossier in march.values():
        assert dossier.code not in content


@pytest.mark.django_db
def test_average_processing_time_in_working_days(client, frozen, march, version, version2):
    procedures = {p.code: p for p in client.get("/bao-cao/cong-khai/").context["data"].procedures}
    # d1: Mon 02/03 08:00 -> Tue 10/03 10:00 = 7 h + 5 days + 3 h = 50 h = 6.25 days.
    first = procedures[version.procedure.code]
    assert (first.dossiers, first.average_days) == (1, Decimal("6.25"))
    # d2: 7 h + 2 h = 1.125 days; d4: 7 + 8 + 8 + 2 h = 3.125 days; mean 2.125 -> 2.13.
    second = procedures[version2.procedure.code]
    assert (second.dossiers, second.average_days) == (2, Decimal("2.13"))
    assert second.limit_label == "15 ngày làm việc" and second.within_limit is True


@pytest.mark.django_db
def test_procedure_over_its_limit_is_marked(client, frozen, center):
    quick = published_procedure(agency=UnitFactory(), receiving_units=[center], code="1.000777",
                                time_value=4, time_unit=TimeUnit.WORKING_HOURS)
    d = make_dossier(quick, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 2, 14),
                     receiving_unit=center)
    record(d, Status.RESULT_READY, vn(2026, 3, 3, 8))  # 7 h + 1 h = 1 working day
    line = client.get("/bao-cao/cong-khai/").context["data"].procedures[0]
    assert (line.average_days, line.limit_days, line.within_limit) == (
        Decimal("1.00"), Decimal("0.50"), False
    )


@pytest.mark.django_db
def test_custom_period(client, frozen, march):
    response = client.get("/bao-cao/cong-khai/", {"from": "2026-03-01", "to": "2026-03-05"})
    data = response.context["data"]
    assert data.as_of == vn(2026, 3, 5, 23, 59, 59, 999999)
    assert data.report.total.processed == 1  # only d2 ended by 05/03


@pytest.mark.django_db
def test_bad_period_is_400(client, frozen):
    assert client.get("/bao-cao/cong-khai/", {"from": "x", "to": "y"}).status_code == 400
    future = client.get("/bao-cao/cong-khai/", {"from": "2026-05-01", "to": "2026-05-31"})
    assert future.status_code == 400


def test_public_as_of():
    now = vn(2026, 3, 31, 10)
    assert public_as_of(dt.date(2026, 1, 1), dt.date(2026, 3, 31), now) == vn(
        2026, 3, 30, 23, 59, 59, 999999)
    assert public_as_of(dt.date(2026, 3, 31), dt.date(2026, 3, 31), now) is None
    assert public_as_of(dt.date(2026, 1, 1), dt.date(2026, 2, 28), now) == vn(
        2026, 2, 28, 23, 59, 59, 999999)


def test_limits_in_working_days():
    assert limit_in_working_days(Decimal(15), TimeUnit.WORKING_DAYS) == 15
    assert limit_in_working_days(Decimal(12), TimeUnit.WORKING_HOURS) == Decimal("1.5")
    assert limit_in_working_days(Decimal(30), TimeUnit.CALENDAR_DAYS) is None
    assert limit_in_working_days(None, "") is None


@pytest.mark.django_db
def test_public_page_is_fast(client, frozen, version, version2, center,
                             django_assert_max_num_queries):
    for i in range(30):
        d = make_dossier(version if i % 2 else version2, received_at=vn(2026, 3, 2 + i % 20, 9),
                         due_at=vn(2026, 3, 25, 17), receiving_unit=center)
        if i % 3 == 0:
            record(d, Status.RESULT_READY, vn(2026, 3, 23, 9))
    with django_assert_max_num_queries(12):
        response = client.get("/bao-cao/cong-khai/")
    assert response.context["data"].report.method == "aggregate"
    assert response.context["data"].report.total.processed == 10
