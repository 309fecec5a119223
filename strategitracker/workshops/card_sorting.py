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
from ..services import workshop as service
from . import bp
from .common import (
    ORG,
    card_or_404,
    fixed_participant,
    member_links,
    on_board,
    render_board,
    workshop_or_404,
)
from .forms import MergeCardForm, MoveCardForm


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/move")
@org_view(Action.RUN_WORKSHOP)
def move_card(workshop_id: int, card_id: int):
    workshop = workshop_or_404(workshop_id)
    card = card_or_404(workshop, card_id)
    links = member_links(workshop)
    form = MoveCardForm()
    form.column_key.choices = [
        SelectChoice(c["key"], service.column_title(workshop, c)) for c in workshop.columns
    ]
    participant = service.member_participant(workshop, current_user)
    if not form.validate_on_submit():
        flash(_("Choose one of the board's columns."), "error")
        return render_board(workshop, links, participant, status=400)
    return on_board(
        lambda: service.move_card(card, form.column_key.data, actor=current_user),
        workshop,
        links,
        fixed_participant(participant),
        success=lambda moved: _("The card has been moved.") if moved else None,
        anchor=f"card-{card.id}",
    )


@bp.post(f"{ORG}/<int:workshop_id>/cards/<int:card_id>/merge")
@org_view(Action.RUN_WORKSHOP)
def merge_card(workshop_id: int, card_id: int):
    workshop = workshop_or_404(workshop_id)
    card = card_or_404(workshop, card_id)
    links = member_links(workshop)
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
        return render_board(workshop, links, participant, status=400)
    target = card_or_404(workshop, form.into_id.data)
    return on_board(
        lambda: service.merge_cards(card, target, combine_text=form.combine.data, actor=current_user),
        workshop,
        links,
        fixed_participant(participant),
        success=_("The cards have been merged."),
        anchor=f"card-{target.id}",
    )
