"""Outreach meetings: the company visits and meetings where staff go out to businesses. They share the
inquiry log's checks (company name, CVR number) and its retention: the contact person is personal data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Department, Membership, Organisation, OutreachMeeting, User
from .. import FieldError, audit
from . import rules

AUDITED = ("held_on", "company_name", "cvr", "topic")


@dataclass
class MeetingData:
    """What the form says about a meeting."""

    held_on: date
    company_name: str
    cvr: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    topic: str = ""
    participant_ids: list[int] = field(default_factory=list)
    department_ids: list[int] = field(default_factory=list)
    notes: str = ""


def held_on_problem(held_on: date | None, today: date) -> str | None:
    """A meeting is logged once it has taken place."""
    if held_on is None:
        return _("Enter the date of the meeting.")
    if held_on > today:
        return _("A meeting is logged once it has taken place: the date cannot be in the future.")
    return None


def _participants(org: Organisation, ids: list[int]) -> list[User]:
    if not ids:
        raise FieldError(_("Choose at least one participant."), "participant_ids")
    found = list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organisation_id == org.id,
                Membership.active.is_(True),
                User.id.in_(set(ids)),
            )
        )
    )
    if len(found) != len(set(ids)):
        raise FieldError(_("The participants must be members of this organisation."), "participant_ids")
    return found


def _departments(org: Organisation, ids: list[int]) -> list[Department]:
    if not ids:
        return []
    found = list(
        db.session.scalars(
            sa.select(Department).where(Department.organisation_id == org.id, Department.id.in_(set(ids)))
        )
    )
    if len(found) != len(set(ids)):
        raise FieldError(rules.unknown_department_message(), "department_ids")
    return found


def _apply(meeting: OutreachMeeting, org: Organisation, data: MeetingData, today: date) -> None:
    for name, problem in (
        ("held_on", held_on_problem(data.held_on, today)),
        ("company_name", rules.company_problem(data.company_name)),
        ("cvr", rules.cvr_problem(data.cvr)),
    ):
        if problem:
            raise FieldError(problem, name)
    meeting.participants = _participants(org, data.participant_ids)
    meeting.departments = _departments(org, data.department_ids)
    meeting.held_on = data.held_on
    meeting.company_name = data.company_name.strip()
    meeting.cvr = rules.clean_cvr(data.cvr)
    meeting.topic = (data.topic or "").strip()[: rules.TOPIC_MAX]
    meeting.notes = (data.notes or "").strip()[: rules.NOTES_MAX]
    if meeting.anonymised_at is None:
        meeting.contact_name = (data.contact_name or "").strip()[: rules.CONTACT_MAX]
        meeting.contact_phone = (data.contact_phone or "").strip()[: rules.PHONE_MAX]
        meeting.contact_email = (data.contact_email or "").strip()[: rules.EMAIL_MAX]


def _snapshot(meeting: OutreachMeeting) -> dict:
    """What the audit log keeps: never the contact person (personal data)."""
    kept = {name: audit.jsonable(getattr(meeting, name)) for name in AUDITED}
    kept["participant_ids"] = sorted(user.id for user in meeting.participants)
    return kept


def _today() -> date:
    return datetime.now(UTC).astimezone(rules.LOCAL_TZ).date()


def log_meeting(
    org: Organisation, data: MeetingData, *, actor: User, today: date | None = None
) -> OutreachMeeting:
    meeting = OutreachMeeting(organisation_id=org.id)
    _apply(meeting, org, data, today or _today())
    db.session.add(meeting)
    db.session.flush()
    audit.record(
        "meeting.create",
        "outreach_meeting",
        meeting.id,
        organisation_id=org.id,
        user_id=actor.id,
        after=_snapshot(meeting),
    )
    return meeting


def update_meeting(
    meeting: OutreachMeeting, org: Organisation, data: MeetingData, *, actor: User, today: date | None = None
) -> OutreachMeeting:
    before = _snapshot(meeting)
    _apply(meeting, org, data, today or _today())
    db.session.flush()
    audit.record(
        "meeting.update",
        "outreach_meeting",
        meeting.id,
        organisation_id=org.id,
        user_id=actor.id,
        before=before,
        after=_snapshot(meeting),
    )
    return meeting


def delete_meeting(meeting: OutreachMeeting, *, actor: User) -> None:
    audit.record(
        "meeting.delete",
        "outreach_meeting",
        meeting.id,
        organisation_id=meeting.organisation_id,
        user_id=actor.id,
        before=_snapshot(meeting),
    )
    db.session.delete(meeting)
    db.session.flush()


def meetings(org: Organisation, *, limit: int = 500) -> list[OutreachMeeting]:
    """The organisation's meetings, newest first."""
    return list(
        db.session.scalars(
            sa.select(OutreachMeeting)
            .where(OutreachMeeting.organisation_id == org.id)
            .options(selectinload(OutreachMeeting.participants), selectinload(OutreachMeeting.departments))
            .order_by(OutreachMeeting.held_on.desc(), OutreachMeeting.id.desc())
            .limit(limit)
        )
    )


def anonymise_meetings(before: date, now: datetime) -> int:
    """Blank the contact person of every meeting held before `before` (all organisations), once."""
    result = db.session.execute(
        sa.update(OutreachMeeting)
        .where(OutreachMeeting.held_on < before, OutreachMeeting.anonymised_at.is_(None))
        .values(contact_name="", contact_phone="", contact_email="", anonymised_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
