"""The synthetic dataset: well-formed, consistent rows that the real code can read and extend."""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter

import pytest

from bench import generate, seed
from motcua.dossiers.identity import normalise_phone, validate_personal_id
from motcua.dossiers.models import CodeSequence, Dossier, StatusChange
from motcua.dossiers.services import next_code
from motcua.dossiers.states import NATIONAL_CODE
from motcua.org.models import Unit

NOW = dt.datetime(2026, 11, 20, 3, 0, tzinfo=dt.UTC)  # 10:00 in Vietnam
CODE = re.compile(r"^(?P<unit>.+)-(?P<day>\d{6})-(?P<seq>\d{4})$")


@pytest.fixture
def province(db):
    seed._stand_in(communes=3)


@pytest.fixture
def generated(province):
    return generate.generate(400, now=NOW, years=1, tune=False)


def test_counts_and_history(generated):
    assert Dossier.objects.count() == 400 == generated.dossiers
    moved = Dossier.objects.exclude(status="received").count()
    assert StatusChange.objects.count() == 400 + moved == generated.status_changes
    assert StatusChange.objects.filter(to_status="received", from_status="").count() == 400
    # The last history row of each dossier is its current state.
    for d in Dossier.objects.order_by("?")[:50]:
        last = d.status_changes.order_by("at", "id").last()
        assert last.to_status == d.status
        assert last.due_at == d.due_at


def test_rows_are_consistent(generated):
    today_vn = NOW.astimezone(generate.VN).date()
    for d in Dossier.objects.select_related("receiving_unit"):
        m = CODE.match(d.code)
        assert m and m["unit"] == d.receiving_unit.code
        received_vn = d.received_at.astimezone(generate.VN)
        assert m["day"] == f"{received_vn:%y%m%d}"
        assert received_vn.date() < today_vn
        assert d.national_status == NATIONAL_CODE[d.status]
        assert d.due_at > d.received_at
        assert (d.finished_at is not None) == (d.status in generate.FINISHED)
        if d.finished_at:
            assert d.received_at < d.finished_at <= NOW
        validate_personal_id(d.applicant_id_number, birth_date=d.applicant_birth_date,
                             gender=d.applicant_gender)
        assert normalise_phone(d.applicant_phone) == d.applicant_phone
    assert len(set(Dossier.objects.values_list("code", flat=True))) == 400


def test_paused_dossiers_have_their_open_pause(generated):
    """The supplement and payment paths resume a paused dossier from its open pause; a
    generated dossier in a paused state without one failed the payment IPN figure."""
    from motcua.dossiers.models import DossierPause

    assert Dossier.objects.filter(status__in=generate.PAUSED).exists()
    for status, kind in generate.PAUSED.items():
        for d in Dossier.objects.filter(status=status):
            pause = DossierPause.objects.get(dossier=d, ended_at__isnull=True)
            entered = d.status_changes.filter(to_status=status).order_by("at").last()
            assert (pause.kind, pause.started_at) == (kind, entered.at)
    assert not DossierPause.objects.exclude(dossier__status__in=generate.PAUSED).exists()


def test_distribution_is_realistic(generated):
    by_status = Counter(Dossier.objects.values_list("status", flat=True))
    assert by_status["returned"] > 0.6 * 400
    assert len(by_status) >= 4
    channels = Counter(Dossier.objects.values_list("channel", flat=True))
    assert channels[1] > channels[3] and channels[2] > channels[3]
    # Commune procedures are spread over several commune centers.
    assert Dossier.objects.filter(receiving_unit__level="xa").values("receiving_unit").distinct().count() > 1


def test_real_intake_continues_the_code_sequences(generated):
    d = Dossier.objects.order_by("-received_at").select_related("receiving_unit").first()
    seq = CodeSequence.objects.get(unit_code=d.receiving_unit.code, day=d.received_at.astimezone(generate.VN).date())
    same_day = Dossier.objects.filter(code__startswith=d.code.rsplit("-", 1)[0] + "-").count()
    assert seq.last == same_day
    from django.db import transaction

    with transaction.atomic():
        code = next_code(d.receiving_unit, d.received_at)
    assert not Dossier.objects.filter(code=code).exists()
    assert code.endswith(f"-{same_day + 1:04d}")


def test_plan_is_deterministic(province):
    targets = generate.load_targets()
    cal = generate.WorkingDays(dt.date(2025, 1, 1), dt.date(2027, 12, 31))

    def plan(seed_):
        return [(p.target.version_id, p.received, p.status)
                for p in generate._plan(50, random.Random(seed_), NOW, 1, targets, cal)]

    assert plan(1) == plan(1)
    assert plan(1) != plan(2)


def test_working_days_skip_weekends_and_tet():
    cal = generate.WorkingDays(dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert all(d.weekday() < 5 for d in cal.days)
    assert dt.date(2026, 2, 17) not in cal.days  # Tết Bính Ngọ, mùng 1
    friday = dt.date(2026, 3, 6)
    assert cal.add(friday, 1) == dt.date(2026, 3, 9)


def test_id_numbers_are_valid():
    rng = random.Random(3)
    for _ in range(200):
        number, birth, gender = generate.id_number(rng, "054")
        assert number.startswith("054") and len(number) == 12
        validate_personal_id(number, birth_date=birth, gender=gender)


def test_stand_in_province_has_receiving_units(province):
    assert Unit.objects.filter(kind="provincial_center").count() == 1
    assert Unit.objects.filter(kind="commune_center").count() == 3
