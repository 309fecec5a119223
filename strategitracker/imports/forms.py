"""Forms of the import pages: the upload per kind, and the confirmation of a checked file."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..forms import Form

EXTENSIONS = ["xlsx", "xlsm", "csv", "txt"]


class UploadForm(Form):
    file = FileField(
        _l("File (.xlsx or .csv)"),
        validators=[
            FileRequired(message=_l("Choose a file to import.")),
            FileAllowed(EXTENSIONS, message=_l("Choose an Excel workbook (.xlsx) or a CSV file (.csv).")),
        ],
    )


class RankingUploadForm(UploadForm):
    survey = StringField(
        _l("Survey"),
        default="di",
        validators=[DataRequired(), Length(max=40)],
        description=_l("The survey's short name; “di” is DI's survey of local business conditions."),
    )
    category = StringField(
        _l("Category"),
        validators=[Optional(), Length(max=120)],
        description=_l("For files without a category column, e.g. “Overordnet”."),
    )
    out_of = IntegerField(
        _l("N (number of municipalities ranked)"),
        validators=[Optional(), NumberRange(min=1, max=100_000)],
        description=_l("For files without N columns."),
    )
    source = StringField(_l("Source"), validators=[Optional(), Length(max=500)])


class ConfirmForm(Form):
    token = HiddenField(validators=[DataRequired()])
    on_duplicate = SelectField(
        _l("Rows that are already in the database"),
        choices=[
            SelectChoice("skip", _l("Skip them: keep the stored values")),
            SelectChoice(
                "replace", _l("Replace the stored values (the old values are kept in the audit log)")
            ),
        ],
        default="skip",
    )
    accept_valid = BooleanField(_l("Import only the valid rows; leave out the rows with problems"))


class CancelForm(Form):
    token = HiddenField(validators=[DataRequired()])
