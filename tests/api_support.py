"""Data for the API's tests: one organisation's strategy with a KPI and an action plan, and tokens."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from strategitracker.extensions import db
from strategitracker.models import Organisation, User
from strategitracker.services import accounts
from tests import factories


def token_for(user: User, org: Organisation, *, write: bool = False, days: int | None = None) -> str:
    _token, secret = accounts.create_token(user, org, "test", write=write, days=days)
    return secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def strategy_data(org: Organisation, owner: User | None = None) -> SimpleNamespace:
    strategy = factories.strategy(org)
    goal = factories.goal(strategy)
    kpi = factories.kpi(goal, unit="virksomheder", baseline_value=10, baseline_date=date(2016, 1, 1))
    if owner is not None:
        kpi.owner_user_id = owner.id
    factories.target(kpi, 20, date(2027, 12, 31))
    factories.measurement(kpi, date(2019, 1, 1), 14)
    department = factories.department(org)
    plan = factories.action_plan(goal, department_id=department.id)
    db.session.flush()
    return SimpleNamespace(strategy=strategy, goal=goal, kpi=kpi, plan=plan, department=department)


def expire(secret: str) -> None:
    token = accounts.find_live_token(secret)
    assert token is not None
    token.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.flush()
