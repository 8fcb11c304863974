"""What is owed (payments2): per-copy fees, the online-submission reduction and exemptions the
catalog records, computed in one place (``catalog.fees.assess``) and shown at intake, on the
staff fee card, on the payment page and on Mẫu 01."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from motcua.catalog.fees import MAX_COPIES, assess, exemption_choices
from motcua.catalog.models import Fee
from motcua.core.errors import InvalidInput
from motcua.dossiers import services
from motcua.payments import links, selectors
from motcua.payments.models import FeeChoice
from tests.factories import publish_version, published_procedure
from tests.workspace.conftest import APPLICANT, documents_for
from tests.workspace.test_intake import form_data

POOR = "Hộ nghèo"
MERIT = "Người có công với cách mạng"


# ------------------------------------------------------------------ the pure computation

fee_dicts = st.fixed_dictionaries({
    "name": st.text(min_size=1, max_size=10),
    "amount": st.one_of(st.none(), st.integers(min_value=0, max_value=10**12)),
    "per_copy": st.booleans(),
    "online_reduction_percent": st.integers(min_value=0, max_value=100),
    "exemptions": st.lists(st.sampled_from([POOR, MERIT, "Trẻ em"]), unique=True, max_size=3),
})


@given(fees=st.lists(fee_dicts, max_size=6), copies=st.integers(min_value=-5, max_value=5000),
       online=st.booleans(), exemption=st.sampled_from(["", POOR, MERIT, "Không có"]))
def test_amounts_are_integer_dong_never_negative_never_above_gross(fees, copies, online,
                                                                   exemption):
    result = assess(fees, copies=copies, online=online, exemption=exemption)
    assert len(result.lines) == len(fees)
    assert type(result.total) is int and result.total >= 0
    for fee, line in zip(fees, result.lines, strict=True):
        if fee["amount"] is None:
            assert line.amount is None
            continue
        assert type(line.amount) is int and 0 <= line.amount <= line.gross
        assert 1 <= line.copies <= MAX_COPIES
        assert line.gross == fee["amount"] * (line.copies if fee["per_copy"] else 1)
        if exemption and exemption in fee["exemptions"]:
            assert line.amount == 0 and line.exempt == exemption
        elif online:
            assert line.amount == line.gross - line.gross * fee["online_reduction_percent"] // 100
        else:
            assert line.amount == line.gross
    assert result.total == sum(line.amount or 0 for line in result.lines)


@given(amount=st.integers(min_value=0, max_value=10**12), percent=st.integers(0, 100))
def test_reduction_is_rounded_in_whole_dong(amount, percent):
    fee = {"name": "x", "amount": amount, "online_reduction_percent": percent}
    line = assess([fee], online=True).lines[0]
    # The reduction is rounded down, so what is owed is the exact amount rounded up to a whole
    # dong: never more than one dong off.
    assert 0 <= 100 * line.amount - amount * (100 - percent) < 100


def test_per_copy_online_and_exemption_examples():
    fees = [
        {"name": "Phí cấp bản sao", "amount": 8000, "per_copy": True},
        {"name": "Lệ phí", "amount": 100000, "online_reduction_percent": 50,
         "exemptions": [POOR]},
    ]
    assert [x.amount for x in assess(fees).lines] == [8000, 100000]
    assert [x.amount for x in assess(fees, copies=3).lines] == [24000, 100000]
    assert assess(fees, copies=3, online=True).total == 24000 + 50000
    assert assess(fees, copies=3, online=True, exemption=POOR).total == 24000
    assert assess(fees, copies=0).lines[0].copies == 1  # at least one copy
    assert exemption_choices(fees) == [POOR]


# ------------------------------------------------------------------ the catalog's columns


@pytest.fixture
def ruled_version(world):
    version = published_procedure(agency=world.agency, receiving_units=[world.center],
                                  time_value=5, name="Cấp bản sao trích lục", publish=False,
                                  documents=(("Tờ khai", True), ("Giấy tờ tùy thân", True),
                                             ("Giấy ủy quyền", False)))
    Fee.objects.create(version=version, name="Phí cấp bản sao", amount=8000, per_copy=True)
    Fee.objects.create(version=version, name="Lệ phí cấp giấy", amount=100000,
                       online_reduction_percent=50, exemptions=[POOR, MERIT])
    return publish_version(version)


@pytest.mark.django_db
@pytest.mark.parametrize("fields", [
    {"amount": 1000, "online_reduction_percent": 101},
    {"amount": None, "per_copy": True},
    {"amount": -1},
])
def test_database_refuses_bad_fee_rules(world, fields):
    version = published_procedure(agency=world.agency, publish=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Fee.objects.create(version=version, name="Lệ phí", **fields)


@pytest.mark.django_db
def test_published_fees_stay_frozen_after_the_migration(ruled_version):
    """The migration rebuilt catalog_fee on SQLite and laid the freeze again."""
    with pytest.raises(Exception, match="published_version_immutable"), transaction.atomic():
        Fee.objects.filter(version=ruled_version).update(online_reduction_percent=0)


# ------------------------------------------------------------------ intake and the dossier


def _receive(world, version, **kw):
    return services.dossier_receive(
        actor=world.receptionist, procedure_version=version, receiving_unit=world.center,
        applicant=APPLICANT, documents=documents_for(version), **kw)


@pytest.mark.django_db
def test_counter_intake_owes_copies_times_unit_and_the_exempted_fee_is_waived(world,
                                                                             ruled_version):
    assert _receive(world, ruled_version).fee_total == 8000 + 100000
    dossier = _receive(world, ruled_version, fee_copies=3, fee_exemption=POOR)
    assert dossier.fee_total == 24000


@pytest.mark.django_db
@pytest.mark.parametrize("kw,code", [({"fee_copies": 0}, "fee_copies_invalid"),
                                     ({"fee_exemption": "Ai đó"}, "fee_exemption_invalid")])
def test_intake_refuses_bad_fee_input_and_writes_nothing(world, ruled_version, kw, code):
    from motcua.dossiers.models import Dossier

    with pytest.raises(InvalidInput) as caught:
        _receive(world, ruled_version, **kw)
    assert caught.value.code == code
    assert not Dossier.objects.exists()


@pytest.mark.django_db
def test_online_submission_gets_the_province_reduction(world, ruled_version):
    dossier = services.dossier_submit_online(
        procedure_version=ruled_version, receiving_unit=world.center, applicant=APPLICANT,
        documents=documents_for(ruled_version))
    assert dossier.fee_total == 8000 + 50000
    lines = selectors.fee_lines(dossier)
    assert [(x.amount, x.reduction_percent) for x in lines] == [(8000, 0), (50000, 50)]


@pytest.mark.django_db
def test_intake_page_shows_lines_and_the_fee_inputs(client, world, ruled_version):
    client.force_login(world.receptionist)
    html = client.get("/can-bo/tiep-nhan/giay-to/", {"procedure": ruled_version.pk}
                      ).content.decode()
    assert 'id="intake-fees"' in html
    assert "8.000 × 1 bản" in html and "108.000 đồng" in html
    assert 'name="fee_copies"' in html and 'name="fee_exemption"' in html
    assert f'<option value="{POOR}">' in html


@pytest.mark.django_db
def test_intake_page_records_copies_and_exemption(client, world, ruled_version):
    from motcua.dossiers.models import Dossier

    world.version = ruled_version
    client.force_login(world.receptionist)
    response = client.post("/can-bo/tiep-nhan/", form_data(world, fee_copies="2",
                                                           fee_exemption=MERIT))
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert dossier.fee_total == 16000
    choice = FeeChoice.objects.get(dossier=dossier)
    assert (choice.copies, choice.exemption) == (2, MERIT)
    card = client.get(f"/can-bo/ho-so/{dossier.code}/").content.decode()
    assert "8.000 × 2 bản" in card and f"miễn: {MERIT}" in card and "16.000" in card
    pay = client.get(links.pay_path(dossier)).content.decode()
    assert "16.000" in pay and f"miễn: {MERIT}" in pay


@pytest.mark.django_db
def test_intake_page_bad_copies_keeps_the_form_and_writes_nothing(client, world,
                                                                    ruled_version):
    from motcua.dossiers.models import Dossier

    world.version = ruled_version
    client.force_login(world.receptionist)
    response = client.post("/can-bo/tiep-nhan/", form_data(world, fee_copies="0"))
    assert response.status_code == 400
    assert not Dossier.objects.exists() and not FeeChoice.objects.exists()


@pytest.mark.django_db
def test_receipt_slip_mau_01_lists_the_fees(world, ruled_version):
    from motcua.printing import forms

    dossier = _receive(world, ruled_version, fee_copies=2)
    FeeChoice.objects.create(dossier=dossier, copies=2, recorded_at=dossier.received_at)
    fees = forms.receipt_context(dossier)["fees"]
    assert fees["total"] == "116.000"
    assert fees["lines"][0] == "Phí cấp bản sao (8.000 đồng × 2 bản): 16.000 đồng"


@pytest.mark.django_db
def test_receipt_slip_of_a_free_procedure_has_no_fee_item(world, bring):
    from motcua.printing import forms

    assert forms.receipt_context(bring("received"))["fees"] is None


@pytest.mark.django_db
def test_portal_procedure_page_states_the_rules(client, world, ruled_version):
    html = client.get(f"/thu-tuc/{ruled_version.procedure.code}/").content.decode()
    assert "giảm 50% khi nộp trực tuyến" in html and POOR in html
