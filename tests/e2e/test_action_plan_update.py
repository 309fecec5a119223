"""An editor reports an action plan as delayed ("Forsinket") with a comment and sees it in the history."""

import re

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from strategitracker.extensions import db
from strategitracker.models import ActionPlan, ActionPlanUpdate, AuditEvent
from tests.e2e import log_in

pytestmark = pytest.mark.e2e

STATUS_LABEL = re.compile(r"^\s*Status\s*$", re.IGNORECASE)
PROGRESS_LABEL = re.compile(r"^\s*(Progress|Fremdrift|Fremskridt|Fremgang)\b.*%", re.IGNORECASE)
COMMENT_LABEL = re.compile(r"^\s*(Comment|Kommentar|Bemærkning)\s*$", re.IGNORECASE)
SAVE_UPDATE = re.compile(r"^\s*(Save update|Gem\b.*)$", re.IGNORECASE)
DELAYED = re.compile(r"Delayed|Forsinket", re.IGNORECASE)


def _plan_state(app: Flask, plan_id: int) -> tuple[str, int, int, list[tuple]]:
    with app.app_context():
        plan = db.session.get(ActionPlan, plan_id)
        updates = db.session.execute(
            sa.select(
                ActionPlanUpdate.old_status,
                ActionPlanUpdate.new_status,
                ActionPlanUpdate.progress,
                ActionPlanUpdate.comment,
                ActionPlanUpdate.author_id,
            )
            .where(ActionPlanUpdate.action_plan_id == plan_id)
            .order_by(ActionPlanUpdate.id)
        ).all()
        state = (plan.status, plan.progress, plan.version, [tuple(u) for u in updates])
        db.session.remove()
    return state


def _open_plan_from_the_start_page(page: Page, world) -> None:
    """Log in and click through: the strategies, the strategy, its goal, the action plan."""
    log_in(page, world.emails["editor"])
    page.get_by_role("link", name=world.strategy_title, exact=True).click()
    page.get_by_role("link", name=world.goal_title, exact=True).first.click()
    page.get_by_role("link", name=world.plan_title, exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.plan_title)


def test_editor_reports_a_delay_with_a_comment_and_sees_it_in_the_history(page: Page, world, app, url_for):
    comment = f"Afventer ny medarbejder i Erhvervskontakten ({world.suffix})."
    _open_plan_from_the_start_page(page, world)

    page.get_by_label(STATUS_LABEL).select_option("delayed")
    page.get_by_label(PROGRESS_LABEL).fill("55")
    page.get_by_label(COMMENT_LABEL).fill(comment)
    page.get_by_role("button", name=SAVE_UPDATE).click()

    expect(page).to_have_url(
        re.compile(
            re.escape(url_for("action_plans.action_plan", slug=world.slug, action_plan_id=world.plan_id))
            + "$"
        )
    )
    expect(page.get_by_role("status").first).to_be_visible()  # the confirmation
    entry = page.get_by_role("row").filter(has_text=comment)
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text(DELAYED)
    expect(entry).to_contain_text("55")
    expect(entry).to_contain_text(f"E2E Editor {world.suffix}")
    # The earlier update is still in the history.
    expect(page.get_by_role("row").filter(has_text="Erhvervskontakten er åbnet.")).to_have_count(1)

    status, progress, version, updates = _plan_state(app, world.plan_id)
    assert (status, progress) == ("delayed", 55)
    assert version == 2
    assert updates[-1] == ("in_progress", "delayed", 55, comment, world.user_ids["editor"])
    with app.app_context():
        events = db.session.scalars(
            sa.select(AuditEvent).where(
                AuditEvent.entity_type == "action_plan", AuditEvent.entity_id == world.plan_id
            )
        ).all()
        assert any(event.user_id == world.user_ids["editor"] for event in events)
        db.session.remove()


def test_delayed_without_a_comment_is_refused_on_the_form_and_changes_nothing(
    page: Page, world, app, url_for
):
    before = _plan_state(app, world.plan_id)
    log_in(page, world.emails["editor"])
    page.goto(url_for("action_plans.action_plan", slug=world.slug, action_plan_id=world.plan_id))

    page.get_by_label(STATUS_LABEL).select_option("delayed")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name=SAVE_UPDATE).click()
    assert posted.value.status == 400

    comment = page.get_by_label(COMMENT_LABEL)
    expect(comment).to_have_attribute("aria-invalid", "true")
    error_id = comment.get_attribute("aria-describedby").split()[-1]
    expect(page.locator(f"#{error_id}")).to_be_visible()
    expect(page.get_by_label(STATUS_LABEL)).to_have_value("delayed")  # the input is kept
    assert _plan_state(app, world.plan_id) == before
