"""The Thisted case's illustrative operational data: the contact map (seed/contact_map.csv), an inquiry log
and outreach meetings generated from their quarterly story (seed/inquiry_log.csv, seed/outreach_meetings.csv).

No published figures exist for Erhvervskontakten, so the log is made up, and says so in every row's notes. It
is generated with a fixed random seed per quarter, so every run makes the same rows: a quarter of the story
with 100 inquiries of which 84 answered within 24 hours gives the derived KPI 84 % for that quarter. Rows are
matched on their natural key (organisation + time received; organisation + day held), so a second run
creates nothing, and bulk statements keep the first run fast.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from ...extensions import db
from ...models import (
    ContactMapEntry,
    Department,
    Inquiry,
    Organisation,
    OutreachMeeting,
    inquiry_department,
    outreach_department,
    outreach_participant,
)
from ..inquiry import rules
from ..inquiry.contact_map import clean_topics
from .rows import Row

ILLUSTRATIVE_NOTE = "Illustrativ henvendelse – genereret eksempel, ikke et offentliggjort tal"
MEETING_NOTE = "Illustrativt møde – genereret eksempel, ikke et offentliggjort tal"
COMPANIES = 150  # "Illustrativ virksomhed 001" … "150": clearly not real businesses
OPEN_HOURS = range(8, 15)  # the desk's hours (local time) when inquiries come in
CHANNELS = ("phone",) * 7 + ("email",) * 2 + ("visit",)
OTHER_OUTCOMES = ("answered",) * 8 + ("referred",) * 2 + ("refused",)


@dataclass(frozen=True)
class Route:
    """One line of the contact map: a department, a member and a topic they handle."""

    department_id: int
    user_id: int
    topic: str


def _quarter_days(start: date) -> list[date]:
    """The weekdays of the quarter beginning on `start`."""
    end_month = start.month + 3
    end = date(start.year + (end_month > 12), (end_month - 1) % 12 + 1, 1)
    days = (start + timedelta(days=n) for n in range((end - start).days))
    return [day for day in days if day.weekday() < 5]


def _local(day: date, minute_of_day: int) -> datetime:
    moment = datetime.combine(day, time(minute_of_day // 60, minute_of_day % 60), tzinfo=rules.LOCAL_TZ)
    return moment.astimezone(UTC)


def _company(rng: random.Random) -> str:
    return f"Illustrativ virksomhed {rng.randint(1, COMPANIES):03d}"


def seed_contact_map(
    rows: Iterator[Row], org: Organisation, departments: dict[str, Department], users: dict[str, int]
) -> tuple[int, list[Route]]:
    """The contact map's missing entries; returns how many were created and the map's routes."""
    existing = {
        (e.department_id, e.user_id)
        for e in db.session.scalars(
            sa.select(ContactMapEntry).where(ContactMapEntry.organisation_id == org.id)
        )
    }
    created, routes = 0, []
    for row in rows:
        if row.text("organisation") != org.slug or row.text("department") not in departments:
            raise row.error("department", "a department of departments.csv")
        department = departments[row.text("department")]
        user_id = users.get(row.text("demo_user"))
        if user_id is None:
            raise row.error("demo_user", "viewer, editor, facilitator or admin")
        topics = clean_topics(row.text("topics"))
        if (department.id, user_id) not in existing:
            db.session.add(
                ContactMapEntry(
                    organisation_id=org.id, department_id=department.id, user_id=user_id, topics=topics
                )
            )
            existing.add((department.id, user_id))
            created += 1
        routes += [Route(department.id, user_id, topic) for topic in topics.split(", ")]
    db.session.flush()
    return created, routes


def _quarter_inquiries(
    row: Row, org_id: int, routes: list[Route], now: datetime
) -> Iterator[tuple[dict, int]]:
    """The inquiries of one quarter of the story, each with its department id."""
    period = row.get_date("period")
    count, in_time, alternative = (
        row.get_int(c) for c in ("inquiries", "answered_within_24h", "alternative")
    )
    if not 0 <= in_time <= count or not 0 <= alternative <= count:
        raise row.error("answered_within_24h", "at most the number of inquiries")
    rng = random.Random(f"inquiries {period.isoformat()}")
    days = _quarter_days(period)
    slots = rng.sample(range(len(days) * len(OPEN_HOURS) * 60), count)  # distinct minutes: the natural key
    for n, slot in enumerate(slots):
        day, minute = divmod(slot, len(OPEN_HOURS) * 60)
        received = _local(days[day], OPEN_HOURS[0] * 60 + minute)
        hours = rng.uniform(0.2, 23.5) if n < in_time else rng.uniform(25, 96)
        answered = received + timedelta(hours=hours)
        route = rng.choice(routes)
        outcome = "alternative" if rng.random() < alternative / count else rng.choice(OTHER_OUTCOMES)
        yield (
            {
                "organisation_id": org_id,
                "received_at": received,
                "channel": rng.choice(CHANNELS),
                "company_name": _company(rng),
                "topic": route.topic,
                "handler_id": route.user_id,
                "first_answer_at": answered,
                "answer_working_seconds": rules.working_seconds(received, answered, rules.working_day()),
                "closed_at": min(answered + timedelta(days=rng.uniform(0, 10)), now),
                "outcome": outcome,
                "notes": ILLUSTRATIVE_NOTE,
            },
            route.department_id,
        )


def seed_inquiry_log(rows: Iterator[Row], org: Organisation, routes: list[Route], now: datetime) -> int:
    """The illustrative inquiry log's missing inquiries (one bulk insert); returns how many were created."""
    existing = {
        rules.as_utc(moment)
        for moment in db.session.scalars(
            sa.select(Inquiry.received_at).where(Inquiry.organisation_id == org.id)
        )
    }
    wanted: list[tuple[dict, int]] = []
    for row in rows:
        wanted += list(_quarter_inquiries(row, org.id, routes, now))
    missing = [(values, dep) for values, dep in wanted if values["received_at"] not in existing]
    if not missing:
        return 0
    db.session.execute(sa.insert(Inquiry), [values for values, _dep in missing])
    ids = dict(
        (rules.as_utc(received), inquiry_id)
        for inquiry_id, received in db.session.execute(
            sa.select(Inquiry.id, Inquiry.received_at).where(Inquiry.organisation_id == org.id)
        )
    )
    db.session.execute(
        sa.insert(inquiry_department),
        [{"inquiry_id": ids[values["received_at"]], "department_id": dep} for values, dep in missing],
    )
    return len(missing)


