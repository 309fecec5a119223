"""On a 390 px wide phone a viewer opens a department's page, follows one status link to the department's
action plans in that status, downloads the same list as .xlsx, and searches from the navigation bar
(behind the menu button)."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.e2e import log_in

pytestmark = pytest.mark.e2e

IN_PROGRESS = re.compile(r"In progress|I gang", re.IGNORECASE)
DOWNLOAD = re.compile(r"Excel", re.IGNORECASE)
MENU = re.compile(r"^\s*Menu\s*$", re.IGNORECASE)
SEARCH = re.compile(r"^\s*(Search|Søg)\s*$", re.IGNORECASE)


def _no_sideways_scrolling(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide"


def test_a_viewer_finds_a_departments_plans_and_exports_them_on_a_phone(page: Page, world, url_for):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, world.emails["viewer"])
    page.goto(url_for("lists.department", slug=world.slug, department_id=world.department_id))
    _no_sideways_scrolling(page)
    page.get_by_role("link", name=IN_PROGRESS).first.click()
    expect(page.get_by_role("status")).to_contain_text("1")
    expect(page.get_by_role("link", name=world.plan_title)).to_be_visible()
    expect(page.get_by_label(re.compile(r"^\s*(Department|Forvaltning)\s*$"))).to_have_value(
        str(world.department_id)
    )
    _no_sideways_scrolling(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=DOWNLOAD).click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [world.plan_title]

    page.get_by_role("button", name=MENU).click()  # on a phone the search is in the collapsed menu
    search = page.get_by_role("search").first
    search.get_by_role("searchbox").fill("Erhvervskontakten")
    search.get_by_role("button", name=SEARCH).click()
    expect(page.get_by_role("link", name=world.plan_title)).to_be_visible()
    _no_sideways_scrolling(page)
