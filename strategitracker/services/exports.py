"""Exports: measurements, action plans (with their history) and benchmark rankings as .xlsx or .csv.

The files are made to be read back by the importers (`services/imports`): the headers come from
`services/imports/columns.py` (Danish by default, English on request), written in the order listed there,
followed by the extra columns the importers skip (the goal of a KPI, its unit, a status label …).

Choices made here:
- Scope: measurements for one KPI, one goal or one strategy; action plans and their history for one goal or
  one strategy; rankings (national data, shared by all organisations) optionally filtered by survey, category
  and municipality codes. A strategy or goal covers its items that are not archived; an archived KPI or goal
  chosen on its own is exported as it is.
- .xlsx: a bold, frozen header row, column widths fitted to the content, dates as real Excel dates, numbers
  as numbers; text is always stored as text (a value starting with "=" is never a formula).
- .csv: UTF-8 with a byte-order mark (Excel then shows Æ Ø Å right), "," as separator and "." as decimal
  point; with the Danish option ";" and a decimal comma. Never a thousands separator, so a number reads back
  unambiguously. Dates are ISO (2026-11-28). A text cell that starts with = + - @ or a tab/carriage return
  gets one leading apostrophe, so Excel shows it as text instead of running it as a formula (OWASP "CSV
  injection"); the importers strip that apostrophe again (`imports.reading.unguard`).
- Times (action-plan history) are written to the second, in Danish local time (Europe/Copenhagen): in .csv as
  ISO 8601 with the offset (2015-10-01T09:00:00+02:00), in .xlsx as an Excel date-time (Excel has no time
  zones).
- Every export runs a fixed number of SQL statements (one per sheet), whatever the amount of data.

This module builds the sheets (the queries and the rows); services/export_files.py writes them as files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import (
    KPI,
    ActionPlan,
    ActionPlanUpdate,
    Department,
    Goal,
    Measurement,
    Municipality,
    Organisation,
    Strategy,
    SurveyRank,
    User,
)
from . import ServiceError
from .export_files import Sheet, to_csv, to_xlsx
from .imports import columns as cols

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")

MEASUREMENTS = "measurements"
ACTION_PLANS = "action-plans"
ACTION_PLAN_HISTORY = "action-plan-history"
RANKINGS = "rankings"
KINDS = (MEASUREMENTS, ACTION_PLANS, ACTION_PLAN_HISTORY, RANKINGS)
SCOPED_KINDS = (MEASUREMENTS, ACTION_PLANS, ACTION_PLAN_HISTORY)

XLSX = "xlsx"
CSV = "csv"
FORMATS = (XLSX, CSV)
MIMETYPES = {
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    CSV: "text/csv; charset=utf-8",
}
LANGUAGES = ("da", "en")

# The part of the file name that says what is in it (ASCII, Danish: the default locale).
FILE_WORDS = {
    MEASUREMENTS: "maalinger",
    ACTION_PLANS: "handleplaner",
    ACTION_PLAN_HISTORY: "handleplaner-historik",
    RANKINGS: "placeringer",
}

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


@dataclass
class ExportFile:
    filename: str
    mimetype: str
    data: bytes
    sheets: list[Sheet] = field(default_factory=list)


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


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ServiceError(_("Unknown language %(language)s.", language=language))
    return language


# ---------------------------------------------------------------------------------------------- values


def _number(value: float | int | None) -> float | int | None:
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
    _check_language(language)
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
            "value": _number(m.value),
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
    _check_language(language)
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
    _check_language(language)
    keys = [c.key for c in HISTORY_COLUMNS]
    names = _header_map(HISTORY_COLUMNS, language)
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
            "old_status": update.old_status or "",
            "new_status": update.new_status,
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
    _check_language(language)
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


# ---------------------------------------------------------------------------------------------- the export


def filename(org: Organisation | None, kind: str, fmt: str, today: date) -> str:
    """E.g. thisted-maalinger-2026-11-28.xlsx (rankings without an organisation: placeringer-….csv)."""
    prefix = f"{org.slug}-" if org is not None else ""
    return f"{prefix}{FILE_WORDS[kind]}-{today.isoformat()}.{fmt}"


def build_export(
    kind: str,
    org: Organisation | None,
    *,
    fmt: str,
    scope: Scope | None = None,
    danish: bool = False,
    language: str = "da",
    survey: str | None = None,
    categories: Sequence[str] = (),
    municipality_codes: Sequence[int] = (),
    today: date | None = None,
) -> ExportFile:
    """Make one export file. An .xlsx of action plans has a second sheet with their history."""
    if kind not in KINDS:
        raise ServiceError(_("Unknown kind of export %(kind)s.", kind=kind))
    if fmt not in FORMATS:
        raise ServiceError(_("Choose the format .xlsx or .csv."))
    _check_language(language)
    if kind in SCOPED_KINDS:
        if scope is None:
            raise ServiceError(_("Choose a strategy, a goal or a KPI to export."))
        if org is None or scope.organisation_id != org.id:
            raise ServiceError(_("That is not part of this organisation."))
    if kind == MEASUREMENTS:
        sheets = [measurement_sheet(scope, language=language)]
    elif kind == ACTION_PLANS:
        sheets = [action_plan_sheet(scope, language=language)]
        if fmt == XLSX:
            sheets.append(action_plan_history_sheet(scope, language=language))
    elif kind == ACTION_PLAN_HISTORY:
        sheets = [action_plan_history_sheet(scope, language=language)]
    else:
        sheets = [
            ranking_sheet(
                survey=survey, categories=categories, municipality_codes=municipality_codes, language=language
            )
        ]
    data = to_xlsx(sheets) if fmt == XLSX else to_csv(sheets[0], danish=danish)
    return ExportFile(filename(org, kind, fmt, today or date.today()), MIMETYPES[fmt], data, sheets)


# ---------------------------------------------------------------------------------------------- choices


def scope_in_org(
    org: Organisation,
    *,
    strategy_id: int | None = None,
    goal_id: int | None = None,
    kpi_id: int | None = None,
) -> Scope:
    """The scope named by ids, each checked to belong to `org` (for the command line)."""
    given = [
        (attr, model, object_id)
        for attr, model, object_id in (
            ("strategy", Strategy, strategy_id),
            ("goal", Goal, goal_id),
            ("kpi", KPI, kpi_id),
        )
        if object_id is not None
    ]
    if len(given) != 1:
        raise ServiceError(_("Choose a strategy, a goal or a KPI to export."))
    attr, model, object_id = given[0]
    obj = db.session.scalar(sa.select(model).where(model.id == object_id, model.organisation_id == org.id))
    if obj is None:
        messages = {
            "strategy": _("There is no strategy with id %(id)s in %(org)s.", id=object_id, org=org.slug),
            "goal": _("There is no goal with id %(id)s in %(org)s.", id=object_id, org=org.slug),
            "kpi": _("There is no KPI with id %(id)s in %(org)s.", id=object_id, org=org.slug),
        }
        raise ServiceError(messages[attr])
    return Scope(**{attr: obj})


def ranking_choices() -> tuple[list[str], list[str], list[tuple[int, str]]]:
    """(surveys, categories, municipalities as (code, name)) that have ranks (three SQL statements)."""
    surveys = list(db.session.scalars(sa.select(SurveyRank.survey).distinct().order_by(SurveyRank.survey)))
    categories = list(
        db.session.scalars(sa.select(SurveyRank.category).distinct().order_by(SurveyRank.category))
    )
    municipalities = [
        (code, name)
        for code, name in db.session.execute(
            sa.select(Municipality.code, Municipality.name)
            .where(sa.exists().where(SurveyRank.municipality_id == Municipality.id))
            .order_by(Municipality.name)
        )
    ]
    return surveys, categories, municipalities
