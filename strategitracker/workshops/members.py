"""The board for members of the organisation, logged in with their own account (/o/<slug>/workshops/<id>):
joining, adding and editing cards, placing and taking back dots.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import limiter
from ..permissions import Action, org_view
from ..services import workshop as service
from . import bp
from .common import (
    ORG,
    PARTICIPANT_LIMIT,
    member_links,
    member_participant_of,
    on_board,
    participant_key,
    render_board,
    submit_card,
    submit_card_edit,
    submit_vote,
    workshop_or_404,
)


@bp.get(f"{ORG}/<int:workshop_id>")
@org_view(Action.VIEW)
def board(workshop_id: int):
    workshop = workshop_or_404(workshop_id)
    return render_board(workshop, member_links(workshop), service.member_participant(workshop, current_user))


@bp.post(f"{ORG}/<int:workshop_id>/join")
@org_view(Action.VIEW)
def join(workshop_id: int):
    workshop = workshop_or_404(workshop_id)
    links = member_links(workshop)
    return on_board(
        lambda: service.join_as_member(workshop, current_user),
        workshop,
        links,
        success=_("You have joined the workshop."),
    )


@bp.post(f"{ORG}/<int:workshop_id>/cards")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
@org_view(Action.VIEW)
def add_card(workshop_id: int):
    workshop = workshop_or_404(workshop_id)
    return submit_card(workshop, member_links(workshop), member_participant_of(workshop))


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/edit")
@org_view(Action.VIEW)
def edit_card(workshop_id: int, card_id: int):
    workshop = workshop_or_404(workshop_id)
    participant = service.member_participant(workshop, current_user)
    return submit_card_edit(workshop, member_links(workshop), participant, card_id)


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/vote")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
@org_view(Action.VIEW)
def vote(workshop_id: int, card_id: int):
    workshop = workshop_or_404(workshop_id)
    return submit_vote(workshop, member_links(workshop), member_participant_of(workshop), card_id, add=True)


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/unvote")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
@org_view(Action.VIEW)
def unvote(workshop_id: int, card_id: int):
    workshop = workshop_or_404(workshop_id)
    return submit_vote(workshop, member_links(workshop), member_participant_of(workshop), card_id, add=False)
