"""The inquiry form (the desk's quick entry shows its first fields) and the list's filters."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..forms import Form
from ..models import ContactMapEntry, Department, User
from ..services import inquiry as service
from ..services.inquiry import contact_map as contact_map_service
from ..services.inquiry import meetings as meetings_service
from ..services.inquiry import rules
from ..view_helpers import optional_int

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"

CHANNELS, OUTCOMES = rules.CHANNELS, rules.OUTCOMES


def local_now() -> datetime:
    """Now on the desk's clock, to the minute (the default of "received")."""
    return datetime.now(UTC).astimezone(rules.LOCAL_TZ).replace(second=0, microsecond=0, tzinfo=None)


def to_utc(local: datetime | None) -> datetime | None:
    """A time typed on the desk's clock, as stored."""
    if local is None:
        return None
    return local.replace(tzinfo=rules.LOCAL_TZ).astimezone(UTC)


def to_local(stored: datetime | None) -> datetime | None:
    if stored is None:
        return None
    return rules.as_utc(stored).astimezone(rules.LOCAL_TZ).replace(tzinfo=None)


class InquiryForm(Form):
    company_name = StringField(
        _l("Business"),
        validators=[InputRequired(), Length(max=rules.COMPANY_MAX)],
        render_kw={"autofocus": True},
    )
    cvr = StringField(_l("CVR number"), render_kw={"inputmode": "numeric", "maxlength": 20})
    contact_name = StringField(_l("Contact person"), validators=[Length(max=rules.CONTACT_MAX)])
    contact_phone = StringField(
        _l("Phone"), validators=[Length(max=rules.PHONE_MAX)], render_kw={"type": "tel"}
    )
    contact_email = StringField(_l("E-mail"), validators=[Length(max=rules.EMAIL_MAX)])
    topic = StringField(
        _l("Topic"), validators=[Length(max=rules.TOPIC_MAX)], render_kw={"list": "contact-map-topics"}
    )
    department_ids = SelectMultipleField(_l("Departments"), coerce=int, validate_choice=True)
    handler_id = SelectField(
        _l("Handler"),
        coerce=optional_int,
        description=_l("The people on the contact map come first, with their departments and topics."),
    )
    channel = SelectField(
        _l("Channel"), choices=[SelectChoice(v, label) for v, label in CHANNELS], default="phone"
    )
    received_at = DateTimeLocalField(_l("Received"), format=DATETIME_FORMAT, validators=[InputRequired()])
    first_answer_at = DateTimeLocalField(_l("First answer"), format=DATETIME_FORMAT, validators=[Optional()])
    closed_at = DateTimeLocalField(_l("Closed"), format=DATETIME_FORMAT, validators=[Optional()])
    outcome = SelectField(
        _l("Outcome"),
        choices=[SelectChoice("", _l("Not yet")), *(SelectChoice(v, lb) for v, lb in OUTCOMES)],
        validate_choice=False,  # rules.outcome_problem checks it (the quick entry has no outcome)
    )
    notes = TextAreaField(_l("Notes"), validators=[Length(max=rules.NOTES_MAX)], render_kw={"rows": 3})

    def set_choices(
        self,
        departments: list[Department],
        handlers: list[User],
        routes: dict[int, list[ContactMapEntry]] | None = None,
    ) -> None:
        self.department_ids.choices = [(d.id, d.name) for d in departments]
        self.handler_id.choices = [
            SelectChoice("", _l("Nobody yet")),
            *handler_choices(handlers, routes or {}),
        ]

    def validate_cvr(self, field: StringField) -> None:
        problem = rules.cvr_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_outcome(self, field: SelectField) -> None:
        problem = rules.outcome_problem(field.data, self.closed_at.data)
        if problem:
            raise ValidationError(problem)

    def data_for_service(self) -> service.InquiryData:
        return service.InquiryData(
            received_at=to_utc(self.received_at.data),
            company_name=self.company_name.data or "",
            channel=self.channel.data,
            cvr=self.cvr.data or "",
            contact_name=self.contact_name.data or "",
            contact_phone=self.contact_phone.data or "",
            contact_email=self.contact_email.data or "",
            topic=self.topic.data or "",
            department_ids=list(self.department_ids.data or []),
            handler_id=self.handler_id.data,
            first_answer_at=to_utc(self.first_answer_at.data),
            closed_at=to_utc(self.closed_at.data),
            outcome=self.outcome.data or None,
            notes=self.notes.data or "",
        )


def _route_label(user: User, entries: list[ContactMapEntry]) -> str:
    where = "; ".join(f"{entry.department.name}: {entry.topics}" for entry in entries)
    return f"{user.name or user.email} ({where})"


