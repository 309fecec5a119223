"""Forms for strategies, goals and departments."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import Form
from ..models import User
from ..services.strategy import DEPARTMENT_NAME_MAX, DEPARTMENT_SHORT_NAME_MAX, OWNER_MAX, TEXT_MAX, TITLE_MAX


def optional_int(value: object) -> int | None:
    """Coerce a select's value: "" (no choice) is None, anything else must be a whole number."""
    if value in (None, ""):
        return None
    return int(value)  # a ValueError becomes the field's "could not coerce" error


class StrategyForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    vision = TextAreaField(
        _l("Vision"),
        description=_l("What the municipality wants to achieve with the strategy, in a few sentences."),
        validators=[Length(max=TEXT_MAX)],
        render_kw={"rows": 4},
    )
    # InputRequired (not DataRequired) keeps the "Not a valid date value." of an unreadable date.
    period_start = DateField(_l("Period start"), validators=[InputRequired()])
    period_end = DateField(_l("Period end"), validators=[InputRequired()])

    def validate_period_end(self, field: DateField) -> None:
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_("The period must end on or after its start date."))


class GoalForm(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    description = TextAreaField(_l("Description"), validators=[Length(max=TEXT_MAX)], render_kw={"rows": 4})
    owner = StringField(
        _l("Owner (role title)"),
        description=_l("The position responsible for the goal, e.g. Director of Technical Services."),
        validators=[Length(max=OWNER_MAX)],
    )
    owner_user_id = SelectField(
        _l("Owner (person)"),
        description=_l("Optional: the member of the organisation who holds the role."),
        coerce=optional_int,
    )
    position = IntegerField(
        _l("Position"),
        description=_l("Goals are listed in this order. Leave empty to place the goal last."),
        validators=[Optional(), NumberRange(min=0)],
    )

    def set_owner_choices(self, members: list[User], current: User | None = None) -> None:
        """Only the organisation's own members can be chosen; a former member who owns the goal is kept."""
        choices = [SelectChoice("", _("– no person –"))]
        choices += [SelectChoice(str(u.id), f"{u.name} ({u.email})") for u in members]
        if current is not None and all(u.id != current.id for u in members):
            label = _("%(name)s (no longer a member)", name=current.name)
            choices.append(SelectChoice(str(current.id), label))
        self.owner_user_id.choices = choices


class DepartmentForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=DEPARTMENT_NAME_MAX)])
    short_name = StringField(
        _l("Short name"),
        description=_l("Optional abbreviation shown in tables, e.g. TEB."),
        validators=[Length(max=DEPARTMENT_SHORT_NAME_MAX)],
    )
