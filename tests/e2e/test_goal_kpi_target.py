"""A facilitator builds part of the strategy through the forms: a goal, a KPI on it, and a dated target.

The facilitator uses the English UI (their stored choice), so the test finds every field by its English
label whatever the Danish catalogue says; filling the fields by label also proves the labels are there.
"""

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from strategitracker.extensions import db
from strategitracker.models import KPI, AuditEvent, Goal, KPITarget, User
from tests.e2e import html_lang, log_in

pytestmark = pytest.mark.e2e


def _use_english(app: Flask, user_id: int) -> None:
    with app.app_context():
        db.session.get(User, user_id).locale = "en"
        db.session.commit()
        db.session.remove()


def _no_form_errors(page: Page) -> None:
    """After a submit: no field marked invalid (the messages are in the assertion when there are)."""
    page.wait_for_load_state()
    invalid = page.locator("[aria-invalid=true]")
    messages = page.locator(".invalid-feedback, [role=alert]").all_inner_texts()
    assert invalid.count() == 0, f"the form was refused: {messages}"


def test_facilitator_creates_a_goal_with_a_kpi_and_a_target(page: Page, world, app: Flask):
    facilitator_id = world.user_ids["facilitator"]
    _use_english(app, facilitator_id)
    goal_title = f"Hurtig og god sagsbehandling {world.suffix}"
    kpi_name = f"Henvendelser besvaret inden for 24 timer {world.suffix}"

    log_in(page, world.emails["facilitator"])
    assert html_lang(page) == "en"
    page.get_by_role("link", name=world.strategy_title, exact=True).click()
    page.get_by_role("link", name="New goal", exact=True).click()

    # The goal.
    expect(page.get_by_role("heading", level=1)).to_have_text("New goal")
    page.get_by_label("Title", exact=True).fill(goal_title)
    page.get_by_label("Description", exact=True).fill(
        "Virksomhederne skal opleve en hurtig og klar sagsbehandling."
    )
    page.get_by_label("Owner (role title)", exact=True).fill("Erhvervschef")
    page.get_by_role("button", name="Create goal", exact=True).click()
    _no_form_errors(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(goal_title)
    expect(page.get_by_role("status").filter(has_text=goal_title)).to_be_visible()

    # A KPI on the goal, with its baseline (typed the English way: the facilitator reads English).
    page.get_by_role("link", name="New KPI", exact=True).click()
    page.get_by_label("Name", exact=True).fill(kpi_name)
    page.get_by_label("Kind", exact=True).select_option("percent")
    page.get_by_label("Direction", exact=True).select_option("higher")
    page.get_by_label("Unit", exact=True).fill("%")
    page.get_by_label("How often it is measured", exact=True).select_option("quarterly")
    page.get_by_label("Baseline value", exact=True).fill("62.5")
    page.get_by_label("Baseline date", exact=True).fill("2016-01-01")
    page.get_by_role("button", name="Create KPI", exact=True).click()
    _no_form_errors(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(kpi_name)

    # A dated target for the KPI.
    target_form = page.get_by_role("region", name="Set a target")
    target_form.get_by_label("Target value", exact=True).fill("95")
    target_form.get_by_label("Target date", exact=True).fill("2027-12-31")
    target_form.get_by_label("Note", exact=True).fill("Vedtaget af Økonomiudvalget.")
    target_form.get_by_role("button", name="Set target", exact=True).click()
    _no_form_errors(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(kpi_name)
    target_row = page.get_by_role("row").filter(has_text="Vedtaget af Økonomiudvalget.")
    expect(target_row).to_have_count(1)
    expect(target_row).to_contain_text("95")
    expect(target_row).to_contain_text(re.compile(r"2027"))

    # The goal page lists the KPI with its target.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=goal_title).click()
    kpi_row = page.get_by_role("row").filter(has_text=kpi_name)
    expect(kpi_row).to_have_count(1)
    expect(kpi_row).to_contain_text("95")

    with app.app_context():
        goal = db.session.scalar(sa.select(Goal).where(Goal.title == goal_title))
        assert goal.strategy_id == world.strategy_id and goal.owner == "Erhvervschef"
        kpi = db.session.scalar(sa.select(KPI).where(KPI.name == kpi_name))
        assert kpi.goal_id == goal.id
        assert (kpi.kind, kpi.direction, kpi.frequency, kpi.unit) == ("percent", "higher", "quarterly", "%")
        assert kpi.baseline_value == 62.5 and kpi.baseline_date.isoformat() == "2016-01-01"
        targets = db.session.scalars(sa.select(KPITarget).where(KPITarget.kpi_id == kpi.id)).all()
        assert [(t.value, t.target_date.isoformat(), t.set_by_id) for t in targets] == [
            (95, "2027-12-31", facilitator_id)
        ]
        audited = db.session.scalars(
            sa.select(AuditEvent.entity_type).where(
                AuditEvent.user_id == facilitator_id, AuditEvent.organisation_id == goal.organisation_id
            )
        ).all()
        assert {"goal", "kpi"} <= set(audited), audited
        db.session.remove()
