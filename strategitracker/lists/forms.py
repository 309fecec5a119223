"""The filter forms of the lists. They are sent with GET (nothing changes, a list can be bookmarked and
shared), so they carry no CSRF token. The choices are filled from the organisation's rows by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from ..forms import Form
from ..models import Frequency, KPIKind
from ..services.lists import STALE_DAYS
from ..status import KPI_STATUS_LABELS, PLAN_STATUS_LABELS


def optional_id(value: object) -> int | None:
    """An id from a select box; "" (any) is None, anything else must be a whole number."""
    if value is None or value == "":
        return None
    return int(str(value))


def _optional_text(value: object) -> str | None:
    return None if value is None or value == "" else str(value)


ANY = SelectChoice("", _l("Any"))


class _FilterForm(Form):
    class Meta:
        csrf = False

    q = StringField(_l("Text"), validators=[Optional(), Length(max=200)])
    department = SelectField(_l("Department"), coerce=optional_id, choices=[])
    owner = SelectField(_l("Responsible"), coerce=optional_id, choices=[])


class PlanFilterForm(_FilterForm):
    strategy = SelectField(_l("Strategy"), coerce=optional_id, choices=[])
    goal = SelectField(_l("Goal"), coerce=optional_id, choices=[])
    status = SelectField(
        _l("Status"),
        coerce=_optional_text,
        choices=[
            ANY,
            SelectChoice("open", _l("Open (not done or cancelled)")),
            SelectChoice("overdue", _l("Overdue")),
            SelectChoice("due_soon", _l("Due within 30 days")),
            SelectChoice("stale", _l("No update for a number of days")),
            *(SelectChoice(k, v) for k, v in PLAN_STATUS_LABELS.items()),
        ],
    )
    days = IntegerField(
        _l("Days without update"),
        default=STALE_DAYS,
        validators=[Optional(), NumberRange(min=1, max=3650)],
        description=_l("Used by the status “No update for a number of days”."),
    )
    sort = SelectField(
        _l("Sort by"),
        default="due",
        choices=[
            SelectChoice("due", _l("Due date")),
            SelectChoice("status", _l("Status")),
            SelectChoice("updated", _l("Last update")),
        ],
    )


class KPIFilterForm(_FilterForm):
    status = SelectField(
        _l("Status"),
        coerce=_optional_text,
        choices=[ANY, *(SelectChoice(k, v) for k, v in KPI_STATUS_LABELS.items())],
    )
    frequency = SelectField(
        _l("Frequency"),
        coerce=_optional_text,
        choices=[
            ANY,
            SelectChoice(Frequency.MONTHLY.value, _l("Monthly")),
            SelectChoice(Frequency.QUARTERLY.value, _l("Quarterly")),
            SelectChoice(Frequency.YEARLY.value, _l("Yearly")),
        ],
    )
    kind = SelectField(
        _l("Kind"),
        coerce=_optional_text,
        choices=[
            ANY,
            SelectChoice(KPIKind.NUMBER.value, _l("Number")),
            SelectChoice(KPIKind.PERCENT.value, _l("Percentage")),
            SelectChoice(KPIKind.RANK.value, _l("Rank")),
        ],
    )
    sort = SelectField(
        _l("Sort by"),
        default="status",
        choices=[
            SelectChoice("status", _l("Status")),
            SelectChoice("measured", _l("Last measurement")),
            SelectChoice("name", _l("Name")),
        ],
    )
