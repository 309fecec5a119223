"""The KPI page and the correction form run a fixed number of SQL statements whatever the amount of data."""

from datetime import date

from strategitracker.extensions import db as _db
from strategitracker.progress import add_months
from tests import factories

BUDGET = 10


def make_kpi(org, make_user, measurements: int, targets: int):
    goal = factories.goal(factories.strategy(org))
    kpi = factories.kpi(
        goal,
        kind="rank",
        direction="lower",
        frequency="monthly",
        baseline_value=90,
        baseline_date=date(2010, 1, 1),
        baseline_out_of=98,
    )
    people = [make_user("editor", org) for _ in range(3)]
    for i in range(targets):
        # every other target re-sets the previous date: a superseded row in the history
        target_date = date(2030 + i // 2, 1, 1)
        factories.target(kpi, 50 - i, target_date, set_on=date(2020, 1, 1 + i), set_by_id=people[i % 3].id)
    for i in range(measurements):
        period = add_months(date(2011, 1, 1), i)
        factories.measurement(
            kpi, period, 90 - i % 80, out_of=98, entered_by_id=people[i % 3].id, note=f"n{i}"
        )
    kpi.owner_user_id = people[0].id
    _db.session.commit()
    return kpi


def page_statements(client, count_queries, path: str) -> int:
    """Statements for one GET, starting like a real request: nothing cached in the session."""
    _db.session.expunge_all()
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


def test_kpi_page_query_count_does_not_grow(client, login, org, make_user, count_queries):
    login("facilitator")
    small = make_kpi(org, make_user, measurements=2, targets=1)
    large = make_kpi(org, make_user, measurements=120, targets=6)
    small_path, large_path = f"/o/{org.slug}/kpis/{small.id}", f"/o/{org.slug}/kpis/{large.id}"
    client.get(small_path)  # warm-up: the first request after the test's commit also opens a savepoint
    small_count = page_statements(client, count_queries, small_path)
    large_count = page_statements(client, count_queries, large_path)
    assert small_count == large_count
    assert large_count <= BUDGET


def test_correction_form_query_count_does_not_grow(client, login, org, make_user, count_queries):
    editor = login("editor")
    small = make_kpi(org, make_user, measurements=2, targets=1)
    large = make_kpi(org, make_user, measurements=120, targets=6)
    small.owner_user_id = large.owner_user_id = editor.id  # an editor corrects their own KPIs' measurements
    _db.session.commit()
    paths = [f"/o/{org.slug}/kpis/{k.id}/measurements/{k.measurements[-1].id}/edit" for k in (small, large)]
    client.get(paths[0])  # warm-up
    counts = [page_statements(client, count_queries, path) for path in paths]
    assert counts[0] == counts[1] <= BUDGET
