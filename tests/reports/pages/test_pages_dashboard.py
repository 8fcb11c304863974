"""Dashboard (/bao-cao/) and its drill-down list (/bao-cao/ho-so/)."""

import csv
import datetime as dt
import html
import io
import re

import pytest

from motcua.org.models import Role, UnitKind
from motcua.reports.dashboard import preset_period
from tests.factories import UnitFactory, staff, vn
from tests.reports.helpers import make_dossier

DRILL_LINK = re.compile(r'<a href="(/bao-cao/ho-so/\?[^"]+)"[^>]*>(\d+)</a>')


def _kpi(content: str, metric: str) -> int:
    match = re.search(rf'<a href="[^"]+" data-metric="{metric}"[^>]*>(\d+)</a>', content)
    return int(match.group(1))


def _count(response) -> int:
    return int(re.search(r'id="dossier-count">(\d+)<', response.content.decode()).group(1))


@pytest.mark.django_db
def test_manager_sees_totals_of_the_month(client, frozen, march, manager):
    client.force_login(manager)
    response = client.get("/bao-cao/", {"preset": "month"})
    assert response.status_code == 200
    content = response.content.decode()
    assert _kpi(content, "received") == 5
    assert _kpi(content, "processed") == 3
    assert _kpi(content, "overdue") == 1
    data = response.context["data"]
    assert data.total.carried_over == 1 and data.total.new == 4
    assert data.total.on_time_rate == pytest.approx(66.67)
    assert data.total.online_share == 25.0
    assert "Chưa có dữ liệu" in content  # satisfaction
    assert 'vendor/chart-4.6.1.umd.min.js' in content and 'id="dash-data"' in content


@pytest.mark.django_db
def test_daily_series(client, frozen, march, manager):
    client.force_login(manager)
    days = {p.day: p for p in client.get("/bao-cao/").context["data"].days}
    assert len(days) == 31
    assert [d.day.day for d in days.values() if d.received] == [2, 3, 5, 9]
    assert [d.day.day for d in days.values() if d.processed] == [4, 10, 12]
    assert days[dt.date(2026, 3, 31)].received == 0


@pytest.mark.django_db
def test_every_drill_down_number_equals_its_list(client, frozen, march, manager):
    client.force_login(manager)
    content = client.get("/bao-cao/").content.decode()
    links = DRILL_LINK.findall(content)
    assert len(links) > 40  # KPIs, three tables, the daily table
    for href, number in links:
        response = client.get(html.unescape(href))
        assert response.status_code == 200, href
        assert _count(response) == int(number), href
        assert len(response.context["rows"]) == int(number)


@pytest.mark.django_db
def test_overdue_by_agency_lists_the_overdue_dossier(client, frozen, march, manager, agency):
    client.force_login(manager)
    response = client.get(
        "/bao-cao/ho-so/", {"metric": "overdue", "agency": agency.code, "preset": "month"}
    )
    assert [r["code"] for r in response.context["rows"]] == [march["d3"].code]
    assert response.context["rows"][0]["timeliness"] == "Quá hạn"


