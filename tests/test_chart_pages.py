"""The chart pages: a strategy's dashboard and action-plan timeline, a rank KPI beside peer municipalities,
and the goal page's charts — their content, their data tables, and a bounded number of SQL statements."""

import json
import re
from datetime import date, timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from strategitracker.charts import REPORT_ROWS, frozen_kpi_chart
from strategitracker.charts import figures as charts
from strategitracker.charts.labels import chart_labels
from strategitracker.extensions import db as _db
from strategitracker.models import KPI, Goal, Municipality, Organisation, Strategy, SurveyRank
from strategitracker.services import survey as benchmark
from strategitracker.services.seed import seed_thisted
from tests import factories
from tests.test_strategy_pages_query_budget import LARGE, SMALL, build

BUDGET = 10  # statements per page, log-in and navigation included

CHART_DATA = re.compile(
    r'<script type="application/json" class="chart-data" data-target="([^"]+)">(.*?)</script>', re.S
)
#: plotly.js on the page: loaded with it (the printed reports), or fetched by charts.js when needed.
PLOTLY = re.compile(
    r'(?:<script src|<script src="[^"]+/charts\.js" data-plotly)="/assets/plotly-[^"]+\.min\.js"'
)


def chart_blocks(html: str) -> dict[str, dict]:
    return {target: json.loads(unescape(body)) for target, body in CHART_DATA.findall(html)}


def table_of(html: str, chart_id: str) -> str:
    return html.split(f'id="{chart_id}-table"', 1)[1].split("</table>", 1)[0]


@pytest.fixture
def thisted(db):
    seed_thisted()
    org = _db.session.scalar(sa.select(Organisation).where(Organisation.slug == "thisted"))
    strategy = _db.session.scalar(sa.select(Strategy).where(Strategy.organisation_id == org.id))
    return org, strategy


def di_kpi(org, category="Overordnet") -> KPI:
    return _db.session.scalar(
        sa.select(KPI).where(KPI.organisation_id == org.id, KPI.survey_category == category)
    )


# --- labels ----------------------------------------------------------------------------------------------


def test_chart_labels_translate_every_key_of_the_chart_builders(app):
    with app.test_request_context():
        labels = chart_labels()
    assert labels.keys() == charts.LABELS_EN.keys()
    assert labels["rank_of"] % {"rank": 6, "n": 93}  # placeholders survive translation


# --- dashboard -------------------------------------------------------------------------------------------


def test_dashboard_shows_every_goal_with_status_progress_and_a_small_chart(client, login, thisted):
    org, strategy = thisted
    login("viewer", organisation=org, locale="en")
    response = client.get(f"/o/{org.slug}/strategies/{strategy.id}/dashboard")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    goals = re.findall(r'<h3 class="h5 card-title" id="tile-goal-\d+"><a [^>]+>([^<]+)</a>', html)
    assert len(goals) == 4
    assert (
        html.count('class="badge') >= 4 and 'status-badge"><span aria-hidden="true">' in html
    )  # text + symbol
    assert html.count('role="progressbar"') == 4
    blocks = chart_blocks(html)
    assert len(blocks) == 4  # one small chart per goal (each goal of the seed has a KPI)
    for figure in blocks.values():
        assert figure["layout"]["height"] == charts.COMPACT_HEIGHT
        assert figure["layout"]["showlegend"] is False
        assert " – " in figure["layout"]["title"]["text"]  # "<KPI> – <status>"
    assert html.count('class="chart-table"') == 4
    di = di_kpi(org)
    assert "no. 37 of 92" in table_of(html, f"chart-dash-kpi-{di.id}")
    # what needs attention: the delayed, overdue building-permit plan of the seed
    attention = html.split('id="attention-heading"', 1)[1].split("</section>", 1)[0]
    assert "Overdue action plans" in attention
    assert "Hurtigere byggesagsbehandling" in attention
    assert PLOTLY.search(html)


