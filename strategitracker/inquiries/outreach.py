"""The contact map (who has contact with businesses, per department and topic) and the outreach meetings.

Both hold names: reading needs Action.VIEW_INQUIRIES; keeping the map Action.MANAGE_CONTACT_MAP, logging
meetings Action.LOG_MEETING.
"""

from __future__ import annotations

from flask import g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..models import ContactMapEntry, OutreachMeeting
from ..permissions import Action, get_in_org_or_404, org_view
from ..services import inquiry as service
from ..view_helpers import submit
from . import bp
from .forms import ContactMapForm, MeetingForm


def _map_form(**kwargs) -> ContactMapForm:
    form = ContactMapForm(**kwargs)
    form.set_choices(service.org_departments(g.org), service.handlers(g.org))
    return form


def _map_page(form: ContactMapForm, status: int = 200):
    departments = service.org_departments(g.org)
    return render_template(
        "inquiries/contact_map.html", form=form, map=service.contact_map.contact_map(g.org, departments)
    ), status


@bp.get("/contact-map")
@org_view(Action.VIEW_INQUIRIES)
def contact_map():
    return _map_page(_map_form())


@bp.post("/contact-map")
@org_view(Action.MANAGE_CONTACT_MAP)
def set_contact():
    form = _map_form()
    if not form.validate_on_submit():
        return _map_page(form, 400)
    return submit(
        lambda: service.contact_map.set_entry(
            g.org, form.department_id.data, form.user_id.data, form.topics.data, actor=current_user
        ),
        form=form,
        success=lambda entry: _(
            "%(name)s is on the contact map for %(department)s.",
            name=entry.user.name or entry.user.email,
            department=entry.department.name,
        ),
        done=lambda _entry: redirect(url_for(".contact_map", slug=g.org.slug)),
        refused=lambda: _map_page(form, 400),
    )


@bp.post("/contact-map/<int:entry_id>/delete")
@org_view(Action.MANAGE_CONTACT_MAP)
def remove_contact(entry_id: int):
    entry = get_in_org_or_404(ContactMapEntry, entry_id)
    back = redirect(url_for(".contact_map", slug=g.org.slug))
    return submit(
        lambda: service.contact_map.remove_entry(entry, actor=current_user),
        success=_("The person is taken off the contact map for this department."),
        done=lambda _done: back,
        refused=lambda: back,
    )


def _meeting_form(**kwargs) -> MeetingForm:
    form = MeetingForm(**kwargs)
    form.set_choices(service.org_departments(g.org), service.handlers(g.org))
    return form


def _meeting_page(form: MeetingForm, meeting: OutreachMeeting | None, status: int):
    return render_template("inquiries/meeting_form.html", form=form, meeting=meeting), status


@bp.get("/meetings")
@org_view(Action.VIEW_INQUIRIES)
def meetings():
    return render_template("inquiries/meetings.html", meetings=service.meetings.meetings(g.org))


@bp.route("/meetings/new", methods=["GET", "POST"])
@org_view(Action.LOG_MEETING)
def new_meeting():
    form = _meeting_form(data={"participant_ids": [current_user.id]})
    if not form.validate_on_submit():
        return _meeting_page(form, None, 400 if form.is_submitted() else 200)
    return submit(
        lambda: service.meetings.log_meeting(g.org, form.data_for_service(), actor=current_user),
        form=form,
        success=lambda made: _("The meeting with %(name)s is logged.", name=made.company_name),
        done=lambda _made: redirect(url_for(".meetings", slug=g.org.slug)),
        refused=lambda: _meeting_page(form, None, 400),
    )


def _meeting_data(meeting: OutreachMeeting) -> dict:
    return {
        "held_on": meeting.held_on,
        "company_name": meeting.company_name,
        "cvr": meeting.cvr,
        "contact_name": meeting.contact_name,
        "contact_phone": meeting.contact_phone,
        "contact_email": meeting.contact_email,
        "topic": meeting.topic,
        "participant_ids": [u.id for u in meeting.participants],
        "department_ids": [d.id for d in meeting.departments],
        "notes": meeting.notes,
    }


@bp.route("/meetings/<int:meeting_id>", methods=["GET", "POST"])
@org_view(Action.LOG_MEETING)
def edit_meeting(meeting_id: int):
    meeting = get_in_org_or_404(OutreachMeeting, meeting_id)
    form = _meeting_form(data=_meeting_data(meeting))
    if not form.validate_on_submit():
        return _meeting_page(form, meeting, 400 if form.is_submitted() else 200)
    return submit(
        lambda: service.meetings.update_meeting(meeting, g.org, form.data_for_service(), actor=current_user),
        form=form,
        success=_("The meeting is saved."),
        done=lambda _saved: redirect(url_for(".meetings", slug=g.org.slug)),
        refused=lambda: _meeting_page(form, meeting, 400),
    )


@bp.post("/meetings/<int:meeting_id>/delete")
@org_view(Action.LOG_MEETING)
def delete_meeting(meeting_id: int):
    meeting = get_in_org_or_404(OutreachMeeting, meeting_id)
    back = redirect(url_for(".meetings", slug=g.org.slug))
    return submit(
        lambda: service.meetings.delete_meeting(meeting, actor=current_user),
        success=_("The meeting with %(name)s is deleted.", name=meeting.company_name),
        done=lambda _done: back,
        refused=lambda: back,
    )
