"""The source article: 31/12/2019–22/01/2020, 4,741 received over 16 working days (296.31 a
day), 2,095 returned, 2,646 pending and not yet due at the end of 22/01/2020."""

import csv
import datetime as dt

import pytest
from django.core.management import call_command

from motcua.reports.engine import official_report
from motcua.reports.ledger import calendar
from tests.factories import published_procedure, vn

FROM, TO = dt.date(2019, 12, 31), dt.date(2020, 1, 22)
RECEIVED, RETURNED = 4741, 2095


def article_rows():
    cal = calendar()
    days = [FROM + dt.timedelta(n) for n in range((TO - FROM).days + 1)]
    days = [d for d in days if cal.is_working_day(d)]
    assert len(days) == 16
    for i in range(RECEIVED):
        day = days[i % 16]
        received = vn(day.year, day.month, day.day, 7, 0) + dt.timedelta(minutes=(i // 16) % 270)
        row = {
            "code": f"000.00.00.H15-{day:%y%m%d}-{i:04d}",
            "procedure_code": "1.009999",
            "receiving_unit": "000.00.00.H15",
            "applicant_name": f"Công dân {i}",
            "applicant_id_number": f"066{i:09d}",
            "channel": 1 + i % 3,
            "received_at": received.isoformat(),
            "due_at": "",
            "finished_at": "",
            "returned_at": "",
        }
        if i < RETURNED:
            finished = received + dt.timedelta(hours=2)
            row |= {
                "due_at": (received + dt.timedelta(days=14)).isoformat(),
                "finished_at": finished.isoformat(),
                "returned_at": (finished + dt.timedelta(hours=1)).isoformat(),
                "status": 10,
            }
        else:
            # Half carry an explicit due; the others get theirs from worktime (30 working days).
            if i % 2:
                row["due_at"] = "2020-02-10T17:00:00+07:00"
            row["status"] = 4
        yield row


@pytest.fixture
def article(db, tmp_path):
    from tests.factories import CenterFactory, UnitFactory

    center = CenterFactory(code="000.00.00.H15")
    agency = UnitFactory(code="000.00.01.H15", name="Sở Tư pháp")
    published_procedure(agency=agency, receiving_units=[center], code="1.009999", time_value=30)
    path = tmp_path / "article.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[*next(article_rows()).keys()])
        writer.writeheader()
        writer.writerows(article_rows())
    call_command("dossiers_import", str(path))
    return agency


@pytest.mark.parametrize("method", ["exact", "aggregate", "auto"])
def test_article_numbers(article, method):
    report = official_report(date_from=FROM, date_to=TO, by="agency", method=method)
    total = report.total
    assert report.working_days == 16
    assert total.received == RECEIVED
    assert total.carried_over == 0
    assert total.processed == RETURNED
    assert total.in_process_on_time == RECEIVED - RETURNED == 2646
    assert total.in_process_overdue == 0
    assert total.paused == 0
    assert total.daily_received == 296.31
    assert report.rows[0].label == "Sở Tư pháp"
    if method == "auto":
        assert report.method == "aggregate"
