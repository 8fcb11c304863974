"""Decision 766 service index (index766.service_index, /bao-cao/chi-so/)."""

import datetime as dt
from decimal import Decimal

import pytest

from motcua.catalog.models import OnlineMode
from motcua.dossiers.models import Dossier
from motcua.reports.index766 import GROUPS, SUB_INDICATORS, convert, service_index
from tests.factories import UnitFactory, published_procedure, vn
from tests.reports.helpers import make_dossier

D = Decimal


@pytest.mark.parametrize(
    ("num", "den", "points", "threshold", "expected"),
    [
        (9, 10, D(4), D("0.8"), D("4.00")),  # above the threshold: full points
        (4, 5, D(4), D("0.8"), D("4.00")),  # exactly at the threshold
        (1, 2, D(4), D("0.8"), D("2.50")),  # below: ratio × max ÷ T
        (2, 3, D("4.4"), D("0.8"), D("3.67")),  # rounded half-up to 2 decimals
        (1, 3, D(10), None, D("3.33")),  # no threshold: ratio × max
        (3, 3, D(10), None, D("10.00")),
        (0, 7, D(6), D("0.9"), D("0.00")),
        (0, 0, D(6), D("0.9"), None),  # zero denominator: N/A
    ],
)
def test_conversion_rule(num, den, points, threshold, expected):
    assert convert(num, den, points, threshold) == expected


def test_weights_add_up_to_the_group_maxima():
    for group in GROUPS:
        assert sum(s.points for s in SUB_INDICATORS if s.group == group.code) == group.max_points
    assert sum(g.max_points for g in GROUPS) == 100


@pytest.fixture
def scene(frozen, march, center):
    """The March dossiers plus online procedures of another agency and a few flags."""
    other = UnitFactory(name="Sở Khoa học và Công nghệ")
    full = published_procedure(agency=other, receiving_units=[center], code="1.000101",
                               online_mode=OnlineMode.FULL, requires_paper_result=False)
    published_procedure(agency=other, receiving_units=[center], code="1.000102",
                        online_mode=OnlineMode.PARTIAL)
    published_procedure(agency=other, receiving_units=[center], code="1.000103")
    extra = make_dossier(full, received_at=vn(2026, 3, 16, 9), due_at=vn(2026, 4, 16, 17),
                         receiving_unit=center, channel=2, fee_total=50000, paid_online=True)
    Dossier.objects.filter(pk=march["d3"].pk).update(fee_total=10000)
    Dossier.objects.filter(pk=march["d2"].pk).update(result_file="results/kq.pdf", digitised=True)
    Dossier.objects.filter(pk=march["d1"].pk).update(vneid_verified=True)
    return {**march, "extra": extra, "other": other}


@pytest.mark.django_db
def test_province_index(scene):
    index = service_index(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31))
    expected = {
        "1.3": (2 + 3, 5, D("4.50")),  # every procedure has all its parts
        "2.1": (4, 6, D("6.67")),  # d1 early, d2 on time, d5 and extra in time; of 6
        "2.2": (2, 2, D("10.00")),  # both procedures with ended dossiers within their limit
        "3.1": (2, 5, D("2.00")),  # 40 % of procedures online, T = 80 %: 0.4 × 4 ÷ 0.8
        "3.2": (1, 2, D("2.00")),  # one of two online procedures has an online dossier
        "3.3": (1, 5, D("1.60")),  # only extra (no paper result needed); T = 50 %
        "3.6": (1, 2, D("2.50")),
        "4.1": (1, 3, D("1.47")),  # of d1, d2, d4 (ended), d2 has an e-result
        "4.2": (1, 3, D("1.83")),  # 1/3 < 80 %: 0.333 × 4.4 ÷ 0.8
        "4.5": (1, 5, D("0.88")),
    }
    for code, (num, den, points) in expected.items():
        sub = index.sub(code)
        assert (sub.numerator, sub.denominator, sub.points) == (num, den, points), code
    for code in ("1.1", "1.2", "1.4", "3.5", "4.3", "4.4", "5.1", "5.2", "5.3", "5.4"):
        assert index.sub(code).points is None and index.sub(code).note, code
    # 5.4 shows its overdue input (d3 open overdue, d4 late) although it cannot score.
    assert (index.sub("5.4").numerator, index.sub("5.4").denominator) == (2, 6)
    groups = {g.group.code: g.points for g in index.groups}
    assert groups == {"1": D("4.50"), "2": D("16.67"), "3": D("5.60"), "3b": D("2.50"),
                      "4": D("4.18"), "5": None}
    assert index.points == D("33.45")
    assert index.available_max == D("54.70")


@pytest.mark.django_db
def test_agency_index_counts_only_its_dossiers_and_procedures(scene, agency):
    index = service_index(unit=agency, date_from=dt.date(2026, 3, 1),
                          date_to=dt.date(2026, 3, 31))
    assert (index.sub("2.1").numerator, index.sub("2.1").denominator) == (2, 3)
    assert index.sub("2.1").points == D("6.67")
    assert (index.sub("3.1").numerator, index.sub("3.1").denominator) == (0, 1)
    assert index.sub("3.2").points is None  # no online procedure: N/A


