"""Forms for member administration."""

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from ..forms import Form
from ..permissions import ROLE_LABELS
from ..services.accounts import MIN_PASSWORD_LENGTH, email_problem


def role_choices() -> list[SelectChoice]:
    """Every role, lowest first; the label is translated when the form is shown."""
    return [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


class InviteForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = SelectField(_l("Role"), choices=role_choices(), default=next(iter(ROLE_LABELS)).value)
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

    def validate_email(self, field: EmailField) -> None:
        if problem := email_problem(field.data or ""):
            raise ValidationError(problem)


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=role_choices())


class PasswordResetForm(Form):
    temporary_password = PasswordField(
        _l("Temporary password"), validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=500)]
    )


class OrganisationForm(Form):
    slug = StringField(_l("Short name (used in addresses)"), validators=[DataRequired(), Length(max=60)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    municipality_code = StringField(_l("Municipality code"), validators=[Length(max=3)])
