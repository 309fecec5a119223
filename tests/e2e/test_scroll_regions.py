"""On a 390×844 phone a box that scrolls inside the page (a wide table, a report chart drawn at the paper's
width) takes the keyboard's focus, so it can be scrolled without a mouse (static/js/scroll_regions.js); a box
that fits the screen adds no tab stop."""

import pytest
from playwright.sync_api import Page

from tests.e2e import assert_accessible, axe_violations

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
PAGES = {
    "goal": ("admin", "goals.goal", lambda w: {"goal_id": w.goal_id}),
    "report": ("admin", "reports.strategy_report", lambda w: {"strategy_id": w.strategy_id}),
    "frozen report": ("viewer", "reports.snapshot", lambda w: {"snapshot_id": w.snapshot_id}),
    "mine": ("editor", "mine.mine", lambda w: {}),
}

# Every element in the main content that scrolls, and whether it (or something in it) can take the focus.
SCROLL_BOXES_JS = """() => [...document.querySelectorAll('main *')]
  .filter(e => { const s = getComputedStyle(e);
    return (/(auto|scroll)/.test(s.overflowX) && e.scrollWidth > e.clientWidth + 1)
        || (/(auto|scroll)/.test(s.overflowY) && e.scrollHeight > e.clientHeight + 1); })
  .map(e => ({
    what: `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`,
    focusable: e.tabIndex >= 0 || !!e.querySelector('a[href], button, input, select, textarea, [tabindex]'),
    region: e.getAttribute('role') === 'region',
    name: e.getAttribute('aria-label')
      || (document.getElementById(e.getAttribute('aria-labelledby') || '') || {}).textContent || '',
  }))"""


def _open(open_axe_page, signed_in, world, url_for, name: str, size: dict) -> Page:
    role, endpoint, values = PAGES[name]
    page = open_axe_page(signed_in(world.emails[role]))
    page.set_viewport_size(size)
    page.goto(url_for(endpoint, slug=world.slug, **values(world)))
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("name", list(PAGES))
def test_every_scroll_box_on_a_phone_can_be_focused(open_axe_page, signed_in, shared_world, url_for, name):
    page = _open(open_axe_page, signed_in, shared_world, url_for, name, PHONE)
    assert_accessible(page, f"{name} on a phone")
    assert [v["id"] for v in axe_violations(page) if v["id"] == "scrollable-region-focusable"] == []
    for box in page.evaluate(SCROLL_BOXES_JS):
        assert box["focusable"], f"{box['what']} scrolls on {name} but cannot take the focus"


def test_a_report_s_scroll_box_is_reached_by_tab_named_and_scrolled_by_arrow_keys(
    open_axe_page, signed_in, shared_world, url_for
):
    page = _open(open_axe_page, signed_in, shared_world, url_for, "report", PHONE)
    boxes = page.evaluate(SCROLL_BOXES_JS)
    assert boxes, "the report's wide tables should scroll in their own box on a phone"
    for box in boxes:
        assert box["region"] and box["name"].strip(), f"{box['what']} is no named region"
    for _ in range(150):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.hasAttribute('data-scroll-region')"):
            break
    else:
        pytest.fail("no scroll box on the report was reached with Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('tabindex')") == "0"
    assert page.evaluate("() => document.activeElement.scrollLeft") == 0
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")


def test_a_box_that_fits_adds_no_tab_stop(open_axe_page, signed_in, shared_world, url_for):
    page = _open(open_axe_page, signed_in, shared_world, url_for, "goal", {"width": 1366, "height": 900})
    wrappers = page.locator("main .table-responsive")
    assert wrappers.count() >= 1
    assert page.locator("main [data-scroll-region]").count() == 0
    assert page.locator("main .table-responsive[tabindex]").count() == 0
