"""Importing business inquiries from a phone system's or CRM's export (or the inquiry log's own export).

A row gives when the inquiry was received and the business, and optionally the channel, CVR number, topic,
departments (by name, several separated by commas; the organisation's own only), first answer, closed,
outcome, contact person and notes. Times are "31-12-2026 14:05" or ISO 8601 on the desk's clock (Danish
time) unless they carry an offset; channel and outcome are the words the pages show, in Danish or English,
or their codes.

Each row goes through the inquiry log's own rules (services/inquiry: CVR number, company, channel,
outcome, times) with the same messages as the form. The same business received at the same minute is the
same inquiry: skipped, or its fields replaced by the columns the file has.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import Inquiry, Organisation, Role, User, inquiry_department
from ...models._types import utcnow
from .. import inquiry as inquiries
from ..inquiry import rules
from .columns import INQUIRY_COLUMNS, INQUIRY_IGNORED
from .mapping import RowCheck, find_layout
from .names import Departments, name_key
from .prepared import Entry, Plan, Prepared, Progress, mark
from .reading import Sheet
from .validate import display, expected_moment, parse_moment
from .write import chunks, record_import

KIND = "inquiries"
TIMES = ("received_at", "first_answer_at", "closed_at")
TEXTS = (
    ("topic", rules.TOPIC_MAX),
    ("contact_name", rules.CONTACT_MAX),
    ("contact_phone", rules.PHONE_MAX),
    ("contact_email", rules.EMAIL_MAX),
    ("notes", rules.NOTES_MAX),
)
#: The columns compared to tell a changed inquiry from the same one.
COMPARED = ("channel", "cvr", "topic", "first_answer_at", "closed_at", "outcome", "notes", "department_ids")


def preview_columns() -> list[str]:
    return [
        _("Received"),
        _("Channel"),
        _("Business"),
        _("CVR number"),
        _("Departments"),
        _("First answer"),
        _("Closed"),
        _("Outcome"),
    ]


def validate(
    sheet: Sheet,
    filename: str,
    *,
    org: Organisation,
    actor: User | None,
    role: Role | None,
    options: dict[str, Any],
    progress: Progress,
) -> Prepared:
    layout = find_layout(
        sheet, INQUIRY_COLUMNS, INQUIRY_IGNORED, required=(("received_at",), ("company_name",))
    )
    data = sheet.rows[layout.first_data :]
    departments = Departments(org.id)
    now = datetime.now(UTC)
    prepared = Prepared(kind=KIND, filename=filename, options=options, preview_columns=preview_columns())
    prepared.notices = sheet.notices + layout.notices
    progress.stage(_("Checking rows"), len(data))
    for number, cells in data:
        check = RowCheck(sheet, layout, number, cells)
        prepared.take(_entry(check, departments, now), check.problems)
    progress.advance(len(data))
    _match_existing(prepared.entries, org)
    prepared.problems.sort(key=lambda problem: problem.row or 0)
    mark(prepared.entries)
    return prepared


def _moment(check: RowCheck, column: str, *, required: bool = False) -> datetime | None:
    if not check.has(column):
        return None
    value = check.raw(column)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required and value is not None:
            check.problem(column, None, _("This cell must be filled in."))
        return None
    moment = parse_moment(value, rules.LOCAL_TZ)
    if moment is None:
        check.problem(column, value, expected_moment())
    return moment


def _code(check: RowCheck, column: str, read, message: str) -> str | None:
    text = check.text(column) if check.has(column) else ""
    if not text:
        return None
    code = read(text)
    if code is None:
        check.problem(column, text, message)
    return code


def _channel(check: RowCheck) -> str:
    message = _(
        "Expected a channel: Telefon, E-mail, Møde, Virksomhedsbesøg or Andet "
        "(or phone, email, meeting, visit, other)."
    )
    return _code(check, "channel", rules.channel_code, message) or "phone"


def _outcome(check: RowCheck) -> str | None:
    message = _(
        "Expected an outcome: Besvaret, Henvist, Løst med et alternativ or Afslået med begrundelse "
        "(or answered, referred, alternative, refused)."
    )
    return _code(check, "outcome", rules.outcome_code, message)


def _department_ids(check: RowCheck, departments: Departments) -> list[int]:
    text = check.text("departments") if check.has("departments") else ""
    ids = []
    for name in (part.strip() for part in (text or "").split(",")):
        if not name:
            continue
        found = departments.find(name)
        if found is None:
            check.problem("departments", name, departments.unknown(name))
        elif found not in ids:
            ids.append(found)
    return ids


def _row_data(check: RowCheck, departments: Departments) -> tuple[inquiries.InquiryData | None, set[str]]:
    """The row as the inquiry log's data, and the fields the file gives (the rest is kept on replace)."""
    received = _moment(check, "received_at", required=True)
    company = check.text("company_name", required=True) or ""
    texts = {name: check.text(name, max_length=limit) or "" for name, limit in TEXTS if check.has(name)}
    given = {"received_at", "company_name", *texts}
    given |= {
        name
        for name, column in (
            ("channel", "channel"),
            ("cvr", "cvr"),
            ("department_ids", "departments"),
            ("first_answer_at", "first_answer_at"),
            ("closed_at", "closed_at"),
            ("outcome", "outcome"),
        )
        if check.has(column)
    }
    fields = {
        "channel": _channel(check),
        "cvr": check.text("cvr", max_length=20) or "" if check.has("cvr") else "",
        "department_ids": _department_ids(check, departments),
        "first_answer_at": _moment(check, "first_answer_at"),
        "closed_at": _moment(check, "closed_at"),
        "outcome": _outcome(check),
        **texts,
    }
    if received is None or not company:
        return None, given
    return inquiries.InquiryData(received_at=received, company_name=company, **fields), given