@pytest.mark.django_db
def test_page_for_manager(client, scene, manager):
    client.force_login(manager)
    response = client.get("/bao-cao/chi-so/", {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="index-total">33,45<' in content
    assert content.count(">N/A<") >= 10
    assert response.context["unit"] is None


@pytest.mark.django_db
def test_agency_leader_defaults_to_own_unit(client, scene, agency_leader, agency):
    client.force_login(agency_leader)
    response = client.get("/bao-cao/chi-so/", {"from": "2026-03-01", "to": "2026-03-31"})
    assert response.status_code == 200
    assert response.context["unit"] == agency


@pytest.mark.django_db
def test_wrong_unit_forbidden(client, scene, agency_leader, agency2):
    client.force_login(agency_leader)
    assert client.get("/bao-cao/chi-so/", {"unit": agency2.code}).status_code == 403


@pytest.mark.django_db
def test_wrong_role_forbidden(client, scene, receptionist):
    client.force_login(receptionist)
    assert client.get("/bao-cao/chi-so/").status_code == 403


@pytest.mark.django_db
def test_anonymous_redirected(client):
    assert client.get("/bao-cao/chi-so/").status_code == 302


@pytest.mark.django_db
def test_index_page_queries_do_not_grow(client, frozen, version, version2, center, manager,
                                        django_assert_max_num_queries):
    for i in range(30):
        make_dossier(version if i % 2 else version2, received_at=vn(2026, 3, 2 + i % 20, 9),
                     due_at=vn(2026, 3, 25, 17), receiving_unit=center)
    client.force_login(manager)
    with django_assert_max_num_queries(40):
        assert client.get("/bao-cao/chi-so/").status_code == 200


def _complaint(unit, code, submitted, due, answered=None, contact="0900000000",
               subject="Chờ lâu"):
    from motcua.floor.models import Complaint

    return Complaint.objects.create(
        code=code, unit=unit, name="Phạm C", contact=contact, subject=subject, text="Nội dung",
        submitted_at=submitted, due_at=due, answered_at=answered,
        status="answered" if answered else "received", answer="Trả lời" if answered else "")


@pytest.mark.django_db
def test_complaint_indicators_52_and_53_from_complaints(agency):
    other = UnitFactory(code="000.00.02.H15", name="Sở Tư pháp")
    _complaint(agency, "PA1", vn(2026, 3, 2, 9, 0), vn(2026, 3, 20, 9, 0), vn(2026, 3, 10, 9, 0))
    _complaint(agency, "PA2", vn(2026, 3, 2, 9, 0), vn(2026, 3, 20, 9, 0), vn(2026, 3, 25, 9, 0),
               contact="0911111111")  # answered late
    _complaint(agency, "PA3", vn(2026, 3, 25, 9, 0), vn(2026, 4, 14, 9, 0),
               contact="0944444444")  # open, in time
    _complaint(agency, "PA4", vn(2026, 3, 3, 9, 0), vn(2026, 3, 24, 9, 0),
               contact="0955555555")  # open, overdue
    _complaint(agency, "PA5", vn(2026, 3, 4, 9, 0), vn(2026, 3, 24, 9, 0), vn(2026, 3, 12, 9, 0),
               contact="0922222222", subject="Lặp lại")  # on time, but sent again after:
    _complaint(agency, "PA6", vn(2026, 3, 15, 9, 0), vn(2026, 4, 5, 9, 0),
               contact="0922222222", subject="Lặp lại")
    # received in February, answered on time in March: only in 5.3
    _complaint(agency, "PA7", vn(2026, 2, 20, 9, 0), vn(2026, 3, 12, 9, 0), vn(2026, 3, 5, 9, 0),
               contact="0933333333")
    _complaint(other, "PA8", vn(2026, 3, 2, 9, 0), vn(2026, 3, 3, 9, 0))  # another unit
    index = service_index(unit=agency, date_from=dt.date(2026, 3, 1),
                          date_to=dt.date(2026, 3, 31), as_of=vn(2026, 4, 15, 9, 0))
    on_time, satisfied = index.sub("5.2"), index.sub("5.3")
    # 5.2: PA1, PA3, PA5, PA6 of PA1–PA6 (PA2 late, PA4 overdue); 4 ÷ 6 × 6 points
    assert (on_time.numerator, on_time.denominator, on_time.points) == (4, 6, D("4.00"))
    # 5.3: answered in March PA1, PA2, PA5, PA7; satisfied PA1, PA7 (PA2 late, PA5 repeated)
    assert (satisfied.numerator, satisfied.denominator, satisfied.points) == (2, 4, D("3.00"))
    assert "không hài lòng" in satisfied.note
    province = service_index(unit=None, date_from=dt.date(2026, 3, 1),
                             date_to=dt.date(2026, 3, 31), as_of=vn(2026, 4, 15, 9, 0))
    assert province.sub("5.2").denominator == 7  # PA8 counts for the whole province
