"""The rows of one generated organisation: itself, its admin log-in and departments, strategies and goals.

`OrganisationRows` also carries what the KPI and action plan builders (kpi_rows.py, action_plan_rows.py)
need, and gathers their rows so that each table is written in one bulk write per organisation.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .bulk_writer import Writer
from .common import admin_email, org_slug

STRATEGIES, GOALS = 3, 10
DEPARTMENTS = [
    "Børn og Familie",
    "Teknik og Miljø",
    "Social og Sundhed",
    "Kultur og Fritid",
    "Økonomi og Løn",
]
Row = dict[str, Any]


@dataclass
class OrganisationRows:
    """Organisation n's ids and settings, and the rows built for it so far."""

    n: int
    org_id: int
    user_id: int
    departments: list[int]
    rng: random.Random
    next_id: Callable[[str], int]
    periods: list[date]
    today: date
    now: datetime
    strategies: list[Row] = field(default_factory=list)
    goals: list[Row] = field(default_factory=list)
    kpis: list[Row] = field(default_factory=list)
    targets: list[Row] = field(default_factory=list)
    measurements: list[Row] = field(default_factory=list)
    plans: list[Row] = field(default_factory=list)
    updates: list[Row] = field(default_factory=list)

    @property
    def start_year(self) -> int:
        return self.today.year - 10

    def write(self, w: Writer) -> None:
        w.write("strategy", self.strategies)
        w.write("goal", self.goals)
        w.write("kpi", self.kpis)
        w.write("kpi_target", self.targets)
        w.write("measurement", self.measurements)
        w.write("action_plan", self.plans)
        w.write("action_plan_update", self.updates)


def start_organisation(
    w: Writer,
    n: int,
    rng: random.Random,
    next_id: Callable[[str], int],
    periods: list[date],
    today: date,
    now: datetime,
    password_hash: str,
) -> OrganisationRows:
    """Write organisation n with its admin and departments; the rest is gathered in the returned rows."""
    org_id = next_id("organisation")
    w.write(
        "organisation",
        [
            {
                "id": org_id,
                "name": f"Bench Kommune {n:03d}",
                "slug": org_slug(n),
                "municipality_code": 100 + n,
                "created_at": now,
            }
        ],
    )
    user_id = next_id("user_account")
    w.write(
        "user_account",
        [
            {
                "id": user_id,
                "email": admin_email(n),
                "name": f"Bench Admin {n}",
                "password_hash": password_hash,
                "locale": "da",
                "active": True,
                "is_superuser": False,
                "must_change_password": False,
                "created_at": now,
                "last_login_at": None,
            }
        ],
    )
    w.write(
        "membership",
        [
            {
                "id": next_id("membership"),
                "user_id": user_id,
                "organisation_id": org_id,
                "role": "admin",
                "active": True,
                "created_at": now,
            }
        ],
    )
    departments = [next_id("department") for _ in DEPARTMENTS]
    w.write(
        "department",
        [
            {"id": d, "organisation_id": org_id, "name": name, "short_name": None, "archived_at": None}
            for d, name in zip(departments, DEPARTMENTS, strict=True)
        ],
    )
    return OrganisationRows(n, org_id, user_id, departments, rng, next_id, periods, today, now)


def add_strategy(rows: OrganisationRows, s: int) -> int:
    """Strategy number s (from 0; the first is published); returns its id."""
    strategy_id = rows.next_id("strategy")
    rows.strategies.append(
        {
            "id": strategy_id,
            "organisation_id": rows.org_id,
            "title": f"Strategi {s + 1} for Bench Kommune {rows.n:03d}",
            "vision": "En kommune i udvikling, hvor borgere og virksomheder trives. " * 3,
            "period_start": date(rows.start_year, 1, 1),
            "period_end": date(rows.today.year + 2, 12, 31),
            "published": s == 0,
            "published_at": rows.now if s == 0 else None,
            "archived_at": None,
            "created_at": rows.now,
            "updated_at": rows.now,
        }
    )
    return strategy_id


def add_goal(rows: OrganisationRows, strategy_id: int, s: int, gi: int) -> int:
    """Goal number gi of strategy number s; returns its id."""
    goal_id = rows.next_id("goal")
    rows.goals.append(
        {
            "id": goal_id,
            "organisation_id": rows.org_id,
            "strategy_id": strategy_id,
            "title": f"Mål {gi + 1}: flere i job og uddannelse ({s + 1}.{gi + 1})",
            "description": "Vi vil styrke borgernes tilknytning til arbejdsmarkedet. " * 2,
            "owner": "Direktør for Beskæftigelse",
            "owner_user_id": rows.user_id,
            "source_card_id": None,
            "position": gi,
            "archived_at": None,
            "created_at": rows.now,
        }
    )
    return goal_id