def _entry(check: RowCheck, departments: Departments, now: datetime) -> Entry:
    data, given = _row_data(check, departments)
    if data is not None and check.ok:
        for field_name, message in inquiries.problems(data, now):
            column = "departments" if field_name == "department_ids" else field_name
            check.problem(column, _shown_value(check, column), message)
    cells = tuple(display(check.layout.cell(check.cells, c)) for c in _PREVIEWED)
    entry = Entry(row=check.row, cells=cells)
    if check.ok and data is not None:
        entry.key = (data.received_at.replace(second=0, microsecond=0), name_key(data.company_name))
        entry.record = {"data": data, "given": given}
    return entry


_PREVIEWED = (
    "received_at",
    "channel",
    "company_name",
    "cvr",
    "departments",
    "first_answer_at",
    "closed_at",
    "outcome",
)


def _shown_value(check: RowCheck, column: str) -> Any:
    return check.layout.cell(check.cells, column) if check.has(column) else None


def _match_existing(entries: list[Entry], org: Organisation) -> None:
    """The stored inquiry from the same business received at the same minute (one query)."""
    keys = [e.key for e in entries if e.record is not None]
    if not keys:
        return
    first, last = min(k[0] for k in keys), max(k[0] for k in keys)
    stored: dict[tuple, Inquiry] = {}
    for inquiry in db.session.scalars(
        sa.select(Inquiry).where(
            Inquiry.organisation_id == org.id,
            Inquiry.received_at >= first,
            Inquiry.received_at < last + timedelta(minutes=1),
        )
    ):
        moment = rules.as_utc(inquiry.received_at).replace(second=0, microsecond=0)
        stored.setdefault((moment, name_key(inquiry.company_name)), inquiry)
    for entry in entries:
        inquiry = stored.get(entry.key) if entry.record is not None else None
        if inquiry is None:
            continue
        entry.existing_id = inquiry.id
        merged = _merged(inquiries.data_of(inquiry), entry.record)
        before = inquiries.data_of(inquiry)
        entry.unchanged = _compared(merged) == _compared(before)


def _compared(data: inquiries.InquiryData) -> tuple:
    """The values that tell a changed inquiry from the same one (departments in any order)."""
    return tuple(
        sorted(value) if name == "department_ids" else value
        for name in COMPARED
        for value in (getattr(data, name),)
    )


def _merged(base: inquiries.InquiryData, record: dict[str, Any]) -> inquiries.InquiryData:
    """The stored inquiry with the columns the file gives."""
    data = record["data"]
    return dataclasses.replace(base, **{name: getattr(data, name) for name in record["given"]})


def write(
    prepared: Prepared, plan: Plan, *, org: Organisation, actor: User | None, progress: Progress
) -> dict:
    """Insert the new inquiries in bulk (the values the log itself stores) and replace the changed ones
    through the log's service; the import's audit event counts them."""
    user_id = actor.id if actor is not None else None
    progress.stage(_("Saving"), len(plan.create) + len(plan.replace))
    now = utcnow()
    for chunk in chunks(plan.create):
        datas = [entry.record["data"] for entry in chunk]
        rows = [
            {
                "organisation_id": org.id,
                "created_at": now,
                **inquiries.row_values(data),
                **inquiries.contact_values(data),
            }
            for data in datas
        ]
        ids = db.session.scalars(
            sa.insert(Inquiry).returning(Inquiry.id, sort_by_parameter_order=True), rows
        ).all()
        links = [
            {"inquiry_id": inquiry_id, "department_id": department_id}
            for inquiry_id, data in zip(ids, datas, strict=True)
            for department_id in data.department_ids
        ]
        if links:
            db.session.execute(sa.insert(inquiry_department), links)
        progress.advance(len(chunk))
    for entry in plan.replace:
        inquiry = db.session.get(Inquiry, entry.existing_id)
        inquiries.update_inquiry(inquiry, org, _merged(inquiries.data_of(inquiry), entry.record), actor=actor)
        progress.advance(1)
    db.session.flush()
    counts = plan.counts()
    record_import(KIND, prepared.filename, counts, organisation_id=org.id, user_id=user_id)
    return counts
