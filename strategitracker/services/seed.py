"""Load the Thisted Kommune case from the CSV files in `seed/` (idempotent).

Every row is matched on its natural key (see docs/seed.md). A missing row is created; an existing row is
left as it is, so running the seed again (as `make run` does on every start) never overwrites what users
have changed in the application. Rows whose stored values differ from the files are counted and reported.
The function only flushes; the caller commits.

This module runs the steps and reports what they did: seed_rows.py reads the CSV files, seed_writer.py
writes their rows and seed_demo_users.py makes the demo users.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

from .. import PROJECT_ROOT
from ..extensions import db
from . import audit
from .seed_demo_users import DEMO_DOMAIN, DEMO_USERS, SUPERUSER_KEY, demo_email, seed_demo_users
from .seed_writer import ORG_SLUG, SeedWriter

# The demo users and the row writing live in their own modules; these names are re-exported from here.
__all__ = [
    "DEFAULT_SEED_DIR",
    "DEMO_DOMAIN",
    "DEMO_USERS",
    "ORG_SLUG",
    "SUPERUSER_KEY",
    "TABLE_ORDER",
    "SeedResult",
    "demo_email",
    "seed_reference",
    "seed_thisted",
]

DEFAULT_SEED_DIR = PROJECT_ROOT / "seed"
TABLE_ORDER = (
    "organisation",
    "user_account",
    "membership",
    "department",
    "strategy",
    "goal",
    "kpi",
    "kpi_target",
    "measurement",
    "municipality",
    "survey_rank",
    "action_plan",
    "action_plan_update",
)


@dataclass
class SeedResult:
    """What a seed run did, per table (keys are table names)."""

    organisation_slug: str = ORG_SLUG
    created: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)
    # Existing rows whose values differ from the seed files; they are left as they are.
    differing: Counter[str] = field(default_factory=Counter)
    users_created: list[str] = field(default_factory=list)
    users_existing: list[str] = field(default_factory=list)
    password: str | None = None  # only set when generated here (shown once)
    password_from_env: bool = False
    login_url: str = "http://127.0.0.1:5000/login"

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    def _counts(self, counter: Counter[str]) -> str:
        return ", ".join(f"{table} {counter[table]}" for table in TABLE_ORDER if counter[table])

    def report_lines(self) -> list[str]:
        lines: list[str] = []
        if self.total_created:
            lines.append(
                f"Seeded the Thisted case ({self.organisation_slug}): created {self.total_created} rows "
                f"({self._counts(self.created)})."
            )
        else:
            lines.append(f"The Thisted case ({self.organisation_slug}) is already seeded: nothing created.")
        if self.differing:
            lines.append(
                f"Left as they are: {sum(self.differing.values())} existing rows differ from the seed files "
                f"({self._counts(self.differing)})."
            )
        if self.users_created:
            lines.append("Demo users created: " + ", ".join(self.users_created) + ".")
            if self.password_from_env:
                lines.append("Their password is the value of DEMO_PASSWORD.")
            else:
                lines.append(
                    f"Their password (shown only now; set DEMO_PASSWORD to choose one): {self.password}"
                )
        if self.users_existing:
            lines.append(
                "Demo users already exist (passwords unchanged): " + ", ".join(self.users_existing) + "."
            )
        emails = ", ".join(demo_email(key) for key, _name in DEMO_USERS)
        lines.append(f"Log in at {self.login_url} as one of: {emails}.")
        return lines


def _reference(seeder: SeedWriter) -> int:
    """National reference data: the municipality register, then the survey ranks; a site-wide audit event
    for new ranks. The number of ranks created."""
    seeder.municipalities()
    before = seeder.result.created["survey_rank"]
    created = seeder.survey_ranks() - before
    if created:
        audit.record("national.seed", "survey_rank", after={"file": "survey_ranks.csv", "created": created})
    return created


def seed_reference(seed_dir: Path | None = None) -> SeedResult:
    """Load only the national reference data (`flask seed reference`); flush, don't commit. Idempotent."""
    seeder = SeedWriter(Path(seed_dir) if seed_dir else DEFAULT_SEED_DIR, SeedResult())
    _reference(seeder)
    return seeder.result


def seed_thisted(seed_dir: Path | None = None) -> SeedResult:
    """Create whatever of the Thisted case is missing; flush, don't commit. A second run creates nothing."""
    seeder = SeedWriter(Path(seed_dir) if seed_dir else DEFAULT_SEED_DIR, SeedResult())
    result = seeder.result
    result.login_url = f"http://127.0.0.1:{current_app.config.get('PORT', 5000)}/login"

    created_ranks = _reference(seeder)
    org = seeder.organisation()
    seeder.demo_users = seed_demo_users(org, result)
    departments = seeder.departments(org)
    strategies = seeder.strategies(org)
    goals = seeder.goals(org, strategies)
    kpis = seeder.kpis(org, goals)
    seeder.targets(kpis)
    seeder.measurements(kpis)
    plans = seeder.action_plans(org, goals, departments)
    seeder.action_plan_updates(plans)

    if result.total_created - result.created["municipality"] - created_ranks:
        audit.record(
            "seed.thisted",
            "organisation",
            org.id,
            organisation_id=org.id,
            after={
                "created": {table: result.created[table] for table in TABLE_ORDER if result.created[table]}
            },
        )
        db.session.flush()
    return result
