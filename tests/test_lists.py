"""The organisation-wide lists of action plans and KPIs, the department page and their Excel export:
each filter, the sort, the counts, the pages, who may see what, and a fixed number of SQL statements
whatever the amount of data."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from strategitracker.extensions import db as _db
from strategitracker.models import ActionPlanUpdate
from strategitracker.services import lists
from tests import factories


@pytest.fixture
def plans(org, today):
    """Plans of two departments, two strategies and two owners, in every state the filters tell apart."""
    teknik = factories.department(org, name="Teknik og Miljø")
    born = factories.department(org, name="Børn og Unge")
    first, second = factories.strategy(org, title="Vækst"), factories.strategy(org, title="Trivsel")
    goal_a, goal_b = factories.goal(first, title="Flere job"), factories.goal(second, title="Glade børn")
    owner = factories.user(name="Anne Ejer")
    factories.membership(owner, org, "editor")
    long_ago = datetime.now(UTC) - timedelta(days=90)
    made = {
        "delayed": factories.action_plan(
            goal_a, department=teknik, status="delayed", due_date=today - timedelta(days=5), title="Ny vej"
        ),
        "soon": factories.action_plan(
            goal_a, department=teknik, status="in_progress", due_date=today + timedelta(days=10)
        ),
        "later": factories.action_plan(goal_a, department=teknik, due_date=today + timedelta(days=100)),
        "done": factories.action_plan(
            goal_b, department=born, status="done", done_on=today, due_date=today - timedelta(days=50)
        ),
        "stale": factories.action_plan(
            goal_b,
            department=born,
            status="in_progress",
            owner_user_id=owner.id,
            created_at=long_ago,
            description="Legepladser ved skolerne",
        ),
    }
    _db.session.add(
        ActionPlanUpdate(
            action_plan=made["stale"], created_at=long_ago, new_status="in_progress", progress=10
        )
    )
    archived = factories.action_plan(goal_a, department=teknik, status="delayed")
    archived.archived_at = datetime.now(UTC)
    _db.session.commit()
    return {"teknik": teknik, "born": born, "first": first, "goal_b": goal_b, "owner": owner, **made}


def _titles(page: lists.PlanPage) -> set[str]:
    return {row.plan.title for row in page.rows}


def _ids(page) -> set[int]:
    return {row.plan.id for row in page.rows}


@pytest.mark.parametrize(
    ("make_filter", "expected"),
    [
        (lambda p: lists.PlanFilter(), {"delayed", "soon", "later", "done", "stale"}),
        (lambda p: lists.PlanFilter(strategy_id=p["first"].id), {"delayed", "soon", "later"}),
        (lambda p: lists.PlanFilter(goal_id=p["goal_b"].id), {"done", "stale"}),
        (lambda p: lists.PlanFilter(department_id=p["teknik"].id), {"delayed", "soon", "later"}),
        (lambda p: lists.PlanFilter(owner_user_id=p["owner"].id), {"stale"}),
        (lambda p: lists.PlanFilter(status="delayed"), {"delayed"}),
        (lambda p: lists.PlanFilter(status="done"), {"done"}),
        (lambda p: lists.PlanFilter(status="open"), {"delayed", "soon", "later", "stale"}),
        (lambda p: lists.PlanFilter(status="overdue"), {"delayed"}),
        (lambda p: lists.PlanFilter(status="due_soon"), {"soon"}),
        (lambda p: lists.PlanFilter(status="stale"), {"stale"}),
        (lambda p: lists.PlanFilter(status="stale", stale_days=120), set()),
        (lambda p: lists.PlanFilter(text="legeplads"), {"stale"}),
        (lambda p: lists.PlanFilter(text="NY VEJ"), {"delayed"}),
        (lambda p: lists.PlanFilter(text="100%"), set()),
        (lambda p: lists.PlanFilter(department_id=p["teknik"].id, status="delayed"), {"delayed"}),
    ],
)
def test_each_filter_of_the_plan_list(plans, org, today, make_filter, expected):
    page = lists.plan_list(org, make_filter(plans), today)
    assert _ids(page) == {plans[key].id for key in expected}
    assert page.total == len(expected)


def test_counts_per_status_ignore_the_status_filter_but_follow_the_others(plans, org, today):
    page = lists.plan_list(org, lists.PlanFilter(department_id=plans["teknik"].id, status="delayed"), today)
    counts = page.counts
    assert (counts["all"], counts["delayed"], counts["in_progress"], counts["not_started"]) == (3, 1, 1, 1)
    assert (counts["overdue"], counts["due_soon"], counts["stale"], counts["open"]) == (1, 1, 0, 3)


def test_sorting_by_due_date_status_and_last_update(plans, org, today):
    by_due = [row.plan.id for row in lists.plan_list(org, lists.PlanFilter(sort="due"), today).rows]
    assert by_due[:4] == [plans[k].id for k in ("done", "delayed", "soon", "later")]
    assert by_due[-1] == plans["stale"].id  # no due date: last
    by_status = lists.plan_list(org, lists.PlanFilter(sort="status"), today).rows
    assert by_status[0].plan.id == plans["delayed"].id
    assert [row.plan.status for row in by_status][-1] == "done"
    by_update = lists.plan_list(org, lists.PlanFilter(sort="updated"), today).rows
    assert by_update[-1].plan.id == plans["stale"].id


def test_pages_of_the_plan_list(org, today):
    goal = factories.goal(factories.strategy(org))
    for n in range(lists.PAGE_SIZE + 3):
        factories.action_plan(goal, title=f"Plan {n:03d}", due_date=today + timedelta(days=n))
    _db.session.commit()
    first = lists.plan_list(org, lists.PlanFilter(), today)
    last = lists.plan_list(org, lists.PlanFilter(), today, page=99)
    assert (first.pages, len(first.rows), last.page, len(last.rows)) == (2, lists.PAGE_SIZE, 2, 3)
    assert not _ids(first) & _ids(last)


def test_a_viewer_finds_the_delayed_plans_of_a_department_in_two_clicks(client, login, plans, org):
    login("viewer")
    department_page = client.get(f"/o/{org.slug}/departments/{plans['teknik'].id}")
    assert department_page.status_code == 200
    html = department_page.get_data(as_text=True)
    link = f"/o/{org.slug}/action-plans?department={plans['teknik'].id}&amp;status=delayed"
    assert link in html
    listing = client.get(link.replace("&amp;", "&"))
    text = listing.get_data(as_text=True)
    assert listing.status_code == 200 and "Ny vej" in text and 'aria-live="polite"' in text
    assert plans["soon"].title not in text
    export = client.get(f"/o/{org.slug}/action-plans.xlsx?department={plans['teknik'].id}&status=delayed")
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "Ny vej" and rows[1][3] == "Teknik og Miljø"


def test_the_export_stores_formula_like_text_as_text(client, login, org):
    login("viewer")
    goal = factories.goal(factories.strategy(org))
    factories.action_plan(goal, title='=HYPERLINK("http://evil")')
    _db.session.commit()
    export = client.get(f"/o/{org.slug}/action-plans.xlsx")
    cell = load_workbook(io.BytesIO(export.data)).active["A2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_filters_that_do_not_fit_are_refused_with_a_message(client, login, plans, org, other_org):
    login("viewer")
    foreign = factories.department(other_org, name="Fremmed")
    _db.session.commit()
    for query in (f"department={foreign.id}", "status=nonsense", "days=0", "owner=abc", "sort=title"):
        response = client.get(f"/o/{org.slug}/action-plans?{query}")
        assert response.status_code == 400, query
        assert "Ny vej" not in response.get_data(as_text=True)
    assert client.get(f"/o/{org.slug}/kpis?kind=nonsense").status_code == 400
    assert client.get(f"/o/{org.slug}/departments/{foreign.id}").status_code == 404


def test_other_organisations_cannot_open_the_lists(client, login, plans, org, other_org):
    login("admin", organisation=other_org)
    for url in ("action-plans", "action-plans.xlsx", "kpis", f"departments/{plans['teknik'].id}", "search"):
        assert client.get(f"/o/{org.slug}/{url}").status_code == 404, url


# --------------------------------------------------------------------------------------------------- KPIs


@pytest.fixture
def kpis(org, today):
    teknik = factories.department(org, name="Teknik og Miljø")
    goal_a = factories.goal(factories.strategy(org), title="Flere job")
    goal_b = factories.goal(factories.strategy(org), title="Glade børn")
    factories.action_plan(goal_a, department=teknik)
    owner = factories.user(name="Karl Ejer")
    factories.membership(owner, org, "editor")
    measured = factories.kpi(
        goal_a,
        name="Ledighed",
        kind="percent",
        frequency="monthly",
        baseline_value=10,
        baseline_date=date(2016, 1, 1),
    )
    factories.target(measured, 20, date(2027, 12, 31))
    factories.measurement(measured, today - timedelta(days=20), 30)
    empty = factories.kpi(
        goal_b, name="Trivsel i skolen", owner_user_id=owner.id, description="Elevernes trivsel"
    )
    _db.session.commit()
    return {"teknik": teknik, "owner": owner, "measured": measured, "empty": empty}


def _kpi_ids(page: lists.KPIListPage) -> set[int]:
    return {row.kpi.id for row in page.rows}


@pytest.mark.parametrize(
    ("make_filter", "expected"),
    [
        (lambda k: lists.KPIFilter(), {"measured", "empty"}),
        (lambda k: lists.KPIFilter(status="no_data"), {"empty"}),
        (lambda k: lists.KPIFilter(department_id=k["teknik"].id), {"measured"}),
        (lambda k: lists.KPIFilter(owner_user_id=k["owner"].id), {"empty"}),
        (lambda k: lists.KPIFilter(frequency="monthly"), {"measured"}),
        (lambda k: lists.KPIFilter(kind="percent"), {"measured"}),
        (lambda k: lists.KPIFilter(text="elevernes"), {"empty"}),
    ],
)
def test_each_filter_of_the_kpi_list(kpis, org, today, make_filter, expected):
    assert _kpi_ids(lists.kpi_list(org, make_filter(kpis), today)) == {kpis[key].id for key in expected}


def test_kpi_status_filter_uses_the_computed_status(kpis, org, today):
    everything = lists.kpi_list(org, lists.KPIFilter(), today)
    status = next(row.status for row in everything.rows if row.kpi.id == kpis["measured"].id)
    assert status != "no_data"
    only = lists.kpi_list(org, lists.KPIFilter(status=status), today)
    assert _kpi_ids(only) == {kpis["measured"].id}
    assert everything.counts[status] == 1 and everything.counts["no_data"] == 1
    by_measurement = lists.kpi_list(org, lists.KPIFilter(sort="measured"), today)
    assert [row.kpi.id for row in by_measurement.rows] == [kpis["measured"].id, kpis["empty"].id]


def test_kpi_list_page(client, login, kpis, org):
    login("viewer")
    response = client.get(f"/o/{org.slug}/kpis?status=no_data")
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Trivsel i skolen" in text and "Ledighed" not in text


def test_department_page_links_are_shown_where_a_department_is_named(client, login, plans, org):
    login("viewer")
    href = f"/o/{org.slug}/departments/{plans['teknik'].id}"
    for url in (
        f"/o/{org.slug}/action-plans/{plans['delayed'].id}",
        f"/o/{org.slug}/goals/{plans['delayed'].goal_id}",
        f"/o/{org.slug}/action-plans",
        f"/o/{org.slug}/departments",
    ):
        assert href in client.get(url).get_data(as_text=True), url


# ------------------------------------------------------------------------------------------ query budget


#: log-in and organisation (2), filter choices (3 for plans, 2 for KPIs), counts and rows (2) or KPIs,
#: their targets and values (3), and the department (1)
BUDGET = 10


def _add_data(org, times: int, today: date) -> None:
    department = factories.department(org)
    owner = factories.user()
    factories.membership(owner, org, "editor")
    for _n in range(times):
        goal = factories.goal(factories.strategy(org))
        plan = factories.action_plan(goal, department=department, owner_user_id=owner.id, due_date=today)
        _db.session.add(ActionPlanUpdate(action_plan=plan, new_status="in_progress", progress=5))
        kpi = factories.kpi(goal, owner_user_id=owner.id, baseline_value=1, baseline_date=date(2016, 1, 1))
        factories.target(kpi, 20, date(2027, 12, 31))
        factories.measurement(kpi, today - timedelta(days=40), 5)
    _db.session.commit()


@pytest.mark.parametrize("page", ["action-plans?sort=updated", "kpis?sort=measured", "department", "xlsx"])
def test_a_fixed_number_of_statements_at_1x_and_20x_data(client, login, org, today, count_queries, page):
    login("viewer")
    _add_data(org, 1, today)
    department_id = factories.department(org).id
    _db.session.commit()

    def url() -> str:
        if page == "department":
            return f"/o/{org.slug}/departments/{department_id}"
        if page == "xlsx":
            return f"/o/{org.slug}/action-plans.xlsx"
        return f"/o/{org.slug}/{page}"

    def measure() -> int:
        assert client.get(url()).status_code == 200  # warm-up: the same request once before counting
        with count_queries() as statements:
            assert client.get(url()).status_code == 200
        return len([s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE"))])

    small = measure()
    _add_data(org, 19, today)
    assert measure() == small <= BUDGET
