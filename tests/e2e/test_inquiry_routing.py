"""The desk logs a call by keyboard only: typing a topic on the contact map chooses its handler, and the call
is saved with that handler."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from strategitracker.extensions import db
from strategitracker.models import Inquiry
from tests.e2e import log_in

pytestmark = pytest.mark.e2e


def test_typing_a_mapped_topic_suggests_and_chooses_the_handler(page: Page, world, url_for, server_app):
    log_in(page, world.emails["facilitator"])
    page.goto(url_for("inquiries.new", slug=world.slug))
    expect(page.locator("#company_name")).to_be_focused()  # the business field takes the focus on load
    page.keyboard.type("Hanstholm Fisk A/S")
    topic = page.locator("#topic")
    topic.focus()
    page.keyboard.type("Byggesager")
    editor_id = str(world.user_ids["editor"])
    expect(page.locator("#handler_id")).to_have_value(editor_id)
    expect(page.locator("#handler-suggestion")).to_contain_text(f"E2E Editor {world.suffix}")
    topic.press("Enter")
    expect(page).to_have_url(re.compile(r"/inquiries/desk$"))  # saved (the form has an h1 too: not a sign)
    with server_app.app_context():
        handler = db.session.scalar(
            sa.select(Inquiry.handler_id)
            .where(Inquiry.company_name == "Hanstholm Fisk A/S")
            .order_by(Inquiry.id.desc())
            .limit(1)
        )
        db.session.remove()
    assert handler == int(editor_id)
