"""What an action plan may be: the checks shared by the action-plan forms, services and import.

Each check returns the message to show (or None) instead of raising, so a form shows it beside its field, a
service raises it as a `ServiceError` and an import reports it on the row, always in the same words:

- a status is one of the five statuses;
- progress is a whole number from 0 to 100;
- the due date is not before the start date;
- a plan entering its history as delayed has a comment saying why (form, service and import alike);
- a comment (a history entry's text) has at most COMMENT_MAX characters: a longer one is refused, never cut;
- a done plan is 100 % done: a different progress is refused with a message asking to set 100 or choose
  another status (progress left out becomes 100);
- a done plan has the date it was done, not in the future; a plan that is not done has none;
- the responsible person is an active member of the organisation (services/accounts/member_rules.py) whose
  role may report progress on action plans (a viewer would see the plan on "Mine" and could not update it).
"""

from __future__ import annotations

from datetime import date

from flask_babel import get_locale
from flask_babel import gettext as _

from ...formatting import format_number
from ...models import Role, Status
from ...permissions import Action, can
from ..accounts.member_rules import member_roles, owner_problem

__all__ = [
    "COMMENT_MAX",
    "comment_length_problem",
    "dates_problem",
    "delayed_comment_problem",
    "done_on_problem",
    "done_progress_problem",
    "owner_problem",
    "owner_role_problem",
    "plan_owner_problem",
    "progress_problem",
    "status_problem",
]


def status_problem(status: str | None) -> str | None:
    if status not in tuple(Status):
        return _("Choose a valid status.")
    return None


def progress_problem(value: int | None) -> str | None:
    if value is None or not 0 <= int(value) <= 100:
        return _("Progress must be a whole number from 0 to 100.")
    return None


def dates_problem(start: date | None, due: date | None) -> str | None:
    if start is not None and due is not None and due < start:
        return _("The due date cannot be before the start date.")
    return None


def delayed_comment_problem(status: str | None, comment: str | None) -> str | None:
    """A delayed plan's history entry must say why (checked whenever status or progress is recorded)."""
    if status == Status.DELAYED and not (comment or "").strip():
        return _("A comment is required when the status is delayed: explain why and what happens next.")
    return None


#: The most characters a comment may have (the forms show the limit and a counter).
COMMENT_MAX = 5000


def comment_length_problem(comment: str | None) -> str | None:
    """A comment longer than the limit is refused with its length, so nothing is cut without a word."""
    length = len(comment or "")
    if length <= COMMENT_MAX:
        return None
    locale = str(get_locale() or "da")
    return _(
        "A comment can have at most %(max)s characters; this one has %(count)s. Shorten it and save again.",
        max=format_number(COMMENT_MAX, 0, locale),
        count=format_number(length, 0, locale),
    )


def done_progress_problem(status: str | None, progress: int | None) -> str | None:
    """ "Done" means 100 %; `progress` None means "not given" (it then becomes 100)."""
    if status == Status.DONE and progress is not None and progress != 100:
        return _(
            "A done action plan has progress 100: set the progress to 100, or choose another status "
            "(e.g. in progress)."
        )
    return None


def done_on_problem(status: str | None, done_on: date | None, today: date) -> str | None:
    """A done plan has the day it was done (not in the future); another status has none."""
    if status != Status.DONE:
        if done_on is not None:
            return _("Only a done action plan has a done-on date.")
        return None
    if done_on is None:
        return _("Give the date the action plan was done.")
    if done_on > today:
        return _("The done-on date cannot be in the future.")
    return None


def owner_role_problem(role: str | None) -> str | None:
    """A plan's responsible person must be allowed to report its progress (the role, not the person)."""
    if role is not None and can(Action.UPDATE_ACTION_PLAN, Role(role)):
        return None
    return _(
        "The responsible person must be a member who may report progress on action plans; a viewer may "
        "not. Choose another member, or give this member another role first."
    )


def plan_owner_problem(org_id: int, user_id: int | None, *, current: int | None = None) -> str | None:
    """The owner rule for action plans: an active member (the shared rule) who may update the plan. The
    present choice (`current`) is kept, so an unrelated edit is not refused."""
    problem = owner_problem(org_id, user_id, current=current)
    if problem or user_id is None or user_id == current:
        return problem
    return owner_role_problem(member_roles(org_id).get(user_id))
