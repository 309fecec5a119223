"""A desk user logs a call in the browser with the keyboard, answers it from the desk, and the KPI computed
from the inquiry log gets a value for this month: 100 % answered within 24 hours, resting on one inquiry."""

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from strategitracker.extensions import db
from strategitracker.models import KPI, Inquiry
from tests.e2e import log_in

pytestmark = pytest.mark.e2e

BASIS = "Beregnet ud fra 1 henvendelser."


def test_a_logged_and_answered_call_changes_the_months_derived_kpi(page: Page, world, app: Flask, url_for):
    with app.app_context():
        kpi = KPI(
            goal_id=world.goal_id,
            organisation_id=db.session.scalar(sa.select(KPI.organisation_id).where(KPI.id == world.kpi_id)),
            name="Svar inden for 24 timer",
            kind="percent",
            direction="higher",
            frequency="monthly",
            derived="answered_24h",
        )
        db.session.add(kpi)
        db.session.commit()
        kpi_id, org_id = kpi.id, kpi.organisation_id
        db.session.remove()
    kpi_page = url_for("kpis.kpi", slug=world.slug, kpi_id=kpi_id)
    log_in(page, world.emails["editor"])
    page.goto(kpi_page)
    expect(page.get_by_text(BASIS)).to_have_count(0)

    page.goto(url_for("inquiries.new", slug=world.slug))
    expect(page.get_by_label("Virksomhed")).to_be_focused()
    page.keyboard.type("Thy Smedie ApS")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text(re.compile("Thy Smedie ApS")).first).to_be_visible()
    page.goto(kpi_page)
    expect(page.get_by_text(BASIS)).to_have_count(0)  # unanswered and not yet 24 hours old

    page.goto(url_for("inquiries.desk", slug=world.slug))
    answer = page.get_by_role("button", name="Besvaret nu")
    expect(answer).to_have_count(1)
    answer.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Besvaret nu")).to_have_count(0)

    page.goto(kpi_page)
    expect(page.get_by_text(BASIS).first).to_be_visible()
    expect(page.locator("main")).to_contain_text("100")
    with app.app_context():
        inquiry = db.session.scalar(
            sa.select(Inquiry).where(
                Inquiry.organisation_id == org_id,
                Inquiry.company_name == "Thy Smedie ApS",
                Inquiry.channel == "phone",
            )
        )
        assert inquiry.first_answer_at is not None and inquiry.answer_working_seconds is not None
        db.session.remove()
