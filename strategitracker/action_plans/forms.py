"""Forms for action plans (create/edit, status updates) and the audit-log filter.

The plans' rules are checked with the functions of services/action_plan/rules.py, which the service runs
again before it writes: a user sees the same message beside the field that the service or an import gives.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import Form
from ..models import Department, Status, User
from ..services.action_plan import rules
from ..status import PLAN_STATUS_LABELS
from ..view_helpers import optional_int


def status_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in PLAN_STATUS_LABELS.items()]


class VersionField(HiddenField):
    """The version of the action plan the form was opened on (optimistic locking)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            try:
                self.data = int(valuelist[0])
            except ValueError:
                self.data = None

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


def _done_on_field() -> DateField:
    return DateField(
        _l("Done on"),
        validators=[Optional()],
        description=_l("Only for a done plan: the day it was done."),
    )


def _check_done(status: str | None, progress: int | None, done_on: date | None) -> tuple[str | None, ...]:
    """The messages for the progress and done-on fields of a plan with `status`."""
    return (
        rules.done_progress_problem(status, progress),
        rules.done_on_problem(status, done_on if status == Status.DONE else None, date.today()),
    )


class _DoneChecks:
    """Progress and done-on date checked together against the status: done means 100 % and a date."""

    def validate_progress(self, field: IntegerField) -> None:
        problem = _check_done(self.status.data, field.data, self.done_on.data)[0]
        if problem and not field.errors:
            raise ValidationError(problem)

    def validate_done_on(self, field: DateField) -> None:
        problem = _check_done(self.status.data, None, field.data)[1]
        if problem and not field.errors:
            raise ValidationError(problem)


class ActionPlanUpdateForm(_DoneChecks, Form):
    """An editor's status report on the action-plan page."""

    status = SelectField(_l("Status"), choices=status_choices())
    progress = IntegerField(
        _l("Progress (%)"),
        validators=[
            Optional(),
            NumberRange(min=0, max=100, message=_l("Enter a whole number from 0 to 100.")),
        ],
        description=_l("Leave empty to keep the current progress (100 when the status becomes done)."),
    )
    comment = TextAreaField(
        _l("Comment"),
        description=_l(
            "What has happened, and what happens next. Required when the plan is delayed. "
            "At most 5,000 characters."
        ),
        render_kw={"data-max-chars": rules.COMMENT_MAX},
    )
    done_on = _done_on_field()
    version = VersionField()

    def validate_comment(self, field: TextAreaField) -> None:
        problem = rules.comment_length_problem(field.data) or rules.delayed_comment_problem(
            self.status.data, field.data
        )
        if problem:
            raise ValidationError(problem)

    def validate_version(self, field: VersionField) -> None:
        if field.data is None:
            raise ValidationError(_("The form is incomplete; reload the page and try again."))


class ActionPlanForm(_DoneChecks, Form):
    """Create or edit an action plan; the selects offer only the organisation's members and departments."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])
    owner = StringField(
        _l("Responsible (role)"),
        validators=[Length(max=200)],
        description=_l("The role or unit that answers for the plan, e.g. “Head of Business Development”."),
    )
    owner_user_id = SelectField(_l("Responsible person"), coerce=optional_int, validate_choice=False)
    department_id = SelectField(_l("Department"), coerce=optional_int, validate_choice=True)
    status = SelectField(_l("Status"), choices=status_choices(), default=Status.NOT_STARTED.value)
    start_date = DateField(_l("Start"), validators=[Optional()])
    due_date = DateField(_l("Due date"), validators=[Optional()])
    progress = IntegerField(
        _l("Progress (%)"),
        default=0,
        validators=[
            InputRequired(message=_l("Enter a whole number from 0 to 100.")),
            NumberRange(min=0, max=100, message=_l("Enter a whole number from 0 to 100.")),
        ],
    )
    comment = TextAreaField(
        _l("Comment for the history"),
        description=_l(
            "Saved in the plan's history when status or progress changes. Required when delayed. "
            "At most 5,000 characters."
        ),
        render_kw={"data-max-chars": rules.COMMENT_MAX},
    )
    done_on = _done_on_field()
    version = VersionField()

    def __init__(
        self,
        *args,
        members: list[User],
        departments: list[Department],
        org_id: int,
        previous_status: str | None = None,
        previous_progress: int | None = None,
        previous_owner: int | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.org_id, self.previous_owner = org_id, previous_owner
        self.owner_user_id.choices = [SelectChoice("", _("— nobody chosen —"))] + [
            SelectChoice(str(u.id), f"{u.name} ({u.email})") for u in members
        ]
        self.department_id.choices = [SelectChoice("", _("— no department —"))] + [
            SelectChoice(
                str(d.id), d.name if d.archived_at is None else _("%(name)s (archived)", name=d.name)
            )
            for d in departments
        ]
        self.previous_status = previous_status
        self.previous_progress = previous_progress
        # editing: a stale or missing version is refused; creating: no version
        self.is_edit = previous_status is not None

    def validate_due_date(self, field: DateField) -> None:
        problem = rules.dates_problem(self.start_date.data, field.data)
        if problem:
            raise ValidationError(problem)

    def validate_owner_user_id(self, field: SelectField) -> None:
        problem = rules.plan_owner_problem(self.org_id, field.data, current=self.previous_owner)
        if problem:
            raise ValidationError(problem)

    def validate_comment(self, field: TextAreaField) -> None:
        changed = (
            not self.is_edit
            or self.status.data != self.previous_status
            or self.progress.data != self.previous_progress
        )
        problem = rules.comment_length_problem(field.data)
        if not problem and changed:
            problem = rules.delayed_comment_problem(self.status.data, field.data)
        if problem:
            raise ValidationError(problem)

    def validate_version(self, field: VersionField) -> None:
        if self.is_edit and field.data is None:
            raise ValidationError(_("The form is incomplete; reload the page and try again."))
