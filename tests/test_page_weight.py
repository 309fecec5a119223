"""What a phone loads: the public pages of a strategy of municipal size stay within an element and a byte
budget (Lighthouse counts the page's elements; a chart's table waits as text until it is opened)."""

import re
from html.parser import HTMLParser

import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import Strategy
from tests.support import opened
from tests.test_strategy_pages_query_budget import build

#: The most elements a page may have when it has loaded (before any chart is drawn).
DOM_BUDGET = 1_500
#: The most bytes of HTML the public strategy page may send (uncompressed: the wire carries less).
PUBLIC_STRATEGY_BYTES = 100_000
#: ... and the council report of MUNICIPAL (494 KB; its figures written by |tojson and its action plans
#: indented made it 535 KB): a phone parses every byte, and the benchmark client decompresses them.
REPORT_BYTES = 500_000
#: 10 goals of 5 KPIs with 8 years of monthly measurements and 10 action plans each.
MUNICIPAL = {"goals": 10, "kpis": 5, "measurements": 96, "plans": 10, "strategies": 1}


class _Elements(HTMLParser):
    """Counts the elements a browser puts in the page: none in a <template> (a <script>'s text is text)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.in_template = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "template":
            self.in_template += 1
        elif not self.in_template:
            self.count += 1

    def handle_startendtag(self, tag: str, attrs) -> None:
        if not self.in_template:
            self.count += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.in_template -= 1


def elements(html: str) -> int:
    parser = _Elements()
    parser.feed(html)
    return parser.count


def test_the_counter_leaves_out_what_waits_in_a_template():
    assert elements("<div><p>a</p><br/><template><table><tr><td>1</td></tr></table></template></div>") == 3
    assert (
        elements('<details><script type="text/html"><table><tr><td>1</td></tr></table></script></details>')
        == 2
    )


def test_the_public_pages_of_a_municipal_strategy_fit_a_phone(client, org, make_user):
    strategy_id, goal_id = build(org, [make_user("editor", org)], **MUNICIPAL)
    _db.session.execute(sa.update(Strategy).values(published=True))
    _db.session.commit()
    path = f"/public/{org.slug}/strategies/{strategy_id}"

    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('class="sparkline"') == MUNICIPAL["goals"] * MUNICIPAL["kpis"]
    assert elements(html) <= DOM_BUDGET
    assert len(response.get_data()) <= PUBLIC_STRATEGY_BYTES
    assert "plotly-" not in html  # nothing to draw: plotly.js is not loaded at all

    response = client.get(f"{path}/goals/{goal_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count('class="chart-data"') == MUNICIPAL["kpis"]
    assert html.count('<script type="text/html" class="chart-table-content">') == MUNICIPAL["kpis"]  # as text
    assert elements(html) <= DOM_BUDGET


def test_the_council_report_fits_a_phone_and_keeps_its_numbers_for_paper(client, org, login, make_user):
    """The report's tables (each chart's numbers and years, each goal's action plans) wait folded as text;
    plotly.js is not part of the page's load."""
    user = login("viewer")
    strategy_id, _goal_id = build(org, [user], **MUNICIPAL)
    response = client.get(f"/o/{org.slug}/strategies/{strategy_id}/report")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert elements(html) <= DOM_BUDGET
    assert len(response.get_data()) <= REPORT_BYTES
    charts = html.count('class="chart-data"')
    assert charts == MUNICIPAL["goals"] * MUNICIPAL["kpis"]
    waiting = html.count('<script type="text/html" class="chart-table-content">')
    assert waiting == charts + MUNICIPAL["goals"]  # a table per chart, the action plans per goal
    assert not re.search(r'<script src="[^"]*plotly', html) and "data-printed" in html  # fetched later
    assert elements(opened(html)) > 3 * DOM_BUDGET  # what paper gets: every table
