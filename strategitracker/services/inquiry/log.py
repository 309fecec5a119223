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


def problems(data: InquiryData, now: datetime) -> list[tuple[str, str]]:
    """(field, message) for each rule the data breaks: the form, the service and the import ask this."""
    found = [
        (field_name, problem)
        for field_name, problem in (
            ("company_name", rules.company_problem(data.company_name)),
            ("cvr", rules.cvr_problem(data.cvr)),
            ("channel", rules.channel_problem(data.channel)),
            ("outcome", rules.outcome_problem(data.outcome, data.closed_at)),
        )
        if problem
    ]
    times = rules.times_problem(data.received_at, data.first_answer_at, data.closed_at, now)
    return found + ([times] if times else [])


def _check(data: InquiryData, now: datetime) -> None:
    for field_name, problem in problems(data, now)[:1]:
        _refuse(problem, field_name)


def answer_working_seconds(received_at: datetime, first_answer_at: datetime | None) -> int | None:
    """The working time to the first answer, as stored with the inquiry (None while unanswered)."""
    if first_answer_at is None:
        return None
    return rules.working_seconds(received_at, first_answer_at, rules.working_day())


def row_values(data: InquiryData) -> dict:
    """The stored columns of checked data (the departments and the contact person apart)."""
    return {
        "received_at": data.received_at,
        "channel": data.channel,
        "company_name": data.company_name.strip(),
        "cvr": rules.clean_cvr(data.cvr),
        "topic": (data.topic or "").strip()[: rules.TOPIC_MAX],
        "handler_id": data.handler_id,
        "first_answer_at": data.first_answer_at,
        "answer_working_seconds": answer_working_seconds(data.received_at, data.first_answer_at),
        "closed_at": data.closed_at,
        "outcome": data.outcome or None,
        "notes": (data.notes or "").strip(),
    }


def contact_values(data: InquiryData) -> dict:
    """The contact person's columns (personal data), cut to their lengths."""
    return {
        "contact_name": (data.contact_name or "").strip()[: rules.CONTACT_MAX],
        "contact_phone": (data.contact_phone or "").strip()[: rules.PHONE_MAX],
        "contact_email": (data.contact_email or "").strip()[: rules.EMAIL_MAX],
    }


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
    values = row_values(data) | (contact_values(data) if inquiry.anonymised_at is None else {})
    for name, value in values.items():
        setattr(inquiry, name, value)


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


def data_of(inquiry: Inquiry) -> InquiryData:
    """What the inquiry holds, as a form or an import row would say it (the base of a partial change)."""
    return InquiryData(
        received_at=rules.as_utc(inquiry.received_at),
        company_name=inquiry.company_name,
        channel=inquiry.channel,
        cvr=inquiry.cvr,
        contact_name=inquiry.contact_name,
        contact_phone=inquiry.contact_phone,
        contact_email=inquiry.contact_email,
        topic=inquiry.topic,
        department_ids=[d.id for d in inquiry.departments],
        handler_id=inquiry.handler_id,
        first_answer_at=inquiry.first_answer_at and rules.as_utc(inquiry.first_answer_at),
        closed_at=inquiry.closed_at and rules.as_utc(inquiry.closed_at),
        outcome=inquiry.outcome,
        notes=inquiry.notes,
    )


def update_inquiry(
    inquiry: Inquiry, org: Organisation, data: InquiryData, *, actor: User | None, now: datetime | None = None
) -> Inquiry:
    """Change the inquiry; `actor` None is the command line (the audit event names no user)."""
    before = _snapshot(inquiry)
    now = now or datetime.now(UTC)
    _apply(inquiry, org, data, now)
    inquiry.updated_at = now  # also when only its departments changed (no UPDATE of its own row)
    db.session.flush()
    audit.record(
        "inquiry.update",
        "inquiry",
        inquiry.id,
        organisation_id=org.id,
        user_id=actor.id if actor is not None else None,
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
    inquiry.answer_working_seconds = answer_working_seconds(inquiry.received_at, inquiry.first_answer_at)
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
    updated_since: datetime | None = None  # the API's: changed at or after this time


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
    if filters.updated_since is not None:
        stmt = stmt.where(Inquiry.updated_at >= filters.updated_since.astimezone(UTC))
    return stmt


def inquiries_select(org: Organisation, filters: LogFilter, *, now: datetime | None = None) -> sa.Select:
    """The statement of the organisation's inquiries matching `filters`, newest first (the list and the
    API page it)."""
    stmt = (
        sa.select(Inquiry)
        .where(Inquiry.organisation_id == org.id)
        .options(selectinload(Inquiry.departments), selectinload(Inquiry.handler))
        .order_by(Inquiry.received_at.desc(), Inquiry.id.desc())
    )
    return _filtered(stmt, filters, now or datetime.now(UTC))


def inquiries(
    org: Organisation, filters: LogFilter, *, now: datetime | None = None, limit: int = 500
) -> list[Inquiry]:
    """The organisation's inquiries matching `filters`, newest first."""
    return list(db.session.scalars(inquiries_select(org, filters, now=now).limit(limit)))


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


def recompute_working_time(chunk: int = 5000) -> int:
    """Count the stored working time of every answered inquiry again (all organisations), after the working
    day setting changed; returns how many changed. Running it twice changes nothing the second time."""
    changed = 0
    last_id = 0
    while True:
        rows = db.session.execute(
            sa.select(
                Inquiry.id, Inquiry.received_at, Inquiry.first_answer_at, Inquiry.answer_working_seconds
            )
            .where(Inquiry.first_answer_at.is_not(None), Inquiry.id > last_id)
            .order_by(Inquiry.id)
            .limit(chunk)
        ).all()
        if not rows:
            return changed
        updates = [
            {"id": row.id, "answer_working_seconds": seconds}
            for row in rows
            if (seconds := answer_working_seconds(row.received_at, row.first_answer_at))
            != row.answer_working_seconds
        ]
        if updates:
            db.session.execute(sa.update(Inquiry), updates)
        changed += len(updates)
        last_id = rows[-1].id


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
