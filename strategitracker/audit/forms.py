"""The audit log's filter form."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField
from wtforms.fields import SelectChoice
from wtforms.validators import Optional, ValidationError

from ..forms import Form
from ..models import User
from ..services.audit import words as audit_words
from ..view_helpers import optional_int


def _action_words(action: str) -> str:
    """An event, or a group of events ("kpi": every KPI event), in words."""
    if "." in action:
        return audit_words.event_label(action)
    return _("%(kind)s: every event", kind=audit_words.entity_words(action, None))


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
        self.action.choices = [SelectChoice("", _("All actions"))] + [
            SelectChoice(a, _action_words(a)) for a in actions
        ]
        self.entity_type.choices = [SelectChoice("", _("All entities"))] + [
            SelectChoice(e, audit_words.entity_words(e, None)) for e in entity_types
        ]
        self.user_id.choices = [SelectChoice("", _("All users"))] + [
            SelectChoice(str(u.id), f"{u.name} ({u.email})") for u in users
        ]

    def validate_date_to(self, field: DateField) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_("The end date cannot be before the start date."))
