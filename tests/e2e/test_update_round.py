"""A facilitator opens an update round from the strategy page, sees who owes what, reminds and closes it;
the owner's request arrives at a real SMTP server."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from strategitracker.extensions import db
from strategitracker.models import Strategy, UpdateRound, User
from strategitracker.services import reminder
from tests.e2e import assert_accessible, log_in
from tests.smtp_inbox import free_port, smtp_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def inbox(server_app: Flask, monkeypatch):
    port = free_port()
    monkeypatch.setitem(server_app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(server_app.config, "MAIL_PORT", port)
    with smtp_server(port) as received:
        yield received


def test_facilitator_runs_an_update_round(page: Page, world, app: Flask, inbox):
    deadline = date.today() + timedelta(days=14)
    log_in(page, world.emails["facilitator"])
    page.get_by_role("link", name=world.strategy_title, exact=True).click()
    page.get_by_role("link", name="Opdateringsrunder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opdateringsrunder")

    page.get_by_label("Frist").fill(deadline.isoformat())
    page.get_by_label("Besked til ejerne (valgfri)").fill("Før byrådsmødet, tak.")
    page.get_by_role("button", name="Åbn runden og send anmodningerne").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Opdateringsrunde med frist")
    expect(page.get_by_text("E-mail sendt til 1 ejer.")).to_be_visible()
    expect(page.locator("#round-counts")).to_contain_text("Endnu ikke: 2")
    row = page.get_by_role("row").filter(has_text=world.plan_title)
    expect(row).to_contain_text("Endnu ikke")
    assert [m.recipients for m in inbox.messages] == [[world.emails["editor"]]]
    assert world.plan_title in inbox.messages[0].text

    page.get_by_role("button", name="Send en påmindelse til dem, der ikke har svaret").click()
    expect(page.get_by_text("E-mail sendt til 1 ejer.")).to_be_visible()
    page.get_by_role("button", name="Luk runden").click()
    expect(page.get_by_text("Opdateringsrunden er lukket: 0 af 2 punkter besvaret.")).to_be_visible()
    assert len(inbox.messages) == 2

    with app.app_context():
        closed = db.session.scalar(
            sa.select(UpdateRound.closed_at).where(UpdateRound.strategy_id == world.strategy_id)
        )
        db.session.remove()
    assert closed is not None


def test_the_reminder_pages_are_accessible(open_axe_page, signed_in, world, app: Flask, url_for, inbox):
    with app.app_context():
        strategy = db.session.get(Strategy, world.strategy_id)
        facilitator = db.session.get(User, world.user_ids["facilitator"])
        update_round = reminder.open_round(
            strategy, date.today() + timedelta(days=7), "", facilitator, date.today()
        )
        db.session.commit()
        round_id = update_round.id
        reminder.send_round_emails(
            strategy.organisation, update_round, date.today(), reminder=False, commit=db.session.commit
        )
        db.session.remove()
    pages = {
        "rounds": (
            "facilitator",
            url_for("reminders.rounds", slug=world.slug, strategy_id=world.strategy_id),
        ),
        "round": ("facilitator", url_for("reminders.round", slug=world.slug, round_id=round_id)),
        "sending log": ("admin", url_for("reminders.sending_log", slug=world.slug)),
        "settings": ("editor", url_for("reminders.settings")),
        "mine": ("editor", url_for("mine.mine", slug=world.slug)),
    }
    for name, (role, path) in pages.items():
        page = open_axe_page(signed_in(world.emails[role]))
        assert page.goto(path).status == 200, path
        assert_accessible(page, name)
