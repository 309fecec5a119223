"""By keyboard: each form page opens with its first field focused; the status of an action plan is a few tabs
away, and an arrow key that changes it says so before anything is saved; a comment shows its length against
the limit and an over-long one is refused, not cut. Publishing shows the public page first and asks."""

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from strategitracker.extensions import db
from strategitracker.models import ActionPlan, Strategy
from tests.e2e import assert_accessible, log_in

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PUBLISH = re.compile(r"^\s*(Publish on the public pages|Offentliggør på de offentlige sider)\s*$")
CONFIRM = re.compile(r"^\s*(Yes, publish|Ja, offentliggør)\s*$")
SAVE_UPDATE = re.compile(r"^\s*(Save update|Gem opdatering)\s*$")

# The form pages: (role, endpoint, URL values); the first field of the page's main form gets the focus.
FORM_PAGES = {
    "new-strategy": ("admin", "strategies.new_strategy", lambda w: {}),
    "edit-strategy": ("admin", "strategies.edit_strategy", lambda w: {"strategy_id": w.strategy_id}),
    "new-goal": ("admin", "goals.new_goal", lambda w: {"strategy_id": w.strategy_id}),
    "edit-goal": ("admin", "goals.edit_goal", lambda w: {"goal_id": w.goal_id}),
    "new-kpi": ("admin", "kpis.new_kpi", lambda w: {"goal_id": w.goal_id}),
    "edit-kpi": ("admin", "kpis.edit_kpi", lambda w: {"kpi_id": w.kpi_id}),
    "edit-measurement": (
        "admin",
        "kpis.edit_measurement",
        lambda w: {"kpi_id": w.kpi_id, "measurement_id": w.measurement_id},
    ),
    "delete-measurement": (
        "admin",
        "kpis.delete_measurement",
        lambda w: {"measurement_id": w.measurement_id},
    ),
    "new-action-plan": ("admin", "action_plans.new_action_plan", lambda w: {"goal_id": w.goal_id}),
    "edit-action-plan": ("admin", "action_plans.edit_action_plan", lambda w: {"action_plan_id": w.plan_id}),
    "edit-department": ("admin", "departments.edit_department", lambda w: {"department_id": w.department_id}),
}

FIRST_FIELD_JS = """() => {
  const form = [...document.querySelectorAll('main form')].find(f => f.querySelector('[autofocus]'));
  const first = form && [...form.querySelectorAll('input, select, textarea')]
    .find(e => e.type !== 'hidden' && e.offsetParent !== null);
  return {
    autofocus: document.querySelectorAll('[autofocus]').length,
    first: first ? first.id : null,
    active: document.activeElement ? document.activeElement.id : null,
  };
}"""


def _focus(page: Page) -> dict:
    return page.evaluate(FIRST_FIELD_JS)


def test_the_log_in_page_opens_with_the_email_field_focused(page: Page):
    page.goto("/login")
    state = _focus(page)
    assert state == {"autofocus": 1, "first": "email", "active": "email"}, state
    page.keyboard.type("someone@example.org")
    expect(page.locator("#email")).to_have_value("someone@example.org")


@pytest.mark.parametrize("name", list(FORM_PAGES))
def test_each_form_page_opens_with_its_first_field_focused(
    open_axe_page, signed_in, shared_world, url_for, name
):
    role, endpoint, values = FORM_PAGES[name]
    page = open_axe_page(signed_in(shared_world.emails[role]))
    page.goto(url_for(endpoint, slug=shared_world.slug, **values(shared_world)))
    state = _focus(page)
    assert state["autofocus"] == 1, state
    assert state["first"] and state["active"] == state["first"], state


def _plan(app: Flask, plan_id: int) -> tuple[str, int]:
    with app.app_context():
        plan = db.session.get(ActionPlan, plan_id)
        found = (plan.status, plan.progress)
        db.session.remove()
    return found


