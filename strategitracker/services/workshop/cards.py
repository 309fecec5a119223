"""Workshop cards and dots: adding, editing, moving and merging cards, and dot voting.

The rules are in lifecycle.py's docstring. Every function flushes (never commits) and records an
audit event; a refused request raises ServiceError and changes nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import Phase, User, Workshop, WorkshopCard, WorkshopParticipant, WorkshopVote
from .. import ServiceError
from .rules import (
    CARD_TEXT_MAX,
    MERGE_SEPARATOR,
    card_text,
    check_column,
    record_workshop_event,
    refuse_if_closed,
    voting_problem,
)

# -- cards -------------------------------------------------------------------------------------------------


def add_card(
    workshop: Workshop, participant: WorkshopParticipant, *, column_key: str, text: str
) -> WorkshopCard:
    refuse_if_closed(workshop)
    if participant.workshop_id != workshop.id:
        raise ServiceError(_("You are not a participant of this workshop."))
    if workshop.phase != Phase.COLLECTING:
        raise ServiceError(_("New ideas can only be added while ideas are being collected."))
    card = WorkshopCard(
        workshop_id=workshop.id,
        author_id=participant.id,
        column_key=check_column(workshop, column_key),
        text=card_text(text),
    )
    db.session.add(card)
    db.session.flush()
    record_workshop_event(
        "workshop.card_add",
        "workshop_card",
        card.id,
        workshop,
        participant.user_id,
        after={"participant_id": participant.id, "column_key": card.column_key, "text": card.text},
    )
    return card


def check_visible(card: WorkshopCard, workshop: Workshop) -> None:
    if card.workshop_id != workshop.id:
        raise ServiceError(_("The card belongs to another workshop."))
    if card.merged_into_id is not None:
        raise ServiceError(_("The card has been merged into another card."))


def edit_card(card: WorkshopCard, participant: WorkshopParticipant, *, text: str) -> bool:
    workshop = card.workshop
    refuse_if_closed(workshop)
    check_visible(card, workshop)
    if card.author_id != participant.id:
        raise ServiceError(_("Only the person who wrote a card can change it."))
    if workshop.phase != Phase.COLLECTING:
        raise ServiceError(_("Cards can only be changed while ideas are being collected."))
    new_text = card_text(text)
    if new_text == card.text:
        return False
    before = {"text": card.text}
    card.text = new_text
    db.session.flush()
    record_workshop_event(
        "workshop.card_edit",
        "workshop_card",
        card.id,
        workshop,
        participant.user_id,
        before=before,
        after={"text": new_text},
    )
    return True


def move_card(card: WorkshopCard, column_key: str, *, actor: User) -> bool:
    workshop = card.workshop
    refuse_if_closed(workshop)
    check_visible(card, workshop)
    key = check_column(workshop, column_key)
    if key == card.column_key:
        return False
    before = {"column_key": card.column_key}
    card.column_key = key
    db.session.flush()
    record_workshop_event(
        "workshop.card_move",
        "workshop_card",
        card.id,
        workshop,
        actor.id,
        before=before,
        after={"column_key": key},
    )
    return True


def merge_cards(
    source: WorkshopCard, target: WorkshopCard, *, combine_text: bool, actor: User
) -> WorkshopCard:
    """Merge `source` (a duplicate) into `target`: source is hidden, its dots move to target."""
    workshop = target.workshop
    refuse_if_closed(workshop)
    if source.id == target.id:
        raise ServiceError(_("A card cannot be merged into itself."))
    if source.workshop_id != target.workshop_id:
        raise ServiceError(_("The card belongs to another workshop."))
    check_visible(source, workshop)
    check_visible(target, workshop)
    if source.converted_kind or target.converted_kind:
        raise ServiceError(_("A card that has become part of the plan cannot be merged."))
    before = {"text": target.text}
    if combine_text:
        combined = f"{target.text}{MERGE_SEPARATOR}{source.text}"
        if len(combined) > CARD_TEXT_MAX:
            raise ServiceError(
                _(
                    "Together the texts are longer than %(n)d characters. Merge without combining the texts, "
                    "or shorten a card first.",
                    n=CARD_TEXT_MAX,
                )
            )
        target.text = combined
    # Lock the votes of both cards, then move the duplicate's dots onto the kept card.
    votes = list(
        db.session.scalars(
            sa.select(WorkshopVote)
            .where(WorkshopVote.card_id.in_((source.id, target.id)))
            .order_by(WorkshopVote.id)
            .with_for_update()
        )
    )
    kept = {v.participant_id: v for v in votes if v.card_id == target.id}
    moved = 0
    for vote in votes:
        if vote.card_id != source.id:
            continue
        moved += vote.dots
        if vote.participant_id in kept:
            kept[vote.participant_id].dots += vote.dots
            db.session.delete(vote)
        else:
            vote.card_id = target.id
    # Cards merged into the duplicate earlier now point at the kept card.
    db.session.execute(
        sa.update(WorkshopCard)
        .where(WorkshopCard.merged_into_id == source.id)
        .values(merged_into_id=target.id)
        .execution_options(synchronize_session="fetch")
    )
    source.merged_into_id = target.id
    db.session.flush()
    record_workshop_event(
        "workshop.card_merge",
        "workshop_card",
        target.id,
        workshop,
        actor.id,
        before=before,
        after={"merged_card_id": source.id, "text": target.text, "dots_moved": moved},
    )
    return target


# -- votes -------------------------------------------------------------------------------------------------


def dots_used(participant: WorkshopParticipant) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(WorkshopVote.dots), 0)).where(
            WorkshopVote.participant_id == participant.id
        )
    )


def _lock(participant: WorkshopParticipant) -> None:
    """Serialise one participant's votes (PostgreSQL row lock; SQLite serialises writes anyway)."""
    db.session.execute(
        sa.select(WorkshopParticipant.id).where(WorkshopParticipant.id == participant.id).with_for_update()
    )


