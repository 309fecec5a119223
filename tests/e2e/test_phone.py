"""On a 390×844 phone every organisation page and every public page fits the screen's width, and the menu is
collapsed behind a "Menu" button that opens it (by keyboard too); at 1366 px the admin's menu is one row."""

import re

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from strategitracker.extensions import db
from strategitracker.models import ReportSnapshot, Strategy
from tests.e2e import WORKSPACE_PAGES

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
MENU = re.compile(r"^\s*Menu\s*$", re.IGNORECASE)


def _publish(app: Flask, world) -> None:
    with app.app_context():
        db.session.get(Strategy, world.strategy_id).published = True
        db.session.get(ReportSnapshot, world.snapshot_id).published = True
        db.session.commit()
        db.session.remove()


# The outermost elements that reach past the right edge (tag#id.class and width), to say what to fix.
TOO_WIDE_JS = """(limit) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > limit + 1)
  .filter(e => { for (let a = e.parentElement; a; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible' && getComputedStyle(e).position !== 'absolute')
      return false; }
    return true; })
  .filter(e => !(e.parentElement.getBoundingClientRect().right > limit + 1))
  .slice(0, 5)
  .map(e => `${e.tagName.toLowerCase()}#${e.id}.${[...e.classList].join('.')}`
    + ` (${Math.round(e.getBoundingClientRect().right)} px)`)"""


def _fits_width(page: Page, limit: int, what: str = "the page") -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > limit:
        culprits = page.evaluate(TOO_WIDE_JS, limit)
        pytest.fail(f"{what} is {width} px wide on a {limit} px screen ({page.url}): {culprits}")


def _fits(page: Page, what: str) -> None:
    _fits_width(page, PHONE["width"], what)


def _menu_is_collapsed_and_opens(page: Page, what: str) -> None:
    toggle = page.get_by_role("button", name=MENU)
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    menu = page.locator("#main-menu")
    expect(menu).to_be_hidden()
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link").first).to_be_visible()
    _fits(page, f"{what} with its menu open")


# The projector is the one page without the app's navigation: it fills a meeting room's screen.
WITHOUT_MENU = {"workshop-projector"}


@pytest.mark.parametrize("name", list(WORKSPACE_PAGES))
def test_workspace_page_on_a_phone(open_axe_page, signed_in, shared_world, url_for, name):
    world = shared_world
    role, endpoint, values = WORKSPACE_PAGES[name]
    page = open_axe_page(signed_in(world.emails[role]))
    page.set_viewport_size(PHONE)
    page.goto(url_for(endpoint, slug=world.slug, **values(world)))
    _fits(page, name)
    if name in WITHOUT_MENU:
        expect(page.locator("header nav")).to_have_count(0)
    else:
        _menu_is_collapsed_and_opens(page, name)


def test_public_pages_on_a_phone(open_axe_page, world, app: Flask, url_for):
    _publish(app, world)
    page = open_axe_page()
    page.set_viewport_size(PHONE)
    for what, path in (
        ("the published strategies", url_for("public.index")),
        (
            "a published strategy",
            url_for("public.strategy", org_slug=world.slug, strategy_id=world.strategy_id),
        ),
        (
            "a goal of a published strategy",
            url_for("public.goal", org_slug=world.slug, strategy_id=world.strategy_id, goal_id=world.goal_id),
        ),
        (
            "a published council report",
            url_for(
                "public.snapshot",
                org_slug=world.slug,
                strategy_id=world.strategy_id,
                snapshot_id=world.snapshot_id,
            ),
        ),
        ("the log-in page", url_for("auth.login")),
    ):
        page.goto(path)
        _fits(page, what)
        _menu_is_collapsed_and_opens(page, what)


def test_the_status_column_shows_without_scrolling_on_a_phone(open_axe_page, signed_in, world, app, url_for):
    _publish(app, world)
    page = open_axe_page(signed_in(world.emails["editor"]))
    page.set_viewport_size(PHONE)
    for path in (
        url_for("mine.mine", slug=world.slug),
        url_for("public.goal", org_slug=world.slug, strategy_id=world.strategy_id, goal_id=world.goal_id),
    ):
        page.goto(path)
        status = page.locator("main table .status-badge").first
        expect(status).to_be_in_viewport()
        box = status.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"], (path, box)


def test_the_admins_menu_is_one_row_at_1366_px(open_axe_page, signed_in, shared_world, url_for):
    page = open_axe_page(signed_in(shared_world.emails["admin"]))
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(url_for("strategies.home", slug=shared_world.slug))
    expect(page.get_by_role("button", name=MENU)).to_be_hidden()
    tops = page.evaluate(
        "() => [...document.querySelectorAll('header nav .main-links .nav-link')]"
        ".map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(tops) >= 10, tops
    assert len(set(tops)) == 1, f"the menu's links wrap onto more than one row: {tops}"
    _fits_width(page, 1366)
