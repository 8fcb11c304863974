"""Online submission with the Django test client: the journey's pages, and the bad inputs of
issue 13 (executable renamed .pdf, 200 MB file, PDF with JavaScript, procedure without online
mode, another citizen's draft or dossier, double submit)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.citizens.conftest import PDF, PNG, sign_in


def _start(client, portal, version=None):
    version = version or portal.version
    return client.post(f"/thu-tuc/{version.procedure.code}/nop-truc-tuyen/",
                       {"unit": portal.center.pk})


def _draft(portal):
    from motcua.citizens.models import Draft

    return Draft.objects.latest("pk")


def _fill(client, draft, files=((1, PDF), (2, PDF))):
    base = f"/nop-ho-so/{draft.pk}"
    client.post(f"{base}/yeu-cau/", {"request_summary": "Cấp phép xây nhà."})
    for n, content in files:
        answer = client.post(f"{base}/giay-to/{n}/", {
            "action": "upload", "files": SimpleUploadedFile(f"tep{n}.pdf", content)})
        assert answer.status_code == 302, answer.content.decode()[:2000]
    client.post(f"{base}/nhan-ket-qua/", {"method": "counter"})


def test_the_journey_submits_a_new_online_dossier(client, portal, backchannel):
    from motcua.citizens.models import CitizenFile
    from motcua.dossiers.models import Dossier

    sign_in(client, "congdan1")
    assert _start(client, portal).status_code == 302
    draft = _draft(portal)
    _fill(client, draft)
    answer = client.post(f"/nop-ho-so/{draft.pk}/kiem-tra/", {"token": str(draft.token)})
    dossier = Dossier.objects.get()
    assert answer["Location"] == f"/ho-so-cua-toi/{dossier.code}/"
    assert dossier.status == "submitted" and dossier.national_status == 1
    assert dossier.vneid_verified and dossier.applicant_id_number == "066090001234"
    assert CitizenFile.objects.filter(dossier=dossier).count() == 2
    assert {d.provided_as for d in dossier.documents.all()} == {"digital"}
    pdf = client.get(f"/ho-so-cua-toi/{dossier.code}/xac-nhan.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_double_submit_gives_one_dossier(client, portal, backchannel):
    from motcua.dossiers.models import Dossier

    sign_in(client, "congdan1")
    _start(client, portal)
    draft = _draft(portal)
    _fill(client, draft)
    first = client.post(f"/nop-ho-so/{draft.pk}/kiem-tra/", {"token": str(draft.token)})
    second = client.post(f"/nop-ho-so/{draft.pk}/kiem-tra/", {"token": str(draft.token)})
    assert Dossier.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_missing_documents_are_named_and_nothing_is_written(client, portal, backchannel):
    from motcua.dossiers.models import Dossier

    sign_in(client, "congdan1")
    _start(client, portal)
    draft = _draft(portal)
    _fill(client, draft, files=((1, PDF),))
    answer = client.post(f"/nop-ho-so/{draft.pk}/kiem-tra/", {"token": str(draft.token)})
    assert answer.status_code == 400
    assert "Thiếu giấy tờ bắt buộc: Bản vẽ thiết kế." in answer.content.decode()
    assert not Dossier.objects.exists()


def _upload(client, draft, name, content, n=1):
    return client.post(f"/nop-ho-so/{draft.pk}/giay-to/{n}/", {
        "action": "upload", "files": SimpleUploadedFile(name, content)})


def test_executable_renamed_pdf_is_refused(client, portal, backchannel):
    from motcua.citizens.models import CitizenFile

    sign_in(client, "congdan1")
    _start(client, portal)
    answer = _upload(client, _draft(portal), "hoa-don.pdf", b"MZ\x90\x00" + b"\x00" * 500)
    assert answer.status_code == 400
    assert "Chỉ nhận tệp PDF, PNG, JPEG" in answer.content.decode()
    assert not CitizenFile.objects.exists()


def test_pdf_with_javascript_is_refused(client, portal, backchannel):
    from motcua.citizens.models import CitizenFile

    sign_in(client, "congdan1")
    _start(client, portal)
    hidden = (b"%PDF-1.7\n" + b"x" * 70000 + b"\n1 0 obj << /OpenAction << /S /J#61vaScript "
              b"/JS (app.alert(1)) >> >> endobj\n%%EOF")
    answer = _upload(client, _draft(portal), "don.pdf", hidden)
    assert answer.status_code == 400
    assert "có chứa mã lệnh" in answer.content.decode()
    assert not CitizenFile.objects.exists()


def test_200_mb_upload_is_refused_before_the_body_is_read(client, portal, backchannel):
    """The announced length alone refuses it: the body (here a stream that fails if read) is
    never touched."""
    from motcua.citizens.models import CitizenFile

    sign_in(client, "congdan1")
    _start(client, portal)
    draft = _draft(portal)

    class Untouchable:
        def read(self, *args):  # pragma: no cover - reaching it is the failure
            raise AssertionError("the body was read")

        readline = read

    request = client.get(f"/nop-ho-so/{draft.pk}/giay-to/1/")  # the page exists
    assert request.status_code == 200
    answer = client.generic(
        "POST", f"/nop-ho-so/{draft.pk}/giay-to/1/", b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(200 * 1024 * 1024), **{"wsgi.input": Untouchable()},
    )
    assert answer.status_code == 400
    assert "Tệp quá lớn" in answer.content.decode()
    assert not CitizenFile.objects.exists()


def test_file_over_the_limit_without_length_is_cut_off(client, portal, backchannel, settings):
    from motcua.citizens.models import CitizenFile

    settings.MOTCUA_UPLOAD_MAX_MB = 1
    sign_in(client, "congdan1")
    _start(client, portal)
    answer = _upload(client, _draft(portal), "lon.pdf", b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024))
    assert answer.status_code == 400
    assert "Tệp quá lớn" in answer.content.decode()
    assert not CitizenFile.objects.exists()


def test_procedure_without_online_mode_is_refused(client, portal, backchannel):
    from motcua.citizens.models import Draft

    sign_in(client, "congdan1")
    page = client.get(f"/thu-tuc/{portal.offline.procedure.code}/")
    assert "Nộp hồ sơ trực tuyến" not in page.content.decode()
    answer = _start(client, portal, portal.offline)
    assert answer.status_code == 400
    assert "chưa cung cấp dịch vụ công trực tuyến" in answer.content.decode()
    assert not Draft.objects.exists()


def test_another_citizens_draft_and_dossier_are_404(client, portal, backchannel):
    from django.test import Client

    from motcua.citizens.models import CitizenFile

    sign_in(client, "congdan1")
    _start(client, portal)
    draft = _draft(portal)
    _fill(client, draft)
    client.post(f"/nop-ho-so/{draft.pk}/kiem-tra/", {"token": str(draft.token)})
    code = draft.__class__.objects.get(pk=draft.pk).dossier.code
    file_id = CitizenFile.objects.first().pk

    other = Client()
    sign_in(other, "congdan2")
    for url in (f"/nop-ho-so/{draft.pk}/nguoi-nop/", f"/nop-ho-so/{draft.pk}/giay-to/1/",
                f"/nop-ho-so/{draft.pk}/kiem-tra/", f"/ho-so-cua-toi/{code}/",
                f"/ho-so-cua-toi/{code}/xac-nhan.pdf", f"/ho-so-cua-toi/{code}/ket-qua/",
                f"/ho-so-cua-toi/{code}/tep/{file_id}/"):
        assert other.get(url).status_code == 404, url
    assert other.post(f"/nop-ho-so/{draft.pk}/kiem-tra/",
                      {"token": str(draft.token)}).status_code == 404
    assert code not in other.get("/ho-so-cua-toi/").content.decode()


def test_anonymous_is_sent_to_sign_in(client, portal):
    answer = client.get("/ho-so-cua-toi/")
    assert answer.status_code == 302 and answer["Location"].startswith("/oidc/dang-nhap/")


def test_staff_cannot_use_the_citizen_pages(client, portal):
    client.force_login(portal.receptionist)
    assert client.get("/ho-so-cua-toi/").status_code == 403


def test_identity_fields_cannot_be_edited(client, portal, backchannel):
    sign_in(client, "congdan1")
    _start(client, portal)
    draft = _draft(portal)
    client.post(f"/nop-ho-so/{draft.pk}/nguoi-nop/", {
        "name": "Người Khác", "id_number": "066192004321", "address": "99 Trần Phú"})
    draft.refresh_from_db()
    assert draft.applicant["name"] == "Nguyễn Văn An"
    assert draft.applicant["id_number"] == "066090001234"
    assert draft.applicant["address"] == "99 Trần Phú"


def test_png_and_several_files_per_document(client, portal, backchannel):
    sign_in(client, "congdan1")
    _start(client, portal)
    draft = _draft(portal)
    answer = client.post(f"/nop-ho-so/{draft.pk}/giay-to/1/", {"action": "upload", "files": [
        SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.pdf", PDF)]})
    assert answer.status_code == 302
    assert draft.files.count() == 2
    assert sorted(draft.files.values_list("content_type", flat=True)) == [
        "application/pdf", "image/png"]
