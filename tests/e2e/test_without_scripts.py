"""Chromium with JavaScript turned off: the goal page and the council report say that their charts are not
drawn, and their link opens the same page with every chart's numbers as tables, on screen and on paper."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.e2e

SAYS_SO = "Denne browser kører ikke scripts, så diagrammerne bliver ikke tegnet."
LINK = "Vis tallene for alle diagrammer som tabeller"


@pytest.mark.parametrize(
    "endpoint, values",
    [
        ("goals.goal", lambda w: {"goal_id": w.goal_id}),
        ("reports.strategy_report", lambda w: {"strategy_id": w.strategy_id}),
    ],
)
def test_without_scripts_every_chart_has_its_numbers_as_a_table(
    browser: Browser, live_server: str, signed_in, world, url_for: Callable[..., str], endpoint, values
):
    context = browser.new_context(
        base_url=live_server,
        locale="da-DK",
        java_script_enabled=False,
        storage_state=signed_in(world.emails["viewer"]),
    )
    try:
        page = context.new_page()
        page.goto(url_for(endpoint, slug=world.slug, **values(world)))
        notice = page.locator("main noscript p")  # Playwright's text and role look-ups pass over <noscript>
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(SAYS_SO)
        charts = page.locator("script.chart-data").count()
        assert charts >= 1 and page.get_by_role("table", name=world.kpi_name).count() == 0

        notice.locator("a", has_text=LINK).click()
        expect(notice).to_contain_text("Tallene vises som tabeller.")
        assert page.locator("script.chart-data").count() == charts
        assert page.locator("details.chart-table[open] table").count() >= charts
        expect(page.locator("details.chart-table:not([open])")).to_have_count(0)
        table = page.get_by_role("table", name=world.kpi_name).first
        expect(table).to_be_visible()
        page.emulate_media(media="print")
        expect(table).to_be_visible()
    finally:
        context.close()
