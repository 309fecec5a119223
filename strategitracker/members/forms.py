"""Forms for member administration."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from ..permissions import ROLE_LABELS
from ..services.accounts import MIN_PASSWORD_LENGTH


def role_choices() -> list[SelectChoice]:
    """Every role, lowest first; the label is translated when the form is shown."""
    return [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=role_choices(), default=next(iter(ROLE_LABELS)).value)
    temporary_password = PasswordField(
        _l("Temporary password"),
        description=_l("Needed for a new user; they must change it at the first log-in."),
        validators=[Length(max=500)],
    )


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices())


class PasswordResetForm(FlaskForm):
    temporary_password = PasswordField(
        _l("Temporary password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=500)]
    )


class OrganisationForm(FlaskForm):
    slug = StringField(_l("Short name (used in addresses)"), validators=[DataRequired(), Length(max=60)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    municipality_code = StringField(_l("Municipality code"), validators=[Length(max=3)])
