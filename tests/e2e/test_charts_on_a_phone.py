"""Charts on a phone: a chart is drawn when it scrolls into view, its table is built when opened (and is
reachable by keyboard), and printing draws every chart and opens every table."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.e2e import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 320}
CHARTS_READY = "() => document.body.dataset.chartsReady === '1'"


#: Puts 2,000 px of room above the page's content while the page is parsed (before the charts are looked
#: at), so its charts are far below the fold whatever the page's own layout.
ROOM_ABOVE = """new MutationObserver((_, observer) => {
  const main = document.querySelector("main");
  if (main) {
    observer.disconnect();
    const room = document.createElement("div");
    room.style.height = "2000px";
    main.prepend(room);
  }
}).observe(document, {childList: true, subtree: true});"""


def _open_goal_on_a_phone(page: Page, world, url_for: Callable[..., str], *, room: bool = True) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, world.emails["viewer"])
    if room:
        page.add_init_script(ROOM_ABOVE)
    page.goto(url_for("goals.goal", slug=world.slug, goal_id=world.goal_id))
    page.wait_for_function(CHARTS_READY)


def _drawn(page: Page, chart_id: str) -> bool:
    return page.locator(f"#{chart_id} svg.main-svg").count() > 0


def test_a_chart_below_the_fold_is_drawn_after_scrolling(page: Page, world, url_for: Callable[..., str]):
    _open_goal_on_a_phone(page, world, url_for)
    below = f"chart-kpi-{world.kpi_id}"
    top = page.locator(f"#{below}").bounding_box()["y"]
    assert top > PHONE["height"] + 300  # below the fold, beyond where drawing starts early
    page.wait_for_timeout(300)
    assert not _drawn(page, below)
    assert page.locator("details.chart-table table").count() == 0  # no table built until asked for
    page.locator(f"#{below}").scroll_into_view_if_needed()
    expect(page.locator(f"#{below} svg.main-svg").first).to_be_attached()
    expect(page.locator(f"#{below} .scatterlayer .trace").first).to_be_attached()


def test_plotly_js_is_fetched_only_when_a_chart_nears_the_screen_or_the_reader_moves(
    page: Page, world, url_for: Callable[..., str]
):
    log_in(page, world.emails["viewer"])
    page = page.context.new_page()  # a page the pointer has never been over (Chromium moves it after a click)
    page.set_viewport_size(PHONE)
    page.add_init_script(ROOM_ABOVE)
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(url_for("goals.goal", slug=world.slug, goal_id=world.goal_id))
    page.wait_for_function(CHARTS_READY)
    page.wait_for_timeout(300)
    assert (
        page.locator(".chart").first.bounding_box()["y"] > PHONE["height"] + 300
    )  # no chart near the screen
    assert not [url for url in fetched if "/assets/plotly-" in url]
    assert page.evaluate("() => typeof window.Plotly") == "undefined"
    page.mouse.move(10, 10)  # the reader's first move fetches it, ready for scrolling or printing
    page.wait_for_function("() => typeof window.Plotly === 'object'")
    assert [url for url in fetched if "/assets/plotly-" in url]


def test_printing_draws_every_chart_and_opens_every_table(page: Page, world, url_for: Callable[..., str]):
    _open_goal_on_a_phone(page, world, url_for)
    ids = page.locator("script.chart-data").evaluate_all("blocks => blocks.map(b => b.dataset.target)")
    assert len(ids) == 2 and not any(_drawn(page, chart_id) for chart_id in ids)
    page.mouse.move(10, 10)  # (a reader who prints has touched the page: plotly.js is fetched)
    page.wait_for_function("() => typeof window.Plotly === 'object'")
    page.emulate_media(media="print")
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")  # what the browser does first
    for chart_id in ids:  # drawn at once, before the page is laid out for paper
        assert _drawn(page, chart_id), chart_id
    assert page.locator("details.chart-table:not([open])").count() == 0
    assert page.locator("details.chart-table table").count() == len(ids)
    assert page.locator(".chart-table-content").count() == 0
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    page.emulate_media(media="screen")
    assert page.locator("details.chart-table[open]").count() == 0


def test_a_charts_table_opens_from_the_keyboard_with_its_numbers(
    page: Page, world, url_for: Callable[..., str]
):
    _open_goal_on_a_phone(page, world, url_for, room=False)
    summary = page.locator(f"#chart-kpi-{world.kpi_id}-table > summary")
    for _ in range(80):  # Tab through the page to the table's toggle
        page.keyboard.press("Tab")
        if summary.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the chart table's toggle is not reachable with Tab")
    page.keyboard.press("Enter")
    table = page.locator(f"#chart-kpi-{world.kpi_id}-table table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(2)  # the baseline and the 2019 measurement
    expect(table.locator("tbody")).to_contain_text("6")  # rank 6 (of 93)
    assert table.locator("caption").inner_text().strip()


def test_a_chart_just_below_the_screen_waits_for_the_readers_first_move(
    page: Page, world, url_for: Callable[..., str]
):
    """Within the distance at which drawing starts early, but not on the screen: at load that costs a phone
    plotly.js for nothing the reader sees, so it waits for the first scroll, touch or key."""
    log_in(page, world.emails["viewer"])
    goal = url_for("goals.goal", slug=world.slug, goal_id=world.goal_id)
    page.set_viewport_size(PHONE)
    page.goto(goal)
    page.wait_for_function(CHARTS_READY)
    first = page.locator(".chart").first
    top = first.bounding_box()["y"] + page.evaluate("() => window.scrollY")
    page = page.context.new_page()  # a page the pointer has never been over
    page.set_viewport_size({"width": PHONE["width"], "height": int(top) - 100})  # the chart 100 px below
    fetched: list[str] = []
    page.on(
        "request", lambda request: fetched.append(request.url) if "/assets/plotly-" in request.url else None
    )
    page.goto(goal)
    page.wait_for_function(CHARTS_READY)
    chart_id = page.locator(".chart").first.get_attribute("id")
    page.wait_for_timeout(500)
    assert not fetched and not _drawn(page, chart_id)
    page.keyboard.press("End")  # the first key
    expect(page.locator(f"#{chart_id} svg.main-svg").first).to_be_attached()
    assert fetched
