"""Logging inquiries, answering and closing them, and reading the log for the list and the desk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Department, Inquiry, Membership, Organisation, User
from .. import ServiceError, audit
from . import meetings, rules

#: Fields whose change is written to the audit log (never the contact person: personal data).
AUDITED = (
    "received_at",
    "channel",
    "company_name",
    "cvr",
    "topic",
    "handler_id",
    "first_answer_at",
    "closed_at",
    "outcome",
)


@dataclass
class InquiryData:
    """What a form or an import row says about an inquiry."""

    received_at: datetime
    company_name: str
    channel: str = "phone"
    cvr: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    topic: str = ""
    department_ids: list[int] = field(default_factory=list)
    handler_id: int | None = None
    first_answer_at: datetime | None = None
    closed_at: datetime | None = None
    outcome: str | None = None
    notes: str = ""


def _refuse(message: str, field_name: str | None = None) -> None:
    error = ServiceError(message)
    error.field = field_name  # type: ignore[attr-defined]
    raise error


def _check(data: InquiryData, now: datetime) -> None:
    for field_name, problem in (
        ("company_name", rules.company_problem(data.company_name)),
        ("cvr", rules.cvr_problem(data.cvr)),
        ("channel", rules.channel_problem(data.channel)),
        ("outcome", rules.outcome_problem(data.outcome, data.closed_at)),
    ):
        if problem:
            _refuse(problem, field_name)
    times = rules.times_problem(data.received_at, data.first_answer_at, data.closed_at, now)
    if times:
        _refuse(times[1], times[0])


def _departments(org: Organisation, ids: list[int]) -> list[Department]:
    if not ids:
        return []
    found = list(
        db.session.scalars(
            sa.select(Department).where(Department.organisation_id == org.id, Department.id.in_(set(ids)))
        )
    )
    if len(found) != len(set(ids)):
        _refuse(rules.unknown_department_message(), "department_ids")
    return found


def _check_handler(org: Organisation, handler_id: int | None) -> None:
    if handler_id is None:
        return
    member = db.session.scalar(
        sa.select(Membership.id).where(
            Membership.organisation_id == org.id,
            Membership.user_id == handler_id,
            Membership.active.is_(True),
        )
    )
    if member is None:
        _refuse(rules.unknown_handler_message(), "handler_id")


def _apply(inquiry: Inquiry, org: Organisation, data: InquiryData, now: datetime) -> None:
    _check(data, now)
    _check_handler(org, data.handler_id)
    inquiry.departments = _departments(org, data.department_ids)
    inquiry.received_at = data.received_at
    inquiry.channel = data.channel
    inquiry.company_name = data.company_name.strip()
    inquiry.cvr = rules.clean_cvr(data.cvr)
    inquiry.topic = (data.topic or "").strip()[: rules.TOPIC_MAX]
    inquiry.handler_id = data.handler_id
    inquiry.first_answer_at = data.first_answer_at
    inquiry.closed_at = data.closed_at
    inquiry.outcome = data.outcome or None
    inquiry.notes = (data.notes or "").strip()
    if inquiry.anonymised_at is None:
        inquiry.contact_name = (data.contact_name or "").strip()[: rules.CONTACT_MAX]
        inquiry.contact_phone = (data.contact_phone or "").strip()[: rules.PHONE_MAX]
        inquiry.contact_email = (data.contact_email or "").strip()[: rules.EMAIL_MAX]


def _snapshot(inquiry: Inquiry) -> dict:
    return {name: audit.jsonable(getattr(inquiry, name)) for name in AUDITED}


def log_inquiry(org: Organisation, data: InquiryData, *, actor: User, now: datetime | None = None) -> Inquiry:
    """A new inquiry in the log."""
    inquiry = Inquiry(organisation_id=org.id)
    _apply(inquiry, org, data, now or datetime.now(UTC))
    db.session.add(inquiry)
    db.session.flush()
    audit.record(
        "inquiry.create",
        "inquiry",
        inquiry.id,
        organisation_id=org.id,
        user_id=actor.id,
        after=_snapshot(inquiry),
    )
    return inquiry


def update_inquiry(
    inquiry: Inquiry, org: Organisation, data: InquiryData, *, actor: User, now: datetime | None = None
) -> Inquiry:
    before = _snapshot(inquiry)
    _apply(inquiry, org, data, now or datetime.now(UTC))
    db.session.flush()
    audit.record(
        "inquiry.update",
        "inquiry",
        inquiry.id,
        organisation_id=org.id,
        user_id=actor.id,
        before=before,
        after=_snapshot(inquiry),
    )
    return inquiry


def answer_now(inquiry: Inquiry, *, actor: User, now: datetime | None = None) -> Inquiry:
    """The desk's one-click "answered": the first answer is now, and the handler is the one who answered."""
    if inquiry.first_answer_at is not None:
        _refuse(rules.already_answered_message())
    before = _snapshot(inquiry)
    inquiry.first_answer_at = max(now or datetime.now(UTC), rules.as_utc(inquiry.received_at))
    if inquiry.handler_id is None:
        inquiry.handler_id = actor.id
    db.session.flush()
    audit.record(
        "inquiry.answer",
        "inquiry",
        inquiry.id,
        organisation_id=inquiry.organisation_id,
        user_id=actor.id,
        before=before,
        after=_snapshot(inquiry),
    )
    return inquiry


