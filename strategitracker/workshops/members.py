"""The board for members of the organisation, logged in with their own account (/o/<slug>/workshops/<id>):
joining, adding and editing cards, placing and taking back dots.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import limiter
from ..permissions import Action, org_view
from ..services import ServiceError
from ..services import workshop as service
from .common import (
    ORG,
    PARTICIPANT_LIMIT,
    _add_card,
    _done,
    _edit_card,
    _member_links,
    _member_participant_of,
    _refused_on_board,
    _render_board,
    _vote,
    _workshop_or_404,
    bp,
    participant_key,
)


@bp.get(f"{ORG}/<int:workshop_id>")
@org_view(Action.VIEW)
def board(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    return _render_board(
        workshop, _member_links(workshop), service.member_participant(workshop, current_user)
    )


@bp.post(f"{ORG}/<int:workshop_id>/join")
@org_view(Action.VIEW)
def join(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    links = _member_links(workshop)
    try:
        service.join_as_member(workshop, current_user)
    except ServiceError as exc:
        return _refused_on_board(exc, workshop, links)
    return _done(links, _("You have joined the workshop."))


@bp.post(f"{ORG}/<int:workshop_id>/cards")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
@org_view(Action.VIEW)
def add_card(workshop_id: int):
    workshop = _workshop_or_404(workshop_id)
    return _add_card(workshop, _member_links(workshop), _member_participant_of(workshop))


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/edit")
@org_view(Action.VIEW)
def edit_card(workshop_id: int, card_id: int):
    workshop = _workshop_or_404(workshop_id)
    participant = service.member_participant(workshop, current_user)
    return _edit_card(workshop, _member_links(workshop), participant, card_id)


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/vote")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
@org_view(Action.VIEW)
def vote(workshop_id: int, card_id: int):
    workshop = _workshop_or_404(workshop_id)
    return _vote(workshop, _member_links(workshop), _member_participant_of(workshop), card_id, add=True)


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/unvote")
@limiter.limit(PARTICIPANT_LIMIT, key_func=participant_key)
@org_view(Action.VIEW)
def unvote(workshop_id: int, card_id: int):
    workshop = _workshop_or_404(workshop_id)
    return _vote(workshop, _member_links(workshop), _member_participant_of(workshop), card_id, add=False)
