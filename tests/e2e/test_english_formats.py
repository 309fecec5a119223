"""A reader who chose English sees one date style ("Sep 1, 2019", times as "Dec 4, 2026 21:13") and one
percent style ("40%") on every page; the council report stays Danish inside an English page."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import WORKSPACE_PAGES, log_in

pytestmark = pytest.mark.e2e

NUMERIC_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b")  # "12/4/26"
TWELVE_HOUR = re.compile(r"\b\d{1,2}:\d{2}\s?[AP]M\b")
SPACED_PERCENT = re.compile(r"\d\s%")  # "67 %" is Danish
ENGLISH_DATE = re.compile(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}, \d{4}\b")
PAGES = ("action-plan", "kpi", "goal", "strategy", "mine", "audit-log", "action-plan-list", "kpi-list")


def _text(page: Page) -> str:
    return page.locator("main").inner_text()


def test_english_pages_write_dates_and_percentages_one_way(page: Page, world, url_for):
    log_in(page, world.emails["admin"])
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    seen_percent = False
    for name in PAGES:
        _role, endpoint, values = WORKSPACE_PAGES[name]
        page.goto(url_for(endpoint, slug=world.slug, **values(world)))
        text = _text(page)
        assert not NUMERIC_DATE.search(text), (name, NUMERIC_DATE.search(text).group(0))
        assert not TWELVE_HOUR.search(text), (name, TWELVE_HOUR.search(text).group(0))
        assert not SPACED_PERCENT.search(text), (
            name,
            text[max(0, SPACED_PERCENT.search(text).start() - 40) :][:80],
        )
        seen_percent = seen_percent or bool(re.search(r"\d%", text))
        if name in ("action-plan", "kpi", "audit-log"):
            assert ENGLISH_DATE.search(text), name
    assert seen_percent


def test_the_report_keeps_its_navigation_in_english(page: Page, world, url_for):
    log_in(page, world.emails["viewer"])
    page.get_by_role("button", name="English").click()
    page.goto(url_for("reports.strategy_report", slug=world.slug, strategy_id=world.strategy_id))
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav.get_by_role("link", name="Strategies")).to_be_attached()
    expect(page.get_by_role("link", name="Download as Word")).to_be_visible()
    expect(page.locator("article.report")).to_have_attribute("lang", "da")