def test_the_status_is_a_few_tabs_away_and_an_arrow_key_does_not_change_it_unnoticed(
    page: Page, world, app: Flask, url_for
):
    page.set_viewport_size(DESKTOP)
    log_in(page, world.emails["editor"])
    page.goto(url_for("action_plans.action_plan", slug=world.slug, action_plan_id=world.plan_id))
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Enter")
    tabs = 0
    while page.evaluate("document.activeElement.name") != "status":
        page.keyboard.press("Tab")
        tabs += 1
        assert tabs <= 6, "the status select is more than 6 tabs after the skip link"

    status = page.locator("select[name=status]")
    before = status.input_value()
    page.keyboard.press("ArrowDown")
    assert status.input_value() != before
    notice = page.locator("[data-change-notice-for=status]")
    expect(notice).to_have_attribute("aria-live", "polite")
    expect(notice).to_contain_text(re.compile(r"when you save|når du gemmer"))
    assert _plan(app, world.plan_id) == ("in_progress", 40)  # nothing saved by the arrow key
    status.select_option(before)
    expect(notice).to_have_text("")


def test_a_comment_shows_its_length_and_an_over_long_one_is_refused(page: Page, world, app: Flask, url_for):
    page.set_viewport_size(DESKTOP)
    log_in(page, world.emails["editor"])
    page.goto(url_for("action_plans.action_plan", slug=world.slug, action_plan_id=world.plan_id))
    comment = page.locator("textarea[name=comment]")
    expect(page.locator("#comment-help")).to_contain_text("5.000")  # the limit in words, also without script
    counter = page.locator("#comment-count")
    expect(counter).to_have_text("0 af 5.000 tegn")
    comment.fill("a" * 4990)
    expect(counter).to_have_text("4.990 af 5.000 tegn")
    expect(page.locator("#comment-count-live")).to_have_text("4.990 af 5.000 tegn")
    comment.fill("a" * 5010)
    assert len(comment.input_value()) == 5010  # the browser does not cut it
    expect(counter).to_have_text("5.010 tegn: 10 for mange (højst 5.000)")
    page.get_by_role("button", name=SAVE_UPDATE).click()
    expect(page.locator("#comment-error")).to_contain_text("højst have 5.000 tegn; denne har 5.010")
    assert _plan(app, world.plan_id) == ("in_progress", 40)
    assert len(page.locator("textarea[name=comment]").input_value()) == 5010  # kept for shortening


def test_publishing_shows_a_preview_and_asks_first(page: Page, world, app: Flask, url_for):
    page.set_viewport_size(DESKTOP)
    log_in(page, world.emails["admin"])
    public = url_for("public.strategy", org_slug=world.slug, strategy_id=world.strategy_id)
    page.goto(url_for("strategies.strategy", slug=world.slug, strategy_id=world.strategy_id))
    page.get_by_role("button", name=PUBLISH).or_(page.get_by_role("link", name=PUBLISH)).click()

    expect(page.get_by_role("heading", level=2, name=re.compile("Preview|Forhåndsvisning"))).to_be_visible()
    preview = page.locator(".publish-preview")
    expect(preview.get_by_role("heading", name=world.strategy_title)).to_be_visible()
    expect(preview).to_contain_text(world.goal_title)
    with app.app_context():
        assert not db.session.get(Strategy, world.strategy_id).published  # one click did not publish
        db.session.remove()
    assert page.request.get(public).status == 404

    page.get_by_role("button", name=CONFIRM).click()
    expect(page).to_have_url(re.compile(rf"/strategies/{world.strategy_id}$"))
    with app.app_context():
        assert db.session.get(Strategy, world.strategy_id).published
        db.session.remove()
    assert page.request.get(public).status == 200


def test_the_publish_confirm_page_is_accessible(open_axe_page, signed_in, world, url_for):
    page = open_axe_page(signed_in(world.emails["admin"]))
    page.goto(url_for("strategies.confirm_publish", slug=world.slug, strategy_id=world.strategy_id))
    assert_accessible(page, "the page that confirms publishing")
