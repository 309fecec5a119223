"""Action plans (handleplaner): create, edit, archive/restore, and what the plan's forms and page read.

Rules chosen here (see also the module's tests):
- Every edit that changes status or progress adds an `ActionPlanUpdate` row, so the history is complete. A
  newly created plan gets a first history row (old status empty).
- An edit carries the version the user saw (`expected_version`) and is refused with `StaleVersion` when the
  plan has changed since.

The rules a plan obeys live in rules.py (shared with the forms and the import); status updates
(`record_update`) and the checks and history rows shared with the edits live in status.py; the "Mine" read
model (`owned_items`) lives in services/overview/mine.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import ActionPlan, ActionPlanUpdate, Department, Goal, Membership, Organisation, Status, User
from ...models._types import utcnow
from .. import ServiceError, audit
from ..accounts.member_rules import active_member_condition
from .rules import dates_problem, plan_owner_problem
from .status import (
    apply_status,
    check_comment,
    check_done,
    check_open,
    check_progress,
    check_version,
    done_on_after,
    history_entry,
    parse_status,
    record_plan_event,
    refuse,
    set_changed,
)

# The fields a facilitator edits, in the order the audit trail lists them.
EDITABLE_FIELDS = (
    "title",
    "description",
    "owner",
    "owner_user_id",
    "department_id",
    "status",
    "start_date",
    "due_date",
    "progress",
)


@dataclass
class ActionPlanFields:
    """What the create/edit form gives; ids are checked against the organisation by the service."""

    title: str
    description: str = ""
    owner: str = ""
    owner_user_id: int | None = None
    department_id: int | None = None
    status: str = Status.NOT_STARTED.value
    start_date: date | None = None
    due_date: date | None = None
    progress: int = 0
    comment: str = ""
    done_on: date | None = None


# ---------------------------------------------------------------------------------------------- helpers


def snapshot(plan: ActionPlan) -> dict[str, Any]:
    """The plan's recorded fields as JSON-ready values (for audit events)."""
    names = EDITABLE_FIELDS + ("goal_id", "done_on", "archived_at")
    return {name: audit.jsonable(getattr(plan, name)) for name in names}


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _check_department(org_id: int, department_id: int | None, current: int | None) -> None:
    if department_id is None or department_id == current:
        return
    department = db.session.get(Department, department_id)
    if department is None or department.organisation_id != org_id or department.archived_at is not None:
        raise ServiceError(_("Choose one of the organisation's departments."))


def _validated(
    org_id: int, fields: ActionPlanFields, plan: ActionPlan | None, today: date
) -> ActionPlanFields:
    title = (fields.title or "").strip()
    if not title:
        raise ServiceError(_("The action plan needs a title."))
    status = parse_status(fields.status)
    progress_value = check_progress(fields.progress)
    comment = (fields.comment or "").strip()
    refuse(dates_problem(fields.start_date, fields.due_date))
    _check_department(org_id, fields.department_id, plan.department_id if plan else None)
    refuse(plan_owner_problem(org_id, fields.owner_user_id, current=plan.owner_user_id if plan else None))
    history_needed = plan is None or status != plan.status or progress_value != plan.progress
    if history_needed:
        check_comment(status, comment)
    done_on = done_on_after(plan, status, fields.done_on)
    check_done(status, progress_value, done_on, today)
    return ActionPlanFields(
        title=title,
        description=(fields.description or "").strip(),
        owner=(fields.owner or "").strip(),
        owner_user_id=fields.owner_user_id,
        department_id=fields.department_id,
        status=status,
        start_date=fields.start_date,
        due_date=fields.due_date,
        progress=progress_value,
        comment=comment,
        done_on=done_on,
    )


# ---------------------------------------------------------------------------------------------- writes


def create_action_plan(goal: Goal, fields: ActionPlanFields, *, actor: User, today: date) -> ActionPlan:
    """A new action plan under `goal`, with a first history row and an "action_plan.create" event."""
    if goal.archived_at is not None:
        raise ServiceError(_("The goal is archived; restore it before adding action plans."))
    data = _validated(goal.organisation_id, fields, None, today)
    plan = ActionPlan(
        organisation_id=goal.organisation_id,
        goal_id=goal.id,
        title=data.title,
        description=data.description,
        owner=data.owner,
        owner_user_id=data.owner_user_id,
        department_id=data.department_id,
        status=data.status,
        start_date=data.start_date,
        due_date=data.due_date,
        progress=data.progress,
        done_on=data.done_on,
    )
    db.session.add(plan)
    db.session.flush()
    history_entry(plan, actor, None, plan.status, plan.progress, data.comment)
    db.session.flush()
    record_plan_event("action_plan.create", plan, actor, after=snapshot(plan))
    return plan


def update_action_plan(
    plan: ActionPlan, fields: ActionPlanFields, *, actor: User, expected_version: int | None, today: date
) -> ActionPlan:
    """Edit the plan's fields ("action_plan.edit"); a change of status or progress also enters the history."""
    check_version(plan, expected_version)
    check_open(plan)
    data = _validated(plan.organisation_id, fields, plan, today)
    before = snapshot(plan)
    old_status, old_progress = plan.status, plan.progress
    for name in EDITABLE_FIELDS:
        if name != "status":
            set_changed(plan, name, getattr(data, name))
    apply_status(plan, data.status, data.done_on)
    old, new = _changes(before, snapshot(plan))
    if not new:
        return plan
    in_history = data.status != old_status or data.progress != old_progress
    if in_history:
        history_entry(plan, actor, old_status, data.status, data.progress, data.comment)
    plan.updated_at = utcnow()
    db.session.flush()
    if in_history and data.comment:
        new = {**new, "comment": data.comment}
    record_plan_event("action_plan.edit", plan, actor, before=old, after=new)
    return plan


# ---------------------------------------------------------------------------------------------- reads


def load_action_plan_page(plan: ActionPlan) -> tuple[list[ActionPlanUpdate], User | None]:
    """The plan's full history (newest first) and its responsible user, in two queries."""
    history = list(
        db.session.scalars(
            sa.select(ActionPlanUpdate)
            .where(ActionPlanUpdate.action_plan_id == plan.id)
            .order_by(ActionPlanUpdate.created_at.desc(), ActionPlanUpdate.id.desc())
        )
    )
    owner_user = db.session.get(User, plan.owner_user_id) if plan.owner_user_id else None
    return history, owner_user


def member_choices(org: Organisation, *, keep: int | None = None) -> list[User]:
    """The organisation's active members (and `keep`, the current choice, even if no longer one)."""
    condition = active_member_condition(org.id)
    stmt = sa.select(User).outerjoin(Membership, sa.and_(Membership.user_id == User.id, condition))
    if keep is not None:
        stmt = stmt.where(sa.or_(Membership.id.is_not(None), User.id == keep))
    else:
        stmt = stmt.where(Membership.id.is_not(None))
    return list(db.session.scalars(stmt.order_by(User.name, User.email)).unique())


def department_choices(org: Organisation, *, keep: int | None = None) -> list[Department]:
    """The organisation's departments that are not archived (and `keep`, the current one)."""
    condition = Department.archived_at.is_(None)
    if keep is not None:
        condition = sa.or_(condition, Department.id == keep)
    return list(
        db.session.scalars(
            sa.select(Department)
            .where(Department.organisation_id == org.id, condition)
            .order_by(Department.name)
        )
    )
