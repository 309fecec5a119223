"""A facilitator sorting the board: moving a card to another column and merging a card into another."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields import SelectChoice

from ..extensions import db
from ..models import WorkshopCard
from ..permissions import Action, org_view
from ..services import ServiceError
from ..services import workshop as service
from .common import (
    ORG,
    _card_or_404,
    _done,
    _fixed,
    _member_links,
    _refused_on_board,
    _render_board,
    _workshop_or_404,
    bp,
)
from .forms import MergeCardForm, MoveCardForm


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/move")
@org_view(Action.RUN_WORKSHOP)
def move_card(workshop_id: int, card_id: int):
    workshop = _workshop_or_404(workshop_id)
    card = _card_or_404(workshop, card_id)
    links = _member_links(workshop)
    form = MoveCardForm()
    form.column_key.choices = [
        SelectChoice(c["key"], service.column_title(workshop, c)) for c in workshop.columns
    ]
    participant = service.member_participant(workshop, current_user)
    if not form.validate_on_submit():
        flash(_("Choose one of the board's columns."), "error")
        return _render_board(workshop, links, participant, status=400)
    try:
        moved = service.move_card(card, form.column_key.data, actor=current_user)
    except ServiceError as exc:
        return _refused_on_board(exc, workshop, links, _fixed(participant))
    return _done(links, _("The card has been moved.") if moved else None, anchor=f"card-{card.id}")


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/merge")
@org_view(Action.RUN_WORKSHOP)
def merge_card(workshop_id: int, card_id: int):
    workshop = _workshop_or_404(workshop_id)
    card = _card_or_404(workshop, card_id)
    links = _member_links(workshop)
    participant = service.member_participant(workshop, current_user)
    form = MergeCardForm()
    others = db.session.scalars(
        sa.select(WorkshopCard).where(
            WorkshopCard.workshop_id == workshop.id,
            WorkshopCard.merged_into_id.is_(None),
            WorkshopCard.id != card.id,
        )
    )
    form.into_id.choices = [SelectChoice(str(c.id), c.text[:60]) for c in others]
    if not form.validate_on_submit():
        flash(_("Choose the card to merge it into."), "error")
        return _render_board(workshop, links, participant, status=400)
    target = _card_or_404(workshop, form.into_id.data)
    try:
        service.merge_cards(card, target, combine_text=form.combine.data, actor=current_user)
    except ServiceError as exc:
        return _refused_on_board(exc, workshop, links, _fixed(participant))
    return _done(links, _("The cards have been merged."), anchor=f"card-{target.id}")
