"""The form of an organisation's identity provider (single sign-on)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length

from ..forms import Form
from ..members.forms import role_choices


class IdentityProviderForm(Form):
    enabled = BooleanField(_l("Show the log-in button"), default=True)
    discovery_url = StringField(
        _l("Issuer or discovery address"),
        description=_l("e.g. https://login.microsoftonline.com/<tenant id>/v2.0"),
        validators=[DataRequired(), Length(max=450)],
    )
    client_id = StringField(_l("Client id"), validators=[DataRequired(), Length(max=200)])
    client_secret = PasswordField(
        _l("Client secret"),
        description=_l("Stored encrypted. Leave empty to keep the stored secret."),
        validators=[Length(max=2000)],
    )
    client_secret_env = StringField(
        _l("…or the environment variable that holds it"), validators=[Length(max=100)]
    )
    allowed_domains = StringField(
        _l("Allowed e-mail domains"),
        description=_l("Separated by commas, e.g. thisted.dk"),
        validators=[DataRequired(), Length(max=1000)],
    )
    groups_claim = StringField(_l("Claim with the groups"), default="groups", validators=[Length(max=100)])
    group_roles = TextAreaField(
        _l("Groups and roles"),
        description=_l("One a line: group id = viewer, editor, facilitator or admin. The highest role wins."),
        validators=[Length(max=10_000)],
    )
    default_role = SelectField(_l("Role of members in no mapped group"))
    password_login_disabled = BooleanField(_l("Members of the organisation may not log in with a password"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_role.choices = [SelectChoice("", _l("No access")), *role_choices()]
