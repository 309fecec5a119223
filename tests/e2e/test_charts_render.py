"""The charts are really drawn: plotly.js (served by the app itself) turns every figure into SVG, with no
script errors and no request to any other host."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import log_in

pytestmark = pytest.mark.e2e


class Watch:
    """Console errors, uncaught script errors and every URL the page asks for."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.urls: list[str] = []
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        page.on("request", lambda request: self.urls.append(request.url))

    def check(self, base_url: str) -> None:
        assert not self.errors, self.errors
        assert self.urls, "no requests seen"
        foreign = [url for url in self.urls if not url.startswith(base_url + "/")]
        assert not foreign, f"requests left {base_url}: {foreign}"


def chart_ids(page: Page) -> list[str]:
    return page.locator("script.chart-data").evaluate_all("blocks => blocks.map(b => b.dataset.target)")


def assert_drawn(page: Page, expected: int) -> None:
    """Every chart is drawn once scrolled to (charts are drawn as they come into view)."""
    ids = chart_ids(page)
    assert len(ids) == expected, ids
    for chart_id in ids:
        chart = page.locator(f"#{chart_id}")
        chart.scroll_into_view_if_needed()
        expect(chart.locator("svg.main-svg").first).to_be_attached()
        expect(chart).to_have_attribute("role", "img")
        assert chart.get_attribute("aria-label")
        assert chart.bounding_box()["height"] > 100


def test_goal_page_draws_its_charts(page: Page, world, live_server: str, url_for: Callable[..., str]):
    log_in(page, world.emails["viewer"])  # (the log-in page's favicon.ico request answers 404)
    watch = Watch(page)
    page.goto(url_for("goals.goal", slug=world.slug, goal_id=world.goal_id))
    assert_drawn(page, 2)  # the goal at a glance and the one KPI
    # the rank KPI's chart: a measurement point with its "nr./no. 6 af/of 93" hover text in the SVG data
    kpi_chart = page.locator(f"#chart-kpi-{world.kpi_id}")
    expect(kpi_chart.locator(".scatterlayer .trace").first).to_be_attached()
    expect(kpi_chart.locator(".gtitle")).to_contain_text(world.kpi_name)
    # the numbers as a table, in the HTML and readable once opened
    table = page.locator(f"#chart-kpi-{world.kpi_id}-table")
    table.locator("summary").click()
    expect(table.locator("table")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(2)  # the baseline and the 2019 measurement
    watch.check(live_server)


def test_dashboard_and_timeline_draw_their_charts(
    page: Page, world, live_server: str, url_for: Callable[..., str]
):
    log_in(page, world.emails["viewer"])  # (the log-in page's favicon.ico request answers 404)
    watch = Watch(page)
    page.goto(url_for("dashboards.strategy_dashboard", slug=world.slug, strategy_id=world.strategy_id))
    assert_drawn(page, 1)
    page.goto(url_for("dashboards.strategy_timeline", slug=world.slug, strategy_id=world.strategy_id))
    assert_drawn(page, 1)
    expect(page.locator(f"#chart-timeline-{world.strategy_id} .barlayer .point")).to_have_count(1)
    watch.check(live_server)


def test_printing_opens_the_chart_tables_and_fits_the_charts_to_the_paper(
    page: Page, world, live_server: str, url_for: Callable[..., str]
):
    page.set_viewport_size({"width": 1400, "height": 900})
    log_in(page, world.emails["viewer"])
    page.goto(url_for("goals.goal", slug=world.slug, goal_id=world.goal_id))
    assert_drawn(page, 2)
    chart = page.locator(f"#chart-kpi-{world.kpi_id}")
    assert chart.locator("svg.main-svg").first.bounding_box()["width"] > 700
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details.chart-table:not([open])").count() == 0
    assert chart.locator("svg.main-svg").first.bounding_box()["width"] <= 680
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("details.chart-table[open]").count() == 0
    page.wait_for_function(
        "id => document.querySelector(`#${id} svg.main-svg`).getBoundingClientRect().width > 700",
        arg=f"chart-kpi-{world.kpi_id}",
    )
