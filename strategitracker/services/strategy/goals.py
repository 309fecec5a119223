"""A strategy's goals (målsætninger): create, edit, archive, restore, and who may own one.

Kept apart from the strategies themselves (strategies.py): a goal has its own rules — a position within its
strategy, and an owner who must be an active member. The shared limits and write steps live in
rules.py.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import Goal, Organisation, Strategy, User
from .. import audit
from ..accounts.member_rules import active_members, owner_problem
from .rules import (
    OWNER_MAX,
    TEXT_MAX,
    TITLE_MAX,
    FieldError,
    apply_changes,
    checked_text,
    refuse_if_archived,
    snapshot,
)

GOAL_FIELDS = ("title", "description", "owner", "owner_user_id", "position")


def member_users(org: Organisation) -> list[User]:
    """The organisation's active members, by name: the people who can own a goal."""
    return active_members(org.id)


def _check_owner_user(org_id: int, user_id: int | None) -> None:
    problem = owner_problem(org_id, user_id)
    if problem:
        raise FieldError(problem, "owner_user_id")


def _next_goal_position(strategy: Strategy) -> int:
    highest = db.session.scalar(sa.select(sa.func.max(Goal.position)).where(Goal.strategy_id == strategy.id))
    return 1 if highest is None else highest + 1


def _goal_values(
    title: str, description: str | None, owner: str | None, owner_user_id: int | None, position: int | None
) -> dict[str, Any]:
    values = {
        "title": checked_text(
            title, _("Title"), maximum=TITLE_MAX, required_message=_("The goal needs a title.")
        ),
        "description": checked_text(description, _("Description"), maximum=TEXT_MAX),
        "owner": checked_text(owner, _("Owner"), maximum=OWNER_MAX),
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
    refuse_if_archived(strategy, _("The strategy is archived. Restore it before adding goals."))
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
        after={"strategy_id": strategy.id, **snapshot(goal, GOAL_FIELDS)},
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
    refuse_if_archived(goal, _("The goal is archived. Restore it before making changes."))
    values = _goal_values(title, description, owner, owner_user_id, position)
    if owner_user_id != goal.owner_user_id:
        _check_owner_user(goal.organisation_id, owner_user_id)
    before, after = apply_changes(goal, values)
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
