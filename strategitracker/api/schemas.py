"""What the API reads and returns, as marshmallow schemas; flask-smorest makes the OpenAPI document of
them."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _
from marshmallow import Schema, ValidationError, fields, validate

from ..models import MAX_ID, InquiryChannel, InquiryOutcome, Status
from ..services.inquiry import rules
from ..services.kpi import MAX_ABS_VALUE, MAX_OUT_OF

MAX_PAGE = 1_000_000
MAX_PER_PAGE = 500
MAX_TEXT = 2000


def _no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError(_("Text cannot contain NUL characters."))


def text(max_length: int = MAX_TEXT, **kwargs) -> fields.String:
    """A text field the database can keep (no NUL character, bounded length)."""
    metadata = {"pattern": "^[^\\u0000]*$", **kwargs.pop("metadata", {})}
    return fields.String(validate=[validate.Length(max=max_length), _no_nul], metadata=metadata, **kwargs)


def id_field(**kwargs) -> fields.Integer:
    return fields.Integer(validate=validate.Range(min=1, max=MAX_ID), **kwargs)


#: Times the API accepts: from 1900 until 2200 (rules may narrow them, e.g. nothing in the future).
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _time_range_message() -> str:
    return _("A time from 1900 until 2200, with its zone.")


def _in_range(moment: datetime) -> None:
    if not EARLIEST <= moment < LATEST:
        raise ValidationError(_time_range_message())


class Moment(fields.AwareDateTime):
    """A time with its zone (ISO 8601), read as UTC, the way times are stored; a time without one is refused
    rather than guessed. With `clamp`, a time before 1900 or after 2200 reads as that bound (a filter:
    "changed since year 1" means everything), else it is refused."""

    def __init__(self, *, clamp: bool = False, **kwargs) -> None:
        self.clamp = clamp
        super().__init__(default_timezone=None, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(UTC)
        except OverflowError as exc:  # year 1 or 9999 shifted past the calendar's end
            if not self.clamp:
                raise ValidationError(_time_range_message()) from exc
            moment = EARLIEST if moment.year < 2000 else LATEST
        return min(max(moment, EARLIEST), LATEST) if self.clamp else moment


def moment(**kwargs) -> fields.AwareDateTime:
    """A time to store: refused outside 1900 to 2200."""
    return Moment(validate=_in_range, **kwargs)


class UTCDateTime(fields.DateTime):
    """A stored time in ISO 8601 with its zone (SQLite gives the stored UTC times back without one)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class ProblemSchema(Schema):
    type = fields.String()
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    errors = fields.Dict()


# -- query arguments ----------------------------------------------------------------------------------------


class NoArgs(Schema):
    """A read without query arguments: an unknown one is refused all the same."""


