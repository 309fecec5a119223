"""Load the Thisted Kommune case from the CSV files in `seed/` (idempotent).

Every row is matched on its natural key (see docs/seed.md). A missing row is created; an existing row is
left as it is, so running the seed again (as `make run` does on every start) never overwrites what users
have changed in the application. Rows whose stored values differ from the files are counted and reported.
The function only flushes; the caller commits.

This module runs the steps and reports what they did: rows.py reads the CSV files, writer.py
writes their rows, register.py loads the municipality register, demo_users.py makes the demo users and
result.py reports what a run did. The national reference data (register and survey ranks) comes first, and
`seed_reference` loads it alone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from ...extensions import db
from .. import audit
from .demo_users import DEMO_USERS, demo_email, seed_demo_users
from .illustrative import seed_contact_map, seed_inquiry_log, seed_outreach_meetings
from .result import TABLE_ORDER, SeedResult
from .writer import ORG_SLUG, SeedWriter

DEFAULT_SEED_DIR = Path(__file__).resolve().parents[3] / "seed"  # the project's seed/ folder


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
    result = SeedResult(ORG_SLUG, demo_emails=[])
    _reference(SeedWriter(Path(seed_dir) if seed_dir else DEFAULT_SEED_DIR, result))
    return result


def _operations(seeder: SeedWriter, org, departments) -> None:
    """The illustrative contact map, inquiry log and outreach meetings (services/seed/illustrative.py)."""
    users = {key: user.id for key, user in seeder.demo_users.items()}
    created, routes = seed_contact_map(seeder.rows("contact_map.csv"), org, departments, users)
    seeder.result.created["contact_map_entry"] += created
    now = datetime.now(UTC)
    seeder.result.created["inquiry"] += seed_inquiry_log(seeder.rows("inquiry_log.csv"), org, routes, now)
    seeder.result.created["outreach_meeting"] += seed_outreach_meetings(
        seeder.rows("outreach_meetings.csv"), org, routes
    )


def seed_thisted(seed_dir: Path | None = None) -> SeedResult:
    """Create whatever of the Thisted case is missing; flush, don't commit. A second run creates nothing."""
    result = SeedResult(ORG_SLUG, demo_emails=[demo_email(key) for key, _name in DEMO_USERS])
    seeder = SeedWriter(Path(seed_dir) if seed_dir else DEFAULT_SEED_DIR, result)
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
    _operations(seeder, org, departments)

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