def test_strategy_page_links_to_dashboard_and_timeline(client, login, thisted):
    org, strategy = thisted
    login("viewer", organisation=org)
    html = client.get(f"/o/{org.slug}/strategies/{strategy.id}").get_data(as_text=True)
    assert f'href="/o/{org.slug}/strategies/{strategy.id}/dashboard"' in html
    assert f'href="/o/{org.slug}/strategies/{strategy.id}/timeline"' in html
    assert not PLOTLY.search(html)  # plotly only on pages with charts


def test_dashboard_of_an_empty_strategy(client, login, org):
    strategy = factories.strategy(org)
    login("viewer")
    html = client.get(f"/o/{org.slug}/strategies/{strategy.id}/dashboard").get_data(as_text=True)
    assert not chart_blocks(html)
    assert not PLOTLY.search(html)


# --- timeline --------------------------------------------------------------------------------------------


def test_timeline_draws_every_dated_plan_by_status_and_marks_overdue_and_today(client, login, org, today):
    strategy = factories.strategy(org)
    goal = factories.goal(strategy, title="Erhvervsklima")
    factories.action_plan(
        goal,
        title="Forsinket plan",
        status="delayed",
        start_date=today - timedelta(days=200),
        due_date=today - timedelta(days=10),
    )
    factories.action_plan(
        goal,
        title="Igangværende plan",
        status="in_progress",
        start_date=today - timedelta(days=30),
        due_date=today + timedelta(days=300),
    )
    factories.action_plan(goal, title="Udateret plan", status="not_started")
    archived = factories.action_plan(goal, title="Arkiveret plan", archived_at=date(2024, 1, 1))
    login("viewer", locale="en")
    html = client.get(f"/o/{org.slug}/strategies/{strategy.id}/timeline").get_data(as_text=True)
    figure = chart_blocks(html)[f"chart-timeline-{strategy.id}"]
    bars = {title: trace for trace in figure["data"] for title in trace["y"]}
    assert set(bars) == {
        "Forsinket plan",
        "Igangværende plan",
    }  # a plan without dates is left out of the chart
    assert bars["Forsinket plan"]["meta"]["status"] == "delayed"
    assert "Delayed – overdue" in bars["Forsinket plan"]["text"]
    assert figure["layout"]["shapes"][0]["x0"] == today.isoformat()  # today marked
    table = table_of(html, f"chart-timeline-{strategy.id}")
    assert "Udateret plan" in table  # … but listed in the table
    assert "Arkiveret plan" not in html and archived.title not in table
    assert table.count('scope="row"') == 3
    assert "Overdue" in table and "Delayed" in table  # status as text, not colour alone


# --- peers -----------------------------------------------------------------------------------------------


def test_peers_default_to_the_municipalities_with_data_in_the_category(client, login, thisted):
    org, _strategy = thisted
    kpi = di_kpi(org)
    login("viewer", organisation=org, locale="en")
    html = client.get(f"/o/{org.slug}/kpis/{kpi.id}/peers").get_data(as_text=True)
    figure = chart_blocks(html)[f"chart-peers-{kpi.id}"]
    names = [t["meta"]["municipality"] for t in figure["data"]]
    assert names == ["Thisted", "Ikast-Brande", "Morsø", "Ringkøbing-Skjern", "Stevns", "Vejen"]
    thisted_line = figure["data"][0]
    assert thisted_line["meta"]["highlight"] is True
    assert [y for y in thisted_line["y"] if y is not None] == [92, 88, 64, 50, 6, 16, 13, 19, 37]
    assert "no. 6 of 93" in thisted_line["hovertext"][4]
    # the category selector lists the categories with data for Thisted, the KPI's own selected
    options = re.findall(r'<option value="([^"]+)"( selected)?>', html)
    assert ("Overordnet", " selected") in options and ("Sagsbehandling", "") in options
    assert len(options) == 8
    assert html.count('name="peer"') == 5 and html.count(" checked>") == 5
    table = table_of(html, f"chart-peers-{kpi.id}")
    assert '<th scope="col">Morsø</th>' in table and "no. 2 of 93" in table


