"""Action plans (handleplaner): create, edit, archive/restore, status updates with history, and "Mine".

Rules chosen here (see also the module's tests):
- Moving to "done" sets `done_on` to the day of the change; leaving "done" clears it. A status update that
  moves to "done" without a progress figure sets progress to 100.
- A new status of "delayed" needs a comment (the history must say why).
- Every status update, and every edit that changes status or progress, adds an `ActionPlanUpdate` row, so the
  history is complete. A newly created plan gets a first history row (old status empty).
- Writes that come from a form carry the version the user saw (`expected_version`); when the plan has changed
  since, `StaleVersion` is raised and nothing is written. A change that slips in between the check and the
  write makes the flush raise `sqlalchemy.orm.exc.StaleDataError` (the mapper's version_id_col); callers treat
  both alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, selectinload

from .. import progress
from ..extensions import db
from ..models import (
    KPI,
    ActionPlan,
    ActionPlanUpdate,
    Department,
    Goal,
    Membership,
    Organisation,
    Status,
    Strategy,
    User,
)
from ..models._types import utcnow
from ..progress import KPIStatus
from . import ServiceError, audit
from .overview import kpi_input

#: An open action plan whose last update is older than this is due for an update.
UPDATE_INTERVAL_DAYS = 30

CLOSED_STATUSES = frozenset({Status.DONE.value, Status.CANCELLED.value})

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


class StaleVersion(ServiceError):
    """The action plan changed after the user opened the form; carries the plan as it is now."""

    def __init__(self, plan: ActionPlan) -> None:
        super().__init__(
            _(
                "Someone else updated this action plan while you were editing; here are the current "
                "values — your changes were not saved."
            )
        )
        self.plan = plan


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


# ---------------------------------------------------------------------------------------------- helpers


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(plan: ActionPlan) -> dict[str, Any]:
    """The plan's recorded fields as JSON-ready values (for audit events)."""
    names = EDITABLE_FIELDS + ("goal_id", "done_on", "archived_at")
    return {name: _json(getattr(plan, name)) for name in names}


def _changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _check_version(plan: ActionPlan, expected_version: int | None) -> None:
    if expected_version is None or expected_version != plan.version:
        raise StaleVersion(plan)


def _check_open(plan: ActionPlan) -> None:
    if plan.archived_at is not None:
        raise ServiceError(_("The action plan is archived; restore it before changing it."))


def _parse_status(status: str) -> str:
    try:
        return Status(status).value
    except ValueError:
        raise ServiceError(_("Choose a valid status.")) from None


def _check_progress(value: int) -> int:
    if value is None or not 0 <= int(value) <= 100:
        raise ServiceError(_("Progress must be a whole number from 0 to 100."))
    return int(value)


def _check_comment(new_status: str, comment: str) -> None:
    if new_status == Status.DELAYED and not comment:
        raise ServiceError(
            _("A comment is required when the status is delayed: explain why and what happens next.")
        )


def _check_dates(start: date | None, due: date | None) -> None:
    if start is not None and due is not None and due < start:
        raise ServiceError(_("The due date cannot be before the start date."))


def _check_department(org_id: int, department_id: int | None, current: int | None) -> None:
    if department_id is None or department_id == current:
        return
    department = db.session.get(Department, department_id)
    if department is None or department.organisation_id != org_id or department.archived_at is not None:
        raise ServiceError(_("Choose one of the organisation's departments."))


def _check_owner_user(org_id: int, user_id: int | None, current: int | None) -> None:
    if user_id is None or user_id == current:
        return
    member = db.session.scalar(
        sa.select(Membership.id).where(
            Membership.user_id == user_id,
            Membership.organisation_id == org_id,
            Membership.active.is_(True),
        )
    )
    if member is None:
        raise ServiceError(_("The responsible person must be a member of the organisation."))


def _set(plan: ActionPlan, name: str, value: Any) -> None:
    """Assign only real changes, so an unchanged form leaves the row (and its version) alone."""
    if getattr(plan, name) != value:
        setattr(plan, name, value)


def _apply_status(plan: ActionPlan, new_status: str, today: date) -> None:
    """Set the status and keep done_on in step: set on the move to done, cleared when leaving done."""
    if new_status == Status.DONE:
        if plan.status != Status.DONE or plan.done_on is None:
            _set(plan, "done_on", today)
    else:
        _set(plan, "done_on", None)
    _set(plan, "status", new_status)