@dataclass
class LogFilter:
    """The list's filters; each None means "all"."""

    state: str | None = None  # "open", "late"
    department_id: int | None = None
    handler_id: int | None = None
    start: date | None = None
    end: date | None = None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=rules.LOCAL_TZ).astimezone(UTC)


def _filtered(stmt: sa.Select, filters: LogFilter, now: datetime) -> sa.Select:
    limit_passed = Inquiry.received_at < now - rules.ANSWER_LIMIT
    if filters.state == "open":
        stmt = stmt.where(Inquiry.closed_at.is_(None))
    elif filters.state == "late":
        stmt = stmt.where(limit_passed, Inquiry.first_answer_at.is_(None))
    if filters.department_id is not None:
        stmt = stmt.where(Inquiry.departments.any(Department.id == filters.department_id))
    if filters.handler_id is not None:
        stmt = stmt.where(Inquiry.handler_id == filters.handler_id)
    if filters.start is not None:
        stmt = stmt.where(Inquiry.received_at >= _local_midnight(filters.start))
    if filters.end is not None:
        stmt = stmt.where(Inquiry.received_at < _local_midnight(filters.end + timedelta(days=1)))
    return stmt


def inquiries(
    org: Organisation, filters: LogFilter, *, now: datetime | None = None, limit: int = 500
) -> list[Inquiry]:
    """The organisation's inquiries matching `filters`, newest first."""
    stmt = (
        sa.select(Inquiry)
        .where(Inquiry.organisation_id == org.id)
        .options(selectinload(Inquiry.departments), selectinload(Inquiry.handler))
        .order_by(Inquiry.received_at.desc(), Inquiry.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(_filtered(stmt, filters, now or datetime.now(UTC))))


def desk(org: Organisation) -> list[Inquiry]:
    """Unanswered inquiries, the one with least time left to the 24-hour limit first."""
    return list(
        db.session.scalars(
            sa.select(Inquiry)
            .where(
                Inquiry.organisation_id == org.id,
                Inquiry.first_answer_at.is_(None),
                Inquiry.closed_at.is_(None),
            )
            .options(selectinload(Inquiry.departments), selectinload(Inquiry.handler))
            .order_by(Inquiry.received_at, Inquiry.id)
        )
    )


def handlers(org: Organisation) -> list[User]:
    """The active members who can handle an inquiry, by name."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == org.id, Membership.active.is_(True))
            .order_by(User.name, User.id)
        )
    )


def org_departments(org: Organisation) -> list[Department]:
    return list(
        db.session.scalars(
            sa.select(Department)
            .where(Department.organisation_id == org.id, Department.archived_at.is_(None))
            .order_by(Department.name, Department.id)
        )
    )


def anonymise(before: datetime, *, now: datetime | None = None) -> int:
    """Blank the contact person of every inquiry received, and every outreach meeting held, before `before`
    (all organisations); returns how many were blanked. Already anonymised ones are left alone, so running it
    twice changes nothing."""
    now = now or datetime.now(UTC)
    result = db.session.execute(
        sa.update(Inquiry)
        .where(Inquiry.received_at < before, Inquiry.anonymised_at.is_(None))
        .values(contact_name="", contact_phone="", contact_email="", anonymised_at=now)
        .execution_options(synchronize_session=False)
    )
    held_before = rules.as_utc(before).astimezone(rules.LOCAL_TZ).date()
    blanked = (result.rowcount or 0) + meetings.anonymise_meetings(held_before, now)
    db.session.flush()
    return blanked


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


def anonymise_expired(now: datetime, months: int) -> tuple[int, date]:
    """Blank the contact persons of inquiries and meetings older than `months` months before `now` (Danish
    calendar days); returns how many were blanked and the first day kept."""
    cutoff_day = months_before(now.astimezone(rules.LOCAL_TZ).date(), months)
    cutoff = datetime.combine(cutoff_day, time.min, tzinfo=rules.LOCAL_TZ).astimezone(UTC)
    return anonymise(cutoff, now=now), cutoff_day
