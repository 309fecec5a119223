"""A workshop in two browsers: the facilitator's projector view and a guest who joined by the link.

The guest adds a card and places a dot; the projector shows both without a reload (it polls the board's JSON),
the facilitator's keys move the phase on (closing the voting shows the results), and the card is then turned
into an action plan through the form, whose page says which workshop it came from.

`UPDATE_SCREENSHOTS=1` also saves the projector view as docs/img/workshop.png (shown in docs/workshops.md).
"""

import os
import re
from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Browser, Page, expect

from strategitracker.extensions import db
from strategitracker.models import (
    ActionPlan,
    AuditEvent,
    Organisation,
    Strategy,
    User,
    Workshop,
    WorkshopCard,
)
from strategitracker.services import workshop as service
from tests.e2e import PROJECT_ROOT, assert_accessible, log_in
from tests.e2e.conftest import PageProblems, _new_context

pytestmark = pytest.mark.e2e

SCREENSHOT = PROJECT_ROOT / "docs" / "img" / "workshop.png"
IDEA = "Erhvervskontakten svarer virksomhederne inden for 24 timer"
OTHER_IDEAS = [
    ("strengths", "Stærke lokale virksomheder og iværksætterånd"),
    ("weaknesses", "Lang sagsbehandling på byggesager"),
    ("opportunities", "Nationalpark Thy tiltrækker turister og tilflyttere"),
    ("threats", "Mangel på faglært arbejdskraft"),
]


def _make_workshop(app: Flask, world) -> tuple[int, str, str]:
    """A SWOT workshop of the world's organisation, with a few cards already on the board (committed)."""
    with app.app_context():
        org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == world.slug))
        facilitator = db.session.get(User, world.user_ids["facilitator"])
        facilitator.locale = "en"
        workshop = service.create_workshop(
            org,
            title="Strategidag: erhvervsklimaet i Thy",
            held_on=date.today(),
            layout="swot",
            strategy=db.session.get(Strategy, world.strategy_id),
            dots_per_participant=3,
            actor=facilitator,
        )
        someone = service.join_as_guest(workshop, "Erhvervsrådet")
        for column, text in OTHER_IDEAS:
            service.add_card(workshop, someone, column_key=column, text=text)
        db.session.commit()
        ids = (workshop.id, workshop.join_token, workshop.title)
        db.session.remove()
    return ids


def the_card(page: Page):
    """The guest's card on a board (the facilitator's merge lists name the other cards too)."""
    return page.locator(".workshop-card").filter(has=page.locator(".workshop-card-text", has_text=IDEA))