def handler_choices(handlers: list[User], routes: dict[int, list[ContactMapEntry]]) -> list[SelectChoice]:
    """The members who may handle an inquiry, those on the contact map first with their departments and
    topics (the desk routes by them; a script marks the ones matching the topic and departments chosen)."""
    mapped_group, others_group = _l("From the contact map"), _l("Other members")
    mapped = [
        SelectChoice(
            u.id,
            _route_label(u, routes[u.id]),
            render_kw={
                "data-departments": " ".join(str(e.department_id) for e in routes[u.id]),
                "data-topics": "|".join(t.casefold() for e in routes[u.id] for t in e.topic_list),
            },
            optgroup=mapped_group,
        )
        for u in handlers
        if u.id in routes
    ]
    mapped.sort(key=lambda choice: choice.label.casefold())
    others = [
        SelectChoice(u.id, u.name or u.email, optgroup=others_group if mapped else None)
        for u in handlers
        if u.id not in routes
    ]
    return [*mapped, *others]


STATES = (("", _l("All")), ("open", _l("Open")), ("late", _l("Late (unanswered after 24 hours)")))


class FilterForm(Form):
    """The list's filters, read from the query string."""

    class Meta:
        csrf = False

    state = SelectField(
        _l("Show"), choices=[SelectChoice(v, lb) for v, lb in STATES], validators=[Optional()]
    )
    department = SelectField(_l("Department"), coerce=optional_int, validators=[Optional()])
    handler = SelectField(_l("Handler"), coerce=optional_int, validators=[Optional()])
    start = DateField(_l("Received from"), validators=[Optional()])
    end = DateField(_l("Received until"), validators=[Optional()])

    def set_choices(self, departments: list[Department], handlers: list[User]) -> None:
        self.department.choices = [SelectChoice("", _l("All"))] + [
            SelectChoice(d.id, d.name) for d in departments
        ]
        self.handler.choices = [SelectChoice("", _l("All"))] + [
            SelectChoice(u.id, u.name or u.email) for u in handlers
        ]

    def filters(self) -> service.LogFilter:
        """The filters that were read; an unreadable one is left out."""
        self.validate()

        def read(field):
            return None if field.errors else (field.data or None)

        return service.LogFilter(
            state=read(self.state),
            department_id=read(self.department),
            handler_id=read(self.handler),
            start=read(self.start),
            end=read(self.end),
        )


class ContactMapForm(Form):
    """A member on the contact map for a department, with the topics they handle."""

    department_id = SelectField(_l("Department"), coerce=optional_int, validate_choice=False)
    user_id = SelectField(_l("Member"), coerce=optional_int, validate_choice=False)
    topics = StringField(
        _l("Topics"),
        validators=[InputRequired(), Length(max=contact_map_service.TOPICS_MAX)],
        description=_l("Separate the topics with commas, e.g. building permits, environmental approvals."),
    )

    def set_choices(self, departments: list[Department], members: list[User]) -> None:
        self.department_id.choices = [SelectChoice(d.id, d.name) for d in departments]
        self.user_id.choices = [SelectChoice(u.id, u.name or u.email) for u in members]

    def validate_topics(self, field: StringField) -> None:
        problem = contact_map_service.topics_problem(field.data)
        if problem:
            raise ValidationError(problem)


class MeetingForm(Form):
    """An outreach meeting or company visit."""

    held_on = DateField(_l("Date"), validators=[InputRequired()])
    company_name = StringField(_l("Business"), validators=[InputRequired(), Length(max=rules.COMPANY_MAX)])
    cvr = StringField(_l("CVR number"), render_kw={"inputmode": "numeric", "maxlength": 20})
    contact_name = StringField(_l("Contact person"), validators=[Length(max=rules.CONTACT_MAX)])
    contact_phone = StringField(
        _l("Phone"), validators=[Length(max=rules.PHONE_MAX)], render_kw={"type": "tel"}
    )
    contact_email = StringField(_l("E-mail"), validators=[Length(max=rules.EMAIL_MAX)])
    topic = StringField(_l("Topic"), validators=[Length(max=rules.TOPIC_MAX)])
    participant_ids = SelectMultipleField(_l("Participants"), coerce=int, validate_choice=True)
    department_ids = SelectMultipleField(_l("Departments"), coerce=int, validate_choice=True)
    notes = TextAreaField(_l("Notes"), validators=[Length(max=rules.NOTES_MAX)], render_kw={"rows": 3})

    def set_choices(self, departments: list[Department], members: list[User]) -> None:
        self.department_ids.choices = [(d.id, d.name) for d in departments]
        self.participant_ids.choices = [(u.id, u.name or u.email) for u in members]

    validate_cvr = InquiryForm.validate_cvr

    def data_for_service(self) -> meetings_service.MeetingData:
        return meetings_service.MeetingData(
            held_on=self.held_on.data,
            company_name=self.company_name.data or "",
            cvr=self.cvr.data or "",
            contact_name=self.contact_name.data or "",
            contact_phone=self.contact_phone.data or "",
            contact_email=self.contact_email.data or "",
            topic=self.topic.data or "",
            participant_ids=list(self.participant_ids.data or []),
            department_ids=list(self.department_ids.data or []),
            notes=self.notes.data or "",
        )
