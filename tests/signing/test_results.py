"""Signing in the approve flow, `motcua results verify|export`, certified electronic copies."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.core.errors import InvalidInput, NotAllowed
from motcua.dossiers import services
from motcua.dossiers.results import (
    copy_certify,
    dossier_for_token,
    result_bytes,
    verification_token,
    verify_result,
)
from tests.factories import vn

pytestmark = pytest.mark.django_db


@pytest.fixture
def pades(settings, ca_dir):
    settings.MOTCUA_SIGNING_DIR = str(ca_dir)
    settings.MOTCUA_SIGNATURE_BACKEND = "motcua.signing.contrib.pades.PadesBackend"
    settings.MOTCUA_SIGNING_TRUST_ROOTS = []


@pytest.fixture
def approved(world, bring, pades, plain_pdf):
    dossier = bring("awaiting_approval")
    services.dossier_act(actor=world.leader, dossier=dossier, action="approve",
                         result_content=plain_pdf, result_number="12/GPXD",
                         at=vn(2026, 3, 2, 11, 0))
    dossier.refresh_from_db()
    return dossier


def test_approve_signs_with_leader_and_seal(approved):
    assert approved.result_signed
    report = verify_result(result_bytes(approved), dossier=approved)
    assert report.valid, report.summary
    assert [s.signer for s in report.signatures] == ["Trần Văn Bình", "Sở Xây dựng"]


def test_approve_with_an_expired_certificate_changes_nothing(world, bring, pades, plain_pdf,
                                                             tmp_path, settings, ca_dir):
    from motcua.signing.certificates import DevelopmentCA
    from tests.signing.conftest import expired_window

    ca = DevelopmentCA.load(ca_dir)
    ca.save(tmp_path)
    ca.issue_to(tmp_path, "people", "lanhdao", "Trần Văn Bình", organisation="Sở Xây dựng",
                unit_code=world.agency.code, **expired_window())
    settings.MOTCUA_SIGNING_DIR = str(tmp_path)
    dossier = bring("awaiting_approval")
    with pytest.raises(InvalidInput) as err:
        services.dossier_act(actor=world.leader, dossier=dossier, action="approve",
                             result_content=plain_pdf, at=vn(2026, 3, 2, 11, 0))
    assert err.value.code == "certificate_expired"
    dossier.refresh_from_db()
    assert dossier.status == "awaiting_approval" and not dossier.result_file


def test_verify_command(approved, tmp_path, capsys):
    path = tmp_path / "kq.pdf"
    call_command("results", "export", approved.code, "--output", str(path))
    call_command("results", "verify", str(path), "--code", approved.code)
    out = capsys.readouterr().out
    assert "Trần Văn Bình" in out and "hợp lệ" in out
    altered = tmp_path / "sua.pdf"
    altered.write_bytes(path.read_bytes().replace(b"/Producer", b"/Producex", 1))
    with pytest.raises(CommandError, match="thay đổi sau khi ký"):
        call_command("results", "verify", str(altered))
    with pytest.raises(CommandError, match="Không có hồ sơ"):
        call_command("results", "export", "KHONG-CO", "--output", str(path))


def test_export_refuses_an_unsigned_result(world, bring, tmp_path):
    dossier = bring("signed")  # default backend: unsigned
    with pytest.raises(CommandError, match="chưa được ký số"):
        call_command("results", "export", dossier.code, "--output", str(tmp_path / "x.pdf"))


def test_verification_token(approved):
    token = verification_token(approved)
    assert dossier_for_token(token) == approved
    assert dossier_for_token(token[:-2] + "xx") is None


def test_certified_copy(world, pades, plain_pdf):
    with pytest.raises(NotAllowed):
        copy_certify(actor=world.receptionist, content=plain_pdf, unit=world.agency)
    signed = copy_certify(actor=world.leader, content=plain_pdf, unit=world.agency)
    report = verify_result(signed.content)
    assert report.valid and report.signatures[-1].signer == "Sở Xây dựng"
    assert dt.datetime.now(dt.UTC) - report.signatures[-1].signed_at < dt.timedelta(minutes=5)