def test_guest_and_projector_in_two_browsers(browser: Browser, live_server: str, world, app: Flask, url_for):
    workshop_id, token, title = _make_workshop(app, world)
    problems = PageProblems()
    facilitator_context = _new_context(browser, live_server, viewport={"width": 1366, "height": 800})
    guest_context = _new_context(browser, live_server, viewport={"width": 420, "height": 860})
    try:
        # The facilitator opens the projector view.
        projector = facilitator_context.new_page()
        problems.watch(projector)
        log_in(projector, world.emails["facilitator"])
        projector.goto(url_for("workshops.projector", slug=world.slug, workshop_id=workshop_id))
        expect(projector.get_by_role("heading", level=1)).to_have_text(title)
        columns = projector.locator("#projector-columns")
        expect(columns).to_contain_text(OTHER_IDEAS[0][1])
        projector.evaluate("() => { window.__sameDocument = true; }")

        # A guest joins by the link in another browser (no account), in English.
        guest = guest_context.new_page()
        problems.watch(guest)
        guest.goto(f"/w/{token}")
        guest.get_by_role("button", name="Menu").click()  # on a phone the language is in the collapsed menu
        guest.get_by_role("button", name="English").click()
        guest.get_by_label("Your name").fill("Gitte Gæst")
        guest.get_by_role("button", name="Join", exact=True).click()
        expect(guest).to_have_url(re.compile(rf"/w/{re.escape(token)}/board$"))
        guest.get_by_label("Column").select_option("strengths")
        guest.get_by_label("Your idea").fill(IDEA)
        guest.get_by_role("button", name="Add card").click()
        expect(guest.locator(".workshop-card").filter(has_text=IDEA)).to_have_count(1)

        # The projector shows the new card by itself.
        expect(columns.locator(".workshop-card").filter(has_text=IDEA)).to_have_count(1)
        assert projector.evaluate("() => window.__sameDocument === true"), "the projector page was reloaded"

        # "n": voting starts; the guest places a dot.
        projector.locator("body").press("n")
        expect(projector.locator("#projector-phase")).to_contain_text("Voting")
        guest.reload()
        card = guest.locator(".workshop-card").filter(has_text=IDEA)
        card.get_by_role("button", name="Place a dot").click()
        expect(guest.locator(".workshop-card").filter(has_text=IDEA)).to_contain_text("Your dots: 1")
        expect(guest.get_by_text("Dots left: 2 of 3")).to_be_visible()

        # The projector counts the dot, but shows no totals while voting is open; "n" closes the voting,
        # which shows them.
        expect(projector.locator("#projector-stats")).to_contain_text("Dots placed: 1")
        expect(projector.locator("#projector-ranking")).to_be_hidden()
        projector.locator("body").press("n")
        ranking = projector.locator("#projector-ranking")
        expect(ranking).to_be_visible()
        expect(ranking.locator("li").first).to_contain_text(IDEA)
        expect(ranking.locator("li").first).to_contain_text("Dots: 1")
        expect(columns.locator(".workshop-card").filter(has_text=IDEA)).to_contain_text("Dots: 1")
        assert projector.evaluate("() => window.__sameDocument === true"), "the projector page was reloaded"

        if os.environ.get("UPDATE_SCREENSHOTS"):
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            projector.screenshot(path=str(SCREENSHOT))

        # The facilitator turns the card into an action plan through the prefilled form.
        board = facilitator_context.new_page()
        problems.watch(board)
        board.goto(url_for("workshops.board", slug=world.slug, workshop_id=workshop_id))
        the_card(board).get_by_role("link", name="an action plan").click()
        expect(board.get_by_role("heading", level=1)).to_have_text("Turn the card into an action plan")
        expect(board.get_by_label("Title", exact=True)).to_have_value(IDEA)
        board.get_by_label("Goal", exact=True).select_option(
            label=f"{world.strategy_title} › {world.goal_title}"
        )
        board.get_by_role("button", name="Create action plan").click()
        expect(board.get_by_role("heading", level=1)).to_have_text(IDEA)
        expect(board.locator(".workshop-provenance")).to_contain_text(re.compile(r"from workshop", re.I))
        expect(board.locator(".workshop-provenance")).to_contain_text(title)

        # Back on the board, the card says what it became, with a link.
        board.goto(url_for("workshops.board", slug=world.slug, workshop_id=workshop_id))
        became = the_card(board).locator(".workshop-became")
        expect(became).to_contain_text("Action plan")
        expect(became.get_by_role("link", name=IDEA)).to_be_visible()
    finally:
        facilitator_context.close()
        guest_context.close()
    assert not problems.messages, "the browser reported problems:\n" + "\n".join(problems.messages)

    with app.app_context():
        card = db.session.scalar(sa.select(WorkshopCard).where(WorkshopCard.text == IDEA))
        plan = db.session.scalar(sa.select(ActionPlan).where(ActionPlan.source_card_id == card.id))
        assert (card.converted_kind, card.converted_id, card.votes_at_conversion) == (
            "action_plan",
            plan.id,
            1,
        )
        actions = set(
            db.session.scalars(
                sa.select(AuditEvent.action).where(AuditEvent.organisation_id == plan.organisation_id)
            )
        )
        assert {
            "workshop.card_add",
            "workshop.vote_add",
            "workshop.phase",
            "workshop.card_convert",
        } <= actions
        db.session.remove()


def test_workshop_pages_are_accessible(open_axe_page, signed_in, world, app: Flask, url_for):
    """axe-core on every workshop page (guests while voting; results shown), as the facilitator and as a
    guest."""
    workshop_id, token, _title = _make_workshop(app, world)
    with app.app_context():
        facilitator = db.session.get(User, world.user_ids["facilitator"])
        workshop = db.session.get(Workshop, workshop_id)
        card = db.session.scalar(sa.select(WorkshopCard).where(WorkshopCard.workshop_id == workshop_id))
        service.next_phase(workshop, actor=facilitator)
        service.add_vote(card, service.join_as_member(workshop, facilitator))
        db.session.commit()
        card_id = card.id
        db.session.remove()

    guest = open_axe_page()
    guest.goto(f"/w/{token}")
    assert_accessible(guest, "join page")
    guest.locator("main form [name=display_name]").fill("Gitte Gæst")
    guest.locator("main form [type=submit]").click()
    expect(guest).to_have_url(re.compile(r"/board$"))
    assert_accessible(guest, "guest board")

    with app.app_context():
        service.next_phase(
            db.session.get(Workshop, workshop_id), actor=db.session.get(User, world.user_ids["facilitator"])
        )
        db.session.commit()
        db.session.remove()
    page = open_axe_page(signed_in(world.emails["facilitator"]))
    ids = {"slug": world.slug, "workshop_id": workshop_id}
    for endpoint, values in [
        ("workshops.index", {"slug": world.slug}),
        ("workshops.new", {"slug": world.slug}),
        ("workshops.board", ids),
        ("workshops.edit", ids),
        ("workshops.projector", ids),
        ("workshops.minutes", ids),
        ("workshops.convert_card", ids | {"card_id": card_id, "kind": "action_plan"}),
        ("workshops.convert_card", ids | {"card_id": card_id, "kind": "goal"}),
        ("workshops.convert_card", ids | {"card_id": card_id, "kind": "kpi"}),
    ]:
        page.goto(url_for(endpoint, **values))
        if endpoint == "workshops.projector":
            expect(page.locator("#projector-ranking")).to_be_visible()
        assert_accessible(page, endpoint)
    # a refused form, with its messages
    page.goto(url_for("workshops.new", slug=world.slug))
    page.locator("main form [name=title]").fill("")
    page.locator("main form [type=submit]").click()
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()
    assert_accessible(page, "new workshop with errors")