def test_peers_chosen_by_query_and_by_category(client, login, thisted):
    org, _strategy = thisted
    kpi = di_kpi(org)
    login("viewer", organisation=org)
    html = client.get(f"/o/{org.slug}/kpis/{kpi.id}/peers?peer=773&peer=336&peer=999").get_data(as_text=True)
    figure = chart_blocks(html)[f"chart-peers-{kpi.id}"]
    assert [t["meta"]["municipality"] for t in figure["data"]] == ["Thisted", "Morsø", "Stevns"]
    assert html.count(" checked>") == 2

    html = client.get(f"/o/{org.slug}/kpis/{kpi.id}/peers?category=Sagsbehandling").get_data(as_text=True)
    figure = chart_blocks(html)[f"chart-peers-{kpi.id}"]
    assert [t["meta"]["municipality"] for t in figure["data"]] == ["Thisted"]
    assert figure["data"][0]["y"] == [11, 29]

    # an unknown category falls back to the KPI's own
    html = client.get(f"/o/{org.slug}/kpis/{kpi.id}/peers?category=Nope").get_data(as_text=True)
    assert len(chart_blocks(html)[f"chart-peers-{kpi.id}"]["data"]) == 6


def test_peers_of_a_kpi_without_survey_data_explain_why_there_is_no_chart(client, login, org, thisted):
    goal = factories.goal(factories.strategy(org))
    number = factories.kpi(goal)
    rank = factories.kpi(goal, kind="rank", direction="lower", survey="di", survey_category="Overordnet")
    login("viewer")
    for kpi in (number, rank):  # org has municipality code 999: no survey rows
        response = client.get(f"/o/{org.slug}/kpis/{kpi.id}/peers")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert 'class="alert alert-info"' in html
        assert not chart_blocks(html) and not PLOTLY.search(html)


def test_rank_series_is_one_query(db, thisted, count_queries):
    ids = list(_db.session.scalars(sa.select(Municipality.id)))
    with count_queries() as statements:
        series = benchmark.rank_series("di", "Overordnet", ids)
    assert len(statements) == 1
    assert series["Thisted"][4] == (2019, 6, 93)


# --- query budget ----------------------------------------------------------------------------------------


def add_survey(org, *, first_code: int, municipalities: int, years: int, categories: int) -> None:
    codes = [org.municipality_code] + [first_code + n for n in range(municipalities)]
    for i, code in enumerate(codes):
        municipality = _db.session.scalar(sa.select(Municipality).where(Municipality.code == code))
        if municipality is None:
            municipality = Municipality(code=code, name=f"Kommune {code}")
            _db.session.add(municipality)
            _db.session.flush()
        _db.session.add_all(
            SurveyRank(
                survey="di",
                year=2010 + y,
                municipality_id=municipality.id,
                category=f"Kategori {c}",
                rank=1 + (i + y) % 90,
                out_of=93,
            )
            for y in range(years)
            for c in range(categories)
        )
    _db.session.flush()


