"""The council report on a phone and on paper: a phone loads it without plotly.js and without its tables;
a computer fetches plotly.js once the report is idle, so that Ctrl+P finds it; the print button draws every
chart and puts in every table before the print dialogue opens; a chart plotly.js could not draw says so on
paper, above its table."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.e2e import log_in

pytestmark = pytest.mark.e2e

CHARTS_READY = "() => document.body.dataset.chartsReady === '1'"
PLOTLY = "/assets/plotly-"
#: Instead of the print dialogue: what the page held when it asked for it.
RECORD_PRINT = """() => { window.print = () => {
  const count = (selector) => String(document.querySelectorAll(selector).length);
  document.body.dataset.printedCharts = count('.report .chart.js-plotly-plot');
  document.body.dataset.printedWaiting = count('.chart-table-content');
}; }"""


def _report(url_for: Callable[..., str], world) -> str:
    return url_for("reports.strategy_report", slug=world.slug, strategy_id=world.strategy_id)


def _plotly_requests(page: Page) -> list[str]:
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url) if PLOTLY in request.url else None)
    return fetched


def test_on_a_phone_the_report_loads_without_plotly_and_its_print_button_waits_for_every_chart(
    open_phone_page, signed_in, world, url_for
):
    page = open_phone_page(signed_in(world.emails["viewer"]))
    fetched = _plotly_requests(page)
    page.goto(_report(url_for, world))
    page.wait_for_function(CHARTS_READY)
    page.wait_for_timeout(1_000)  # a computer would have fetched plotly.js by now (the next test)
    assert page.evaluate("() => matchMedia('(hover: hover) and (pointer: fine)').matches") is False
    assert fetched == [] and page.evaluate("() => typeof window.Plotly") == "undefined"
    assert page.locator("details.chart-table table").count() == 0  # the tables wait as text
    charts = page.locator(".report script.chart-data").count()
    assert charts >= 1

    page.evaluate(RECORD_PRINT)
    page.get_by_role("button", name="Udskriv").click()
    page.wait_for_function("() => document.body.dataset.printedCharts !== undefined")
    assert page.evaluate("() => document.body.dataset.printedCharts") == str(charts)  # all drawn first
    assert page.evaluate("() => document.body.dataset.printedWaiting") == "0"  # and every table put in
    assert fetched


def test_on_a_computer_plotly_comes_once_the_report_is_idle(page: Page, world, url_for):
    log_in(page, world.emails["viewer"])
    page = page.context.new_page()  # a page the pointer has never been over
    fetched = _plotly_requests(page)
    page.goto(_report(url_for, world))
    page.wait_for_function("() => typeof window.Plotly === 'object'")  # nobody scrolled, moved or typed
    assert fetched


def test_a_chart_that_could_not_be_drawn_says_so_on_paper_above_its_numbers(
    open_phone_page, signed_in, world, url_for
):
    page = open_phone_page(signed_in(world.emails["viewer"]))
    page.route(f"**{PLOTLY}**", lambda route: route.abort())  # plotly.js never arrives
    page.goto(_report(url_for, world))
    page.wait_for_function(CHARTS_READY)
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    chart = page.locator(f"#chart-kpi-{world.kpi_id}")
    note = chart.evaluate("chart => getComputedStyle(chart, '::after').content")
    assert "Diagrammet var ikke tegnet" in note
    table = page.locator(f"#chart-kpi-{world.kpi_id}-table")
    assert table.evaluate("details => details.open") is True
    assert table.locator("table").count() >= 1
    page.emulate_media(media="screen")
    assert chart.evaluate("chart => getComputedStyle(chart, '::after').content") == "none"
