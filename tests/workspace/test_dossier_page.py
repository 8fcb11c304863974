"""The dossier page (/can-bo/ho-so/<code>/): content, audited read, actions shown, access."""

from __future__ import annotations

import pytest

from motcua.audit.models import AccessLog, AuditEvent
from motcua.dossiers.access import flush_pending
from tests.factories import UserFactory


def url(d) -> str:
    return f"/can-bo/ho-so/{d.code}/"


def test_page_shows_header_applicant_documents_due_and_timeline(world, bring, login, frozen):
    d = bring("appraising")
    response = login(world.leader).get(url(d))
    assert response.status_code == 200
    html = response.content.decode()
    assert d.code in html
    assert "Đang thẩm định" in html
    assert "Mã trạng thái quốc gia 4 – Đang xử lý" in html
    assert world.version.name in html
    for unit in (world.center, world.agency):
        assert unit.name in html
    assert "Nguyễn Văn An" in html and "066090001234" in html and "04/05/1990" in html
    assert "Đơn đề nghị cấp giấy phép" in html and "Bản chính" in html
    assert "02/03/2026 08:00" in html  # received
    assert "09/03/2026 08:00" in html  # due: 5 working days later
    for label in ("Tiếp nhận hồ sơ", "Chuyển cơ quan giải quyết", "Phân công thụ lý",
                  "Bắt đầu thẩm định"):
        assert label in html
    # Step plan with the outcome of the finished steps (done at once, on their due day).
    steps = html.split('id="steps"', 1)[1].split("</section>", 1)[0]
    assert "Phân công thụ lý" in steps
    assert steps.count('<span class="badge ok">Đúng hạn</span>') == 2


def test_opening_the_page_records_the_read_of_personal_data(world, bring, login, frozen):
    d = bring("appraising")
    before = AccessLog.objects.filter(dossier=d).count()
    client = login(world.specialist)
    client.get(url(d))
    flush_pending()  # spooled before the answer, written by the flusher (audit.spool)
    reads = AccessLog.objects.filter(dossier=d)
    assert reads.count() == before + 1
    read = reads.order_by("-id").first()
    assert (read.actor_id, read.channel) == (world.specialist.pk, "web")
    # A reload within the window is the same access; a read is not a change of the dossier.
    client.get(url(d))
    flush_pending()
    assert reads.count() == before + 1
    assert not AuditEvent.objects.filter(event_type="dossier.viewed", dossier=d).exists()


def test_only_the_actions_of_this_user_in_this_state_are_offered(world, bring, login, frozen):
    d = bring("transferred")
    leader = login(world.leader).get(url(d)).content.decode()
    assert 'id="action-assign"' in leader
    assert 'id="action-start_appraisal"' not in leader
    # Assignment lists the specialists of the agency, nobody else.
    assert f'<option value="{world.specialist.pk}">Nguyễn Văn A</option>' in leader  # họ first
    assert f'value="{world.specialist.pk}"' in leader
    assert f'value="{world.foreign_specialist.pk}"' not in leader
    specialist = login(world.specialist).get(url(d)).content.decode()
    assert 'id="action-assign"' not in specialist
    receptionist = login(world.receptionist).get(url(d)).content.decode()
    assert 'id="action-' in receptionist  # withdraw at the center
    assert 'id="action-assign"' not in receptionist
    assert 'id="action-withdraw"' in receptionist


def test_apology_form_for_the_leader_of_the_responsible_unit_only(world, bring, login, frozen):
    d = bring("appraising")
    assert 'id="action-apologise"' in login(world.leader).get(url(d)).content.decode()
    assert 'id="action-apologise"' not in login(world.specialist).get(url(d)).content.decode()
    assert 'id="action-apologise"' not in login(world.manager).get(url(d)).content.decode()


def test_print_links_follow_the_state(world, bring, login, frozen):
    d = bring("received")
    html = login(world.receptionist).get(url(d)).content.decode()
    assert f"/in/ho-so/{d.code}/mau-01/" in html
    assert f"/in/ho-so/{d.code}/mau-06/" in html
    assert f"/in/ho-so/{d.code}/mau-04/" not in html
    s = bring("supplement_requested")
    html = login(world.receptionist).get(url(s)).content.decode()
    assert f"/in/ho-so/{s.code}/mau-02/" in html


def test_after_intake_the_receipt_print_link_is_offered(world, bring, login, frozen):
    d = bring("received")
    html = login(world.receptionist).get(url(d) + "?in=mau-01").content.decode()
    assert 'id="print-now"' in html
    assert f'href="/in/ho-so/{d.code}/mau-01/" target="_blank"' in html


def test_unknown_code_is_404(world, login):
    assert login(world.leader).get("/can-bo/ho-so/000.00.01.H15-260302-9999/").status_code == 404


def test_foreign_unit_gets_404_and_no_read_is_logged(world, bring, login, frozen):
    # The answer for a code that does not exist: a 403 told other units which codes exist.
    d = bring("appraising")
    before = AccessLog.objects.count()
    for user in (world.foreign_leader, world.foreign_receptionist):
        client = login(user)
        assert client.get(url(d)).status_code == 404
        assert client.get(url(d).replace(d.code, d.code + "9")).status_code == 404
    flush_pending()
    assert AccessLog.objects.count() == before


def test_anonymous_goes_to_login_and_roleless_user_gets_403(client, world, bring, frozen):
    d = bring("received")
    response = client.get(url(d))
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    client.force_login(UserFactory())
    assert client.get(url(d)).status_code == 403


@pytest.mark.parametrize("status", ["received", "appraising", "awaiting_payment", "returned"])
def test_page_renders_in_every_kind_of_state(world, bring, login, frozen, status):
    d = bring(status)
    assert login(world.manager).get(url(d)).status_code == 200
