"""Strategies and the organisation's departments (forvaltninger): create, edit, archive and restore.

Both are set up for the whole organisation, and each has a name that must be unique within it (archived ones
included, ignoring case); the unique constraint turns a concurrent duplicate into the same message. Goals live
in goals.py, and the field limits and write steps shared by all three in rules.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import Department, Organisation, Strategy, User
from .. import ServiceError, audit
from .rules import (
    DEPARTMENT_NAME_MAX,
    DEPARTMENT_SHORT_NAME_MAX,
    TEXT_MAX,
    TITLE_MAX,
    FieldError,
    apply_changes,
    checked_text,
    flush_or_refuse,
    refuse_if_archived,
    snapshot,
)

STRATEGY_FIELDS = ("title", "vision", "period_start", "period_end")
DEPARTMENT_FIELDS = ("name", "short_name")


# -- strategies --------------------------------------------------------------------------------------------


def _strategy_values(title: str, vision: str | None, period_start: date, period_end: date) -> dict[str, Any]:
    title = checked_text(
        title, _("Title"), maximum=TITLE_MAX, required_message=_("The strategy needs a title.")
    )
    vision = checked_text(vision, _("Vision"), maximum=TEXT_MAX)
    if period_start is None or period_end is None:
        raise ServiceError(_("The strategy needs a period start and end date."))
    if period_end < period_start:
        raise FieldError(_("The period must end on or after its start date."), "period_end")
    return {"title": title, "vision": vision, "period_start": period_start, "period_end": period_end}


def _check_strategy_title(org_id: int, title: str, exclude_id: int | None = None) -> None:
    """Titles are unique within the organisation, archived strategies included (ignoring case)."""
    rows = db.session.execute(
        sa.select(Strategy.id, Strategy.title, Strategy.archived_at).where(Strategy.organisation_id == org_id)
    )
    for row in rows:
        if row.id != exclude_id and row.title.casefold() == title.casefold():
            if row.archived_at is not None:
                raise FieldError(
                    _(
                        "An archived strategy is already called %(title)s. Choose another title, "
                        "or restore the archived strategy.",
                        title=row.title,
                    ),
                    "title",
                )
            raise FieldError(
                _("A strategy called %(title)s already exists. Choose another title.", title=row.title),
                "title",
            )


def _duplicate_strategy_message(title: str) -> str:
    return _("A strategy called %(title)s already exists. Choose another title.", title=title)


def create_strategy(
    org: Organisation,
    *,
    title: str,
    vision: str | None = "",
    period_start: date,
    period_end: date,
    actor: User,
) -> Strategy:
    values = _strategy_values(title, vision, period_start, period_end)
    _check_strategy_title(org.id, values["title"])
    strategy = Strategy(organisation_id=org.id, **values)
    db.session.add(strategy)
    flush_or_refuse(_duplicate_strategy_message(values["title"]), "title")
    audit.record(
        "strategy.create",
        "strategy",
        strategy.id,
        organisation_id=org.id,
        user_id=actor.id,
        after=snapshot(strategy, STRATEGY_FIELDS),
    )
    return strategy


def update_strategy(
    strategy: Strategy,
    *,
    title: str,
    vision: str | None,
    period_start: date,
    period_end: date,
    actor: User,
) -> Strategy:
    refuse_if_archived(strategy, _("The strategy is archived. Restore it before making changes."))
    values = _strategy_values(title, vision, period_start, period_end)
    _check_strategy_title(strategy.organisation_id, values["title"], exclude_id=strategy.id)
    before, after = apply_changes(strategy, values)
    if not after:
        return strategy
    flush_or_refuse(_duplicate_strategy_message(values["title"]), "title")
    audit.record(
        "strategy.update",
        "strategy",
        strategy.id,
        organisation_id=strategy.organisation_id,
        user_id=actor.id,
        before=before,
        after=after,
    )
    return strategy


# -- departments -------------------------------------------------------------------------------------------


def _department_values(name: str, short_name: str | None) -> dict[str, Any]:
    name = checked_text(
        name, _("Name"), maximum=DEPARTMENT_NAME_MAX, required_message=_("The department needs a name.")
    )
    short = checked_text(short_name, _("Short name"), maximum=DEPARTMENT_SHORT_NAME_MAX)
    return {"name": name, "short_name": short or None}


def _check_department_name(org_id: int, name: str, exclude_id: int | None = None) -> None:
    rows = db.session.execute(
        sa.select(Department.id, Department.name, Department.archived_at).where(
            Department.organisation_id == org_id
        )
    )
    for row in rows:
        if row.id != exclude_id and row.name.casefold() == name.casefold():
            if row.archived_at is not None:
                raise FieldError(
                    _(
                        "An archived department is already called %(name)s. Choose another name, "
                        "or restore the archived department.",
                        name=row.name,
                    ),
                    "name",
                )
            raise FieldError(
                _("A department called %(name)s already exists. Choose another name.", name=row.name),
                "name",
            )


def _duplicate_department_message(name: str) -> str:
    return _("A department called %(name)s already exists. Choose another name.", name=name)


def create_department(
    org: Organisation, *, name: str, short_name: str | None = None, actor: User
) -> Department:
    values = _department_values(name, short_name)
    _check_department_name(org.id, values["name"])
    department = Department(organisation_id=org.id, **values)
    db.session.add(department)
    flush_or_refuse(_duplicate_department_message(values["name"]), "name")
    audit.record(
        "department.create",
        "department",
        department.id,
        organisation_id=org.id,
        user_id=actor.id,
        after=snapshot(department, DEPARTMENT_FIELDS),
    )
    return department


def update_department(
    department: Department, *, name: str, short_name: str | None, actor: User
) -> Department:
    refuse_if_archived(department, _("The department is archived. Restore it before making changes."))
    values = _department_values(name, short_name)
    _check_department_name(department.organisation_id, values["name"], exclude_id=department.id)
    before, after = apply_changes(department, values)
    if not after:
        return department
    flush_or_refuse(_duplicate_department_message(values["name"]), "name")
    audit.record(
        "department.update",
        "department",
        department.id,
        organisation_id=department.organisation_id,
        user_id=actor.id,
        before=before,
        after=after,
    )
    return department
