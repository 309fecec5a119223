"""Action plan status updates: the checks and history rows every status or progress change goes through.

Kept apart from plain create/edit/archive (services/action_plan/plans.py, which uses these helpers for its own
status changes) because here live the steps that make the history trustworthy. The rules themselves (done
means 100 % and has a done-on date, delayed needs a comment, …) live in rules.py beside this module.
- A done plan keeps the done-on date it was given; leaving "done" clears it. A status update to "done"
  without a progress figure sets progress to 100.
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
from .rules import (
    comment_length_problem,
    delayed_comment_problem,
    done_on_problem,
    done_progress_problem,
    progress_problem,
    status_problem,
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


# ---------------------------------------------------------------------------------------------- helpers


def check_version(plan: ActionPlan, expected_version: int | None) -> None:
    if expected_version is None or expected_version != plan.version:
        raise StaleVersion(plan)


def check_open(plan: ActionPlan) -> None:
    if plan.archived_at is not None:
        raise ServiceError(_("The action plan is archived; restore it before changing it."))


def refuse(problem: str | None) -> None:
    """Raise a rule's message as a `ServiceError` (nothing when the rule is met)."""
    if problem:
        raise ServiceError(problem)


def parse_status(status: str) -> str:
    refuse(status_problem(status))
    return Status(status).value


def check_progress(value: int) -> int:
    refuse(progress_problem(value))
    return int(value)


def check_comment(new_status: str, comment: str) -> None:
    refuse(comment_length_problem(comment) or delayed_comment_problem(new_status, comment))


def done_on_after(plan: ActionPlan | None, new_status: str, given: date | None) -> date | None:
    """The done-on date a change leaves: the one given, else the one kept by a plan that stays done."""
    if given is None and plan is not None and new_status == Status.DONE == plan.status:
        return plan.done_on
    return given


def check_done(new_status: str, progress_value: int, done_on: date | None, today: date) -> None:
    refuse(done_progress_problem(new_status, progress_value) or done_on_problem(new_status, done_on, today))


def set_changed(plan: ActionPlan, name: str, value: Any) -> None:
    """Assign only real changes, so an unchanged form leaves the row (and its version) alone."""
    if getattr(plan, name) != value:
        setattr(plan, name, value)


def apply_status(plan: ActionPlan, new_status: str, done_on: date | None) -> None:
    """Set the status and its done-on date (checked by `check_done`: None unless done)."""
    set_changed(plan, "done_on", done_on)
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
    done_on: date | None = None,
) -> ActionPlanUpdate:
    """An editor's status report: new status, progress (None keeps it; 100 for done), comment, and for a
    done plan the day it was done (kept when it stays done)."""
    check_version(plan, expected_version)
    check_open(plan)
    new_status = parse_status(status)
    comment = (comment or "").strip()
    if progress_value is None:
        progress_value = 100 if new_status == Status.DONE else plan.progress
    progress_value = check_progress(progress_value)
    check_comment(new_status, comment)
    done_on = done_on_after(plan, new_status, done_on)
    check_done(new_status, progress_value, done_on, today)
    before = {"status": plan.status, "progress": plan.progress, "done_on": audit.jsonable(plan.done_on)}
    old_status = plan.status
    apply_status(plan, new_status, done_on)
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
