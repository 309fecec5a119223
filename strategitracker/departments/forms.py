"""The department form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..forms import Form
from ..services.strategy import DEPARTMENT_NAME_MAX, DEPARTMENT_SHORT_NAME_MAX


class DepartmentForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=DEPARTMENT_NAME_MAX)])
    short_name = StringField(
        _l("Short name"),
        description=_l("Optional abbreviation shown in tables, e.g. TEB."),
        validators=[Length(max=DEPARTMENT_SHORT_NAME_MAX)],
    )
