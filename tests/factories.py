"""Small factories that build valid domain objects with as few arguments as a test needs."""

import itertools
from datetime import date

from flask import current_app
from werkzeug.security import generate_password_hash

from strategitracker.extensions import db
from strategitracker.models import (
    KPI,
    ActionPlan,
    Department,
    Goal,
    Invitation,
    KPITarget,
    Measurement,
    Membership,
    Organisation,
    Strategy,
    User,
)

_seq = itertools.count(1)


def _add(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def organisation(**kw) -> Organisation:
    n = next(_seq)
    kw.setdefault("slug", f"org-{n}")
    kw.setdefault("name", f"Kommune {n}")
    return _add(Organisation(**kw))


def user(password: str = "correct-horse-battery", **kw) -> User:
    n = next(_seq)
    kw.setdefault("email", f"user{n}@example.org")
    kw.setdefault("name", f"Bruger {n}")
    method = current_app.config["PASSWORD_HASH_METHOD"]
    return _add(User(password_hash=generate_password_hash(password, method=method), **kw))


def membership(user: User, org: Organisation, role: str = "viewer", **kw) -> Membership:
    return _add(Membership(user=user, organisation=org, role=role, **kw))


def invitation(user: User, org: Organisation, role: str = "viewer") -> Invitation:
    return _add(Invitation(user=user, organisation=org, role=role))


def department(org: Organisation, **kw) -> Department:
    kw.setdefault("name", f"Forvaltning {next(_seq)}")
    return _add(Department(organisation=org, **kw))


def strategy(org: Organisation, **kw) -> Strategy:
    kw.setdefault("title", f"Strategi {next(_seq)}")
    kw.setdefault("period_start", date(2016, 1, 1))
    kw.setdefault("period_end", date(2027, 12, 31))
    return _add(Strategy(organisation_id=org.id, **kw))


def goal(strategy: Strategy, **kw) -> Goal:
    kw.setdefault("title", f"Mål {next(_seq)}")
    return _add(Goal(strategy=strategy, organisation_id=strategy.organisation_id, **kw))


def kpi(goal: Goal, **kw) -> KPI:
    kw.setdefault("name", f"Nøgletal {next(_seq)}")
    return _add(KPI(goal=goal, organisation_id=goal.organisation_id, **kw))


def target(kpi: KPI, value: float, target_date: date, set_on: date | None = None, **kw) -> KPITarget:
    return _add(KPITarget(kpi=kpi, value=value, target_date=target_date, set_on=set_on or date.today(), **kw))


def measurement(kpi: KPI, period: date, value: float, **kw) -> Measurement:
    return _add(Measurement(kpi=kpi, period=period, value=value, **kw))


def action_plan(goal: Goal, **kw) -> ActionPlan:
    kw.setdefault("title", f"Handleplan {next(_seq)}")
    return _add(ActionPlan(goal=goal, organisation_id=goal.organisation_id, **kw))