def test_chart_pages_run_the_same_number_of_statements_at_two_sizes(
    client, org, other_org, login, make_user, count_queries
):
    login("viewer")
    members = [make_user("editor", org) for _ in range(3)]
    small_strategy, small_goal = build(org, members, **SMALL)
    large_strategy, large_goal = build(other_org, members, **LARGE)
    add_survey(org, first_code=500, municipalities=1, years=1, categories=1)
    add_survey(other_org, first_code=600, municipalities=10, years=12, categories=4)
    for goal_id in (small_goal, large_goal):
        factories.kpi(
            _db.session.get(Goal, goal_id),
            name="DI",
            kind="rank",
            direction="lower",
            survey="di",
            survey_category="Kategori 0",
        )
    large_login = make_user("viewer", other_org)
    _db.session.commit()
    small_kpi = _db.session.scalar(sa.select(KPI.id).where(KPI.organisation_id == org.id, KPI.name == "DI"))
    large_kpi = _db.session.scalar(
        sa.select(KPI.id).where(KPI.organisation_id == other_org.id, KPI.name == "DI")
    )
    small_slug, large_slug, large_email = org.slug, other_org.slug, large_login.email
    pages: dict[str, str] = {}

    def count(slug: str, path: str) -> int:
        _db.session.expunge_all()
        with count_queries() as statements:
            response = client.get(f"/o/{slug}{path}")
        assert response.status_code == 200, path
        pages[slug + path] = response.get_data(as_text=True)
        return len(statements)

    def measure(slug, strategy_id, goal_id, kpi_id, code):
        return {
            "dashboard": count(slug, f"/strategies/{strategy_id}/dashboard"),
            "timeline": count(slug, f"/strategies/{strategy_id}/timeline"),
            "goal": count(slug, f"/goals/{goal_id}"),
            "peers": count(slug, f"/kpis/{kpi_id}/peers"),
            "peers, chosen": count(
                slug, f"/kpis/{kpi_id}/peers?peer={code}&peer={code + 1}&category=Kategori 0"
            ),
        }

    small = measure(small_slug, small_strategy, small_goal, small_kpi, 500)
    client.post("/logout")
    client.post("/login", data={"email": large_email, "password": "correct-horse-battery"})
    large = measure(large_slug, large_strategy, large_goal, large_kpi, 600)

    # the large pages really draw the large data
    dashboard = chart_blocks(pages[f"{large_slug}/strategies/{large_strategy}/dashboard"])
    assert len(dashboard) == LARGE["goals"]
    timeline = chart_blocks(pages[f"{large_slug}/strategies/{large_strategy}/timeline"])
    assert sum(len(t["y"]) for t in next(iter(timeline.values()))["data"]) == LARGE["goals"] * LARGE["plans"]
    goal = chart_blocks(pages[f"{large_slug}/goals/{large_goal}"])
    assert len(goal) == 1 + LARGE["kpis"] + 1  # the overview, the KPIs and the DI rank KPI
    peers = chart_blocks(pages[f"{large_slug}/kpis/{large_kpi}/peers"])
    assert len(next(iter(peers.values()))["data"]) == 1 + 6  # own line and the default six peers

    assert small == large
    assert max(large.values()) <= BUDGET, large


def _frozen_kpi(months: int) -> dict:
    """A KPI as a frozen report keeps it: a baseline, a target and `months` monthly measurements."""
    return {
        "id": 7,
        "name": "Ledighed",
        "unit": "personer",
        "kind": "number",
        "source": "",
        "direction": "lower",
        "frequency": "monthly",
        "baseline": {"period": "2020-01-01", "value": 1000.0, "out_of": None},
        "targets": [{"value": 600.0, "target_date": "2024-12-31", "set_on": "2020-01-01"}],
        "measurements": [
            {"period": date(2020 + m // 12, m % 12 + 1, 1).isoformat(), "value": 990.0 - m, "out_of": None}
            for m in range(months)
        ],
    }


def test_a_report_table_keeps_the_baseline_and_the_latest_rows_and_counts_the_rest():
    kpi, today = _frozen_kpi(20), date(2022, 1, 1)
    everything = frozen_kpi_chart(kpi, today, chart_labels(), "da")
    kept = frozen_kpi_chart(kpi, today, chart_labels(), "da", width=660, keep=REPORT_ROWS)
    assert (everything.omitted, kept.omitted) == (0, 20 - REPORT_ROWS)
    assert [r["kind"] for r in kept.rows] == ["baseline"] + ["measurement"] * REPORT_ROWS
    assert kept.rows == [everything.rows[0]] + everything.rows[-REPORT_ROWS:]  # the same cells as in full
    assert kept.years == everything.years  # the yearly summary reads every measurement
    measured = max(kept.figure["data"], key=lambda trace: len(trace["x"]))
    assert len(measured["x"]) == 20 and "hovertext" not in measured  # the chart draws them all, still
    short = frozen_kpi_chart(_frozen_kpi(REPORT_ROWS), today, chart_labels(), "da", keep=REPORT_ROWS)
    assert short.omitted == 0 and len(short.rows) == REPORT_ROWS + 1
