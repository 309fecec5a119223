"""A browser that runs no scripts draws no charts and cannot put in a folded table: every page with charts
says so at the top and links to itself with ?tables=open, where every table and folded part is written
open. Those pages are drawn for their reader, and what is kept for everyone else stays folded."""

import re
from datetime import date
from pathlib import Path

import pytest

from strategitracker.extensions import db as _db
from tests import factories
from tests.support import opened

WAITING = 'class="chart-table-content"'
WRITTEN_OPEN = re.compile(r'<details class="chart-table" id="[^"]+" open>')
SAYS_SO = "Denne browser kører ikke scripts, så diagrammerne bliver ikke tegnet."
LINK = "Vis tallene for alle diagrammer som tabeller"

CHART_PAGES = [
    "/o/{slug}/goals/{goal}",
    "/o/{slug}/strategies/{strategy}/dashboard",
    "/o/{slug}/strategies/{strategy}/report",
    "/o/{slug}/strategies/{strategy}/report?section=charts&section=plans",
    "/public/{slug}/strategies/{strategy}/goals/{goal}",
]


@pytest.fixture
def goal(org):
    strategy = factories.strategy(org, title="Erhvervsstrategi", published=True)
    goal = factories.goal(strategy, title="Flere arbejdspladser")
    for name, value in (("Ledighed", 812), ("Nye virksomheder", 140)):
        kpi = factories.kpi(goal, name=name, kind="number", unit="personer")
        factories.measurement(kpi, date(2020, 1, 1), value)
        factories.measurement(kpi, date(2021, 1, 1), value + 7)
    factories.action_plan(goal, title="Erhvervsservice", status="in_progress", due_date=date(2030, 1, 1))
    _db.session.commit()
    return goal


def _tables(page: str) -> list[str]:
    return re.findall(r"<table\b.*?</table>", page, re.S)


@pytest.mark.parametrize("path", CHART_PAGES)
def test_a_page_with_charts_links_to_itself_with_every_table_written_open(client, login, org, goal, path):
    login("viewer")
    url = path.format(slug=org.slug, goal=goal.id, strategy=goal.strategy_id)
    folded = client.get(url).get_data(as_text=True)
    waiting = folded.count(WAITING)
    assert waiting >= 1 and SAYS_SO in folded
    link = re.search(rf'<noscript>.*?<a href="([^"]+)">{LINK}</a>', folded, re.S)
    assert link is not None
    asked = link.group(1).replace("&amp;", "&")
    assert asked == url + ("&" if "?" in url else "?") + "tables=open"  # the other query values kept

    response = client.get(asked)
    written = response.get_data(as_text=True)
    assert response.status_code == 200 and "ETag" not in response.headers  # drawn for its reader
    assert WAITING not in written and len(WRITTEN_OPEN.findall(written)) == waiting
    assert "Tallene vises som tabeller." in written and LINK not in written
    assert _tables(written) == _tables(opened(folded))  # the same tables, now in the page

    again = client.get(url).get_data(as_text=True)  # what is kept for everyone else stays folded
    assert again.count(WAITING) == waiting and not WRITTEN_OPEN.search(again)
    assert len(WRITTEN_OPEN.findall(client.get(asked).get_data(as_text=True))) == waiting


def test_the_reports_action_plans_are_written_open_too(client, login, org, goal):
    login("viewer")
    url = f"/o/{org.slug}/strategies/{goal.strategy_id}/report?tables=open"
    page = client.get(url).get_data(as_text=True)
    plans = re.search(r'<details class="chart-table" id="plans-\d+" open>.*?</details>', page, re.S)
    assert plans is not None and "Erhvervsservice" in plans.group(0)


def test_a_page_without_charts_says_nothing_of_scripts(client, login, org):
    strategy = factories.strategy(org, title="Tom strategi")
    goal = factories.goal(strategy, title="Uden nøgletal")
    _db.session.commit()
    login("viewer")
    assert SAYS_SO not in client.get(f"/o/{org.slug}/goals/{goal.id}").get_data(as_text=True)


def test_every_page_that_loads_the_chart_scripts_offers_its_tables_without_them():
    templates = Path(__file__).resolve().parents[1] / "templates"
    pages = [
        path
        for path in templates.rglob("*.html")
        if "chart_scripts(" in path.read_text() and path.parent.name != "charts"
    ]
    assert len(pages) >= 10
    silent = [p for p in pages if "{{ without_scripts() }}" not in p.read_text()]
    assert [str(p.relative_to(templates)) for p in silent] == []
