"""The strategy list, strategy and goal pages run a fixed number of SQL statements whatever the data size."""

import re
from datetime import date, timedelta

from strategitracker.extensions import db as _db
from strategitracker.models import Measurement, Strategy
from tests import factories

BUDGET = 10  # statements per page, log-in and navigation included


def build(org, members, *, goals: int, kpis: int, measurements: int, plans: int, strategies: int):
    """`strategies` strategies; the first gets `goals` goals with KPIs, measurements and action plans."""
    today = date.today()
    department = factories.department(org, name=f"Forvaltning {goals}")
    first = None
    for s in range(strategies):
        strategy = factories.strategy(org, title=f"Strategi {s}", vision="Vision")
        first = first or strategy
        if s:
            factories.goal(strategy)  # every listed strategy has a goal count to compute
    goal_ids = []
    for n in range(goals):
        owner = members[n % len(members)]
        goal = factories.goal(first, title=f"Mål {n}", owner="Direktør", owner_user_id=owner.id, position=n)
        goal_ids.append(goal.id)
        for k in range(kpis):
            kind = "rank" if k % 2 else "number"
            kpi = factories.kpi(
                goal,
                kind=kind,
                direction="lower" if kind == "rank" else "higher",
                frequency="yearly" if k % 3 else "monthly",
                baseline_value=50,
                baseline_date=today - timedelta(days=40 * measurements + 400),
                baseline_out_of=98 if kind == "rank" else None,
            )
            factories.target(kpi, 10 if kind == "rank" else 90, today + timedelta(days=365))
            factories.target(
                kpi, 12 if kind == "rank" else 85, today + timedelta(days=365), set_on=date(2016, 1, 1)
            )
            _db.session.add_all(  # one flush for all of a KPI's measurements keeps the set-up fast
                Measurement(
                    kpi=kpi,
                    period=today - timedelta(days=40 * (measurements - m)),
                    value=40 - m % 30,
                    out_of=98 if kind == "rank" else None,
                )
                for m in range(measurements)
            )
        for p in range(plans):
            factories.action_plan(
                goal,
                department=department,
                owner_user_id=members[p % len(members)].id,
                status=["not_started", "in_progress", "delayed", "done", "cancelled"][p % 5],
                due_date=today + timedelta(days=30 * (p - 2)),
                progress=10 * p,
            )
    _db.session.commit()
    return first.id, goal_ids[0]


SMALL = {"goals": 1, "kpis": 1, "measurements": 1, "plans": 1, "strategies": 1}
LARGE = {"goals": 6, "kpis": 4, "measurements": 20, "plans": 5, "strategies": 8}


def test_pages_run_the_same_number_of_statements_at_two_sizes(
    client, org, other_org, login, make_user, count_queries
):
    role = "facilitator"  # sees every button and the forms; no role check costs a statement
    login(role)
    members = [make_user("editor", org) for _ in range(3)]
    small_strategy, small_goal = build(org, members, **SMALL)
    large_strategy, large_goal = build(other_org, members, **LARGE)
    # the same user sees both organisations' data: membership of the second organisation with the same role
    large_org_login = make_user(role, other_org)
    _db.session.commit()
    small_slug, large_slug, large_email = org.slug, other_org.slug, large_org_login.email

    pages: dict[str, str] = {}

    def count(slug: str, path: str) -> int:
        _db.session.expunge_all()  # a fresh session, as every real request gets: nothing cached
        with count_queries() as statements:
            response = client.get(f"/o/{slug}{path}")
        assert response.status_code == 200, path
        pages[slug + path] = response.get_data(as_text=True)
        return len(statements)

    small = {
        "home": count(small_slug, "/"),
        "strategy": count(small_slug, f"/strategies/{small_strategy}"),
        "goal": count(small_slug, f"/goals/{small_goal}"),
        "departments": count(small_slug, "/departments"),
    }
    client.post("/logout")
    client.post("/login", data={"email": large_email, "password": "correct-horse-battery"})
    large = {
        "home": count(large_slug, "/"),
        "strategy": count(large_slug, f"/strategies/{large_strategy}"),
        "goal": count(large_slug, f"/goals/{large_goal}"),
        "departments": count(large_slug, "/departments"),
    }
    # the large pages really show the large data
    assert pages[f"{large_slug}/"].count('class="h4 card-title"') == LARGE["strategies"]
    assert pages[f"{large_slug}/strategies/{large_strategy}"].count('role="progressbar"') == LARGE["goals"]
    goal_page = pages[f"{large_slug}/goals/{large_goal}"]
    goal_page = re.sub(r'<details class="chart-table".*?</details>', "", goal_page, flags=re.S)  # charts
    assert goal_page.count('scope="row"') == LARGE["kpis"] + LARGE["plans"]
    assert small == large
    assert max(large.values()) <= BUDGET, large


def test_archived_listings_are_bounded_too(client, org, login, make_user, count_queries):
    login("facilitator")
    members = [make_user("editor", org)]
    strategy_id, _ = build(org, members, **SMALL)
    strategy = _db.session.get(Strategy, strategy_id)
    for n in range(5):
        factories.goal(strategy, title=f"Arkiveret {n}", archived_at=date(2024, 1, 1))
        factories.strategy(org, title=f"Arkiveret strategi {n}", archived_at=date(2024, 1, 1))
    _db.session.commit()
    slug = org.slug
    for path in ["/?archived=1", f"/strategies/{strategy_id}?archived=1", "/departments?archived=1"]:
        _db.session.expunge_all()
        with count_queries() as statements:
            assert client.get(f"/o/{slug}{path}").status_code == 200
        assert len(statements) <= BUDGET, (path, statements)
