"""The export page and the download routes under /o/<slug>/exports/.

Users log in with the English locale so the assertions can name the English text (one test checks the
Danish headers of a user with the Danish locale).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from strategitracker.extensions import db as _db
from strategitracker.services.imports import columns as cols
from tests.exports.helpers import add_rankings, build, read_csv, read_xlsx
from tests.test_authorization_matrix import snapshot


@pytest.fixture
def data(org):
    data = build(org, goals=2, kpis=2, measurements=3, plans=3, updates=2)
    _db.session.commit()
    return data


@pytest.fixture
def viewer(login):
    return login("viewer", locale="en")


def _base(org) -> str:
    return f"/o/{org.slug}/exports"


def _query(response) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(response.location)
    return parts.path, parse_qs(parts.query)


# -- the export page -----------------------------------------------------------------------------------------


def test_page_offers_the_strategy_its_goals_and_kpis(client, org, data, viewer):
    response = client.get(f"{_base(org)}/?strategy_id={data.strategy.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Export data" in html
    assert f'value="strategy-{data.strategy.id}"' in html
    for goal in data.goals:
        assert f'value="goal-{goal.id}"' in html
    for kpi in data.kpis:
        assert f'value="kpi-{kpi.id}"' in html
    assert "Excel workbook (.xlsx)" in html and "CSV for Danish Excel" in html


def test_page_with_one_strategy_chooses_it_and_with_none_says_so(client, org, login):
    login("viewer", locale="en")
    html = client.get(f"{_base(org)}/").get_data(as_text=True)
    assert "There are no strategies yet." in html and "There is no benchmark data yet." in html
    data = build(org)
    _db.session.commit()
    html = client.get(f"{_base(org)}/").get_data(as_text=True)
    assert f'value="goal-{data.goals[0].id}"' in html


def test_page_of_a_strategy_of_another_organisation_is_not_found(client, org, other_org, data, viewer):
    other = build(other_org)
    _db.session.commit()
    assert client.get(f"{_base(org)}/?strategy_id={other.strategy.id}").status_code == 404
    assert client.get(f"{_base(org)}/?strategy_id=x").status_code == 404


def test_scope_form_redirects_to_the_download(client, org, data, viewer):
    goal = data.goals[1]
    response = client.get(
        f"{_base(org)}/",
        query_string={
            "strategy_id": data.strategy.id,
            "data-kind": "measurements",
            "data-scope": f"goal-{goal.id}",
            "data-file_format": "csv",
            "data-danish": "y",
        },
    )
    assert response.status_code == 302
    path, query = _query(response)
    assert path == f"{_base(org)}/measurements"
    assert query == {"goal_id": [str(goal.id)], "format": ["csv"], "danish": ["1"]}

    response = client.get(
        f"{_base(org)}/",
        query_string={
            "strategy_id": data.strategy.id,
            "data-kind": "action-plan-history",
            "data-scope": f"strategy-{data.strategy.id}",
            "data-file_format": "xlsx",
        },
    )
    path, query = _query(response)
    assert path == f"{_base(org)}/action-plan-history"
    assert query == {"strategy_id": [str(data.strategy.id)], "format": ["xlsx"]}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"data-scope": "goal-999999"}, "Not a valid choice"),
        ({"data-kind": "action-plans", "data-scope": "kpi"}, "for a whole strategy or for one goal"),
        ({"data-file_format": "pdf"}, "Not a valid choice"),
        ({"data-kind": "everything"}, "Not a valid choice"),
    ],
    ids=["unknown scope", "kpi for action plans", "unknown format", "unknown kind"],
)
def test_invalid_scope_form_shows_the_message(client, org, data, viewer, change, message):
    args = {
        "strategy_id": data.strategy.id,
        "data-kind": "measurements",
        "data-scope": f"strategy-{data.strategy.id}",
        "data-file_format": "xlsx",
    }
    args |= change
    if args["data-scope"] == "kpi":
        args["data-scope"] = f"kpi-{data.kpis[0].id}"
    response = client.get(f"{_base(org)}/", query_string=args)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_a_goal_of_another_strategy_is_not_a_valid_scope(client, org, data, viewer):
    second = build(org, title="Anden strategi")
    _db.session.commit()
    response = client.get(
        f"{_base(org)}/",
        query_string={
            "strategy_id": data.strategy.id,
            "data-kind": "measurements",
            "data-scope": f"goal-{second.goals[0].id}",
            "data-file_format": "xlsx",
        },
    )
    assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True)


def test_ranking_form_redirects_to_the_download_and_checks_its_choices(client, org, viewer):
    add_rankings(municipalities=3, categories=("Overordnet", "Sagsbehandling"))
    _db.session.commit()
    html = client.get(f"{_base(org)}/").get_data(as_text=True)
    assert "Kommune Æ1 (901)" in html and "Sagsbehandling" in html
    response = client.get(
        f"{_base(org)}/",
        query_string=[
            ("bench-survey", "di"),
            ("bench-category", "Sagsbehandling"),
            ("bench-municipality", "900"),
            ("bench-municipality", "902"),
            ("bench-file_format", "csv"),
        ],
    )
    assert response.status_code == 302
    path, query = _query(response)
    assert path == f"{_base(org)}/rankings"
    assert query == {
        "format": ["csv"],
        "survey": ["di"],
        "category": ["Sagsbehandling"],
        "municipality": ["900", "902"],
    }
    bad = client.get(f"{_base(org)}/", query_string={"bench-municipality": "123", "bench-file_format": "csv"})
    assert bad.status_code == 400 and "not a valid choice" in bad.get_data(as_text=True).lower()


def test_own_municipality_is_preselected_for_rankings(client, org, viewer):
    add_rankings(municipalities=1)
    org.municipality_code = 900
    _db.session.commit()
    html = client.get(f"{_base(org)}/").get_data(as_text=True)
    assert 'value="900" selected' in html or 'selected value="900"' in html


# -- downloads -----------------------------------------------------------------------------------------------


def test_measurements_download_as_xlsx(client, org, data, viewer):
    response = client.get(f"{_base(org)}/measurements", query_string={"goal_id": data.goals[0].id})
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"{org.slug}-maalinger-{date.today().isoformat()}.xlsx" in disposition
    assert "no-store" in response.headers["Cache-Control"]
    (rows,) = read_xlsx(response.data).values()
    assert rows[0][:3] == cols.headers(cols.MEASUREMENT_COLUMNS, "en")[:3]  # English for an English user
    assert len(rows) == 1 + 2 * 3


def test_measurements_download_as_danish_csv(client, org, data, login):
    login("viewer", locale="da")
    kpi = data.kpis[1]
    response = client.get(f"{_base(org)}/measurements?kpi_id={kpi.id}&format=csv&danish=1")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].endswith(".csv")
    rows = read_csv(response.data, danish=True)
    assert rows[0] == [*cols.headers(cols.MEASUREMENT_COLUMNS, "da"), "Mål", "Enhed"]
    assert rows[1][3] == "1234567,25"


def test_action_plans_and_history_downloads(client, org, data, viewer):
    xlsx = client.get(f"{_base(org)}/action-plans?strategy_id={data.strategy.id}")
    assert xlsx.status_code == 200
    sheets = read_xlsx(xlsx.data)
    assert [len(rows) for rows in sheets.values()] == [1 + 6, 1 + 12]
    csv_plans = client.get(f"{_base(org)}/action-plans?goal_id={data.goals[0].id}&format=csv")
    assert len(read_csv(csv_plans.data)) == 1 + 3
    history = client.get(f"{_base(org)}/action-plan-history?goal_id={data.goals[0].id}&format=csv")
    assert "handleplaner-historik" in history.headers["Content-Disposition"]
    assert len(read_csv(history.data)) == 1 + 6


def test_rankings_download(client, org, viewer):
    add_rankings(municipalities=3, years=2)
    _db.session.commit()
    response = client.get(f"{_base(org)}/rankings?municipality=901&format=csv")
    assert response.status_code == 200
    rows = read_csv(response.data)
    assert rows[0] == cols.headers(cols.RANKING_COLUMNS, "en")
    assert {r[2] for r in rows[1:]} == {"901"} and len(rows) == 3
    assert "placeringer" in response.headers["Content-Disposition"]


@pytest.mark.parametrize(
    "path, message",
    [
        ("measurements", "Choose a strategy, a goal or a KPI"),
        ("measurements?strategy_id={s}&goal_id={g}", "Choose a strategy, a goal or a KPI"),
        ("measurements?strategy_id={s}&format=pdf", "Choose the format .xlsx or .csv"),
        ("action-plans?kpi_id={k}", "for a whole strategy or for one goal"),
        ("action-plan-history?kpi_id={k}&format=csv", "for a whole strategy or for one goal"),
        ("rankings?municipality=abc", "A municipality code is a whole number"),
    ],
)
def test_bad_download_requests_show_the_page_with_a_message(client, org, data, viewer, path, message):
    before = snapshot()
    url = f"{_base(org)}/" + path.format(s=data.strategy.id, g=data.goals[0].id, k=data.kpis[0].id)
    response = client.get(url)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and "<h1>Export data" in html
    assert snapshot() == before


def test_ids_of_another_organisation_or_not_numbers_are_not_found(client, org, other_org, data, viewer):
    other = build(other_org)
    _db.session.commit()
    for path in (
        f"measurements?kpi_id={other.kpis[0].id}",
        f"measurements?goal_id={other.goals[0].id}",
        f"action-plans?strategy_id={other.strategy.id}",
        f"action-plan-history?goal_id={other.goals[0].id}",
        "measurements?kpi_id=x",
    ):
        assert client.get(f"{_base(org)}/{path}").status_code == 404, path


# -- query budget --------------------------------------------------------------------------------------------

DOWNLOAD_BUDGET = 10  # log-in, organisation, membership, the scope, one statement per sheet, savepoints
PAGE_BUDGET = 15


def _statements(client, count_queries, url: str) -> int:
    _db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


DOWNLOADS = (
    "measurements?strategy_id={s}",
    "measurements?goal_id={g}&format=csv",
    "measurements?kpi_id={k}&format=csv&danish=1",
    "action-plans?strategy_id={s}",
    "action-plans?goal_id={g}&format=csv",
    "action-plan-history?strategy_id={s}&format=csv",
    "rankings?format=xlsx",
)


def test_exports_run_a_fixed_number_of_statements(client, org, login, count_queries):
    """Every download (and the page) runs as many statements for 1 row as for 6 goals × 4 KPIs × 20
    measurements and 5 plans × 4 updates per goal (and 2 vs 200 ranks)."""
    login("viewer", locale="en")
    small = build(org, goals=1, kpis=1, measurements=1, plans=1, updates=1)
    large = build(org, goals=6, kpis=4, measurements=20, plans=5, updates=4)
    add_rankings(municipalities=2, years=1)
    _db.session.commit()

    def url(template, d):
        return f"{_base(org)}/" + template.format(s=d.strategy.id, g=d.goals[0].id, k=d.kpis[-1].id)

    pages = [(url(t, small), url(t, large), DOWNLOAD_BUDGET) for t in DOWNLOADS]
    pages.append((url("?strategy_id={s}", small), url("?strategy_id={s}", large), PAGE_BUDGET))
    client.get(pages[0][0])  # warm-up
    small_counts = [_statements(client, count_queries, small_url) for small_url, _large, _b in pages]
    add_rankings(municipalities=40, years=5, first_code=910)
    _db.session.commit()
    large_counts = [_statements(client, count_queries, large_url) for _small, large_url, _b in pages]
    assert small_counts == large_counts
    assert all(count <= budget for count, (_s, _l, budget) in zip(large_counts, pages, strict=True)), (
        large_counts
    )
