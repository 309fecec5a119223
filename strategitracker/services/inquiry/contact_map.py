"""The contact map: per department, the members who have contact with businesses and the topics they handle.
The desk routes an inquiry by it (the inquiry form lists the mapped people first)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import ContactMapEntry, Department, Membership, Organisation, User
from .. import FieldError, audit

TOPICS_MAX = 500


@dataclass
class MapDepartment:
    """One department on the map with its people (possibly none yet)."""

    department: Department
    entries: list[ContactMapEntry]


def clean_topics(text: str | None) -> str:
    """Topics as typed, separated by commas or new lines, as one comma-separated text without repeats."""
    seen: dict[str, str] = {}
    for part in (text or "").replace("\n", ",").split(","):
        topic = " ".join(part.split())
        if topic and topic.casefold() not in seen:
            seen[topic.casefold()] = topic
    return ", ".join(seen.values())


def topics_problem(text: str | None) -> str | None:
    if not clean_topics(text):
        return _("Enter at least one topic.")
    if len(clean_topics(text)) > TOPICS_MAX:
        return _("At most %(max)d characters.", max=TOPICS_MAX)
    return None


def _entries(org: Organisation) -> list[ContactMapEntry]:
    return list(
        db.session.scalars(
            sa.select(ContactMapEntry)
            .join(Department, Department.id == ContactMapEntry.department_id)
            .join(User, User.id == ContactMapEntry.user_id)
            .join(
                Membership,
                sa.and_(Membership.user_id == User.id, Membership.organisation_id == org.id),
            )
            .where(
                ContactMapEntry.organisation_id == org.id,
                Department.archived_at.is_(None),
                Membership.active.is_(True),
            )
            .options(selectinload(ContactMapEntry.user), selectinload(ContactMapEntry.department))
            .order_by(Department.name, User.name, ContactMapEntry.id)
        )
    )


def contact_map(org: Organisation, departments: list[Department]) -> list[MapDepartment]:
    """The map, department by department (those without people too, so the gaps show); only active members
    and departments that are not archived."""
    by_department: dict[int, list[ContactMapEntry]] = {}
    for entry in _entries(org):
        by_department.setdefault(entry.department_id, []).append(entry)
    return [MapDepartment(d, by_department.get(d.id, [])) for d in departments]


def routes(org: Organisation) -> dict[int, list[ContactMapEntry]]:
    """Per mapped member (user id), their entries: what the inquiry form suggests handlers from."""
    found: dict[int, list[ContactMapEntry]] = {}
    for entry in _entries(org):
        found.setdefault(entry.user_id, []).append(entry)
    return found


def topics(org: Organisation) -> list[str]:
    """Every topic on the map, once, alphabetically (the inquiry form offers them while typing)."""
    return sorted({topic for entry in _entries(org) for topic in entry.topic_list}, key=str.casefold)


def _check(org: Organisation, department_id: int | None, user_id: int | None, text: str) -> Department:
    department = db.session.scalar(
        sa.select(Department).where(
            Department.id == department_id,
            Department.organisation_id == org.id,
            Department.archived_at.is_(None),
        )
    )
    if department is None:
        raise FieldError(_("Choose departments of this organisation."), "department_id")
    member = db.session.scalar(
        sa.select(Membership.id).where(
            Membership.organisation_id == org.id,
            Membership.user_id == user_id,
            Membership.active.is_(True),
        )
    )
    if member is None:
        raise FieldError(_("Choose a member of this organisation."), "user_id")
    problem = topics_problem(text)
    if problem:
        raise FieldError(problem, "topics")
    return department


def _snapshot(entry: ContactMapEntry) -> dict:
    return {"department_id": entry.department_id, "user_id": entry.user_id, "topics": entry.topics}


def set_entry(
    org: Organisation, department_id: int | None, user_id: int | None, text: str, *, actor: User
) -> ContactMapEntry:
    """Put a member on the map for a department with these topics; a member already there for it gets the
    topics instead (one entry per member and department)."""
    department = _check(org, department_id, user_id, text)
    entry = db.session.scalar(
        sa.select(ContactMapEntry).where(
            ContactMapEntry.department_id == department.id, ContactMapEntry.user_id == user_id
        )
    )
    before = _snapshot(entry) if entry is not None else None
    if entry is None:
        entry = ContactMapEntry(organisation_id=org.id, department_id=department.id, user_id=user_id)
        db.session.add(entry)
    entry.topics = clean_topics(text)
    db.session.flush()
    audit.record(
        "contact_map.update" if before else "contact_map.create",
        "contact_map_entry",
        entry.id,
        organisation_id=org.id,
        user_id=actor.id,
        before=before,
        after=_snapshot(entry),
    )
    return entry


def remove_entry(entry: ContactMapEntry, *, actor: User) -> None:
    audit.record(
        "contact_map.delete",
        "contact_map_entry",
        entry.id,
        organisation_id=entry.organisation_id,
        user_id=actor.id,
        before=_snapshot(entry),
    )
    db.session.delete(entry)
    db.session.flush()
