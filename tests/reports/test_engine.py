import datetime as dt

import pytest

from motcua.core.errors import InvalidInput
from motcua.dossiers.states import Status
from motcua.reports.engine import official_report
from tests.factories import vn
from tests.reports.helpers import make_dossier, record

D = dt.date


def both(**kwargs):
    exact = official_report(method="exact", **kwargs).to_dict()
    agg = official_report(method="aggregate", **kwargs).to_dict()
    assert exact["rows"] == agg["rows"]
    assert exact["total"] == agg["total"]
    return exact


@pytest.mark.django_db
def test_returned_after_as_of_counts_as_in_process(version, center):
    d = make_dossier(version, received_at=vn(2026, 3, 2, 8), due_at=vn(2026, 3, 20, 17),
                     receiving_unit=center)
    record(d, Status.APPRAISING, vn(2026, 3, 3, 9))
    record(d, Status.RESULT_READY, vn(2026, 3, 10, 9))
    record(d, Status.RETURNED, vn(2026, 3, 11, 9))

    before = both(date_from=D(2026, 3, 1), date_to=D(2026, 3, 9))["total"]
    assert before["in_process"] == {"total": 1, "on_time": 1, "overdue": 0}
    assert before["processed"]["total"] == 0

    after = both(date_from=D(2026, 3, 1), date_to=D(2026, 3, 31))["total"]
    assert after["processed"] == {"total": 1, "early": 1, "on_time": 0, "late": 0}
    assert after["in_process"]["total"] == 0


@pytest.mark.django_db
def test_bad_grouping(version):
    with pytest.raises(InvalidInput) as err:
        official_report(date_from=D(2026, 3, 1), date_to=D(2026, 3, 2), by="nope")
    assert err.value.code == "unknown_grouping"
