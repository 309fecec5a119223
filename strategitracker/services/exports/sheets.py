"""The sheets of an export: one query per sheet, turned into a header row and rows of plain values.

What each sheet covers and how values are shaped (whole numbers, Danish local time, header language) is
described in services/exports/builders.py, which puts the sheets together into a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import (
    KPI,
    ActionPlan,
    ActionPlanUpdate,
    Department,
    Goal,
    Measurement,
    Municipality,
    Strategy,
    SurveyRank,
    User,
)
from .. import ServiceError
from ..imports import columns as cols
from .files import Sheet

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")
LANGUAGES = ("da", "en")

# Columns of the history sheet/file (one row per ActionPlanUpdate). The importers name the action-plan
# history kind's columns the same way when they read it.
HISTORY_COLUMNS: tuple[cols.Column, ...] = getattr(
    cols,
    "ACTION_PLAN_UPDATE_COLUMNS",
    (
        cols.Column("action_plan", "Handleplan", "Action plan", required=True),
        cols.Column("goal", "Mål", "Goal"),
        cols.Column("created_at", "Tidspunkt", "When"),
        cols.Column("author", "Forfatter", "Author"),
        cols.Column("old_status", "Tidligere status", "Old status"),
        cols.Column("new_status", "Ny status", "New status", required=True),
        cols.Column("progress", "Fremdrift", "Progress"),
        cols.Column("comment", "Kommentar", "Comment"),
    ),
)
# Extra, read-only columns each export adds after the importable ones (the importers skip them).
STATUS_LABEL = cols.Column("status_label", "Statustekst", "Status label")
MEASUREMENT_EXTRAS = ("goal", "unit")
ACTION_PLAN_EXTRAS = ("status_label",)

# Plans by due date, those without one last (the same on SQLite and PostgreSQL), then by id.
PLAN_ORDER = (ActionPlan.due_date.is_(None), ActionPlan.due_date, ActionPlan.id)


@dataclass(frozen=True)
class Scope:
    """What a measurements or action-plans export covers: exactly one strategy, goal or KPI."""

    strategy: Strategy | None = None
    goal: Goal | None = None
    kpi: KPI | None = None

    def __post_init__(self) -> None:
        if sum(x is not None for x in (self.strategy, self.goal, self.kpi)) != 1:
            raise ServiceError(_("Choose a strategy, a goal or a KPI to export."))

    @property
    def organisation_id(self) -> int:
        return (self.strategy or self.goal or self.kpi).organisation_id


# ---------------------------------------------------------------------------------------------- headers


def _header_map(columns: Iterable[cols.Column], language: str) -> dict[str, str]:
    return {c.key: c.da if language == "da" else c.en for c in columns}


def _headers(
    columns: tuple[cols.Column, ...],
    extras: tuple[cols.Column, ...],
    extra_keys: Sequence[str],
    language: str,
) -> tuple[list[str], list[str]]:
    """(keys, header texts): the importable columns in their listed order, then the chosen extras."""
    by_key = {c.key: c for c in extras}
    chosen = [*columns, *(by_key[k] for k in extra_keys)]
    names = _header_map(chosen, language)
    return [c.key for c in chosen], [names[c.key] for c in chosen]


def check_language(language: str) -> str:
    """The language of the headers; anything but Danish or English is refused before any query runs."""
    if language not in LANGUAGES:
        raise ServiceError(_("Unknown language %(language)s.", language=language))
    return language


# ---------------------------------------------------------------------------------------------- values


def plain_number(value: float | int | None) -> float | int | None:
    """A whole float as int (92.0 -> 92), so files show what people typed."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _local_time(value: datetime | None) -> datetime | None:
    """Danish local time to the second (stored values are UTC; SQLite gives them back without a zone)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ).replace(microsecond=0)


# ---------------------------------------------------------------------------------------------- sheets


def measurement_sheet(scope: Scope, *, language: str = "da") -> Sheet:
    """Every measurement in `scope`, by goal, KPI and period (one SQL statement)."""
    check_language(language)
    keys, headers = _headers(cols.MEASUREMENT_COLUMNS, cols.MEASUREMENT_IGNORED, MEASUREMENT_EXTRAS, language)
    stmt = (
        sa.select(Measurement, KPI.id, KPI.name, KPI.unit, Goal.title)
        .join(KPI, Measurement.kpi_id == KPI.id)
        .join(Goal, KPI.goal_id == Goal.id)
        .where(KPI.organisation_id == scope.organisation_id)
        .order_by(Goal.position, Goal.id, KPI.position, KPI.id, Measurement.period)
    )
    if scope.kpi is not None:
        stmt = stmt.where(KPI.id == scope.kpi.id)
    elif scope.goal is not None:
        stmt = stmt.where(KPI.goal_id == scope.goal.id, KPI.archived_at.is_(None))
    else:
        stmt = stmt.where(
            Goal.strategy_id == scope.strategy.id, Goal.archived_at.is_(None), KPI.archived_at.is_(None)
        )
    rows = []
    for m, kpi_id, kpi_name, unit, goal_title in db.session.execute(stmt):
        values = {
            "kpi_id": kpi_id,
            "kpi": kpi_name,
            "period": m.period,
            "value": plain_number(m.value),
            "out_of": m.out_of,
            "note": m.note or "",
            "source": m.source or "",
            "goal": goal_title,
            "unit": unit or "",
        }
        rows.append([values[k] for k in keys])
    with force_locale(language):
        title = _("Measurements")
    return Sheet(title, headers, rows)


def _plan_filter(stmt: sa.Select, scope: Scope) -> sa.Select:
    if scope.kpi is not None:
        raise ServiceError(_("Action plans can be exported for a whole strategy or for one goal."))
    if scope.goal is not None:
        return stmt.where(ActionPlan.goal_id == scope.goal.id, ActionPlan.archived_at.is_(None))
    return stmt.where(
        Goal.strategy_id == scope.strategy.id, Goal.archived_at.is_(None), ActionPlan.archived_at.is_(None)
    )


def action_plan_sheet(scope: Scope, *, language: str = "da") -> Sheet:
    """The action plans in `scope` with owner, department and status (one SQL statement)."""
    check_language(language)
    keys, headers = _headers(
        cols.ACTION_PLAN_COLUMNS, (*cols.ACTION_PLAN_IGNORED, STATUS_LABEL), ACTION_PLAN_EXTRAS, language
    )
    labels = cols.STATUS_LABELS_DA if language == "da" else cols.STATUS_LABELS_EN
    owner = aliased(User)
    stmt = (
        sa.select(ActionPlan, Goal.title, Department.name, owner.email)
        .join(Goal, ActionPlan.goal_id == Goal.id)
        .outerjoin(Department, ActionPlan.department_id == Department.id)
        .outerjoin(owner, ActionPlan.owner_user_id == owner.id)
        .where(ActionPlan.organisation_id == scope.organisation_id)
        .order_by(Goal.position, Goal.id, *PLAN_ORDER)
    )
    rows = []
    for plan, goal_title, department, owner_email in db.session.execute(_plan_filter(stmt, scope)):
        values = {
            "title": plan.title,
            "goal": goal_title,
            "description": plan.description or "",
            "owner": plan.owner or "",
            "owner_email": owner_email or "",
            "department": department or "",
            "status": plan.status,
            "status_label": labels.get(plan.status, plan.status),
            "start_date": plan.start_date,
            "due_date": plan.due_date,
            "progress": plan.progress,
            "done_on": plan.done_on,
            "note": plan.note or "",
        }
        rows.append([values[k] for k in keys])
    with force_locale(language):
        title = _("Action plans")
    return Sheet(title, headers, rows)


def action_plan_history_sheet(scope: Scope, *, language: str = "da") -> Sheet:
    """Every update of the action plans in `scope`, oldest first per plan (one SQL statement)."""
    check_language(language)
    keys = [c.key for c in HISTORY_COLUMNS]
    names = _header_map(HISTORY_COLUMNS, language)
    # Statuses in words: no importer reads the history back, so no code column is needed.
    labels = cols.STATUS_LABELS_DA if language == "da" else cols.STATUS_LABELS_EN
    stmt = (
        sa.select(ActionPlanUpdate, ActionPlan.title, Goal.title)
        .join(ActionPlan, ActionPlanUpdate.action_plan_id == ActionPlan.id)
        .join(Goal, ActionPlan.goal_id == Goal.id)
        .where(ActionPlan.organisation_id == scope.organisation_id)
        .order_by(
            Goal.position,
            Goal.id,
            *PLAN_ORDER,
            ActionPlanUpdate.created_at,
            ActionPlanUpdate.id,
        )
    )
    rows = []
    for update, plan_title, goal_title in db.session.execute(_plan_filter(stmt, scope)):
        values = {
            "action_plan": plan_title,
            "goal": goal_title,
            "created_at": _local_time(update.created_at),
            "author": update.author_name or "",
            "old_status": labels.get(update.old_status, update.old_status) if update.old_status else "",
            "new_status": labels.get(update.new_status, update.new_status),
            "progress": update.progress,
            "comment": update.comment or "",
        }
        rows.append([values.get(k, "") for k in keys])
    with force_locale(language):
        title = _("History")
    return Sheet(title, [names[k] for k in keys], rows)


def ranking_sheet(
    *,
    survey: str | None = None,
    categories: Sequence[str] = (),
    municipality_codes: Sequence[int] = (),
    language: str = "da",
) -> Sheet:
    """Benchmark ranks (all organisations share them), optionally filtered (one SQL statement)."""
    check_language(language)
    keys = [c.key for c in cols.RANKING_COLUMNS]
    names = _header_map(cols.RANKING_COLUMNS, language)
    stmt = (
        sa.select(SurveyRank, Municipality.code, Municipality.name)
        .join(Municipality, SurveyRank.municipality_id == Municipality.id)
        .order_by(SurveyRank.survey, SurveyRank.category, SurveyRank.year, SurveyRank.rank, Municipality.code)
    )
    if survey:
        stmt = stmt.where(SurveyRank.survey == survey)
    if categories:
        stmt = stmt.where(SurveyRank.category.in_(list(categories)))
    if municipality_codes:
        stmt = stmt.where(Municipality.code.in_(list(municipality_codes)))
    rows = []
    for rank, code, name in db.session.execute(stmt):
        values = {
            "survey": rank.survey,
            "year": rank.year,
            "municipality_code": code,
            "municipality": name,
            "category": rank.category,
            "rank": rank.rank,
            "out_of": rank.out_of,
            "source": rank.source or "",
        }
        rows.append([values[k] for k in keys])
    with force_locale(language):
        title = _("Rankings")
    return Sheet(title, [names[k] for k in keys], rows)
