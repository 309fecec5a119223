"""The board for guests without an account, through the join link (/w/<token>…): they give a display name and
take part with the participant kept in the Flask session. A closed or archived workshop, or a revoked link,
answers 410 with a message.
"""

from __future__ import annotations

from flask import (
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db, limiter
from ..models import Organisation, Workshop
from ..models import WorkshopParticipant as Participant
from ..permissions import role_in
from ..services import workshop as service
from ..view_helpers import submit
from . import bp
from .common import (
    GUEST,
    PARTICIPANT_LIMIT,
    fixed_participant,
    guest_links,
    guest_participant,
    guest_workshop,
    joined_guest,
    participant_key,
    remember_guest,
    render_board,
    submit_card,
    submit_card_edit,
    submit_vote,
)
from .forms import (
    JoinForm,
)

# -- the board, for guests (join link) ---------------------------------------------------------------------


def _member_of(workshop: Workshop) -> bool:
    if not current_user.is_authenticated:
        return False
    org = db.session.get(Organisation, workshop.organisation_id)
    return role_in(current_user, org) is not None


@bp.route(GUEST, methods=["GET", "POST"])
def guest_join(token: str):
    workshop = guest_workshop(token)
    if _member_of(workshop):  # members take part with their own account
        org = db.session.get(Organisation, workshop.organisation_id)
        flash(_("You are a member of %(org)s, so you take part with your own account.", org=org.name), "info")
        return redirect(url_for(".board", slug=org.slug, workshop_id=workshop.id))
    if guest_participant(workshop) is not None:
        return redirect(url_for(".guest_board", token=token))
    form = JoinForm()
    if form.validate_on_submit():
        return submit(
            lambda: service.join_as_guest(workshop, form.display_name.data),
            success=lambda participant: _("Welcome, %(name)s.", name=participant.display_name),
            done=lambda participant: _welcome(workshop, participant, token),
            refused=lambda: (_join_page(form, workshop), 400),
        )
    status = 400 if form.is_submitted() else 200
    return _join_page(form, workshop), status


def _join_page(form: JoinForm, workshop: Workshop) -> str:
    """The join page, with the organisation's privacy notice (a guest gives their name here)."""
    org = db.session.get(Organisation, workshop.organisation_id)
    return render_template("workshops/join.html", form=form, workshop=workshop, footer_org=org)


def _welcome(workshop: Workshop, participant: Participant, token: str):
    remember_guest(workshop, participant)
    return redirect(url_for(".guest_board", token=token))


@bp.get(f"{GUEST}/board")
def guest_board(token: str):
    workshop = guest_workshop(token)
    participant = guest_participant(workshop)
    if participant is None:
        return redirect(url_for(".guest_join", token=token))
    return render_board(workshop, guest_links(workshop, token), participant)


def _guest_participant_of(participant: Participant):
    return fixed_participant(participant)


@bp.post(f"{GUEST}/cards")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
def guest_add_card(token: str):
    workshop, participant = joined_guest(token)
    return submit_card(workshop, guest_links(workshop, token), _guest_participant_of(participant))


@bp.post(f"{GUEST}/cards/<int:card_id>/edit")
def guest_edit_card(token: str, card_id: int):
    workshop, participant = joined_guest(token)
    return submit_card_edit(workshop, guest_links(workshop, token), participant, card_id)


@bp.post(f"{GUEST}/cards/<int:card_id>/vote")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
def guest_vote(token: str, card_id: int):
    workshop, participant = joined_guest(token)
    links = guest_links(workshop, token)
    return submit_vote(workshop, links, _guest_participant_of(participant), card_id, add=True)


@bp.post(f"{GUEST}/cards/<int:card_id>/unvote")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
def guest_unvote(token: str, card_id: int):
    workshop, participant = joined_guest(token)
    links = guest_links(workshop, token)
    return submit_vote(workshop, links, _guest_participant_of(participant), card_id, add=False)