def _check_voting(card: WorkshopCard, participant: WorkshopParticipant) -> Workshop:
    workshop = card.workshop
    refuse_if_closed(workshop)
    if participant.workshop_id != workshop.id:
        raise ServiceError(_("You are not a participant of this workshop."))
    check_visible(card, workshop)
    if problem := voting_problem(workshop):
        raise ServiceError(problem)
    return workshop


def add_vote(card: WorkshopCard, participant: WorkshopParticipant) -> int:
    """Put one of the participant's dots on `card`; returns the participant's dots on it."""
    workshop = _check_voting(card, participant)
    _lock(participant)
    if dots_used(participant) >= workshop.dots_per_participant:
        raise ServiceError(
            _(
                "You have used all your %(n)d dots. Take one back to place it elsewhere.",
                n=workshop.dots_per_participant,
            )
        )
    vote = db.session.scalar(
        sa.select(WorkshopVote).where(
            WorkshopVote.card_id == card.id, WorkshopVote.participant_id == participant.id
        )
    )
    if vote is None:
        vote = WorkshopVote(card_id=card.id, participant_id=participant.id, dots=1)
        db.session.add(vote)
    else:
        vote.dots += 1
    db.session.flush()
    # Nobody may learn whose dots are where: the event says only that a dot came or went.
    record_workshop_event(
        "workshop.vote_add", "workshop_card", card.id, workshop, None, after={"change": 1}, anonymous=True
    )
    return vote.dots


def remove_vote(card: WorkshopCard, participant: WorkshopParticipant) -> int:
    """Take one dot back from `card`; returns the participant's dots left on it."""
    workshop = _check_voting(card, participant)
    _lock(participant)
    vote = db.session.scalar(
        sa.select(WorkshopVote).where(
            WorkshopVote.card_id == card.id, WorkshopVote.participant_id == participant.id
        )
    )
    if vote is None:
        raise ServiceError(_("You have no dots on this card."))
    vote.dots -= 1
    left = vote.dots
    if left == 0:
        db.session.delete(vote)
    db.session.flush()
    # Nobody may learn whose dots are where: the event says only that a dot came or went.
    record_workshop_event(
        "workshop.vote_remove", "workshop_card", card.id, workshop, None, after={"change": -1}, anonymous=True
    )
    return left


def card_total(card: WorkshopCard) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(WorkshopVote.dots), 0)).where(WorkshopVote.card_id == card.id)
    )