def seed_outreach_meetings(rows: Iterator[Row], org: Organisation, routes: list[Route]) -> int:
    """The illustrative outreach meetings that are missing; returns how many were created."""
    existing = set(
        db.session.scalars(
            sa.select(OutreachMeeting.held_on).where(OutreachMeeting.organisation_id == org.id)
        )
    )
    wanted = []
    for row in rows:
        period = row.get_date("period")
        rng = random.Random(f"meetings {period.isoformat()}")
        days = _quarter_days(period)
        for day in sorted(rng.sample(days, min(row.get_int("meetings"), len(days)))):
            route = rng.choice(routes)
            others = sorted({r.user_id for r in routes} - {route.user_id})
            participants = {route.user_id, *rng.sample(others, rng.randint(0, min(1, len(others))))}
            wanted.append((day, _company(rng), route, participants))
    created = 0
    for day, company, route, participants in wanted:
        if day in existing:
            continue
        meeting = OutreachMeeting(
            organisation_id=org.id, held_on=day, company_name=company, topic=route.topic, notes=MEETING_NOTE
        )
        db.session.add(meeting)
        db.session.flush()
        db.session.execute(
            sa.insert(outreach_department), [{"meeting_id": meeting.id, "department_id": route.department_id}]
        )
        db.session.execute(
            sa.insert(outreach_participant),
            [{"meeting_id": meeting.id, "user_id": u} for u in sorted(participants)],
        )
        created += 1
    return created
