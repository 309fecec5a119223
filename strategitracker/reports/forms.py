"""The form that freezes a report."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired

from ..forms import Form
from ..services import report as reports


def section_labels() -> dict[str, str]:
    """The name of each section of a report (services/report SECTIONS), for the builder's tick boxes."""
    return {
        "changes": _l("Since last time"),
        "summary": _l("Status summary of the goals"),
        "kpis": _l("KPI tables"),
        "charts": _l("Charts with the latest values"),
        "years": _l("Yearly summary of each KPI"),
        "plans": _l("Action plans"),
        "comments": _l("Latest comments on the action plans"),
    }


class FreezeReportForm(Form):
    title = StringField(
        _l("Title"),
        description=_l("For example the meeting the report is for: “Byrådsmøde 12. januar 2027”."),
        validators=[InputRequired()],
    )
    # InputRequired keeps the "Not a valid date value." of an unreadable date.
    report_date = DateField(_l("Report date"), validators=[InputRequired()])
    summary = TextAreaField(
        _l("Summary"),
        description=_l("A short summary for the council, shown at the top of the report."),
        render_kw={"rows": 4},
    )

    def validate_title(self, field: StringField) -> None:
        error = reports.snapshot_title_error(field.data or "")
        if error:
            raise ValidationError(error)

    def validate_summary(self, field: TextAreaField) -> None:
        error = reports.snapshot_summary_error(field.data or "")
        if error:
            raise ValidationError(error)
