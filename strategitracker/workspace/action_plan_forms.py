"""Forms for action plans (create/edit, status updates) and the audit-log filter."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import Form
from ..models import Department, Status, User
from ..status_labels import PLAN_STATUS_LABELS


def status_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in PLAN_STATUS_LABELS.items()]


def optional_int(value: object) -> int | None:
    """Coerce a select's value: empty means none; anything else must be a whole number."""
    if value is None or value == "":
        return None
    return int(value)


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


DELAYED_NEEDS_COMMENT = _l(
    "A comment is required when the status is delayed: explain why and what happens next."
)


class ActionPlanUpdateForm(Form):
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
        validators=[Length(max=5000)],
        description=_l("What has happened, and what happens next. Required when the plan is delayed."),
    )
    version = VersionField()

    def validate_comment(self, field: TextAreaField) -> None:
        if self.status.data == Status.DELAYED and not (field.data or "").strip():
            raise ValidationError(str(DELAYED_NEEDS_COMMENT))

    def validate_version(self, field: VersionField) -> None:
        if field.data is None:
            raise ValidationError(_("The form is incomplete; reload the page and try again."))


class ActionPlanForm(Form):
    """Create or edit an action plan; the selects offer only the organisation's members and departments."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Length(max=20000)])
    owner = StringField(
        _l("Responsible (role)"),
        validators=[Length(max=200)],
        description=_l("The role or unit that answers for the plan, e.g. “Head of Business Development”."),
    )
    owner_user_id = SelectField(_l("Responsible person"), coerce=optional_int, validate_choice=True)
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
        validators=[Length(max=5000)],
        description=_l("Saved in the plan's history when status or progress changes. Required when delayed."),
    )
    version = VersionField()

    def __init__(
        self,
        *args,
        members: list[User],
        departments: list[Department],
        previous_status: str | None = None,
        previous_progress: int | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
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
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_("The due date cannot be before the start date."))

    def validate_comment(self, field: TextAreaField) -> None:
        if self.status.data != Status.DELAYED or (field.data or "").strip():
            return
        changed = (
            not self.is_edit
            or self.status.data != self.previous_status
            or self.progress.data != self.previous_progress
        )
        if changed:
            raise ValidationError(str(DELAYED_NEEDS_COMMENT))

    def validate_version(self, field: VersionField) -> None:
        if self.is_edit and field.data is None:
            raise ValidationError(_("The form is incomplete; reload the page and try again."))


class AuditFilterForm(Form):
    """The audit log's filter (a GET form: no CSRF token)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), default="")
    entity_type = SelectField(_l("Entity"), default="")
    user_id = SelectField(_l("User"), coerce=optional_int, validate_choice=True)
    entity_id = IntegerField(_l("Entity number"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def __init__(
        self, *args, actions: list[str], entity_types: list[str], users: list[User], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        # A value from a link (e.g. an entity's own audit trail) may have no events yet: keep it selectable.
        if self.action.data and self.action.data not in actions:
            actions = [*actions, self.action.data]
        if self.entity_type.data and self.entity_type.data not in entity_types:
            entity_types = [*entity_types, self.entity_type.data]
        self.action.choices = [SelectChoice("", _("All actions"))] + [SelectChoice(a) for a in actions]
        self.entity_type.choices = [SelectChoice("", _("All entities"))] + [
            SelectChoice(e) for e in entity_types
        ]
        self.user_id.choices = [SelectChoice("", _("All users"))] + [
            SelectChoice(str(u.id), f"{u.name} ({u.email})") for u in users
        ]

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("The end date cannot be before the start date."))
