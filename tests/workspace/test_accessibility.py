"""Keyboard and screen-reader support of the staff pages (WCAG 2.1 AA): skip link, persistent
live regions, focus targets after an htmx action, aria-invalid/aria-describedby on fields in
error, an error summary linking to the fields, autofocus on the intake, and no acceptance of a
dossier by Enter in a text field. The browser half is in test_accessibility_browser.py."""

from __future__ import annotations

import re

from motcua.dossiers.models import Dossier
from tests.workspace.test_actions import HX, act_url
from tests.workspace.test_intake import URL, form_data, written


def test_every_page_starts_with_a_skip_link_to_the_main_content(world, login, client, db):
    for page in (client.get("/").content.decode(),
                 login(world.receptionist).get("/can-bo/").content.decode()):
        body = page.split("<body", 1)[1]
        first_link = re.search(r"<a [^>]*>", body).group(0)
        assert 'class="skip-link"' in first_link and 'href="#main"' in first_link
        assert '<main id="main"' in page


def test_the_workspace_keeps_two_live_regions_outside_the_swapped_area(world, login, bring,
                                                                      frozen):
    d = bring("transferred")
    page = login(world.leader).get(f"/can-bo/ho-so/{d.code}/").content.decode()
    before_main = page.split('<div id="dossier-main">', 1)[0]
    assert 'id="live-status" class="visually-hidden" role="status" aria-live="polite"' in before_main
    assert 'id="live-alert" class="visually-hidden" role="alert" aria-live="assertive"' in before_main
    assert "workspace/a11y.js" in page


def test_an_htmx_success_marks_its_notice_for_focus_and_announcement(world, bring, login, frozen):
    d = bring("transferred")
    html = login(world.leader).post(act_url(d, "assign"), {"assign-assignee": world.specialist.pk},
                                    **HX).content.decode()
    notice = re.search(r'<div class="notice success" id="action-done"[^>]*>', html).group(0)
    assert 'tabindex="-1"' in notice and "data-focus" in notice and "data-announce" in notice


def test_an_action_form_in_error_has_a_linked_summary_and_invalid_fields(world, bring, login,
                                                                       frozen):
    d = bring("received")
    response = login(world.receptionist).post(
        act_url(d, "request_supplement"), {"request_supplement-items": ""}, **HX)
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split('id="errors-request_supplement"', 1)[1].split("</div>", 1)[0]
    assert "data-focus" in html.split('id="errors-request_supplement"', 1)[0][-200:]
    assert 'href="#id_request_supplement-items"' in summary
    field = re.search(r'<textarea[^>]*name="request_supplement-items"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_request_supplement-items_error"' in field
    assert 'id="id_request_supplement-items_error"' in html


def test_intake_errors_come_in_one_summary_linking_to_each_field(world, login, frozen):
    response = login(world.receptionist).post(URL, form_data(world, name="", id_number="12"))
    assert response.status_code == 400
    html = response.content.decode()
    summary = html.split('class="notice error error-summary"', 1)[1].split("</div>", 1)[0]
    assert 'href="#id_name"' in summary or 'href="#id_id_number"' in summary
    for name in re.findall(r'href="#id_([a-z_]+)"', summary):
        field = re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in field, name
        described = re.search(r'aria-describedby="([^"]+)"', field).group(1)
        for target in described.split():
            assert f'id="{target}"' in html, target
    # The page focuses the summary on load (data-focus), not the first field.
    assert "data-focus" in html.split('class="notice error error-summary"', 1)[1][:120]
    assert " autofocus" not in html


def test_the_intake_page_focuses_its_first_field(world, login, frozen):
    html = login(world.receptionist).get(URL).content.decode()
    first = re.search(r'<(input|select|textarea)(?![^>]*type="hidden")[^>]*>', html.split(
        'id="intake-form"', 1)[1]).group(0)
    assert 'id="id_q"' in first and "autofocus" in first


def test_a_form_sent_without_pressing_a_decision_button_accepts_nothing(world, login, frozen):
    """Enter in a text field sends the form with no button (or the disabled default one)."""
    client = login(world.receptionist)
    before = written()
    for decision in (None, ""):
        data = form_data(world)
        if decision is None:
            data.pop("decision")
        else:
            data["decision"] = decision
        response = client.post(URL, data)
        assert response.status_code == 400
        assert "Hãy bấm một trong các nút" in response.content.decode()
    assert written() == before and not Dossier.objects.exists()
    html = client.get(URL).content.decode()
    form = html.split('id="intake-form"', 1)[1]
    first_submit = re.search(r"<button[^>]*>", form).group(0)
    assert 'type="submit"' in first_submit and "disabled" in first_submit


def test_the_hidden_default_button_stays_hidden():
    """Author CSS (``button { display: inline-block }``) beats the ``hidden`` attribute unless
    the style sheet restores it: the intake's disabled default button showed as a red dot."""
    from pathlib import Path

    import motcua.core

    css = (Path(motcua.core.__file__).parent / "static/motcua/site.css").read_text()
    assert "[hidden] { display: none !important; }" in css
