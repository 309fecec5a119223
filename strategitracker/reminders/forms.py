"""Forms for update rounds and the reminder setting."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Length

from ..forms import Form

MESSAGE_MAX = 4000


class OpenRoundForm(Form):
    # InputRequired (not DataRequired) keeps the "Not a valid date value." of an unreadable date.
    deadline = DateField(
        _l("Deadline"),
        description=_l("The owners are asked to update by this day, e.g. before the council meeting."),
        validators=[InputRequired()],
    )
    message = TextAreaField(
        _l("Message to the owners (optional)"), validators=[Length(max=MESSAGE_MAX)], render_kw={"rows": 3}
    )


class ReminderSettingsForm(Form):
    frequency = RadioField(
        _l("Send me a reminder of what is waiting for me"),
        choices=[
            SelectChoice("daily", _l("Daily")),
            SelectChoice("weekly", _l("Weekly")),
            SelectChoice("off", _l("Never")),
        ],
        validators=[InputRequired()],
    )
