"""/api/v1/inquiries: the business inquiry log, read and written through the log's own services and rules.

Reading needs the role that reads the log on the pages (Action.VIEW_INQUIRIES), writing a write token and
the role that logs inquiries (Action.LOG_INQUIRY). Whoever may read the log reads its contact persons too,
as the log's export gives them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import abort, g
from flask_babel import gettext as _
from marshmallow import RAISE

from ..extensions import db
from ..models import Inquiry
from ..permissions import Action, can
from ..services import inquiry as service
from ..services.inquiry import rules
from ..web.problems import problem
from . import EVERY, WRITES, bp, problems
from .auth import require
from .pages import page_of
from .routes import not_found, write
from .schemas import InquiryArgs, InquiryIn, InquiryPage, InquiryPatch, InquirySchema, NoArgs


def _may_read() -> None:
    if not can(Action.VIEW_INQUIRIES, g.role):
        abort(
            problem(403, _("Forbidden"), _("Your role in this organisation does not give access to the log."))
        )


def _filters(args: dict[str, Any]) -> service.LogFilter:
    return service.LogFilter(
        state=args.get("state"),
        department_id=args.get("department_id"),
        handler_id=args.get("handler_id"),
        start=args.get("received_from"),
        end=args.get("received_to"),
        updated_since=args.get("updated_since"),
    )


def as_dict(inquiry: Inquiry, now: datetime) -> dict[str, Any]:
    """The inquiry as the API gives it, with the 24-hour rule read the way the desk reads it."""
    names = ("id", "received_at", "channel", "company_name", "cvr", "topic", "handler_id", "first_answer_at")
    more = ("closed_at", "outcome", "notes", "contact_name", "contact_phone", "contact_email", "created_at")
    answered = inquiry.first_answer_at is not None
    return {
        **{name: getattr(inquiry, name) for name in (*names, *more, "updated_at")},
        "departments": [{"id": d.id, "name": d.name} for d in inquiry.departments],
        "handler_name": (inquiry.handler.name or inquiry.handler.email) if inquiry.handler else None,
        "answered_in_time": rules.answered_in_time(inquiry.received_at, inquiry.first_answer_at)
        if answered
        else None,
        "late": rules.is_late(inquiry.received_at, inquiry.first_answer_at, now),
        "anonymised": inquiry.anonymised_at is not None,
    }


def _one(inquiry_id: int) -> Inquiry:
    inquiry = db.session.scalar(
        service.inquiries_select(g.org, service.LogFilter()).where(Inquiry.id == inquiry_id)
    )
    if inquiry is None:
        not_found()
    return inquiry


@bp.route("/inquiries", methods=["GET"])
@bp.etag
@bp.arguments(InquiryArgs, location="query", unknown=RAISE)
@bp.response(200, InquiryPage)
@problems(*EVERY, 403)
def inquiries(args: dict[str, Any]):
    """The inquiry log, newest first, with the list's filters (needs the role that reads the log)."""
    _may_read()
    now = datetime.now(UTC)
    items, meta = page_of(service.inquiries_select(g.org, _filters(args), now=now), args)
    return {"items": [as_dict(item, now) for item in items], "meta": meta}


@bp.route("/inquiries/<int:inquiry_id>", methods=["GET"])
@bp.etag
@bp.arguments(NoArgs, location="query", unknown=RAISE)
@bp.response(200, InquirySchema)
@problems(*EVERY, 403, 404)
def inquiry(_args: dict[str, Any], inquiry_id: int):
    _may_read()
    return as_dict(_one(inquiry_id), datetime.now(UTC))


@bp.route("/inquiries", methods=["POST"])
@bp.arguments(InquiryIn)
@bp.arguments(NoArgs, location="query", unknown=RAISE)
@bp.response(201, InquirySchema)
@problems(*WRITES)
def create_inquiry(data: dict[str, Any], _query: dict[str, Any]):
    """Log an inquiry, checked as on the log's form (a CVR number's digits, times that are not in the
    future and come in order, an outcome before closing)."""
    require(Action.LOG_INQUIRY)
    made = write(lambda: service.log_inquiry(g.org, service.InquiryData(**data), actor=g.api_user))
    return as_dict(made, datetime.now(UTC))


@bp.route("/inquiries/<int:inquiry_id>", methods=["PATCH"])
@bp.arguments(InquiryPatch)
@bp.arguments(NoArgs, location="query", unknown=RAISE)
@bp.response(200, InquirySchema)
@problems(*WRITES, 404)
def update_inquiry(data: dict[str, Any], _query: dict[str, Any], inquiry_id: int):
    """Change some of an inquiry's fields: record the first answer, close it with an outcome, correct it.
    The fields left out keep their value; the whole inquiry is checked again as on the form."""
    require(Action.LOG_INQUIRY)
    found = _one(inquiry_id)
    merged = {**vars(service.data_of(found)), **data}
    saved = write(
        lambda: service.update_inquiry(found, g.org, service.InquiryData(**merged), actor=g.api_user)
    )
    return as_dict(saved, datetime.now(UTC))
