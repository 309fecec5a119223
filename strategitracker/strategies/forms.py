"""The strategy form."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length

from ..forms import Form
from ..services.strategy import TEXT_MAX, TITLE_MAX


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
