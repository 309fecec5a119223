"""Forms for workshops: the workshop itself, joining, cards, merging, and turning cards into the plan.

Selects offer only the organisation's own strategies and goals and the workshop's own columns and cards, so a
foreign id fails validation ("Not a valid choice").
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import Form
from ..models import Department, Layout, User
from ..services import workshop as service
from ..services.action_plan import rules as plan_rules
from ..view_helpers import optional_int


def layout_choices() -> list[SelectChoice]:
    return [SelectChoice(layout.value, service.LAYOUT_LABELS[layout]) for layout in Layout]


class _WorkshopFields(Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=service.TITLE_MAX)])
    held_on = DateField(_l("Date"), validators=[InputRequired()], default=date.today)
    strategy_id = SelectField(
        _l("Strategy"),
        coerce=optional_int,
        description=_l("Optional: the strategy the workshop works on; new goals go under it."),
    )
    dots_per_participant = IntegerField(
        _l("Dots per participant"),
        default=5,
        validators=[
            InputRequired(message=_l("Enter a whole number from 1 to 50.")),
            NumberRange(
                min=service.DOTS_MIN, max=service.DOTS_MAX, message=_l("Enter a whole number from 1 to 50.")
            ),
        ],
        description=_l(
            "How many dots each participant may place when voting (several on one card is allowed)."
        ),
    )

    def set_strategies(self, strategies) -> None:
        self.strategy_id.choices = [SelectChoice("", _("— no strategy —"))] + [
            SelectChoice(str(s.id), s.title) for s in strategies
        ]


class WorkshopForm(_WorkshopFields):
    layout = RadioField(_l("Board layout"), choices=layout_choices(), default=Layout.SWOT.value)
    free_columns = TextAreaField(
        _l("Column names (free columns)"),
        description=_l("Only for free columns: one column name per line, 1 to 8 columns."),
        render_kw={"rows": 4},
    )

    def validate_free_columns(self, field: TextAreaField) -> None:
        if self.layout.data != Layout.FREE:
            return
        problem = service.free_columns_problem(service.parse_free_columns(field.data))
        if problem:
            raise ValidationError(problem)


class EditWorkshopForm(_WorkshopFields):
    pass


class JoinForm(Form):
    display_name = StringField(
        _l("Your name"),
        validators=[
            DataRequired(message=_l("Enter the name the others will know you by.")),
            Length(max=service.DISPLAY_NAME_MAX),
        ],
        description=_l("Shown to the facilitator. Your ideas and dots are not shown with your name."),
    )


def _card_text_field(label) -> TextAreaField:
    return TextAreaField(
        label,
        validators=[
            DataRequired(message=_l("Write something on the card.")),
            Length(max=service.CARD_TEXT_MAX, message=_l("A card can hold at most 500 characters.")),
        ],
        render_kw={"rows": 3},
    )


class CardForm(Form):
    column_key = SelectField(_l("Column"))
    text = _card_text_field(_l("Your idea"))

    def set_columns(self, columns: list[tuple[str, str]]) -> None:
        """The board's columns as (key, title) pairs."""
        self.column_key.choices = [SelectChoice(key, title) for key, title in columns]


class EditCardForm(Form):
    text = _card_text_field(_l("Text"))


class MoveCardForm(Form):
    column_key = SelectField(_l("Move to column"))


class MergeCardForm(Form):
    into_id = SelectField(_l("Merge into"), coerce=optional_int, validators=[InputRequired()])
    combine = BooleanField(_l("Add this card's text to the other card's text"))


class RevealForm(Form):
    revealed = HiddenField(validators=[DataRequired()])

    def validate_revealed(self, field: HiddenField) -> None:
        if field.data not in ("0", "1"):
            raise ValidationError(_("The request could not be understood."))


class _ConvertFields(Form):
    description = TextAreaField(_l("Description"), validators=[Length(max=10_000)], render_kw={"rows": 4})


def _member_choices(members: list[User], nobody: str) -> list[SelectChoice]:
    return [SelectChoice("", nobody)] + [SelectChoice(str(u.id), f"{u.name} ({u.email})") for u in members]


class ConvertGoalForm(_ConvertFields):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    strategy_id = SelectField(_l("Strategy"), coerce=optional_int, validators=[InputRequired()])
    owner = StringField(_l("Owner (role title)"), validators=[Length(max=200)])
    owner_user_id = SelectField(_l("Owner (person)"), coerce=optional_int)

    def set_people(self, members: list[User], departments: list[Department], org_id: int) -> None:
        """The organisation's members to choose the owner from (a goal has no department)."""
        self.owner_user_id.choices = _member_choices(members, _("– no person –"))


class ConvertActionPlanForm(_ConvertFields):
    """The fields an action plan asks for when it is made from a card, checked by the action plans' rules."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=300)])
    goal_id = SelectField(_l("Goal"), coerce=optional_int, validators=[InputRequired()])
    owner = StringField(_l("Responsible (role)"), validators=[Length(max=200)])
    owner_user_id = SelectField(_l("Responsible person"), coerce=optional_int, validate_choice=False)
    department_id = SelectField(_l("Department"), coerce=optional_int)
    start_date = DateField(_l("Start"), validators=[Optional()])
    due_date = DateField(_l("Due date"), validators=[Optional()])
    org_id: int | None = None

    def set_people(self, members: list[User], departments: list[Department], org_id: int) -> None:
        """The organisation's active members and open departments to choose from."""
        self.org_id = org_id
        self.owner_user_id.choices = _member_choices(members, _("— nobody chosen —"))
        self.department_id.choices = [SelectChoice("", _("— no department —"))] + [
            SelectChoice(str(d.id), d.name) for d in departments
        ]

    def validate_due_date(self, field: DateField) -> None:
        if problem := plan_rules.dates_problem(self.start_date.data, field.data):
            raise ValidationError(problem)

    def validate_owner_user_id(self, field: SelectField) -> None:
        if problem := plan_rules.owner_problem(self.org_id, field.data):
            raise ValidationError(problem)


class ConvertKPIForm(_ConvertFields):
    title = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    unit = StringField(_l("Unit"), validators=[Length(max=40)])
    goal_id = SelectField(_l("Goal"), coerce=optional_int, validators=[InputRequired()])


CONVERT_FORMS = {
    "goal": ConvertGoalForm,
    "action_plan": ConvertActionPlanForm,
    "kpi": ConvertKPIForm,
}
