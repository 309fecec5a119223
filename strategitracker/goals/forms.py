"""The goal form."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..forms import Form
from ..models import User
from ..services.strategy import OWNER_MAX, TEXT_MAX, TITLE_MAX
from ..view_helpers import optional_int


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
