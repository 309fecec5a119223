"""Strategies, their goals, and the organisation's departments (forvaltninger).

Create, edit, archive and restore. Nothing is deleted: archiving sets `archived_at`, restoring clears it.
Every write is flushed (not committed) and leaves an audit event; a refused request raises ServiceError and
leaves the model untouched.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..models import Department, Goal, Membership, Organisation, Strategy, User
from ..models._types import utcnow
from . import ServiceError, audit

TITLE_MAX = 300
TEXT_MAX = 10_000
OWNER_MAX = 200
DEPARTMENT_NAME_MAX = 200
DEPARTMENT_SHORT_NAME_MAX = 40

STRATEGY_FIELDS = ("title", "vision", "period_start", "period_end")
GOAL_FIELDS = ("title", "description", "owner", "owner_user_id", "position")
DEPARTMENT_FIELDS = ("name", "short_name")


class FieldError(ServiceError):
    """A refusal that belongs to one form field (`field` is the form field's name)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


# -- helpers -----------------------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _snapshot(obj: object, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def _text(value: str | None, label: str, *, maximum: int, required_message: str | None = None) -> str:
    """Stripped text; refused when empty (if required) or longer than `maximum`."""
    text = (value or "").strip()
    if required_message is not None and not text:
        raise ServiceError(required_message)
    if len(text) > maximum:
        raise ServiceError(_("%(field)s may be at most %(n)d characters.", field=label, n=maximum))
    return text


def _apply(obj: object, values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Set the changed attributes; return (before, after) of just those fields."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            before[name] = _jsonable(old)
            after[name] = _jsonable(value)
            setattr(obj, name, value)
    return before, after


def _flush(duplicate_message: str, field: str) -> None:
    """Flush; a unique constraint hit by a concurrent write becomes the same friendly message."""
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        raise FieldError(duplicate_message, field) from None


def _refuse_if_archived(obj: Strategy | Goal | Department, message: str) -> None:
    if obj.archived_at is not None:
        raise ServiceError(message)


def _set_archived(obj: Strategy | Goal | Department, archived: bool, entity: str, *, actor: User) -> bool:
    """Archive or restore `obj`; False (and no event) when it already is in that state."""
    if (obj.archived_at is not None) == archived:
        return False
    before = {"archived_at": _jsonable(obj.archived_at)}
    obj.archived_at = utcnow() if archived else None
    db.session.flush()
    audit.record(
        f"{entity}.{'archive' if archived else 'restore'}",
        entity,
        obj.id,
        organisation_id=obj.organisation_id,
        user_id=actor.id,
        before=before,
        after={"archived_at": _jsonable(obj.archived_at)},
    )
    return True


# -- strategies --------------------------------------------------------------------------------------------


def _strategy_values(title: str, vision: str | None, period_start: date, period_end: date) -> dict[str, Any]:
    title = _text(title, _("Title"), maximum=TITLE_MAX, required_message=_("The strategy needs a title."))
    vision = _text(vision, _("Vision"), maximum=TEXT_MAX)
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
    _flush(_duplicate_strategy_message(values["title"]), "title")
    audit.record(
        "strategy.create",
        "strategy",
        strategy.id,
        organisation_id=org.id,
        user_id=actor.id,
        after=_snapshot(strategy, STRATEGY_FIELDS),
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
    _refuse_if_archived(strategy, _("The strategy is archived. Restore it before making changes."))
    values = _strategy_values(title, vision, period_start, period_end)
    _check_strategy_title(strategy.organisation_id, values["title"], exclude_id=strategy.id)
    before, after = _apply(strategy, values)
    if not after:
        return strategy
    _flush(_duplicate_strategy_message(values["title"]), "title")
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


def archive_strategy(strategy: Strategy, *, actor: User) -> bool:
    return _set_archived(strategy, True, "strategy", actor=actor)


def restore_strategy(strategy: Strategy, *, actor: User) -> bool:
    return _set_archived(strategy, False, "strategy", actor=actor)


# -- goals -------------------------------------------------------------------------------------------------


def member_users(org: Organisation) -> list[User]:
    """The organisation's active members, by name: the people who can own a goal."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == org.id,
                Membership.active.is_(True),
                User.active.is_(True),
            )
            .order_by(User.name, User.id)
        )
    )


def _check_owner_user(org_id: int, user_id: int | None) -> None:
    if user_id is None:
        return
    member = db.session.scalar(
        sa.select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.user_id == user_id,
            Membership.organisation_id == org_id,
            Membership.active.is_(True),
            User.active.is_(True),
        )
    )
    if member is None:
        raise FieldError(_("The owner must be an active member of the organisation."), "owner_user_id")


def _next_goal_position(strategy: Strategy) -> int:
    highest = db.session.scalar(sa.select(sa.func.max(Goal.position)).where(Goal.strategy_id == strategy.id))
    return 1 if highest is None else highest + 1


def _goal_values(
    title: str, description: str | None, owner: str | None, owner_user_id: int | None, position: int | None
) -> dict[str, Any]:
    values = {
        "title": _text(title, _("Title"), maximum=TITLE_MAX, required_message=_("The goal needs a title.")),
        "description": _text(description, _("Description"), maximum=TEXT_MAX),
        "owner": _text(owner, _("Owner"), maximum=OWNER_MAX),
        "owner_user_id": owner_user_id,
    }
    if position is not None:
        if position < 0:
            raise FieldError(_("The position must be 0 or more."), "position")
        values["position"] = position
    return values


def create_goal(
    strategy: Strategy,
    *,
    title: str,
    description: str | None = "",
    owner: str | None = "",
    owner_user_id: int | None = None,
    position: int | None = None,
    actor: User,
) -> Goal:
    """Add a goal to `strategy`; without a position it goes last."""
    _refuse_if_archived(strategy, _("The strategy is archived. Restore it before adding goals."))
    values = _goal_values(title, description, owner, owner_user_id, position)
    _check_owner_user(strategy.organisation_id, owner_user_id)
    values.setdefault("position", _next_goal_position(strategy))
    goal = Goal(strategy_id=strategy.id, organisation_id=strategy.organisation_id, **values)
    db.session.add(goal)
    db.session.flush()
    audit.record(
        "goal.create",
        "goal",
        goal.id,
        organisation_id=goal.organisation_id,
        user_id=actor.id,
        after={"strategy_id": strategy.id, **_snapshot(goal, GOAL_FIELDS)},
    )
    return goal


def update_goal(
    goal: Goal,
    *,
    title: str,
    description: str | None,
    owner: str | None,
    owner_user_id: int | None,
    position: int | None,
    actor: User,
) -> Goal:
    """Change a goal; an owner who has since left the organisation may be kept, not newly chosen."""
    _refuse_if_archived(goal, _("The goal is archived. Restore it before making changes."))
    values = _goal_values(title, description, owner, owner_user_id, position)
    if owner_user_id != goal.owner_user_id:
        _check_owner_user(goal.organisation_id, owner_user_id)
    before, after = _apply(goal, values)
    if not after:
        return goal
    db.session.flush()
    audit.record(
        "goal.update",
        "goal",
        goal.id,
        organisation_id=goal.organisation_id,
        user_id=actor.id,
        before=before,
        after=after,
    )
    return goal


def archive_goal(goal: Goal, *, actor: User) -> bool:
    return _set_archived(goal, True, "goal", actor=actor)


def restore_goal(goal: Goal, *, actor: User) -> bool:
    return _set_archived(goal, False, "goal", actor=actor)


# -- departments -------------------------------------------------------------------------------------------


def _department_values(name: str, short_name: str | None) -> dict[str, Any]:
    name = _text(
        name, _("Name"), maximum=DEPARTMENT_NAME_MAX, required_message=_("The department needs a name.")
    )
    short = _text(short_name, _("Short name"), maximum=DEPARTMENT_SHORT_NAME_MAX)
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
    _flush(_duplicate_department_message(values["name"]), "name")
    audit.record(
        "department.create",
        "department",
        department.id,
        organisation_id=org.id,
        user_id=actor.id,
        after=_snapshot(department, DEPARTMENT_FIELDS),
    )
    return department


def update_department(
    department: Department, *, name: str, short_name: str | None, actor: User
) -> Department:
    _refuse_if_archived(department, _("The department is archived. Restore it before making changes."))
    values = _department_values(name, short_name)
    _check_department_name(department.organisation_id, values["name"], exclude_id=department.id)
    before, after = _apply(department, values)
    if not after:
        return department
    _flush(_duplicate_department_message(values["name"]), "name")
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


def archive_department(department: Department, *, actor: User) -> bool:
    return _set_archived(department, True, "department", actor=actor)


def restore_department(department: Department, *, actor: User) -> bool:
    return _set_archived(department, False, "department", actor=actor)
