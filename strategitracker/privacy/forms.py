"""Forms for the organisation's public links and for anonymising a user."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, ValidationError

from ..forms import Form
from ..services.privacy import link_problem


def _valid_link(form, field) -> None:
    if problem := link_problem(field.data):
        raise ValidationError(problem)


class PublicLinksForm(Form):
    accessibility_statement_url = StringField(
        _l("Link to the accessibility statement"),
        description=_l("Shown as “Tilgængelighedserklæring” in the footer of the public pages."),
        validators=[_valid_link],
    )
    privacy_notice_url = StringField(
        _l("Link to the privacy notice"),
        description=_l(
            "How the municipality processes personal data; shown on the public pages and the join page."
        ),
        validators=[_valid_link],
    )


class AnonymiseForm(Form):
    confirm = BooleanField(
        _l("I understand that the name and e-mail address are removed for good"), validators=[DataRequired()]
    )