def _history(
    plan: ActionPlan, actor: User, old_status: str | None, new_status: str, progress_value: int, comment: str
) -> ActionPlanUpdate:
    entry = ActionPlanUpdate(
        action_plan=plan,
        author_id=actor.id,
        author_name=actor.name,
        old_status=old_status,
        new_status=new_status,
        progress=progress_value,
        comment=comment,
    )
    db.session.add(entry)
    return entry


def _record(action: str, plan: ActionPlan, actor: User, before=None, after=None) -> None:
    audit.record(
        action,
        "action_plan",
        plan.id,
        organisation_id=plan.organisation_id,
        user_id=actor.id,
        before=before,
        after=after,
    )


def _validated(org_id: int, fields: ActionPlanFields, plan: ActionPlan | None) -> ActionPlanFields:
    title = (fields.title or "").strip()
    if not title:
        raise ServiceError(_("The action plan needs a title."))
    status = _parse_status(fields.status)
    progress_value = _check_progress(fields.progress)
    comment = (fields.comment or "").strip()
    _check_dates(fields.start_date, fields.due_date)
    _check_department(org_id, fields.department_id, plan.department_id if plan else None)
    _check_owner_user(org_id, fields.owner_user_id, plan.owner_user_id if plan else None)
    history_needed = plan is None or status != plan.status or progress_value != plan.progress
    if history_needed:
        _check_comment(status, comment)
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
    )


# ---------------------------------------------------------------------------------------------- writes


def create_action_plan(goal: Goal, fields: ActionPlanFields, *, actor: User, today: date) -> ActionPlan:
    """A new action plan under `goal`, with a first history row and an "action_plan.create" event."""
    if goal.archived_at is not None:
        raise ServiceError(_("The goal is archived; restore it before adding action plans."))
    data = _validated(goal.organisation_id, fields, None)
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
        done_on=today if data.status == Status.DONE else None,
    )
    db.session.add(plan)
    db.session.flush()
    _history(plan, actor, None, plan.status, plan.progress, data.comment)
    db.session.flush()
    _record("action_plan.create", plan, actor, after=snapshot(plan))
    return plan


def update_action_plan(
    plan: ActionPlan, fields: ActionPlanFields, *, actor: User, expected_version: int | None, today: date
) -> ActionPlan:
    """Edit the plan's fields ("action_plan.edit"); a change of status or progress also enters the history."""
    _check_version(plan, expected_version)
    _check_open(plan)
    data = _validated(plan.organisation_id, fields, plan)
    before = snapshot(plan)
    old_status, old_progress = plan.status, plan.progress
    for name in EDITABLE_FIELDS:
        if name != "status":
            _set(plan, name, getattr(data, name))
    _apply_status(plan, data.status, today)
    old, new = _changes(before, snapshot(plan))
    if not new:
        return plan
    in_history = data.status != old_status or data.progress != old_progress
    if in_history:
        _history(plan, actor, old_status, data.status, data.progress, data.comment)
    plan.updated_at = utcnow()
    db.session.flush()
    if in_history and data.comment:
        new = {**new, "comment": data.comment}
    _record("action_plan.edit", plan, actor, before=old, after=new)
    return plan


def record_update(
    plan: ActionPlan,
    *,
    status: str,
    progress_value: int | None,
    comment: str,
    actor: User,
    expected_version: int | None,
    today: date,
) -> ActionPlanUpdate:
    """An editor's status report: new status, progress (None keeps it; 100 on the move to done), comment."""
    _check_version(plan, expected_version)
    _check_open(plan)
    new_status = _parse_status(status)
    comment = (comment or "").strip()
    if progress_value is None:
        moving_to_done = new_status == Status.DONE and plan.status != Status.DONE
        progress_value = 100 if moving_to_done else plan.progress
    progress_value = _check_progress(progress_value)
    _check_comment(new_status, comment)
    before = {"status": plan.status, "progress": plan.progress, "done_on": _json(plan.done_on)}
    old_status = plan.status
    _apply_status(plan, new_status, today)
    _set(plan, "progress", progress_value)
    # Always touch the row so the version moves on, also for a comment-only update.
    plan.updated_at = utcnow()
    entry = _history(plan, actor, old_status, new_status, progress_value, comment)
    db.session.flush()
    after = {"status": plan.status, "progress": plan.progress, "done_on": _json(plan.done_on)}
    after["comment"] = comment
    after["update_id"] = entry.id
    _record("action_plan.update", plan, actor, before=before, after=after)
    return entry


