"""The projector on a 1366×768 screen, and the facilitator's "copy link" button.

The results of a workshop with many long ideas stay on the screen: the page is one screen high and the results
list scrolls inside its own region, which then says so. Results are not shown while voting is open. The join
link can be copied with a button where the browser allows it; without script the link is a field to select.
"""

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Browser, expect

from strategitracker.extensions import db
from strategitracker.models import Organisation, User
from strategitracker.services import workshop as service
from tests.e2e import assert_accessible, log_in
from tests.e2e.conftest import PageProblems, _new_context

pytestmark = pytest.mark.e2e

PROJECTOR = {"width": 1366, "height": 768}
LONG_IDEA = (
    "Idé {n}: Kommunen samler erhvervsservice, byggesagsbehandling og jobcenterets virksomhedskonsulenter "
    "i én indgang, så en virksomhed kun skal fortælle sin historie én gang og får svar inden for en uge."
)


def _workshop_with_votes(app: Flask, world, *, phase: str) -> tuple[int, str]:
    """A workshop with twelve long ideas, each with a different number of dots, in `phase` (committed)."""
    with app.app_context():
        org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == world.slug))
        facilitator = db.session.get(User, world.user_ids["facilitator"])
        facilitator.locale = "en"
        workshop = service.create_workshop(
            org,
            title="Strategidag om erhvervsservice",
            held_on=date.today(),
            layout="swot",
            dots_per_participant=50,
            actor=facilitator,
        )
        guest = service.join_as_guest(workshop, "Erhvervsrådet")
        other = service.join_as_guest(workshop, "Turistforeningen")
        cards = [
            service.add_card(workshop, guest, column_key="opportunities", text=LONG_IDEA.format(n=n))
            for n in range(1, 13)
        ]
        service.next_phase(workshop, actor=facilitator)
        for n, card in enumerate(cards, start=1):
            for _ in range(n):
                service.add_vote(card, guest if n <= 8 else other)
        if phase == "closed":
            service.next_phase(workshop, actor=facilitator)
        db.session.commit()
        ids = (workshop.id, workshop.join_token)
        db.session.remove()
    return ids


def test_results_fit_a_1366x768_projector(browser: Browser, live_server: str, world, app: Flask, url_for):
    workshop_id, _token = _workshop_with_votes(app, world, phase="voting")
    problems = PageProblems()
    context = _new_context(browser, live_server, viewport=PROJECTOR)
    try:
        projector = context.new_page()
        problems.watch(projector)
        log_in(projector, world.emails["facilitator"])
        projector.goto(url_for("workshops.projector", slug=world.slug, workshop_id=workshop_id))
        expect(projector.locator("#projector-phase")).to_contain_text("Voting")

        # "r" while voting is open: refused, said aloud, and the totals stay hidden.
        projector.locator("body").press("r")
        expect(projector.locator("#projector-live")).to_contain_text("Close the voting first")
        expect(projector.locator("#projector-ranking")).to_be_hidden()

        # "n" closes the voting, which shows the results.
        projector.locator("body").press("n")
        ranking = projector.locator("#projector-ranking")
        expect(ranking).to_be_visible()
        expect(ranking.locator("li")).to_have_count(10)
        expect(ranking.locator("li").first).to_contain_text("Idé 12")

        box = ranking.bounding_box()
        assert box is not None and box["y"] + box["height"] <= PROJECTOR["height"], box
        footer = projector.locator(".projector-footer").bounding_box()
        assert footer is not None and footer["y"] + footer["height"] <= PROJECTOR["height"], footer
        assert projector.evaluate("() => document.scrollingElement.scrollHeight") <= PROJECTOR["height"]

        # Ten long ideas do not fit: the list scrolls in its region, which is marked and says so.
        listing = projector.locator("#projector-ranking-list")
        assert listing.evaluate("el => el.scrollHeight > el.clientHeight")
        expect(ranking).to_have_attribute("data-scrolls", "true")
        expect(projector.locator("#projector-ranking-more")).to_be_visible()
        listing.focus()
        projector.keyboard.press("End")
        expect(ranking.locator("li").last).to_be_in_viewport()
    finally:
        context.close()
    assert not problems.messages, "the browser reported problems:\n" + "\n".join(problems.messages)


def test_projector_with_results_is_accessible_on_a_projector(
    open_axe_page, signed_in, world, app: Flask, url_for
):
    workshop_id, _token = _workshop_with_votes(app, world, phase="closed")
    page = open_axe_page(signed_in(world.emails["facilitator"]))
    page.set_viewport_size(PROJECTOR)
    page.goto(url_for("workshops.projector", slug=world.slug, workshop_id=workshop_id))
    expect(page.locator("#projector-ranking")).to_be_visible()
    expect(page.locator("#projector-ranking")).to_have_attribute("data-scrolls", "true")
    assert_accessible(page, "projector with results at 1366×768")


def test_copy_the_join_link(browser: Browser, live_server: str, world, app: Flask, url_for):
    workshop_id, token = _workshop_with_votes(app, world, phase="voting")
    board_url = url_for("workshops.board", slug=world.slug, workshop_id=workshop_id)
    problems = PageProblems()
    context = _new_context(browser, live_server, permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        problems.watch(page)
        log_in(page, world.emails["facilitator"])
        page.goto(board_url)
        link = page.get_by_label("Join link", exact=True)
        expect(link).to_have_value(f"{live_server}/w/{token}")
        page.get_by_role("button", name="Copy link").click()
        expect(page.locator("#join-url-copied")).to_have_text(
            "The join link is copied. Paste it into an e-mail or a chat."
        )
        expect(page.locator("#join-url-copied")).to_have_attribute("aria-live", "polite")
        assert page.evaluate("() => navigator.clipboard.readText()") == f"{live_server}/w/{token}"
    finally:
        context.close()
    assert not problems.messages, "the browser reported problems:\n" + "\n".join(problems.messages)

    # Without script there is no button that would do nothing; the link is a field to select and copy.
    plain = _new_context(browser, live_server, java_script_enabled=False)
    try:
        page = plain.new_page()
        log_in(page, world.emails["facilitator"])
        page.goto(board_url)
        expect(page.get_by_label("Join link", exact=True)).to_have_value(f"{live_server}/w/{token}")
        expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
        expect(page.get_by_text("Select the link and copy it")).to_be_visible()
    finally:
        plain.close()


def test_the_board_with_its_copy_button_is_accessible(open_axe_page, signed_in, world, app: Flask, url_for):
    workshop_id, _token = _workshop_with_votes(app, world, phase="voting")
    page = open_axe_page(signed_in(world.emails["facilitator"]))
    page.goto(url_for("workshops.board", slug=world.slug, workshop_id=workshop_id))
    expect(page.locator("[data-copy=join-url]")).to_be_visible()
    assert_accessible(page, "facilitator's board with the copy button")
