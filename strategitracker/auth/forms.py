"""Log-in and password forms."""

from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..forms import Form
from ..services.accounts import MIN_PASSWORD_LENGTH, check_password


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=500)])
    remember = BooleanField(_l("Remember me on this device"))


class ChangePasswordForm(Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=500)],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
    )

    wrong_current_password = False  # read by the throttling of this check

    def validate_current_password(self, field):
        if not check_password(current_user, field.data):
            self.wrong_current_password = True
            raise ValidationError(_l("The current password is wrong."))

    def validate_new_password(self, field):
        if field.data == self.current_password.data:
            raise ValidationError(_l("Choose a password other than the current one."))
