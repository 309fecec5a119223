"""Writing the seed's rows: each CSV row (read by services/seed/rows.py) is matched on its natural key and
created when missing; an existing row is left as it is and counted as unchanged or differing. Only flushes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from ...extensions import db
from ...models import (
    KPI,
    ActionPlan,
    ActionPlanUpdate,
    Department,
    Derived,
    Direction,
    Frequency,
    Goal,
    KPIKind,
    KPITarget,
    Measurement,
    Municipality,
    Organisation,
    Status,
    Strategy,
    SurveyRank,
    User,
)
from .. import ServiceError, accounts
from ..kpi import is_linked
from ..survey import Register
from .demo_users import DEMO_USERS
from .register import seed_register
from .result import SeedResult
from .rows import Row, read_rows

ORG_SLUG = "thisted"


# -----------------------------------------------------------------------------------------------------------
# Matching and creating


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _same(current: Any, wanted: Any) -> bool:
    if isinstance(current, datetime) and isinstance(wanted, datetime):
        return _as_utc(current) == _as_utc(wanted)
    if isinstance(wanted, float) and current is not None:
        return float(current) == wanted
    return current == wanted


class SeedWriter:
    """Creates the seed's missing rows table by table, counting each row in `result`."""

    def __init__(self, seed_dir: Path, result: SeedResult) -> None:
        self.seed_dir = seed_dir
        self.result = result
        self.demo_users: dict[str, User] = {}

    def rows(self, filename: str) -> Iterator[Row]:
        return read_rows(self.seed_dir, filename)

    def upsert(
        self,
        table: str,
        existing: Any,
        model: type,
        key: dict[str, Any],
        values: dict[str, Any],
        on_create: dict[str, Any] | None = None,
    ) -> Any:
        """Create `model(**key, **values, **on_create)` unless `existing`; count an existing row that differs
        (in `values`; `on_create` is set on a new row only)."""
        if existing is None:
            obj = model(**key, **values, **(on_create or {}))
            db.session.add(obj)
            db.session.flush()
            self.result.created[table] += 1
            return obj
        if all(_same(getattr(existing, name), value) for name, value in values.items()):
            self.result.unchanged[table] += 1
        else:
            self.result.differing[table] += 1
        return existing

    def demo_user_id(self, row: Row, column: str) -> int | None:
        key = row.choice(column, tuple(k for k, _ in DEMO_USERS), required=False)
        user = self.demo_users.get(key) if key else None
        return user.id if user else None

    # -- organisation ----------------------------------------------------------------------------------------

    def organisation(self) -> Organisation:
        rows = [r for r in self.rows("organisation.csv") if r.text("slug") == ORG_SLUG]
        if len(rows) != 1:
            raise ServiceError(f"organisation.csv must have exactly one row with slug {ORG_SLUG!r}.")
        row = rows[0]
        name, code = row.text("name"), row.get_int("municipality_code")
        org = accounts.get_organisation(ORG_SLUG)
        if org is None:
            org = accounts.create_organisation(ORG_SLUG, name, code)
            self.result.created["organisation"] += 1
        elif org.name == name and org.municipality_code == code:
            self.result.unchanged["organisation"] += 1
        else:
            self.result.differing["organisation"] += 1
        return org

    # -- strategy --------------------------------------------------------------------------------------------

    def departments(self, org: Organisation) -> dict[str, Department]:
        existing = {
            d.name: d
            for d in db.session.scalars(sa.select(Department).where(Department.organisation_id == org.id))
        }
        for row in self.rows("departments.csv"):
            self._check_org(row, org)
            name = row.text("name")
            existing[name] = self.upsert(
                "department",
                existing.get(name),
                Department,
                {"organisation_id": org.id, "name": name},
                {"short_name": row.text("short_name", required=False) or None},
            )
        return existing

    def strategies(self, org: Organisation) -> dict[str, Strategy]:
        existing = {
            s.title: s
            for s in db.session.scalars(sa.select(Strategy).where(Strategy.organisation_id == org.id))
        }
        for row in self.rows("strategy.csv"):
            self._check_org(row, org)
            title = row.text("title")
            published = row.get_bool("published")
            published_on = row.get_date("published_on", required=False)
            values = {
                "vision": row.text("vision"),
                "period_start": row.get_date("period_start"),
                "period_end": row.get_date("period_end"),
                "published": published,
                "published_at": datetime(published_on.year, published_on.month, published_on.day, tzinfo=UTC)
                if published and published_on
                else None,
            }
            existing[title] = self.upsert(
                "strategy", existing.get(title), Strategy, {"organisation_id": org.id, "title": title}, values
            )
        return existing

    def goals(self, org: Organisation, strategies: dict[str, Strategy]) -> dict[str, Goal]:
        existing = {
            (g.strategy_id, g.title): g
            for g in db.session.scalars(sa.select(Goal).where(Goal.organisation_id == org.id))
        }
        goals: dict[str, Goal] = {}
        for row in self.rows("goals.csv"):
            strategy = self._lookup(row, "strategy", strategies)
            title = row.text("title")
            if title in goals:
                raise row.error("title", "a goal title used once")
            values = {
                "description": row.text("description", required=False),
                "owner": row.text("owner"),
                "owner_user_id": self.demo_user_id(row, "owner_demo_user"),
                "position": row.get_int("position"),
            }
            goals[title] = self.upsert(
                "goal",
                existing.get((strategy.id, title)),
                Goal,
                {"organisation_id": org.id, "strategy_id": strategy.id, "title": title},
                values,
            )
        return goals

    # -- KPIs ------------------------------------------------------------------------------------------------

    def kpis(self, org: Organisation, goals: dict[str, Goal]) -> dict[str, KPI]:
        existing = {
            k.name: k for k in db.session.scalars(sa.select(KPI).where(KPI.organisation_id == org.id))
        }
        kpis: dict[str, KPI] = {}
        for row in self.rows("kpis.csv"):
            goal = self._lookup(row, "goal", goals)
            name = row.text("name")
            if name in kpis:
                raise row.error("name", "a KPI name used once")
            kind = row.choice("kind", tuple(KPIKind))
            direction = row.choice("direction", tuple(Direction))
            if kind == KPIKind.RANK and direction != Direction.LOWER:
                raise row.error("direction", "lower (a rank KPI is lower-is-better)")
            baseline_value = row.get_float("baseline_value", required=False)
            baseline_date = row.get_date("baseline_date", required=baseline_value is not None)
            survey = row.text("survey", required=False) or None
            values = {
                "goal_id": goal.id,
                "description": row.text("description", required=False),
                "unit": row.text("unit", required=False),
                "kind": kind,
                "direction": direction,
                "frequency": row.choice("frequency", tuple(Frequency)),
                "source": row.text("source", required=False),
                "owner": row.text("owner"),
                "owner_user_id": self.demo_user_id(row, "owner_demo_user"),
                "baseline_value": baseline_value,
                "baseline_date": baseline_date,
                "baseline_out_of": row.get_int("baseline_out_of", required=False),
                "baseline_source": row.text("baseline_source", required=False),
                "survey": survey,
                "survey_category": row.text("survey_category", required=survey is not None) or None,
                "derived": row.choice("derived", tuple(Derived), required=False) or None,
                "position": row.get_int("position"),
            }
            kpis[name] = self.upsert(
                "kpi", existing.get(name), KPI, {"organisation_id": org.id, "name": name}, values
            )
        return kpis

    def targets(self, kpis: dict[str, KPI]) -> None:
        ids = [k.id for k in kpis.values()]
        existing = {
            (t.kpi_id, t.target_date, t.set_on): t
            for t in db.session.scalars(sa.select(KPITarget).where(KPITarget.kpi_id.in_(ids)))
        }
        for row in self.rows("kpi_targets.csv"):
            kpi = self._lookup(row, "kpi", kpis)
            key = {
                "kpi_id": kpi.id,
                "target_date": row.get_date("target_date"),
                "set_on": row.get_date("set_on"),
            }
            values = {
                "value": row.get_float("value"),
                "source": row.text("source", required=False),
                "note": row.text("note", required=False),
            }
            self.upsert("kpi_target", existing.get(tuple(key.values())), KPITarget, key, values)

    def measurements(self, kpis: dict[str, KPI]) -> None:
        ids = [k.id for k in kpis.values()]
        existing = {
            (m.kpi_id, m.period): m
            for m in db.session.scalars(sa.select(Measurement).where(Measurement.kpi_id.in_(ids)))
        }
        for row in self.rows("measurements.csv"):
            kpi = self._lookup(row, "kpi", kpis)
            if is_linked(kpi):
                raise row.error("kpi", "a KPI of its own values (a linked rank KPI reads survey_ranks.csv)")
            out_of = row.get_int("out_of", required=kpi.kind == KPIKind.RANK)
            key = {"kpi_id": kpi.id, "period": row.get_date("period")}
            values = {
                "value": row.get_float("value"),
                "out_of": out_of,
                "source": row.text("source", required=False),
                "note": row.text("note", required=False),
            }
            # Historic values: when they were typed in is not known, so none is recorded (not the seed's run).
            self.upsert(
                "measurement",
                existing.get(tuple(key.values())),
                Measurement,
                key,
                values,
                {"entered_at": sa.null()},
            )

    # -- benchmark survey data (national, shared by all organisations) ---------------------------------------

    def municipalities(self) -> None:
        """The municipality register (seed/register.py): before anything names a municipality."""
        register = seed_register(self.seed_dir)
        counts = (
            (self.result.created, register.created),
            (self.result.unchanged, register.unchanged + register.updated),
            (self.result.differing, len(register.differing)),
        )
        for counter, count in counts:
            if count:
                counter["municipality"] += count

    def survey_ranks(self) -> int:
        """The survey ranks of the seed; their municipalities must be in the register. The number created."""
        rows = list(self.rows("survey_ranks.csv"))
        register = Register()
        municipalities = {m.code: m for m in db.session.scalars(sa.select(Municipality))}
        for row in rows:
            code, name = row.get_int("municipality_code"), row.text("municipality")
            if code not in municipalities:
                raise row.error("municipality_code", "the code of a municipality in municipalities.csv")
            if not register.same(code, name):
                stored = municipalities[code].name
                raise row.error("municipality", f"{stored!r} (the name stored for code {code})")
        ids = [municipalities[row.get_int("municipality_code")].id for row in rows]
        existing = {
            (r.survey, r.year, r.municipality_id, r.category): r
            for r in db.session.scalars(sa.select(SurveyRank).where(SurveyRank.municipality_id.in_(ids)))
        }
        for row in rows:
            key = {
                "survey": row.text("survey"),
                "year": row.get_int("year"),
                "municipality_id": municipalities[row.get_int("municipality_code")].id,
                "category": row.text("category"),
            }
            rank, out_of = row.get_int("rank"), row.get_int("out_of")
            if not 1 <= rank <= out_of:
                raise row.error("rank", f"a rank from 1 to out_of ({out_of})")
            # survey_rank has no note column: a note (e.g. an assumed N) travels with the source.
            source, note = row.text("source"), row.text("note", required=False)
            values = {"rank": rank, "out_of": out_of, "source": f"{source} — {note}" if note else source}
            self.upsert("survey_rank", existing.get(tuple(key.values())), SurveyRank, key, values)
        return self.result.created["survey_rank"]

    # -- action plans ----------------------------------------------------------------------------------------

    def action_plans(
        self, org: Organisation, goals: dict[str, Goal], departments: dict[str, Department]
    ) -> dict[str, ActionPlan]:
        existing = {
            p.title: p
            for p in db.session.scalars(sa.select(ActionPlan).where(ActionPlan.organisation_id == org.id))
        }
        plans: dict[str, ActionPlan] = {}
        for row in self.rows("action_plans.csv"):
            goal = self._lookup(row, "goal", goals)
            title = row.text("title")
            if title in plans:
                raise row.error("title", "an action plan title used once")
            department_name = row.text("department", required=False)
            department = self._lookup(row, "department", departments) if department_name else None
            status = row.choice("status", tuple(Status))
            progress = row.get_int("progress")
            if not 0 <= progress <= 100:
                raise row.error("progress", "a whole number from 0 to 100")
            done_on = row.get_date("done_on", required=status == Status.DONE)
            if done_on and status != Status.DONE:
                raise row.error("done_on", "no date unless the status is done")
            values = {
                "goal_id": goal.id,
                "department_id": department.id if department else None,
                "description": row.text("description", required=False),
                "owner": row.text("owner"),
                "owner_user_id": self.demo_user_id(row, "owner_demo_user"),
                "status": status,
                "start_date": row.get_date("start_date", required=False),
                "due_date": row.get_date("due_date", required=False),
                "progress": progress,
                "done_on": done_on,
                "note": row.text("note", required=False),
            }
            plans[title] = self.upsert(
                "action_plan",
                existing.get(title),
                ActionPlan,
                {"organisation_id": org.id, "title": title},
                values,
            )
        return plans

    def action_plan_updates(self, plans: dict[str, ActionPlan]) -> None:
        ids = [p.id for p in plans.values()]
        existing = {
            (u.action_plan_id, _as_utc(u.created_at)): u
            for u in db.session.scalars(
                sa.select(ActionPlanUpdate).where(ActionPlanUpdate.action_plan_id.in_(ids))
            )
        }
        for row in self.rows("action_plan_updates.csv"):
            plan = self._lookup(row, "action_plan", plans)
            new_status = row.choice("new_status", tuple(Status))
            comment = row.text("comment", required=new_status == Status.DELAYED)
            key = {"action_plan_id": plan.id, "created_at": row.get_datetime("created_at")}
            values = {
                "author_id": self.demo_user_id(row, "author_demo_user"),
                "author_name": row.text("author"),
                "old_status": row.choice("old_status", tuple(Status), required=False),
                "new_status": new_status,
                "progress": row.get_int("progress"),
                "comment": comment,
            }
            self.upsert(
                "action_plan_update", existing.get(tuple(key.values())), ActionPlanUpdate, key, values
            )

    # -- helpers ---------------------------------------------------------------------------------------------

    @staticmethod
    def _check_org(row: Row, org: Organisation) -> None:
        if row.text("organisation") != org.slug:
            raise row.error("organisation", repr(org.slug))

    @staticmethod
    def _lookup(row: Row, column: str, known: dict[str, Any]) -> Any:
        value = row.text(column)
        if value not in known:
            raise row.error(column, "a name defined in the seed files")
        return known[value]