def archive_action_plan(plan: ActionPlan, *, actor: User) -> ActionPlan:
    if plan.archived_at is not None:
        raise ServiceError(_("The action plan is already archived."))
    plan.archived_at = utcnow()
    db.session.flush()
    _record(
        "action_plan.archive",
        plan,
        actor,
        before={"archived_at": None},
        after={"archived_at": _json(plan.archived_at)},
    )
    return plan


def restore_action_plan(plan: ActionPlan, *, actor: User) -> ActionPlan:
    if plan.archived_at is None:
        raise ServiceError(_("The action plan is not archived."))
    before = {"archived_at": _json(plan.archived_at)}
    plan.archived_at = None
    db.session.flush()
    _record("action_plan.restore", plan, actor, before=before, after={"archived_at": None})
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
    condition = sa.and_(Membership.organisation_id == org.id, Membership.active.is_(True))
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


@dataclass
class OwnedPlan:
    plan: ActionPlan
    last_update: datetime | None
    overdue: bool
    needs_update: bool

    @property
    def closed(self) -> bool:
        return self.plan.status in CLOSED_STATUSES


@dataclass
class OwnedKPI:
    kpi: KPI
    summary: progress.KPISummary

    @property
    def needs_update(self) -> bool:
        return self.summary.status in (KPIStatus.STALE, KPIStatus.NO_DATA)


@dataclass
class OwnedItems:
    plans: list[OwnedPlan] = field(default_factory=list)
    kpis: list[OwnedKPI] = field(default_factory=list)

    @property
    def open_plans(self) -> list[OwnedPlan]:
        return [p for p in self.plans if not p.closed]

    @property
    def closed_plans(self) -> list[OwnedPlan]:
        return [p for p in self.plans if p.closed]

    @property
    def overdue_plans(self) -> list[OwnedPlan]:
        return [p for p in self.plans if p.overdue]

    @property
    def plans_needing_update(self) -> list[OwnedPlan]:
        return [p for p in self.plans if p.needs_update]

    @property
    def kpis_needing_update(self) -> list[OwnedKPI]:
        return [k for k in self.kpis if k.needs_update]


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


def owned_items(org: Organisation, user: User, today: date) -> OwnedItems:
    """The action plans and KPIs `user` is responsible for in `org` (not archived), in four queries."""
    plans = list(
        db.session.scalars(
            sa.select(ActionPlan)
            .join(ActionPlan.goal)
            .join(Goal.strategy)
            .where(
                ActionPlan.organisation_id == org.id,
                ActionPlan.owner_user_id == user.id,
                ActionPlan.archived_at.is_(None),
                Goal.archived_at.is_(None),
                Strategy.archived_at.is_(None),
            )
            .options(
                contains_eager(ActionPlan.goal).contains_eager(Goal.strategy),
                selectinload(ActionPlan.department),
            )
            .order_by(ActionPlan.due_date.is_(None), ActionPlan.due_date, ActionPlan.id)
        )
    )
    last_updates: dict[int, datetime] = {}
    if plans:
        rows = db.session.execute(
            sa.select(ActionPlanUpdate.action_plan_id, sa.func.max(ActionPlanUpdate.created_at))
            .where(ActionPlanUpdate.action_plan_id.in_([p.id for p in plans]))
            .group_by(ActionPlanUpdate.action_plan_id)
        )
        last_updates = {plan_id: when for plan_id, when in rows}
    limit = today - timedelta(days=UPDATE_INTERVAL_DAYS)
    owned_plans = []
    for plan in plans:
        last = last_updates.get(plan.id)
        reference = _day(last) or _day(plan.created_at)
        is_open = plan.status not in CLOSED_STATUSES
        owned_plans.append(
            OwnedPlan(
                plan=plan,
                last_update=last,
                overdue=progress.is_overdue(plan.status, plan.due_date, today),
                needs_update=is_open and reference is not None and reference < limit,
            )
        )
    kpis = db.session.scalars(
        sa.select(KPI)
        .join(KPI.goal)
        .join(Goal.strategy)
        .where(
            KPI.organisation_id == org.id,
            KPI.owner_user_id == user.id,
            KPI.archived_at.is_(None),
            Goal.archived_at.is_(None),
            Strategy.archived_at.is_(None),
        )
        .options(
            contains_eager(KPI.goal).contains_eager(Goal.strategy),
            selectinload(KPI.targets),
            selectinload(KPI.measurements),
        )
        .order_by(Strategy.title, Goal.position, Goal.id, KPI.position, KPI.id)
    )
    owned_kpis = [OwnedKPI(kpi, progress.kpi_summary(kpi_input(kpi), today)) for kpi in kpis]
    return OwnedItems(plans=owned_plans, kpis=owned_kpis)
