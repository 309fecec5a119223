"""Forms for member administration."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from ..models import Role
from ..services.accounts import MIN_PASSWORD_LENGTH


def role_choices():
    return [
        SelectChoice(Role.VIEWER.value, _l("Viewer (council)")),
        SelectChoice(Role.EDITOR.value, _l("Editor (management)")),
        SelectChoice(Role.FACILITATOR.value, _l("Facilitator (consultant)")),
        SelectChoice(Role.ADMIN.value, _l("Administrator")),
    ]


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=role_choices(), default=Role.VIEWER.value)
    temporary_password = PasswordField(
        _l("Temporary password"),
        description=_l(
            "Used only if the address has no account yet; it must be changed at the first log-in."
        ),
        validators=[
            DataRequired(),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=500,
                message=_l("The temporary password must be at least 8 characters."),
            ),
        ],
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
