"""One rounding rule everywhere: a goal at 12.5 % progress is 13 % in the report's table, in the goal
chart's text and in the report workbook (half away from zero, docs/progress.md)."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from strategitracker.extensions import db as _db
from strategitracker.formatting import round_number
from tests import factories


@pytest.mark.parametrize(
    ("value", "decimals", "rounded"),
    [(12.5, 0, 13.0), (-2.5, 0, -3.0), (13.5, 0, 14.0), (1.005, 2, 1.01), (12.49, 0, 12.0), (0.0, 0, 0.0)],
)
def test_round_number_rounds_half_away_from_zero(value, decimals, rounded):
    assert round_number(value, decimals) == rounded


@pytest.fixture
def strategy(org):
    strategy = factories.strategy(org, title="Erhvervsstrategi")
    goal = factories.goal(strategy, title="Flere arbejdspladser")
    kpi = factories.kpi(
        goal, name="Nye job", direction="higher", baseline_value=0, baseline_date=date(2016, 1, 1)
    )
    factories.target(kpi, 100, date(2027, 1, 1))
    factories.measurement(kpi, date(2018, 1, 1), 12.5)  # 12.5 % of the way from 0 to 100
    _db.session.commit()
    return strategy


@pytest.mark.parametrize(("locale", "shown"), [("da", "13 %"), ("en", "13%")])
def test_a_half_percent_rounds_the_same_in_table_chart_and_workbook(
    client, login, org, strategy, locale, shown
):
    login("viewer", locale=locale)
    base = f"/o/{org.slug}/strategies/{strategy.id}"
    report = client.get(f"{base}/report").get_data(as_text=True)  # the council report is always Danish
    assert "13 %" in report and "12 %" not in report
    goal = client.get(f"/o/{org.slug}/goals/{strategy.goals[0].id}").get_data(as_text=True)
    assert shown in goal and shown.replace("13", "12") not in goal

    workbook = load_workbook(BytesIO(client.get(f"{base}/report.xlsx").data))
    goals_sheet = workbook.worksheets[0]
    (row,) = goals_sheet.iter_rows(min_row=2, values_only=True)
    assert 13 in row and 12 not in row
