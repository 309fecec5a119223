"""The action-plan page, "Mine" and the audit log run the same number of SQL statements at any data size."""

from datetime import UTC, date, datetime, timedelta

import pytest

from strategitracker.extensions import db as _db
from strategitracker.models import ActionPlanUpdate, AuditEvent
from tests import factories

BUDGET = 10
# "Mine" also lists the e-mails sent to the user, with the items they listed: two statements more.
MINE_BUDGET = BUDGET + 2
# The audit log names what each event is about (titles, people, departments): one statement per kind of object
# on the page, however many events; this test's events are about goals, KPIs and action plans.
AUDIT_BUDGET = BUDGET + 3


@pytest.fixture
def measure(client, count_queries):
    def run(url: str) -> int:
        assert client.get(url).status_code == 200  # warm-up: the same request once before counting
        with count_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200
        return len(statements)

    return run


def grow(org, owner, *, goals=6, kpis=4, measurements=20, plans=5, updates=3):
    """A bigger organisation: goals × KPIs × measurements (with targets) and goals × action plans."""
    strategy = factories.strategy(org)
    department = factories.department(org)
    for g in range(goals):
        goal = factories.goal(strategy, position=g)
        for _k in range(kpis):
            kpi = factories.kpi(
                goal,
                owner_user_id=owner.id,
                baseline_value=10,
                baseline_date=date(2015, 1, 1),
                frequency="monthly",
            )
            factories.target(kpi, 50, date(2030, 1, 1))
            factories.target(kpi, 40, date(2025, 1, 1))
            for m in range(measurements):
                factories.measurement(kpi, date(2016, 1, 1) + timedelta(days=31 * m), 10 + m)
        for p in range(plans):
            plan = factories.action_plan(
                goal,
                owner_user_id=owner.id,
                department_id=department.id,
                due_date=date(2020, 1, 1) + timedelta(days=200 * p),
                status="in_progress",
            )
            for u in range(updates):
                _db.session.add(
                    ActionPlanUpdate(
                        action_plan=plan,
                        author_id=owner.id,
                        author_name=owner.name,
                        new_status="in_progress",
                        progress=10 * u,
                        comment=f"Opdatering {u}",
                    )
                )
    _db.session.commit()


def test_action_plan_page(login, org, measure):
    editor = login("editor")
    goal = factories.goal(factories.strategy(org))
    plan = factories.action_plan(goal, owner_user_id=editor.id, department_id=factories.department(org).id)
    _db.session.add(
        ActionPlanUpdate(action_plan=plan, author_id=editor.id, new_status="not_started", progress=0)
    )
    _db.session.commit()
    url = f"/o/{org.slug}/action-plans/{plan.id}"
    small = measure(url)
    for n in range(40):
        _db.session.add(
            ActionPlanUpdate(
                action_plan=plan, author_id=editor.id, new_status="in_progress", progress=n, comment="x"
            )
        )
    grow(org, editor)
    large = measure(url)
    assert small == large <= BUDGET, (small, large)


def test_action_plan_forms(login, org, measure):
    login("facilitator")
    goal = factories.goal(factories.strategy(org))
    plan = factories.action_plan(goal)
    _db.session.commit()
    urls = [f"/o/{org.slug}/action-plans/{plan.id}/edit", f"/o/{org.slug}/goals/{goal.id}/action-plans/new"]
    small = [measure(url) for url in urls]
    for _n in range(30):
        factories.membership(factories.user(), org, "editor")
        factories.department(org)
    grow(org, factories.user(), goals=2, kpis=1, measurements=2)
    large = [measure(url) for url in urls]
    assert small == large and max(large) <= BUDGET, (small, large)


def test_mine(login, org, measure):
    me = login("editor")
    goal = factories.goal(factories.strategy(org))
    kpi = factories.kpi(goal, owner_user_id=me.id, baseline_value=1, baseline_date=date(2015, 1, 1))
    factories.target(kpi, 5, date(2030, 1, 1))
    factories.measurement(kpi, date(2016, 1, 1), 2)
    department = factories.department(org)
    factories.action_plan(goal, owner_user_id=me.id, due_date=date(2020, 1, 1), department_id=department.id)
    _db.session.commit()
    url = f"/o/{org.slug}/mine"
    small = measure(url)
    grow(org, me)
    large = measure(url)
    assert small == large <= MINE_BUDGET, (small, large)


@pytest.mark.parametrize("query", ["", "?action=action_plan", "?entity_type=kpi&date_from=2024-01-01&page=2"])
def test_audit_log(login, org, make_user, measure, query):
    admin = login("admin")
    others = [make_user("editor", org) for _ in range(3)]

    def add_events(n: int) -> None:
        start = datetime(2024, 1, 1, tzinfo=UTC)
        for i in range(n):
            _db.session.add(
                AuditEvent(
                    organisation_id=org.id,
                    user_id=(others[i % 3] if i % 4 else admin).id,
                    action=["action_plan.update", "kpi.create", "goal.edit"][i % 3],
                    entity_type=["action_plan", "kpi", "goal"][i % 3],
                    entity_id=i,
                    before={"status": "in_progress"},
                    after={"status": "delayed", "comment": "x"},
                    created_at=start + timedelta(hours=i),
                )
            )
        _db.session.commit()

    add_events(6)
    url = f"/o/{org.slug}/audit{query}"
    small = measure(url)
    add_events(300)
    large = measure(url)
    assert small == large <= AUDIT_BUDGET, (small, large)