class PageArgs(Schema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class UpdatedSinceArgs(PageArgs):
    updated_since = Moment(
        clamp=True,
        metadata={"description": "Only what changed at or after this time (ISO 8601, with its zone)."},
    )


class GoalArgs(PageArgs):
    strategy_id = id_field()


class PeriodArgs(Schema):
    period_from = fields.Date(metadata={"description": "Only measurements of periods from this day."})
    period_to = fields.Date(metadata={"description": "Only measurements of periods up to this day."})


class KPIArgs(PageArgs, PeriodArgs):
    goal_id = id_field()


class ActionPlanArgs(UpdatedSinceArgs):
    goal_id = id_field()


class SurveyRankArgs(PageArgs):
    year = fields.Integer(validate=validate.Range(min=1900, max=2200))
    category = text(120)
    municipality_code = fields.Integer(validate=validate.Range(min=100, max=999))


# -- resources ----------------------------------------------------------------------------------------------


class MetaSchema(Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class OrganisationSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    municipality_code = fields.Integer(allow_none=True)
    role = fields.String(required=True, metadata={"description": "The token owner's role here now."})
    scope = fields.String(required=True, validate=validate.OneOf(["read", "write"]))


class StrategySchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    vision = fields.String(required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    published = fields.Boolean(required=True)
    updated_at = UTCDateTime(required=True)


class GoalSchema(Schema):
    id = fields.Integer(required=True)
    strategy_id = fields.Integer(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    owner = fields.String(required=True)
    position = fields.Integer(required=True)


class TargetSchema(Schema):
    value = fields.Float(required=True)
    target_date = fields.Date(required=True)
    set_on = fields.Date(required=True)
    note = fields.String(required=True)


class ValueSchema(Schema):
    period = fields.Date(required=True)
    value = fields.Float(required=True)
    out_of = fields.Integer(allow_none=True)
    note = fields.String(allow_none=True)
    source = fields.String(allow_none=True)


class BaselineSchema(Schema):
    value = fields.Float(allow_none=True)
    date = fields.Date(allow_none=True)
    out_of = fields.Integer(allow_none=True)


class KPISchema(Schema):
    id = fields.Integer(required=True)
    goal_id = fields.Integer(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    unit = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(["number", "percent", "rank"]))
    direction = fields.String(required=True, validate=validate.OneOf(["higher", "lower"]))
    frequency = fields.String(required=True, validate=validate.OneOf(["monthly", "quarterly", "yearly"]))
    source = fields.String(required=True)
    owner = fields.String(required=True)
    national_source = fields.Boolean(
        required=True, metadata={"description": "The values come from the national survey and take no input."}
    )
    baseline = fields.Nested(BaselineSchema, required=True)
    targets = fields.List(fields.Nested(TargetSchema), required=True)
    measurements = fields.List(fields.Nested(ValueSchema), required=True)


class UpdateSchema(Schema):
    id = fields.Integer(required=True)
    created_at = UTCDateTime(required=True)
    author_name = fields.String(required=True)
    old_status = fields.String(allow_none=True)
    new_status = fields.String(required=True)
    progress = fields.Integer(required=True)
    comment = fields.String(required=True)


class ActionPlanSchema(Schema):
    id = fields.Integer(required=True)
    goal_id = fields.Integer(required=True)
    department_id = fields.Integer(allow_none=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    owner = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in Status]))
    start_date = fields.Date(allow_none=True)
    due_date = fields.Date(allow_none=True)
    progress = fields.Integer(required=True)
    done_on = fields.Date(allow_none=True)
    updated_at = UTCDateTime(required=True)
    version = fields.Integer(required=True)
    updates = fields.List(fields.Nested(UpdateSchema), required=True)


class DepartmentSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    short_name = fields.String(allow_none=True)


class SurveyRankSchema(Schema):
    survey = fields.String(required=True)
    year = fields.Integer(required=True)
    category = fields.String(required=True)
    municipality_code = fields.Integer(required=True)
    municipality = fields.String(required=True)
    rank = fields.Integer(required=True)
    out_of = fields.Integer(required=True)
    source = fields.String(required=True)


def page_of(item: type[Schema], name: str) -> type[Schema]:
    """A page of `item`s with its meta block (the Link header carries the same links)."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "meta": fields.Nested(MetaSchema, required=True),
        },
        name=name,
    )


OrganisationList = Schema.from_dict(
    {"items": fields.List(fields.Nested(OrganisationSchema), required=True)}, name="OrganisationList"
)
StrategyPage = page_of(StrategySchema, "StrategyPage")
GoalPage = page_of(GoalSchema, "GoalPage")
KPIPage = page_of(KPISchema, "KPIPage")
ActionPlanPage = page_of(ActionPlanSchema, "ActionPlanPage")
DepartmentPage = page_of(DepartmentSchema, "DepartmentPage")
SurveyRankPage = page_of(SurveyRankSchema, "SurveyRankPage")


# -- writes -------------------------------------------------------------------------------------------------


class MeasurementIn(Schema):
    period = fields.Date(required=True, metadata={"description": "A day in the reporting period."})
    value = fields.Float(
        required=True, allow_nan=False, validate=validate.Range(-MAX_ABS_VALUE, MAX_ABS_VALUE)
    )
    out_of = fields.Integer(
        allow_none=True, validate=validate.Range(1, MAX_OUT_OF), metadata={"description": "N, for rank KPIs."}
    )
    note = text(load_default="")
    source = text(load_default="")
    reason = text(
        load_default="", metadata={"description": "Why an existing value is changed (kept in the audit log)."}
    )


class MeasurementOut(Schema):
    id = fields.Integer(required=True)
    kpi_id = fields.Integer(required=True)
    period = fields.Date(required=True)
    value = fields.Float(required=True)
    out_of = fields.Integer(allow_none=True)
    note = fields.String(required=True)
    source = fields.String(required=True)
    updated_at = UTCDateTime(required=True)
    result = fields.String(required=True, validate=validate.OneOf(["created", "corrected", "unchanged"]))


class ActionPlanUpdateIn(Schema):
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in Status]))
    progress = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(0, 100))
    comment = text(load_default="")
    done_on = fields.Date(allow_none=True, load_default=None)
    version = fields.Integer(
        allow_none=True,
        load_default=None,
        validate=validate.Range(1, MAX_ID),
        metadata={"description": "The version you read; a plan changed since is refused with 409."},
    )


class ActionPlanUpdateOut(Schema):
    update = fields.Nested(UpdateSchema, required=True)
    action_plan = fields.Nested(ActionPlanSchema, required=True)


# -- the inquiry log ----------------------------------------------------------------------------------------

CVR_PATTERN = "^((DK|dk|Dk|dK)?[0-9]{8})?$"
NOT_BLANK_PATTERN = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"
MAX_DEPARTMENTS = 50


class InquiryArgs(UpdatedSinceArgs):
    state = fields.String(
        validate=validate.OneOf(["open", "late"]),
        metadata={"description": "`open`: not closed; `late`: unanswered 24 hours after it came in."},
    )
    department_id = id_field()
    handler_id = id_field()
    received_from = fields.Date(metadata={"description": "Received on this day or later (Danish time)."})
    received_to = fields.Date(metadata={"description": "Received on this day or earlier (Danish time)."})


class InquiryDepartmentSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)


class InquirySchema(Schema):
    id = fields.Integer(required=True)
    received_at = UTCDateTime(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(list(InquiryChannel)))
    company_name = fields.String(required=True)
    cvr = fields.String(required=True)
    topic = fields.String(required=True)
    departments = fields.List(fields.Nested(InquiryDepartmentSchema), required=True)
    handler_id = fields.Integer(allow_none=True)
    handler_name = fields.String(allow_none=True)
    first_answer_at = UTCDateTime(allow_none=True)
    closed_at = UTCDateTime(allow_none=True)
    outcome = fields.String(allow_none=True, validate=validate.OneOf(list(InquiryOutcome)))
    answered_in_time = fields.Boolean(
        allow_none=True, metadata={"description": "Answered within 24 hours; null while unanswered."}
    )
    late = fields.Boolean(
        required=True, metadata={"description": "Answered after 24 hours, or still unanswered past them."}
    )
    notes = fields.String(required=True)
    contact_name = fields.String(required=True, metadata={"description": "Personal data."})
    contact_phone = fields.String(required=True, metadata={"description": "Personal data."})
    contact_email = fields.String(required=True, metadata={"description": "Personal data."})
    anonymised = fields.Boolean(
        required=True, metadata={"description": "The contact person was blanked after the retention period."}
    )
    created_at = UTCDateTime(required=True)
    updated_at = UTCDateTime(required=True)


InquiryPage = page_of(InquirySchema, "InquiryPage")


class InquiryPatch(Schema):
    """Any of an inquiry's fields; those left out keep their value, `null` clears a time, the handler or
    the outcome."""

    received_at = moment()
    channel = fields.String(validate=validate.OneOf(list(InquiryChannel)))
    company_name = text(rules.COMPANY_MAX, metadata={"pattern": NOT_BLANK_PATTERN})
    cvr = text(10, metadata={"pattern": CVR_PATTERN, "description": "8 digits (modulus 11), or empty."})
    contact_name = text(rules.CONTACT_MAX)
    contact_phone = text(rules.PHONE_MAX)
    contact_email = text(rules.EMAIL_MAX)
    topic = text(rules.TOPIC_MAX)
    department_ids = fields.List(id_field(), validate=validate.Length(max=MAX_DEPARTMENTS))
    handler_id = id_field(allow_none=True)
    first_answer_at = moment(allow_none=True)
    closed_at = moment(allow_none=True)
    outcome = fields.String(
        allow_none=True,
        validate=validate.OneOf(list(InquiryOutcome)),
        metadata={"description": "How it ended; needed to close it."},
    )
    notes = text(rules.NOTES_MAX)


class InquiryIn(InquiryPatch):
    """A new inquiry: when it came in and from which business; the rest as on the log's form."""

    received_at = moment(required=True)
    company_name = text(rules.COMPANY_MAX, required=True, metadata={"pattern": NOT_BLANK_PATTERN})
    channel = fields.String(load_default="phone", validate=validate.OneOf(list(InquiryChannel)))