@pytest.mark.django_db
def test_csv_export_of_a_metric(client, frozen, march, manager):
    client.force_login(manager)
    response = client.get("/bao-cao/ho-so/", {"metric": "processed", "preset": "month",
                                              "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Mã hồ sơ"
    assert sorted(r[0] for r in rows[1:]) == sorted(
        march[k].code for k in ("d1", "d2", "d4")
    )
    assert {r[rows[0].index("Tiến độ")] for r in rows[1:]} == {"Trước hạn", "Đúng hạn", "Quá hạn"}


@pytest.mark.django_db
def test_list_is_paginated(client, frozen, version, center, manager):
    for i in range(55):
        make_dossier(version, received_at=vn(2026, 3, 2, 8, i % 60),
                     due_at=vn(2026, 4, 20, 17), receiving_unit=center)
    client.force_login(manager)
    first = client.get("/bao-cao/ho-so/", {"metric": "new", "preset": "month"})
    assert _count(first) == 55 and len(first.context["rows"]) == 50
    second = client.get("/bao-cao/ho-so/", {"metric": "new", "preset": "month", "page": 2})
    assert len(second.context["rows"]) == 5


@pytest.mark.django_db
def test_agency_leader_sees_only_own_agency(client, frozen, march, agency_leader):
    client.force_login(agency_leader)
    response = client.get("/bao-cao/")
    assert response.status_code == 200
    assert [r["label"] for r in response.context["agencies"]] == ["Sở Xây dựng"]
    assert response.context["data"].total.received == 3
    codes = [r["code"] for r in client.get("/bao-cao/ho-so/", {"metric": "received"})
             .context["rows"]]
    assert sorted(codes) == sorted(march[k].code for k in ("d1", "d3", "d5"))


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/bao-cao/", "/bao-cao/ho-so/"])
def test_wrong_unit_is_forbidden(client, frozen, march, agency_leader, agency2, url):
    client.force_login(agency_leader)
    response = client.get(url, {"agency": agency2.code})
    assert response.status_code == 403


@pytest.mark.django_db
def test_commune_leader_cannot_see_another_commune(client, frozen, march):
    commune = UnitFactory(kind=UnitKind.COMMUNE_CENTER, level="xa")
    other = UnitFactory(kind=UnitKind.COMMUNE_CENTER, level="xa")
    client.force_login(staff(Role.LEADER, commune))
    assert client.get("/bao-cao/", {"unit": other.code}).status_code == 403
    assert client.get("/bao-cao/", {"unit": commune.code}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/bao-cao/", "/bao-cao/ho-so/"])
def test_wrong_role_is_forbidden(client, frozen, march, receptionist, url):
    client.force_login(receptionist)
    response = client.get(url)
    assert response.status_code == 403
    assert "Bạn không có quyền xem báo cáo thống kê." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/bao-cao/", "/bao-cao/ho-so/"])
def test_anonymous_goes_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [{"from": "2026-03-31", "to": "2026-03-01"}, {"from": "2026-13-01", "to": "2026-03-01"},
     {"metric": "nonsense"}, {"preset": "decade"}, {"agency": "không-có"}, {"channel": "9"},
     {"from": "2026-05-01", "to": "2026-05-31"}, {"day": "hôm qua"}, {"from": "2026-03-01"}],
)
def test_bad_parameters_give_400(client, frozen, manager, params):
    client.force_login(manager)
    assert client.get("/bao-cao/ho-so/", params).status_code == 400


@pytest.mark.parametrize(
    ("preset", "today", "expected"),
    [
        ("month", dt.date(2026, 12, 5), (dt.date(2026, 12, 1), dt.date(2026, 12, 31))),
        ("month", dt.date(2028, 2, 10), (dt.date(2028, 2, 1), dt.date(2028, 2, 29))),
        ("quarter", dt.date(2026, 11, 26), (dt.date(2026, 10, 1), dt.date(2026, 12, 31))),
        ("quarter", dt.date(2026, 5, 1), (dt.date(2026, 4, 1), dt.date(2026, 6, 30))),
        ("6m", dt.date(2026, 11, 26), (dt.date(2026, 1, 1), dt.date(2026, 6, 30))),
        ("9m", dt.date(2026, 11, 26), (dt.date(2026, 1, 1), dt.date(2026, 9, 30))),
        ("year", dt.date(2026, 11, 26), (dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
    ],
)
def test_presets(preset, today, expected):
    assert preset_period(preset, today) == expected


@pytest.mark.django_db
def test_no_n_plus_one(client, frozen, version, version2, center, manager,
                       django_assert_max_num_queries):
    for i in range(30):
        make_dossier(version if i % 2 else version2, received_at=vn(2026, 3, 2 + i % 20, 9),
                     due_at=vn(2026, 3, 25, 17), receiving_unit=center, channel=1 + i % 2)
    client.force_login(manager)
    with django_assert_max_num_queries(40):
        assert client.get("/bao-cao/").status_code == 200
    with django_assert_max_num_queries(15):
        response = client.get("/bao-cao/ho-so/", {"metric": "received"})
    assert _count(response) == 30


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["exact", "auto"])
def test_dashboard_equals_the_official_report(frozen, march, version, center, method):
    from motcua.dossiers.states import Status
    from motcua.reports.dashboard import PageParams, dashboard
    from motcua.reports.engine import official_report
    from tests.reports.helpers import record

    paused = make_dossier(version, received_at=vn(2026, 3, 3, 9), due_at=vn(2026, 3, 5, 17),
                          receiving_unit=center, channel=3, fee_total=1000, paid_online=True,
                          digitised=True)
    record(paused, Status.SUPPLEMENT_REQUESTED, vn(2026, 3, 6, 9))  # paused after its due
    params = PageParams(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31))
    as_of = vn(2026, 3, 30, 23, 59, 59, 999999)  # end of a day: "auto" may use the ledger
    data = dashboard(params, as_of=as_of)
    for by, mine in (("agency", data.by_agency), ("field", data.by_field),
                     ("unit", data.by_unit)):
        official = official_report(date_from=params.date_from, date_to=params.date_to,
                                   as_of=as_of, by=by, method=method)
        assert [r.to_dict() for r in mine.rows] == [r.to_dict() for r in official.rows], by
        assert mine.total.to_dict() == official.total.to_dict()
    assert data.total.paused_overdue == 1 and data.total.post == 1


@pytest.mark.django_db
def test_list_codes_open_the_dossier_and_the_table_scrolls_in_its_own_box(
        client, frozen, march, manager, agency):
    client.force_login(manager)
    response = client.get(
        "/bao-cao/ho-so/", {"metric": "overdue", "agency": agency.code, "preset": "month"})
    page = response.content.decode()
    code = march["d3"].code
    assert f'<a href="/can-bo/ho-so/{code}/">{code}</a>' in page
    wrap = page.split('<div class="table-wrap"', 1)[1].split(">", 1)[0]
    assert 'tabindex="0"' in wrap and 'role="region"' in wrap
