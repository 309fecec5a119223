"""The export page's forms. They are sent with GET (nothing changes), so they carry no CSRF token."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, ValidationError
from wtforms.fields import SelectChoice

from ..forms import Form
from ..services import exports

FORMAT_CHOICES = [
    SelectChoice(exports.XLSX, _l("Excel workbook (.xlsx)")),
    SelectChoice(exports.CSV, _l("CSV file (.csv)")),
]
DANISH_LABEL = _l("CSV for Danish Excel: semicolon as separator and decimal comma")
DANISH_HELP = _l("Only for CSV files. Excel workbooks open correctly in every language.")


class _GetForm(Form):
    class Meta:
        csrf = False


class StrategyChoiceForm(_GetForm):
    strategy_id = SelectField(_l("Strategy"), coerce=int, choices=[])


class ScopeExportForm(_GetForm):
    """Measurements, action plans or their history for the chosen strategy, one goal or one KPI."""

    kind = SelectField(
        _l("What to export"),
        choices=[
            SelectChoice(exports.MEASUREMENTS, _l("Measurements")),
            SelectChoice(exports.ACTION_PLANS, _l("Action plans")),
            SelectChoice(exports.ACTION_PLAN_HISTORY, _l("Action-plan history")),
        ],
        description=_l(
            "An Excel workbook of action plans has their history on a second sheet; "
            "as CSV, export the history separately."
        ),
    )
    scope = SelectField(_l("Part of the strategy"), choices=[])
    file_format = SelectField(_l("Format"), choices=FORMAT_CHOICES)
    danish = BooleanField(DANISH_LABEL, description=DANISH_HELP)

    def validate_scope(self, field: SelectField) -> None:
        if self.kind.data != exports.MEASUREMENTS and (field.data or "").startswith("kpi-"):
            raise ValidationError(_l("Action plans can be exported for a whole strategy or for one goal."))


class RankingExportForm(_GetForm):
    """Benchmark survey ranks (national data), optionally for some categories and municipalities."""

    survey = SelectField(_l("Survey"), choices=[])
    category = SelectMultipleField(
        _l("Categories"), choices=[], description=_l("Choose none to export every category.")
    )
    municipality = SelectMultipleField(
        _l("Municipalities"),
        coerce=int,
        choices=[],
        description=_l("Choose none to export every municipality. Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    file_format = SelectField(_l("Format"), choices=FORMAT_CHOICES)
    danish = BooleanField(DANISH_LABEL, description=DANISH_HELP)
