"""Action plan status updates: the checks and history rows every status or progress change goes through.

Kept apart from plain create/edit/archive (services/action_plan/plans.py, which uses these helpers for its own
status changes) because here live the rules that make the history trustworthy:
- Moving to "done" sets `done_on` to the day of the change; leaving "done" clears it. A status update that
  moves to "done" without a progress figure sets progress to 100.
- A new status of "delayed" needs a comment (the history must say why).
- Every status update adds an `ActionPlanUpdate` row.
- Writes that come from a form carry the version the user saw (`expected_version`); when the plan has changed
  since, `StaleVersion` is raised and nothing is written. A change that slips in between the check and the
  write makes the flush raise `sqlalchemy.orm.exc.StaleDataError` (the mapper's version_id_col); callers treat
  both alike.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from ...extensions import db
from ...models import ActionPlan, ActionPlanUpdate, Status, User
from ...models._types import utcnow
from .. import ServiceError, audit


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


# ---------------------------------------------------------------------------------------------- helpers


def check_version(plan: ActionPlan, expected_version: int | None) -> None:
    if expected_version is None or expected_version != plan.version:
        raise StaleVersion(plan)


def check_open(plan: ActionPlan) -> None:
    if plan.archived_at is not None:
        raise ServiceError(_("The action plan is archived; restore it before changing it."))


def parse_status(status: str) -> str:
    try:
        return Status(status).value
    except ValueError:
        raise ServiceError(_("Choose a valid status.")) from None


def check_progress(value: int) -> int:
    if value is None or not 0 <= int(value) <= 100:
        raise ServiceError(_("Progress must be a whole number from 0 to 100."))
    return int(value)


def check_comment(new_status: str, comment: str) -> None:
    if new_status == Status.DELAYED and not comment:
        raise ServiceError(
            _("A comment is required when the status is delayed: explain why and what happens next.")
        )


def set_changed(plan: ActionPlan, name: str, value: Any) -> None:
    """Assign only real changes, so an unchanged form leaves the row (and its version) alone."""
    if getattr(plan, name) != value:
        setattr(plan, name, value)


def apply_status(plan: ActionPlan, new_status: str, today: date) -> None:
    """Set the status and keep done_on in step: set on the move to done, cleared when leaving done."""
    if new_status == Status.DONE:
        if plan.status != Status.DONE or plan.done_on is None:
            set_changed(plan, "done_on", today)
    else:
        set_changed(plan, "done_on", None)
    set_changed(plan, "status", new_status)


def history_entry(
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


def record_plan_event(action: str, plan: ActionPlan, actor: User, before=None, after=None) -> None:
    audit.record(
        action,
        "action_plan",
        plan.id,
        organisation_id=plan.organisation_id,
        user_id=actor.id,
        before=before,
        after=after,
    )


# ---------------------------------------------------------------------------------------------- writes


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
    check_version(plan, expected_version)
    check_open(plan)
    new_status = parse_status(status)
    comment = (comment or "").strip()
    if progress_value is None:
        moving_to_done = new_status == Status.DONE and plan.status != Status.DONE
        progress_value = 100 if moving_to_done else plan.progress
    progress_value = check_progress(progress_value)
    check_comment(new_status, comment)
    before = {"status": plan.status, "progress": plan.progress, "done_on": audit.jsonable(plan.done_on)}
    old_status = plan.status
    apply_status(plan, new_status, today)
    set_changed(plan, "progress", progress_value)
    # Always touch the row so the version moves on, also for a comment-only update.
    plan.updated_at = utcnow()
    entry = history_entry(plan, actor, old_status, new_status, progress_value, comment)
    db.session.flush()
    after = {"status": plan.status, "progress": plan.progress, "done_on": audit.jsonable(plan.done_on)}
    after["comment"] = comment
    after["update_id"] = entry.id
    record_plan_event("action_plan.update", plan, actor, before=before, after=after)
    return entry
