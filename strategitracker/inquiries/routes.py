"""The inquiry log's pages: the list with filters, the desk of unanswered inquiries, quick entry, editing and
the desk's one-click "answered".

Reading the log needs Action.VIEW_INQUIRIES, writing it Action.LOG_INQUIRY: it holds contact persons.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

from flask import g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..models import Inquiry
from ..permissions import Action, get_in_org_or_404, org_view
from ..services import inquiry as service
from ..view_helpers import submit
from . import bp
from .forms import CHANNELS, OUTCOMES, FilterForm, InquiryForm, local_now, to_local


def _labels() -> dict:
    return {"channels": dict(CHANNELS), "outcomes": dict(OUTCOMES), "to_local": to_local, "rules": service}


@bp.get("/")
@org_view(Action.VIEW_INQUIRIES)
def index():
    form = FilterForm(formdata=request.args)
    form.set_choices(service.org_departments(g.org), service.handlers(g.org))
    now = datetime.now(UTC)
    rows = service.inquiries(g.org, form.filters(), now=now)
    return render_template("inquiries/index.html", form=form, inquiries=rows, now=now, **_labels())


@bp.get("/export")
@org_view(Action.VIEW_INQUIRIES)
def export():
    """The filtered list as .xlsx or .csv; it holds contact persons, so it needs the log's rights."""
    form = FilterForm(formdata=request.args)
    form.set_choices(service.org_departments(g.org), service.handlers(g.org))
    file_format = "csv" if request.args.get("format") == "csv" else "xlsx"
    content, mimetype, filename = service.export_file(g.org, form.filters(), _labels(), file_format)
    response = send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/desk")
@org_view(Action.VIEW_INQUIRIES)
def desk():
    now = datetime.now(UTC)
    return render_template("inquiries/desk.html", inquiries=service.desk(g.org), now=now, **_labels())


def _form(**kwargs) -> InquiryForm:
    """The inquiry form; its handlers list the people on the contact map first."""
    form = InquiryForm(**kwargs)
    form.set_choices(
        service.org_departments(g.org), service.handlers(g.org), service.contact_map.routes(g.org)
    )
    return form


def _form_page(form: InquiryForm, inquiry: Inquiry | None, status: int):
    return render_template(
        "inquiries/form.html",
        form=form,
        inquiry=inquiry,
        map_topics=service.contact_map.topics(g.org),
        **_labels(),
    ), status


@bp.route("/new", methods=["GET", "POST"])
@org_view(Action.LOG_INQUIRY)
def new():
    form = _form(data={"received_at": local_now(), "channel": "phone"})

    def page(status: int = 200):
        return _form_page(form, None, status)

    if not form.validate_on_submit():
        return page(400 if form.is_submitted() else 200)
    return submit(
        lambda: service.log_inquiry(g.org, form.data_for_service(), actor=current_user),
        form=form,
        success=lambda made: _("The inquiry from %(name)s is logged.", name=made.company_name),
        done=lambda _made: redirect(url_for(".desk", slug=g.org.slug)),
        refused=lambda: page(400),
    )


def _edit_data(inquiry: Inquiry) -> dict:
    return {
        "company_name": inquiry.company_name,
        "cvr": inquiry.cvr,
        "contact_name": inquiry.contact_name,
        "contact_phone": inquiry.contact_phone,
        "contact_email": inquiry.contact_email,
        "topic": inquiry.topic,
        "department_ids": [d.id for d in inquiry.departments],
        "handler_id": inquiry.handler_id,
        "channel": inquiry.channel,
        "received_at": to_local(inquiry.received_at),
        "first_answer_at": to_local(inquiry.first_answer_at),
        "closed_at": to_local(inquiry.closed_at),
        "outcome": inquiry.outcome or "",
        "notes": inquiry.notes,
    }


@bp.route("/<int:inquiry_id>", methods=["GET", "POST"])
@org_view(Action.LOG_INQUIRY)
def edit(inquiry_id: int):
    inquiry = get_in_org_or_404(Inquiry, inquiry_id)
    form = _form(data=_edit_data(inquiry))

    def page(status: int = 200):
        return _form_page(form, inquiry, status)

    if not form.validate_on_submit():
        return page(400 if form.is_submitted() else 200)
    return submit(
        lambda: service.update_inquiry(inquiry, g.org, form.data_for_service(), actor=current_user),
        form=form,
        success=_("The inquiry is saved."),
        done=lambda _saved: redirect(url_for(".index", slug=g.org.slug)),
        refused=lambda: page(400),
    )


@bp.post("/<int:inquiry_id>/answer")
@org_view(Action.LOG_INQUIRY)
def answer(inquiry_id: int):
    inquiry = get_in_org_or_404(Inquiry, inquiry_id)
    back = redirect(url_for(".desk", slug=g.org.slug))
    return submit(
        lambda: service.answer_now(inquiry, actor=current_user),
        success=lambda done: _("The inquiry from %(name)s is answered.", name=done.company_name),
        done=lambda _done: back,
        refused=lambda: back,
    )
