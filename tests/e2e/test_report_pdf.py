"""The council report prints to a clean A4 PDF from the browser, and the public page draws its charts for
anonymous visitors with nothing fetched from anywhere but the app itself."""

import re
import unicodedata
from datetime import date
from io import BytesIO
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from strategitracker.extensions import db
from strategitracker.models import KPI, Goal, KPITarget, Measurement, Strategy
from tests.e2e import assert_accessible, log_in

pytestmark = pytest.mark.e2e

CHARTS_READY = "() => document.body.dataset.chartsReady === '1'"
CHARTS_ALL = "() => document.body.dataset.chartsAll === '1'"
ENGLISH_MONTH = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")


def _add_goal(app: Flask, world, title: str) -> None:
    """A second goal with a percentage KPI, so the report has more than one goal (and page)."""
    with app.app_context():
        strategy = db.session.get(Strategy, world.strategy_id)
        goal = Goal(strategy=strategy, organisation_id=strategy.organisation_id, title=title, position=1)
        kpi = KPI(
            goal=goal,
            organisation_id=strategy.organisation_id,
            name=f"Andel besvaret inden for 24 timer {world.suffix}",
            kind="percent",
            unit="%",
            frequency="yearly",
            baseline_value=62.5,
            baseline_date=date(2016, 1, 1),
        )
        kpi.targets.append(KPITarget(value=95, target_date=date(2027, 12, 31), set_on=date(2016, 1, 1)))
        kpi.measurements.append(Measurement(period=date(2020, 1, 1), value=81.5))
        db.session.add_all([goal, kpi])
        db.session.commit()
        db.session.remove()


def _publish(app: Flask, world) -> None:
    with app.app_context():
        db.session.get(Strategy, world.strategy_id).published = True
        db.session.commit()
        db.session.remove()


def _text(pdf: bytes) -> tuple[int, str]:
    """Page count and text; NFKC undoes the ligatures (ﬀ, ﬁ) the PDF fonts set for letter pairs."""
    reader = PdfReader(BytesIO(pdf))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), " ".join(unicodedata.normalize("NFKC", text).split())


def test_the_council_report_prints_to_an_a4_pdf_with_every_goal(page: Page, world, app: Flask, url_for):
    second_goal = f"Flere arbejdspladser {world.suffix}"
    _add_goal(app, world, second_goal)
    log_in(page, world.emails["viewer"])
    page.goto(url_for("reports.strategy_report", slug=world.slug, strategy_id=world.strategy_id))
    page.wait_for_function(CHARTS_READY)
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")  # as the browser does when printing
    page.wait_for_function(CHARTS_ALL)
    charts = page.locator(".report .chart")
    expect(charts).to_have_count(2)
    for index in range(2):  # drawn as SVG, at the fixed width chosen for A4
        chart = charts.nth(index)
        expect(chart.locator("svg.main-svg").first).to_be_attached()
        box = chart.locator("svg.main-svg").first.bounding_box()
        assert box["width"] <= 660 and box["height"] > 300
        # on paper the caption names the KPI: no chart title to cut, no axis title under the legend
        assert chart.locator(".gtitle").count() == 0 and chart.locator(".xtitle").count() == 0
        # the period axis is written as the figure says (Babel, in Danish), never in plotly's English
        ticks = chart.locator(".xtick text").all_text_contents()
        assert ticks and not ENGLISH_MONTH.search(" ".join(ticks))

    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")
    pages, text = _text(pdf)
    assert pages >= 3  # the summary, then each goal on a new page
    # a running header and "Side n af N" on every page (CSS margin boxes)
    for number in range(1, pages + 1):
        assert f"Side {number} af {pages}" in text
    assert text.count(world.strategy_title) >= pages
    for expected in (world.strategy_title, world.goal_title, second_goal, world.kpi_name, world.plan_title):
        assert expected in text, expected
    assert "Erhvervskontakten er åbnet." in text  # the latest comment (the report is for members)
    width, height = PdfReader(BytesIO(pdf)).pages[0].mediabox.upper_right
    assert float(width) == pytest.approx(595, abs=2) and float(height) == pytest.approx(842, abs=2)  # A4
    # no navigation on paper
    assert world.emails["viewer"] not in text
    nav_text = page.locator("header nav").inner_text()
    assert nav_text.strip() and " ".join(nav_text.split()) not in text


def test_the_public_page_draws_its_charts_anonymously_and_offline(page: Page, world, app: Flask, url_for):
    _publish(app, world)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url_for("public.strategy", org_slug=world.slug, strategy_id=world.strategy_id))
    expect(page.get_by_role("heading", level=1)).to_have_text(world.strategy_title)
    page.get_by_role("link", name=world.goal_title).click()  # the goal's own page has its charts
    expect(page.get_by_role("heading", level=1)).to_have_text(world.goal_title)
    page.wait_for_function(CHARTS_READY)
    chart = page.locator(f"#chart-kpi-{world.kpi_id}")
    chart.scroll_into_view_if_needed()
    expect(chart.locator("svg.main-svg").first).to_be_attached()
    assert chart.locator(".scatterlayer .trace").count() >= 2  # the measurements and the target are drawn
    assert chart.bounding_box()["height"] > 300  # a real chart, not a collapsed strip
    body = page.locator("body").inner_text()
    assert "Erhvervskontakten er åbnet." not in body  # no internal comments
    assert "@example.org" not in page.content()  # no e-mail addresses
    assert not [url for url in requested if urlsplit(url).hostname != "127.0.0.1"], requested
    assert any("/assets/plotly-" in url for url in requested)


def test_the_public_pages_are_accessible(open_axe_page, world, app: Flask, url_for):
    _publish(app, world)
    page = open_axe_page()
    page.goto(url_for("public.index"))
    region = page.get_by_role("region", name=world.org_name)
    expect(region.get_by_role("link", name=world.strategy_title)).to_be_visible()
    assert_accessible(page, "the list of published strategies")
    page.goto(url_for("public.strategy", org_slug=world.slug, strategy_id=world.strategy_id))
    assert_accessible(page, "a published strategy")
    page.goto(
        url_for("public.goal", org_slug=world.slug, strategy_id=world.strategy_id, goal_id=world.goal_id)
    )
    page.wait_for_function(CHARTS_READY)
    assert_accessible(page, "a goal of a published strategy")
