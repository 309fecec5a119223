"""Forms for KPIs, their targets and their measurements.

The checks that depend on the KPI (its kind, its baseline date) reuse the messages of `services.kpi`, which
runs the same checks again before it writes.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..forms import DecimalNumberField, Form
from ..models import KPI, Direction, Frequency, KPIKind
from ..services import kpi as kpi_service
from ..services.accounts.member_rules import owner_problem
from ..view_helpers import optional_int

KIND_CHOICES = [
    SelectChoice(KPIKind.NUMBER.value, _l("Number")),
    SelectChoice(KPIKind.PERCENT.value, _l("Percentage (0–100)")),
    SelectChoice(KPIKind.RANK.value, _l("Rank (e.g. place in a survey; 1 is best)")),
]
DIRECTION_CHOICES = [
    SelectChoice(Direction.HIGHER.value, _l("Higher is better")),
    SelectChoice(Direction.LOWER.value, _l("Lower is better")),
]
FREQUENCY_CHOICES = [
    SelectChoice(Frequency.MONTHLY.value, _l("Monthly")),
    SelectChoice(Frequency.QUARTERLY.value, _l("Quarterly")),
    SelectChoice(Frequency.YEARLY.value, _l("Yearly")),
]


class KPIForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=300)])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=KIND_CHOICES, default=KPIKind.NUMBER.value)
    direction = SelectField(
        _l("Direction"),
        choices=DIRECTION_CHOICES,
        default=Direction.HIGHER.value,
        description=_l("For a rank, lower is better: rank 1 is the best."),
    )
    unit = StringField(
        _l("Unit"), validators=[Length(max=40)], description=_l("E.g. days, employees, DKK million.")
    )
    frequency = SelectField(
        _l("How often it is measured"), choices=FREQUENCY_CHOICES, default=Frequency.YEARLY.value
    )
    source = TextAreaField(_l("Source of the figures"), validators=[Optional()])
    owner = StringField(
        _l("Owner (role)"),
        validators=[Length(max=200)],
        description=_l("A role title, e.g. Head of Business and Employment."),
    )
    owner_user_id = SelectField(_l("Owner (person)"), coerce=optional_int, choices=[], validate_choice=False)
    baseline_value = DecimalNumberField(
        _l("Baseline value"),
        validators=[Optional()],
        description=_l("For a rank KPI: the rank, e.g. 92."),
    )
    baseline_date = DateField(_l("Baseline date"), validators=[Optional()])
    baseline_out_of = IntegerField(
        _l("Baseline N (how many were ranked)"),
        validators=[Optional(), NumberRange(min=1, message=_l("N must be a whole number of 1 or more."))],
        description=_l("Only for rank KPIs, e.g. 96 municipalities."),
    )
    baseline_source = TextAreaField(_l("Source of the baseline"), validators=[Optional()])
    baseline_reason = TextAreaField(
        _l("Reason for changing the baseline"),
        description=_l("Needed when a baseline already set is changed or removed; kept in the audit log."),
    )
    survey_choice = SelectField(
        _l("Survey category"),
        choices=[],
        default="",  # the field is left out of the page when there is no survey data
        description=_l("Only for rank KPIs: the benchmark survey category the rank comes from."),
    )

    derived = SelectField(
        _l("Computed from the inquiry log or the outreach meetings"),
        choices=[
            SelectChoice("", _l("– no: values are entered –")),
            SelectChoice("answered_24h", _l("Share answered within 24 hours (percentage)")),
            SelectChoice(
                "answered_24h_work",
                _l("Share answered within 24 working hours, weekends and holidays left out (percentage)"),
            ),
            SelectChoice("median_hours", _l("Median hours to the first answer (number)")),
            SelectChoice("inquiries", _l("Number of inquiries (number)")),
            SelectChoice("alternative", _l("Share solved with an alternative (percentage)")),
            SelectChoice("meetings", _l("Number of outreach meetings (number)")),
        ],
        default="",
        validate_choice=False,  # kpi_service.derived_definition_problem checks it
        description=_l(
            "The values are then computed per period from the inquiries or meetings and cannot be entered."
        ),
    )
    derived_department_id = SelectField(
        _l("Only inquiries or meetings involving"), coerce=optional_int, choices=[], validate_choice=False
    )

    def __init__(
        self, *args, org_id: int, owner_choices=(), survey_choices=(), department_choices=(), **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.derived_department_id.choices = [SelectChoice("", _("– all departments –")), *department_choices]
        self.org_id = org_id
        self.kpi: KPI | None = kwargs.get("obj")
        self.owner_user_id.choices = [SelectChoice("", _("– nobody –")), *owner_choices]
        self.survey_choice.choices = [SelectChoice("", _("– none –")), *survey_choices]

    def validate_owner_user_id(self, field: SelectField) -> None:
        current = self.kpi.owner_user_id if self.kpi is not None else None
        problem = owner_problem(self.org_id, field.data, current=current)
        if problem:
            raise ValidationError(problem)

    def validate_derived(self, field: SelectField) -> None:
        survey = (self.survey_choice.data or "").partition("|")[0] if self.kind.data == KPIKind.RANK else None
        problem = kpi_service.derived_definition_problem(
            field.data or None, self.kind.data, survey, self.derived_department_id.data, self.org_id
        )
        if problem:
            raise ValidationError(problem)

    def validate_direction(self, field: SelectField) -> None:
        problem = kpi_service.direction_problem(self.kind.data, field.data)
        if problem:
            raise ValidationError(problem)

    def validate_baseline_value(self, field: DecimalNumberField) -> None:
        if field.data is None:
            return
        out_of = _usable_n(self.baseline_out_of.data) if self.kind.data == KPIKind.RANK else None
        problem = kpi_service.value_problem(self.kind.data, field.data, out_of)
        if problem:
            raise ValidationError(problem)

    def validate_baseline_date(self, field: DateField) -> None:
        if self.baseline_value.data is not None and field.data is None and not field.errors:
            raise ValidationError(_("Enter the date of the baseline value."))

    def validate_baseline_out_of(self, field: IntegerField) -> None:
        if self.kind.data != KPIKind.RANK:
            return
        if self.baseline_value.data is not None and field.data is None and not field.errors:
            raise ValidationError(_("Enter N (how many were ranked)."))
        if self.baseline_value.data is None and field.data is not None:
            raise ValidationError(_("Enter the baseline rank as well as N."))

    def validate_baseline_reason(self, field: TextAreaField) -> None:
        if self.kpi is None or self.baseline_value.errors or self.baseline_date.errors:
            return
        out_of = self.baseline_out_of.data if self.kind.data == KPIKind.RANK else None
        if not kpi_service.baseline_changed(
            self.kpi, self.baseline_value.data, self.baseline_date.data, out_of
        ):
            return
        problem = kpi_service.reason_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def data_for_service(self) -> kpi_service.KPIData:
        survey, _sep, category = (self.survey_choice.data or "").partition("|")
        return kpi_service.KPIData(
            name=self.name.data,
            kind=self.kind.data,
            direction=self.direction.data,
            frequency=self.frequency.data,
            description=self.description.data or "",
            unit=self.unit.data or "",
            source=self.source.data or "",
            owner=self.owner.data or "",
            owner_user_id=self.owner_user_id.data,
            baseline_value=self.baseline_value.data,
            baseline_date=self.baseline_date.data,
            baseline_out_of=self.baseline_out_of.data,
            baseline_source=self.baseline_source.data or "",
            survey=survey or None,
            survey_category=category or None,
            derived=self.derived.data or None,
            derived_department_id=self.derived_department_id.data,
        )


def _usable_n(out_of: int | None) -> int | None:
    """N when it is valid (its own errors are reported on its own field), else None."""
    return out_of if out_of is not None and out_of >= 1 else None


def survey_value(survey: str | None, category: str | None) -> str:
    """The survey select's value for a KPI's survey and category."""
    return f"{survey}|{category}" if survey and category else ""


class TargetForm(Form):
    """A new dated target for one KPI (pass `kpi=`)."""

    value = DecimalNumberField(_l("Target value"), validators=[InputRequired()])
    target_date = DateField(_l("Target date"), validators=[InputRequired()])
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=2000)],
        description=_l("E.g. why the target is set or changed, and who decided it."),
    )

    def __init__(self, *args, kpi: KPI, **kwargs):
        kwargs.setdefault("prefix", "target")
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        if kpi.kind == KPIKind.RANK:
            self.value.label.text = _("Target rank")

    def validate_value(self, field: DecimalNumberField) -> None:
        if field.data is None:
            return
        problem = kpi_service.value_problem(self.kpi.kind, field.data)
        if problem:
            raise ValidationError(problem)

    def validate_target_date(self, field: DateField) -> None:
        if field.data is None:
            return
        problem = kpi_service.target_date_problem(self.kpi, field.data)
        if problem:
            raise ValidationError(problem)


class MeasurementForm(Form):
    """A measurement of one KPI (pass `kpi=`; for a correction also `measurement_id=`)."""

    period = DateField(
        _l("Period"),
        validators=[InputRequired()],
        description=_l("The date the value is for, e.g. the first day of the month, quarter or year."),
    )
    value = DecimalNumberField(_l("Value"), validators=[InputRequired()])
    out_of = IntegerField(
        _l("N (how many were ranked)"),
        validators=[Optional(), NumberRange(min=1, message=_l("N must be a whole number of 1 or more."))],
    )
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    source = TextAreaField(_l("Source"), validators=[Optional()])
    reason = TextAreaField(
        _l("Reason for the correction"),
        description=_l("Kept in the audit log with the values before the correction."),
    )

    def __init__(
        self, *args, kpi: KPI, measurement_id: int | None = None, today: date | None = None, **kwargs
    ):
        kwargs.setdefault("prefix", "measurement")
        super().__init__(*args, **kwargs)
        self.kpi = kpi
        self.measurement_id = measurement_id
        self.today = today or date.today()
        if measurement_id is None:
            del self.reason
        else:
            self.reason.flags.required = True
        if kpi.kind == KPIKind.RANK:
            self.value.label.text = _("Rank")
            self.value.description = _("The place, e.g. 6 (1 is best).")
            self.out_of.description = _("How many were ranked that year, e.g. 93.")
            self.out_of.flags.required = True
        elif kpi.kind == KPIKind.PERCENT:
            self.value.label.text = _("Value (%)")

    def validate_period(self, field: DateField) -> None:
        if field.data is None:
            return
        problem = kpi_service.future_period_problem(self.kpi.frequency, field.data, self.today)
        if problem:
            raise ValidationError(problem)
        existing = kpi_service.period_conflict(self.kpi, field.data, exclude_id=self.measurement_id)
        if existing is not None:
            raise ValidationError(kpi_service.duplicate_period_message(existing))

    def validate_value(self, field: DecimalNumberField) -> None:
        if field.data is None:
            return
        out_of = _usable_n(self.out_of.data) if self.kpi.kind == KPIKind.RANK else None
        problem = kpi_service.value_problem(self.kpi.kind, field.data, out_of)
        if problem:
            raise ValidationError(problem)

    def validate_out_of(self, field: IntegerField) -> None:
        if field.errors:
            return
        if self.kpi.kind != KPIKind.RANK:
            if field.data is not None:
                raise ValidationError(_("Only rank KPIs have N."))
            return
        problem = kpi_service.out_of_problem(self.kpi.kind, field.data, required=True)
        if problem:
            raise ValidationError(problem)

    def validate_reason(self, field: TextAreaField) -> None:
        problem = kpi_service.reason_problem(field.data)
        if problem:
            raise ValidationError(problem)


class ReasonForm(Form):
    """The confirmation of a deletion: why the recorded figure goes (kept in the audit log)."""

    reason = TextAreaField(
        _l("Reason"),
        description=_l("E.g. “Entered for the wrong year”. Kept in the audit log with the deleted values."),
        render_kw={"required": True},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.flags.required = True

    def validate_reason(self, field: TextAreaField) -> None:
        problem = kpi_service.reason_problem(field.data)
        if problem:
            raise ValidationError(problem)
