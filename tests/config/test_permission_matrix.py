"""The permission matrix (issue 12 §7): every route of the URL configuration × every role ×
own unit / other unit, and anonymous, against the table in docs/security.md.

The routes come from the URL resolver, so a new route without a row in the table fails
``test_every_route_has_a_row``; each row's cells are the status codes that role gets, and
``test_route_answers_as_the_table_says`` checks every one. "Own unit": the role held in the
unit the dossier concerns (the receiving center for reception, courier, manager and
administrator; the competent agency for specialist and leader). "Other": the same role in a
center or agency that has nothing to do with the dossier. Each request runs in a savepoint
rolled back afterwards, so an action that succeeds does not change what the next cell sees.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from motcua.dossiers.models import CounterGuidance
from motcua.org.models import Role
from tests.factories import staff
from tests.workspace.conftest import APPLICANT

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
ROLES = ["receptionist", "specialist", "leader", "courier", "center_manager", "administrator"]
COLUMNS = ["anonymous"] + [f"{r} {side}" for r in ROLES for side in ("own", "other")]
OWN_UNIT = {"receptionist": "center", "courier": "center", "center_manager": "center",
            "administrator": "center", "specialist": "agency", "leader": "agency"}
OTHER_UNIT = {"center": "foreign_center", "agency": "foreign"}
ADMIN = "quan-tri/"  # Django's admin: one row for its whole tree


def _routes(resolver=None, prefix="") -> set[str]:
    routes = set()
    for entry in (resolver or get_resolver()).url_patterns:
        pattern = prefix + str(entry.pattern)
        if pattern.startswith("^media/"):
            continue  # development only: static() serves uploads when DEBUG is on
        if pattern.startswith(ADMIN):
            routes.add(ADMIN)
        elif isinstance(entry, URLResolver):
            routes |= _routes(entry, pattern)
        elif isinstance(entry, URLPattern):
            routes.add(pattern)
    return routes


def _table() -> dict[tuple[str, str], dict[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("## Permission matrix", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 + len(COLUMNS) and cells[0] in {"GET", "POST"}:
            route = cells[1].strip("`")
            rows[(cells[0], route)] = dict(zip(COLUMNS, cells[2:], strict=True))
    return rows


# How each route is requested: method, path (``{code}`` the dossier, ``{pk}`` a guidance
# slip, ``{center}`` the center's code), data.
REQUESTS = {
    ADMIN: [("GET", "/quan-tri/", None)],
    "i18n/setlang/": [("POST", "/i18n/setlang/", {"language": "en"})],
    "dang-nhap/": [("GET", "/dang-nhap/", None)],
    "dang-xuat/": [("POST", "/dang-xuat/", None)],
    "api/schema/": [("GET", "/api/schema/", None)],
    "api/docs/": [("GET", "/api/docs/", None)],
    "api/v1/fields": [("GET", "/api/v1/fields", None)],
    "api/v1/units": [("GET", "/api/v1/units", None)],
    "api/v1/procedures": [("GET", "/api/v1/procedures", None)],
    "api/v1/procedures/<str:code>": [("GET", "/api/v1/procedures/{procedure}", None)],
    "api/v1/dossiers": [("GET", "/api/v1/dossiers", None), ("POST", "/api/v1/dossiers", {})],
    "api/v1/dossiers/<str:code>": [("GET", "/api/v1/dossiers/{code}", None)],
    "api/v1/dossiers/<str:code>/actions/<str:action>": [
        ("POST", "/api/v1/dossiers/{code}/actions/transfer", {})],
    "api/v1/national-portal/dossiers": [("POST", "/api/v1/national-portal/dossiers", {})],
    "api/v1/reports/official": [
        ("GET", "/api/v1/reports/official?from=2026-03-01&to=2026-03-31", None)],
    "can-bo/": [("GET", "/can-bo/", None)],
    "can-bo/ho-so/": [("GET", "/can-bo/ho-so/?list=all", None)],
    "can-bo/ho-so/<str:code>/": [("GET", "/can-bo/ho-so/{code}/", None)],
    "can-bo/ho-so/<str:code>/thao-tac/<slug:action>/": [
        ("POST", "/can-bo/ho-so/{code}/thao-tac/transfer/", {})],
    "can-bo/tiep-nhan/": [("GET", "/can-bo/tiep-nhan/", None)],
    "can-bo/tiep-nhan/thu-tuc/": [("GET", "/can-bo/tiep-nhan/thu-tuc/?q=xay", None)],
    "can-bo/tiep-nhan/giay-to/": [("GET", "/can-bo/tiep-nhan/giay-to/", None)],
    "can-bo/tiep-nhan/kiem-tra/": [
        ("POST", "/can-bo/tiep-nhan/kiem-tra/", {"field": "phone", "phone": "0912345678"})],
    "can-bo/tiep-nhan/huong-dan/<int:pk>/": [("GET", "/can-bo/tiep-nhan/huong-dan/{pk}/", None)],
    "can-bo/xin-loi/": [("GET", "/can-bo/xin-loi/", None)],
    "in/ho-so/<str:code>/": [("GET", "/in/ho-so/{code}/", None)],
    "in/ho-so/<str:code>/<slug:form>/": [("GET", "/in/ho-so/{code}/mau-01/", None)],
    "in/ho-so/<str:code>/<slug:form>/pdf/": [("GET", "/in/ho-so/{code}/mau-01/pdf/", None)],
    "in/huong-dan/<int:pk>/mau-02/": [("GET", "/in/huong-dan/{pk}/mau-02/", None)],
    "in/huong-dan/<int:pk>/mau-02/pdf/": [("GET", "/in/huong-dan/{pk}/mau-02/pdf/", None)],
    "in/so-theo-doi/": [("GET", "/in/so-theo-doi/?unit={center}", None)],
    "in/so-theo-doi/pdf/": [("GET", "/in/so-theo-doi/pdf/?unit={center}", None)],
    "bao-cao/": [("GET", "/bao-cao/", None)],
    "bao-cao/ho-so/": [("GET", "/bao-cao/ho-so/", None)],
    "bao-cao/cong-khai/": [("GET", "/bao-cao/cong-khai/", None)],
    "bao-cao/chi-so/": [("GET", "/bao-cao/chi-so/", None)],
    "bao-cao/cham-diem/": [("GET", "/bao-cao/cham-diem/", None)],
    "bao-cao/khoi-luong/": [("GET", "/bao-cao/khoi-luong/", None)],
    "": [("GET", "/", None)],
    "thu-tuc/": [("GET", "/thu-tuc/", None)],
    "thu-tuc/<str:code>/": [("GET", "/thu-tuc/{procedure}/", None)],
    "linh-vuc/<slug:slug>/": [("GET", "/linh-vuc/{field}/", None)],
    "co-quan/<str:code>/": [("GET", "/co-quan/{agency}/", None)],
    "tra-cuu/": [("GET", "/tra-cuu/", None)],
    "tra-cuu/<str:code>/": [("GET", "/tra-cuu/{code}/", None)],
    "api/v1/auth/token": [("POST", "/api/v1/auth/token", {})],
    "api/v1/auth/logout": [("POST", "/api/v1/auth/logout", {})],
    "api/v1/auth/tokens": [("GET", "/api/v1/auth/tokens", None)],
    "api/v1/auth/tokens/<int:pk>": [("GET", "/api/v1/auth/tokens/999999", None)],
    "bao-cao/tai-ve/": [("GET", "/bao-cao/tai-ve/?format=xlsx", None)],
    "can-bo/ho-so/<str:code>/ket-qua/": [("GET", "/can-bo/ho-so/{code}/ket-qua/", None)],
    "can-bo/tim/": [("GET", "/can-bo/tim/?q=0001", None)],
    "tai-khoan/": [("GET", "/tai-khoan/", None)],
    "tai-khoan/khoa-dang-nhap/": [("GET", "/tai-khoan/khoa-dang-nhap/", None)],
    "tai-khoan/ma-truy-cap/<int:pk>/thu-hoi/": [
        ("POST", "/tai-khoan/ma-truy-cap/999999/thu-hoi/", {})],
    "tai-khoan/xac-thuc-hai-buoc/": [("GET", "/tai-khoan/xac-thuc-hai-buoc/", None)],
    "tai-khoan/xac-thuc-hai-buoc/dang-ky/": [("GET", "/tai-khoan/xac-thuc-hai-buoc/dang-ky/", None)],
    "api/v1/dossiers/<str:code>/payments": [
        ("GET", "/api/v1/dossiers/{code}/payments", None),
        ("POST", "/api/v1/dossiers/{code}/payments", {})],
    "thanh-toan/<str:code>/": [("GET", "/thanh-toan/{code}/?t=forged", None)],
    "thanh-toan/quay/<str:code>/": [("GET", "/thanh-toan/quay/{code}/", None),
                                    ("POST", "/thanh-toan/quay/{code}/", {})],
    "thanh-toan/bien-lai/<int:pk>/": [("GET", "/thanh-toan/bien-lai/999999/", None)],
    "thanh-toan/bien-lai/<int:pk>/pdf/": [("GET", "/thanh-toan/bien-lai/999999/pdf/", None)],
    "thanh-toan/vnpay/ipn/": [("GET", "/thanh-toan/vnpay/ipn/", None)],
    "thanh-toan/vnpay/tra-ve/": [("GET", "/thanh-toan/vnpay/tra-ve/", None)],
    "thanh-toan/sandbox/vnpay/": [("GET", "/thanh-toan/sandbox/vnpay/", None)],
    "can-bo/buu-chinh/": [("GET", "/can-bo/buu-chinh/", None)],
    "can-bo/buu-chinh/lo/<str:token>/": [
        ("GET", "/can-bo/buu-chinh/lo/{batch}/", None),
        ("POST", "/can-bo/buu-chinh/lo/{batch}/", {"op": "collect"})],
    "can-bo/buu-chinh/lo/<str:token>/bien-ban.pdf": [
        ("GET", "/can-bo/buu-chinh/lo/{batch}/bien-ban.pdf", None)],
    "can-bo/ho-so/<str:code>/chuyen-phat/": [
        ("POST", "/can-bo/ho-so/{code}/chuyen-phat/", {"op": "create", "address": "12 Lê Duẩn"})],
    "can-bo/chung-thuc-ban-sao/": [("GET", "/can-bo/chung-thuc-ban-sao/", None)],
    "xac-thuc-ket-qua/": [("GET", "/xac-thuc-ket-qua/", None)],
    "xac-thuc-ket-qua/<str:token>/": [("GET", "/xac-thuc-ket-qua/khong-hop-le/", None)],
    # Center floor (motcua.floor): public pages of the kiosk, display, tablet and booking;
    # forged links and unknown keys answer 400/404 for everyone.
    "api/v1/appointments/services": [
        ("GET", "/api/v1/appointments/services?unit={center}", None)],
    "api/v1/appointments/slots": [
        ("GET", "/api/v1/appointments/slots?unit={center}&service=1&date=2026-03-03", None)],
    "api/v1/appointments": [("POST", "/api/v1/appointments", {})],
    "dat-lich/": [("GET", "/dat-lich/", None)],
    "dat-lich/xac-nhan/<str:token>/": [("GET", "/dat-lich/xac-nhan/gia-mao/", None)],
    "dat-lich/lich/<str:token>/": [("GET", "/dat-lich/lich/gia-mao/", None)],
    "dat-lich/huy/<str:token>/": [("POST", "/dat-lich/huy/gia-mao/", {})],
    "dat-lich/doi/<str:token>/": [("GET", "/dat-lich/doi/gia-mao/", None)],
    "kiosk/<str:unit_code>/": [("GET", "/kiosk/{center}/", None)],
    "kiosk/<str:unit_code>/ma/<str:code>": [("GET", "/kiosk/{center}/ma/ABCD2345", None)],
    "kiosk/<str:unit_code>/phieu/<str:token>/": [("GET", "/kiosk/{center}/phieu/gia-mao/", None)],
    "kiosk/<str:unit_code>/phieu/<str:token>/in/": [
        ("GET", "/kiosk/{center}/phieu/gia-mao/in/", None)],
    "man-hinh/am-thanh/<str:key>.wav": [
        ("GET", "/man-hinh/am-thanh/00000000000000000000000000000000.wav", None)],
    "man-hinh/<str:unit_code>/": [("GET", "/man-hinh/{center}/", None)],
    "man-hinh/<str:unit_code>/su-kien/": [("GET", "/man-hinh/khong-co/su-kien/", None)],
    "danh-gia/ho-so/<str:token>/": [("GET", "/danh-gia/ho-so/gia-mao/", None)],
    "danh-gia/<int:counter_id>/": [("GET", "/danh-gia/999999/", None)],
    "phan-anh/": [("GET", "/phan-anh/", None)],
    "can-bo/quay/": [("GET", "/can-bo/quay/", None)],
    "can-bo/phan-anh/": [("GET", "/can-bo/phan-anh/", None)],
    "can-bo/phan-anh/<str:code>/": [
        ("GET", "/can-bo/phan-anh/{complaint}/", None),
        ("POST", "/can-bo/phan-anh/{complaint}/", {"answer": "Đã mở thêm quầy."})],
    # Probes and metrics (motcua.ops): the test client is 127.0.0.1, inside the default
    # monitoring network; tests/ops/test_metrics.py checks the 404 outside it.
    "healthz": [("GET", "/healthz", None)],
    "readyz": [("GET", "/readyz", None)],
    "metrics": [("GET", "/metrics", None)],
    "bao-cao/thanh-toan/": [("GET", "/bao-cao/thanh-toan/", None)],
    "bao-cao/san/": [("GET", "/bao-cao/san/", None)],
    # Citizen portal (issue 13): citizen pages answer staff with 403, anonymous with the
    # sign-in redirect; the development identity provider and the OIDC endpoints are public.
    "oidc/dang-nhap/": [("GET", "/oidc/dang-nhap/", None)],
    "oidc/callback/": [("GET", "/oidc/callback/?code=x&state=y", None)],
    "idp-dev/dang-nhap/": [("GET", "/idp-dev/dang-nhap/", None)],
    "idp-dev/o/authorize/": [("GET", "/idp-dev/o/authorize/", None)],
    "idp-dev/o/token/": [("POST", "/idp-dev/o/token/", {})],
    "idp-dev/o/^\\.well-known/openid-configuration/?$": [
        ("GET", "/idp-dev/o/.well-known/openid-configuration", None)],
    "idp-dev/o/.well-known/jwks.json": [("GET", "/idp-dev/o/.well-known/jwks.json", None)],
    "idp-dev/o/userinfo/": [("GET", "/idp-dev/o/userinfo/", None)],
    "thu-tuc/<str:code>/nop-truc-tuyen/": [("GET", "/thu-tuc/{procedure}/nop-truc-tuyen/", None)],
    "nop-ho-so/<int:pk>/nguoi-nop/": [("GET", "/nop-ho-so/1/nguoi-nop/", None)],
    "nop-ho-so/<int:pk>/yeu-cau/": [("GET", "/nop-ho-so/1/yeu-cau/", None)],
    "nop-ho-so/<int:pk>/giay-to/<int:n>/": [("GET", "/nop-ho-so/1/giay-to/1/", None)],
    "nop-ho-so/<int:pk>/nhan-ket-qua/": [("GET", "/nop-ho-so/1/nhan-ket-qua/", None)],
    "nop-ho-so/<int:pk>/kiem-tra/": [("GET", "/nop-ho-so/1/kiem-tra/", None)],
    "nop-ho-so/<int:pk>/xoa/": [("POST", "/nop-ho-so/1/xoa/", {})],
    "cong-dan/thong-bao/": [("GET", "/cong-dan/thong-bao/", None)],
    "ho-so-cua-toi/": [("GET", "/ho-so-cua-toi/", None)],
    "ho-so-cua-toi/<str:code>/": [("GET", "/ho-so-cua-toi/{code}/", None)],
    "ho-so-cua-toi/<str:code>/ket-qua/": [("GET", "/ho-so-cua-toi/{code}/ket-qua/", None)],
    "ho-so-cua-toi/<str:code>/rut-ho-so/": [("POST", "/ho-so-cua-toi/{code}/rut-ho-so/", {})],
    "ho-so-cua-toi/<str:code>/xac-nhan.pdf": [("GET", "/ho-so-cua-toi/{code}/xac-nhan.pdf", None)],
    "ho-so-cua-toi/<str:code>/phieu-yeu-cau-bo-sung.pdf": [
        ("GET", "/ho-so-cua-toi/{code}/phieu-yeu-cau-bo-sung.pdf", None)],
    "ho-so-cua-toi/<str:code>/tep/<int:file_id>/": [
        ("GET", "/ho-so-cua-toi/{code}/tep/1/", None)],
    "can-bo/ho-so/<str:code>/tep/<int:file_id>/": [("GET", "/can-bo/ho-so/{code}/tep/1/", None)],
    "can-bo/ho-so/<str:code>/so-hoa/": [("POST", "/can-bo/ho-so/{code}/so-hoa/", {})],
    # Citizen API (issue 13): citizen tokens only; a staff session or token is no citizen
    # (401 / 403, tests/citizens/test_api.py); the exchange answers the empty body with 400.
    "api/v1/citizen/token": [("POST", "/api/v1/citizen/token", {})],
    "api/v1/citizen/me": [("GET", "/api/v1/citizen/me", None)],
    "api/v1/citizen/dossiers": [("GET", "/api/v1/citizen/dossiers", None)],
    "api/v1/citizen/dossiers/<str:code>": [("GET", "/api/v1/citizen/dossiers/{code}", None)],
    "api/v1/citizen/dossiers/<str:code>/supplement": [
        ("POST", "/api/v1/citizen/dossiers/{code}/supplement", {})],
    "api/v1/citizen/dossiers/<str:code>/withdraw": [
        ("POST", "/api/v1/citizen/dossiers/{code}/withdraw", {})],
    "api/v1/citizen/dossiers/<str:code>/receipt.pdf": [
        ("GET", "/api/v1/citizen/dossiers/{code}/receipt.pdf", None)],
    "api/v1/citizen/dossiers/<str:code>/result": [
        ("GET", "/api/v1/citizen/dossiers/{code}/result", None)],
    "api/v1/citizen/dossiers/<str:code>/files/<int:file_id>": [
        ("GET", "/api/v1/citizen/dossiers/{code}/files/1", None)],
    "api/v1/citizen/drafts": [("GET", "/api/v1/citizen/drafts", None),
                              ("POST", "/api/v1/citizen/drafts", {})],
    "api/v1/citizen/drafts/<int:pk>": [("GET", "/api/v1/citizen/drafts/1", None)],
    "api/v1/citizen/drafts/<int:pk>/documents/<int:document>/files": [
        ("POST", "/api/v1/citizen/drafts/1/documents/1/files", {})],
    "api/v1/citizen/drafts/<int:pk>/documents/<int:document>/reuse": [
        ("POST", "/api/v1/citizen/drafts/1/documents/1/reuse", {})],
    "api/v1/citizen/drafts/<int:pk>/files/<int:file_id>": [
        ("GET", "/api/v1/citizen/drafts/1/files/1", None)],
    "api/v1/citizen/drafts/<int:pk>/submit": [
        ("POST", "/api/v1/citizen/drafts/1/submit", {})],
    "api/v1/citizen/store": [("GET", "/api/v1/citizen/store", None)],
}
CASES = [(method, route, path, data) for route, requests in REQUESTS.items()
         for method, path, data in requests]


def test_every_route_has_a_row():
    routes = _routes()
    table = {route for _, route in _table()}
    missing = sorted(routes - table)
    assert not missing, f"routes without a row in docs/security.md, Permission matrix: {missing}"
    assert not sorted(routes - set(REQUESTS)), "a route without a request in this test"
    assert not sorted(table - routes), "rows of docs/security.md for routes that do not exist"


@pytest.fixture
def users(world):
    world.courier = staff(Role.COURIER, world.center, username="buudien")
    world.administrator = staff(Role.ADMINISTRATOR, world.center, username="quantri")
    result = {"anonymous": None}
    for role in ROLES:
        own = getattr(world, OWN_UNIT[role])
        other = getattr(world, OTHER_UNIT[OWN_UNIT[role]])
        result[f"{role} own"] = staff(role, own)
        result[f"{role} other"] = staff(role, other)
    return result


def _batch(world, bring, monkeypatch):
    """A courier batch of the center to the agency (courier feature routes)."""
    from motcua.courier import services
    from motcua.workspace import courier_views
    from tests.factories import vn

    monkeypatch.setattr(courier_views, "manifest_pdf", lambda *args, **kwargs: b"%PDF-1.4")
    bring("transferred")
    return services.run_create(actor=None, center=world.center, at=vn(2026, 3, 2, 9, 0)).batches[0]


def _complaint(world):
    """A complaint routed to the agency (the specialist's and leader's own unit)."""
    from motcua.floor import feedback

    return feedback.complaint_submit(actor=None, unit=world.agency, name="Phạm C",
                                     contact="0900000000", subject="Chờ lâu", text="Nội dung")


@pytest.mark.django_db
@pytest.mark.parametrize("method,route,path,data", CASES, ids=[f"{c[0]} {c[1]}" for c in CASES])
def test_route_answers_as_the_table_says(world, bring, users, frozen, monkeypatch,
                                        method, route, path, data):
    from motcua.printing import views as printing_views

    # What is checked is who gets an answer, not the PDF: rendering one per cell was most of
    # the run.
    monkeypatch.setattr(printing_views, "render_document",
                        lambda *args, **kwargs: SimpleNamespace(
                            pages=[1], write_pdf=lambda: b"%PDF-1.4"))
    dossier = bring("received")
    guidance = CounterGuidance.objects.create(
        procedure_version=world.version, unit=world.center, applicant_name=APPLICANT["name"],
        items="Bản vẽ", issued_by=world.receptionist, issued_at=timezone.now())
    batch = _batch(world, bring, monkeypatch) if "{batch}" in path else None
    complaint = _complaint(world) if "{complaint}" in path else None
    url = path.format(code=dossier.code, pk=guidance.pk, center=world.center.code,
                      batch=batch.token if batch else "",
                      procedure=world.version.procedure.code, field=world.version.field.slug,
                      agency=world.agency.code,
                      complaint=complaint.code if complaint else "")
    expected = _table().get((method, route))
    actual = {}
    for column in COLUMNS:
        client = Client(raise_request_exception=False)
        if users[column] is not None:
            client.force_login(users[column])
        with transaction.atomic():
            if method == "GET":
                response = client.get(url)
            else:
                response = client.post(url, data or {})
            transaction.set_rollback(True)
        actual[column] = str(response.status_code)
    row = "| " + " | ".join([method, f"`{route}`", *actual.values()]) + " |"
    assert expected == actual, f"docs/security.md says {expected}; the row would be:\n{row}"


def test_the_table_lists_the_columns_in_order():
    text = DOC.read_text(encoding="utf-8").split("## Permission matrix", 1)[1]
    header = next(line for line in text.splitlines() if line.startswith("| Method"))
    assert [c.strip() for c in header.strip("|").split("|")][2:] == COLUMNS


