"""Strategy workshops: a board of idea cards in columns, dot voting, and cards turned into the plan.

Rules chosen here (docs/workshops.md explains them to users; tests/test_workshops_service.py checks them):

- Phases run collecting → voting → closed. The facilitator may go back from voting to collecting (to take in a
  forgotten idea); dots already placed stay and count again when voting reopens. Closed is final, and closing
  reveals the results.
- Cards are added, and edited by their author only, while collecting. The facilitator moves cards between
  columns and merges duplicates while the workshop is not closed; cards are never deleted.
- Merging card B into card A hides B (merged_into_id = A) and moves B's dots to A: a participant who had dots
  on both keeps the sum on A, so nobody's number of dots changes. A's text is kept, or A and B's texts
  combined.
- Each participant has `dots_per_participant` dots, may put several on one card and take them back, all only
  while voting. The number of dots can be changed while collecting only.
- Votes are anonymous: a participant's own dots are theirs to see; totals are shown to everyone once the
  facilitator reveals the results. Nobody else's dots are ever shown per person.
- A join link (a long random token) gives a guest this workshop's board until the workshop is closed or the
  link is revoked; a new link replaces the old one. Organisation members join with their own account.
- Turning a card into a goal, action plan or KPI uses the ordinary services (same validation and audit
  events), then records the provenance: the new item's `source_card_id`, and the card's converted_kind,
  converted_id and the dots it had (`votes_at_conversion`). A card is turned into at most one item.

Every function flushes (never commits) and records an audit event; a refused request raises ServiceError and
changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import (
    KPI,
    ActionPlan,
    ConvertedKind,
    Goal,
    Layout,
    Organisation,
    Phase,
    Strategy,
    User,
    Workshop,
    WorkshopCard,
    WorkshopParticipant,
    WorkshopVote,
)
from ..models._types import utcnow
from . import ServiceError, audit
from .action_plans import ActionPlanFields, create_action_plan
from .kpis import KPIData, create_kpi
from .strategies import create_goal

TITLE_MAX = 300
CARD_TEXT_MAX = 500
DISPLAY_NAME_MAX = 80
COLUMN_TITLE_MAX = 60
FREE_COLUMNS_MIN, FREE_COLUMNS_MAX = 1, 8
DOTS_MIN, DOTS_MAX = 1, 50
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters

# The fixed layouts: column keys with their (English msgid) titles, translated when shown.
FIXED_COLUMNS: dict[str, list[tuple[str, Any]]] = {
    Layout.SWOT: [
        ("strengths", _l("Strengths")),
        ("weaknesses", _l("Weaknesses")),
        ("opportunities", _l("Opportunities")),
        ("threats", _l("Threats")),
    ],
    Layout.PLAN: [
        ("goals", _l("Goals")),
        ("action_plans", _l("Action plans")),
        ("kpis", _l("KPIs")),
    ],
}
FIXED_TITLES = {key: title for columns in FIXED_COLUMNS.values() for key, title in columns}

PHASE_LABELS = {
    Phase.COLLECTING: _l("Collecting ideas"),
    Phase.VOTING: _l("Voting"),
    Phase.CLOSED: _l("Closed"),
}
LAYOUT_LABELS = {
    Layout.SWOT: _l("SWOT (strengths, weaknesses, opportunities, threats)"),
    Layout.PLAN: _l("Goals, action plans and KPIs"),
    Layout.FREE: _l("Free columns"),
}
KIND_LABELS = {
    ConvertedKind.GOAL: _l("Goal"),
    ConvertedKind.ACTION_PLAN: _l("Action plan"),
    ConvertedKind.KPI: _l("KPI"),
}
NEXT_PHASE = {Phase.COLLECTING: Phase.VOTING, Phase.VOTING: Phase.CLOSED}


# -- helpers -----------------------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _state(workshop: Workshop) -> dict[str, Any]:
    return {
        "title": workshop.title,
        "held_on": _jsonable(workshop.held_on),
        "strategy_id": workshop.strategy_id,
        "dots_per_participant": workshop.dots_per_participant,
    }


def _record(
    action: str,
    entity_type: str,
    entity_id: int | None,
    workshop: Workshop,
    user_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        action,
        entity_type,
        entity_id,
        organisation_id=workshop.organisation_id,
        user_id=user_id,
        before=before,
        after={"workshop_id": workshop.id, **(after or {})},
    )


def _clean_text(value: str | None, *, empty: str, too_long: str, maximum: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ServiceError(empty)
    if len(text) > maximum:
        raise ServiceError(too_long)
    return text


def _card_text(value: str | None) -> str:
    return _clean_text(
        value,
        empty=_("Write something on the card."),
        too_long=_("A card can hold at most %(n)d characters.", n=CARD_TEXT_MAX),
        maximum=CARD_TEXT_MAX,
    )


def _check_dots(value: int | None) -> int:
    if value is None or not DOTS_MIN <= value <= DOTS_MAX:
        raise ServiceError(_("The number of dots must be from %(lo)d to %(hi)d.", lo=DOTS_MIN, hi=DOTS_MAX))
    return value


def _check_strategy(org_id: int, strategy: Strategy | None) -> None:
    if strategy is not None and strategy.organisation_id != org_id:
        raise ServiceError(_("Choose one of the organisation's strategies."))


def is_closed(workshop: Workshop) -> bool:
    return workshop.phase == Phase.CLOSED or workshop.archived_at is not None


def _refuse_if_closed(workshop: Workshop) -> None:
    if workshop.archived_at is not None:
        raise ServiceError(_("The workshop is archived."))
    if workshop.phase == Phase.CLOSED:
        raise ServiceError(_("The workshop is closed."))


def parse_free_columns(text: str | None) -> list[str]:
    """The facilitator's column names, one per line (blank lines ignored)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def free_columns_problem(names: list[str]) -> str | None:
    if not FREE_COLUMNS_MIN <= len(names) <= FREE_COLUMNS_MAX:
        return _(
            "Give from %(lo)d to %(hi)d column names, one per line.", lo=FREE_COLUMNS_MIN, hi=FREE_COLUMNS_MAX
        )
    if any(len(name) > COLUMN_TITLE_MAX for name in names):
        return _("A column name may be at most %(n)d characters.", n=COLUMN_TITLE_MAX)
    if len({name.casefold() for name in names}) != len(names):
        return _("Each column needs a different name.")
    return None


def layout_columns(layout: str, free_names: list[str] | None = None) -> list[dict[str, str]]:
    """The board's columns for a layout: fixed keys and titles, or the facilitator's names as c1…c8."""
    if layout in FIXED_COLUMNS:
        return [{"key": key, "title": str(title)} for key, title in FIXED_COLUMNS[Layout(layout)]]
    if layout != Layout.FREE:
        raise ServiceError(_("Choose a board layout."))
    names = free_names or []
    problem = free_columns_problem(names)
    if problem:
        raise ServiceError(problem)
    return [{"key": f"c{n}", "title": name} for n, name in enumerate(names, start=1)]


def column_title(workshop: Workshop, column: dict[str, str]) -> str:
    """A column's title in the reader's language (fixed layouts), or as the facilitator typed it."""
    if workshop.layout != Layout.FREE and column["key"] in FIXED_TITLES:
        return str(FIXED_TITLES[column["key"]])
    return column["title"]


def column_keys(workshop: Workshop) -> list[str]:
    return [column["key"] for column in workshop.columns]


def _check_column(workshop: Workshop, key: str | None) -> str:
    if key not in column_keys(workshop):
        raise ServiceError(_("Choose one of the board's columns."))
    return key


# -- workshops ---------------------------------------------------------------------------------------------


def create_workshop(
    org: Organisation,
    *,
    title: str,
    held_on: date,
    layout: str,
    free_columns: list[str] | None = None,
    strategy: Strategy | None = None,
    dots_per_participant: int = 5,
    actor: User,
) -> Workshop:
    title = _clean_text(
        title,
        empty=_("The workshop needs a title."),
        too_long=_("The title may be at most %(n)d characters.", n=TITLE_MAX),
        maximum=TITLE_MAX,
    )
    if held_on is None:
        raise ServiceError(_("Enter the date of the workshop."))
    _check_strategy(org.id, strategy)
    columns = layout_columns(layout, free_columns)
    workshop = Workshop(
        organisation_id=org.id,
        strategy_id=strategy.id if strategy else None,
        facilitator_id=actor.id,
        title=title,
        held_on=held_on,
        layout=layout,
        columns=columns,
        phase=Phase.COLLECTING,
        dots_per_participant=_check_dots(dots_per_participant),
        results_revealed=False,
        join_token=new_token(),
    )
    db.session.add(workshop)
    db.session.flush()
    _record(
        "workshop.create",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        after={**_state(workshop), "layout": layout, "columns": [c["title"] for c in columns]},
    )
    return workshop


def update_workshop(
    workshop: Workshop,
    *,
    title: str,
    held_on: date,
    strategy: Strategy | None,
    dots_per_participant: int,
    actor: User,
) -> bool:
    """Change title, date, strategy and (while collecting) the number of dots; False when nothing changed."""
    if workshop.archived_at is not None:
        raise ServiceError(_("The workshop is archived."))
    title = _clean_text(
        title,
        empty=_("The workshop needs a title."),
        too_long=_("The title may be at most %(n)d characters.", n=TITLE_MAX),
        maximum=TITLE_MAX,
    )
    if held_on is None:
        raise ServiceError(_("Enter the date of the workshop."))
    _check_strategy(workshop.organisation_id, strategy)
    dots = _check_dots(dots_per_participant)
    if dots != workshop.dots_per_participant and workshop.phase != Phase.COLLECTING:
        raise ServiceError(_("The number of dots can only be changed while ideas are being collected."))
    before = _state(workshop)
    workshop.title = title
    workshop.held_on = held_on
    workshop.strategy_id = strategy.id if strategy else None
    workshop.dots_per_participant = dots
    after = _state(workshop)
    changed = {k: v for k, v in after.items() if before[k] != v}
    if not changed:
        return False
    db.session.flush()
    _record(
        "workshop.update",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        before={k: before[k] for k in changed},
        after=changed,
    )
    return True


def set_archived(workshop: Workshop, archived: bool, *, actor: User) -> bool:
    if (workshop.archived_at is not None) == archived:
        return False
    before = {"archived_at": _jsonable(workshop.archived_at)}
    workshop.archived_at = utcnow() if archived else None
    db.session.flush()
    _record(
        f"workshop.{'archive' if archived else 'restore'}",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        before=before,
        after={"archived_at": _jsonable(workshop.archived_at)},
    )
    return True


def _set_phase(workshop: Workshop, new_phase: Phase, actor: User) -> None:
    before = {"phase": workshop.phase, "results_revealed": workshop.results_revealed}
    workshop.phase = new_phase
    if new_phase == Phase.CLOSED:
        workshop.results_revealed = True
    db.session.flush()
    _record(
        "workshop.phase",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        before=before,
        after={"phase": workshop.phase, "results_revealed": workshop.results_revealed},
    )


def next_phase(workshop: Workshop, *, actor: User) -> str:
    """collecting → voting → closed; returns the new phase."""
    if workshop.archived_at is not None:
        raise ServiceError(_("The workshop is archived."))
    target = NEXT_PHASE.get(Phase(workshop.phase))
    if target is None:
        raise ServiceError(_("The workshop is closed; it cannot be opened again."))
    _set_phase(workshop, target, actor)
    return workshop.phase


def previous_phase(workshop: Workshop, *, actor: User) -> str:
    """voting → collecting (the dots placed so far are kept); nothing else goes back."""
    if workshop.archived_at is not None:
        raise ServiceError(_("The workshop is archived."))
    if workshop.phase != Phase.VOTING:
        raise ServiceError(_("Only voting can go back to collecting ideas."))
    _set_phase(workshop, Phase.COLLECTING, actor)
    return workshop.phase


def set_results_revealed(workshop: Workshop, revealed: bool, *, actor: User) -> bool:
    """Show or hide the dot totals; results exist from the voting phase on. False when already so."""
    if workshop.archived_at is not None:
        raise ServiceError(_("The workshop is archived."))
    if revealed and workshop.phase == Phase.COLLECTING:
        raise ServiceError(_("There are no results to show before voting."))
    if workshop.results_revealed == revealed:
        return False
    workshop.results_revealed = revealed
    db.session.flush()
    _record(
        "workshop.results_reveal" if revealed else "workshop.results_hide",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        before={"results_revealed": not revealed},
        after={"results_revealed": revealed},
    )
    return True


# -- the join link -----------------------------------------------------------------------------------------


def link_is_active(workshop: Workshop) -> bool:
    return workshop.token_revoked_at is None and not is_closed(workshop)


def revoke_link(workshop: Workshop, *, actor: User) -> bool:
    if workshop.token_revoked_at is not None:
        return False
    workshop.token_revoked_at = utcnow()
    db.session.flush()
    _record(
        "workshop.link_revoke",
        "workshop",
        workshop.id,
        workshop,
        actor.id,
        after={"token_revoked_at": _jsonable(workshop.token_revoked_at)},
    )
    return True


def new_link(workshop: Workshop, *, actor: User) -> None:
    """A new join token; the old link stops working at once."""
    _refuse_if_closed(workshop)
    workshop.join_token = new_token()
    workshop.token_revoked_at = None
    db.session.flush()
    # The token itself is a secret: the audit trail records only that it changed.
    _record("workshop.link_new", "workshop", workshop.id, workshop, actor.id, after={"new_link": True})


def workshop_by_token(token: str) -> Workshop | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(sa.select(Workshop).where(Workshop.join_token == token))


def token_problem(workshop: Workshop | None) -> tuple[int, str] | None:
    """Why a join link cannot be used now: (HTTP status, message), or None when it can."""
    if workshop is None:
        return 404, _(
            "This join link is not valid. Check the address, or ask the facilitator for a new link."
        )
    if workshop.archived_at is not None or workshop.phase == Phase.CLOSED:
        return 410, _("This workshop has ended, so its join link no longer works. Thank you for taking part.")
    if workshop.token_revoked_at is not None:
        return 410, _("The facilitator has withdrawn this join link. Ask the facilitator for a new link.")
    return None


# -- participants ------------------------------------------------------------------------------------------


def join_as_guest(workshop: Workshop, display_name: str) -> WorkshopParticipant:
    problem = token_problem(workshop)
    if problem:
        raise ServiceError(problem[1])
    name = _clean_text(
        display_name,
        empty=_("Enter the name the others will know you by."),
        too_long=_("The name may be at most %(n)d characters.", n=DISPLAY_NAME_MAX),
        maximum=DISPLAY_NAME_MAX,
    )
    participant = WorkshopParticipant(workshop_id=workshop.id, display_name=name)
    db.session.add(participant)
    db.session.flush()
    _record(
        "workshop.join",
        "workshop_participant",
        participant.id,
        workshop,
        None,
        after={"display_name": name, "guest": True},
    )
    return participant


def member_participant(workshop: Workshop, user: User) -> WorkshopParticipant | None:
    return db.session.scalar(
        sa.select(WorkshopParticipant).where(
            WorkshopParticipant.workshop_id == workshop.id, WorkshopParticipant.user_id == user.id
        )
    )


def join_as_member(workshop: Workshop, user: User) -> WorkshopParticipant:
    """The member's participant row on this board, made on first use."""
    existing = member_participant(workshop, user)
    if existing is not None:
        return existing
    _refuse_if_closed(workshop)
    name = (user.name or user.email).strip()[:DISPLAY_NAME_MAX] or user.email[:DISPLAY_NAME_MAX]
    participant = WorkshopParticipant(workshop_id=workshop.id, user_id=user.id, display_name=name)
    try:
        with db.session.begin_nested():
            db.session.add(participant)
            db.session.flush()
    except sa.exc.IntegrityError:  # joined at the same moment in another request
        existing = member_participant(workshop, user)
        if existing is None:
            raise
        return existing
    _record(
        "workshop.join",
        "workshop_participant",
        participant.id,
        workshop,
        user.id,
        after={"display_name": name, "guest": False},
    )
    return participant


# -- cards -------------------------------------------------------------------------------------------------


def add_card(
    workshop: Workshop, participant: WorkshopParticipant, *, column_key: str, text: str
) -> WorkshopCard:
    _refuse_if_closed(workshop)
    if participant.workshop_id != workshop.id:
        raise ServiceError(_("You are not a participant of this workshop."))
    if workshop.phase != Phase.COLLECTING:
        raise ServiceError(_("New ideas can only be added while ideas are being collected."))
    card = WorkshopCard(
        workshop_id=workshop.id,
        author_id=participant.id,
        column_key=_check_column(workshop, column_key),
        text=_card_text(text),
    )
    db.session.add(card)
    db.session.flush()
    _record(
        "workshop.card_add",
        "workshop_card",
        card.id,
        workshop,
        participant.user_id,
        after={"participant_id": participant.id, "column_key": card.column_key, "text": card.text},
    )
    return card


def _check_visible(card: WorkshopCard, workshop: Workshop) -> None:
    if card.workshop_id != workshop.id:
        raise ServiceError(_("The card belongs to another workshop."))
    if card.merged_into_id is not None:
        raise ServiceError(_("The card has been merged into another card."))


def edit_card(card: WorkshopCard, participant: WorkshopParticipant, *, text: str) -> bool:
    workshop = card.workshop
    _refuse_if_closed(workshop)
    _check_visible(card, workshop)
    if card.author_id != participant.id:
        raise ServiceError(_("Only the person who wrote a card can change it."))
    if workshop.phase != Phase.COLLECTING:
        raise ServiceError(_("Cards can only be changed while ideas are being collected."))
    new_text = _card_text(text)
    if new_text == card.text:
        return False
    before = {"text": card.text}
    card.text = new_text
    db.session.flush()
    _record(
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
    _refuse_if_closed(workshop)
    _check_visible(card, workshop)
    key = _check_column(workshop, column_key)
    if key == card.column_key:
        return False
    before = {"column_key": card.column_key}
    card.column_key = key
    db.session.flush()
    _record(
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
    _refuse_if_closed(workshop)
    if source.id == target.id:
        raise ServiceError(_("A card cannot be merged into itself."))
    if source.workshop_id != target.workshop_id:
        raise ServiceError(_("The card belongs to another workshop."))
    _check_visible(source, workshop)
    _check_visible(target, workshop)
    if source.converted_kind or target.converted_kind:
        raise ServiceError(_("A card that has become part of the plan cannot be merged."))
    before = {"text": target.text}
    if combine_text:
        combined = f"{target.text}\n{source.text}"
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
    _record(
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
    _refuse_if_closed(workshop)
    if participant.workshop_id != workshop.id:
        raise ServiceError(_("You are not a participant of this workshop."))
    _check_visible(card, workshop)
    if workshop.phase != Phase.VOTING:
        raise ServiceError(_("Dots can only be placed or taken back while voting is open."))
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
    _record(
        "workshop.vote_add",
        "workshop_card",
        card.id,
        workshop,
        participant.user_id,
        after={"participant_id": participant.id, "dots": vote.dots},
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
    _record(
        "workshop.vote_remove",
        "workshop_card",
        card.id,
        workshop,
        participant.user_id,
        after={"participant_id": participant.id, "dots": left},
    )
    return left


def card_total(card: WorkshopCard) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(WorkshopVote.dots), 0)).where(WorkshopVote.card_id == card.id)
    )


# -- turning cards into the plan ---------------------------------------------------------------------------


@dataclass
class Conversion:
    """What the facilitator fills in when turning a card into a goal, an action plan or a KPI."""

    title: str
    description: str = ""
    strategy: Strategy | None = None  # for a goal
    goal: Goal | None = None  # for an action plan or a KPI
    due_date: date | None = None  # action plan
    unit: str = ""  # KPI


def _check_convertible(card: WorkshopCard) -> Workshop:
    workshop = card.workshop
    if workshop.archived_at is not None:
        raise ServiceError(_("The workshop is archived."))
    _check_visible(card, workshop)
    if card.converted_kind is not None:
        raise ServiceError(_("This card has already been turned into part of the plan."))
    return workshop


def _set_source(item: Goal | ActionPlan | KPI, card: WorkshopCard) -> None:
    """Record where the item came from without counting it as an edit (an action plan's version stays 1)."""
    table = type(item).__table__
    db.session.execute(sa.update(table).where(table.c.id == item.id).values(source_card_id=card.id))
    set_committed_value(item, "source_card_id", card.id)


def convert_card(
    card: WorkshopCard, kind: str, data: Conversion, *, actor: User, today: date
) -> Goal | ActionPlan | KPI:
    """Create the goal, action plan or KPI through its own service, then link it and the card both ways."""
    workshop = _check_convertible(card)
    org_id = workshop.organisation_id
    if kind == ConvertedKind.GOAL:
        if data.strategy is None or data.strategy.organisation_id != org_id:
            raise ServiceError(_("Choose the strategy the goal belongs to."))
        item = create_goal(data.strategy, title=data.title, description=data.description, actor=actor)
    elif kind in (ConvertedKind.ACTION_PLAN, ConvertedKind.KPI):
        if data.goal is None or data.goal.organisation_id != org_id:
            raise ServiceError(_("Choose the goal it belongs to."))
        if data.goal.archived_at is not None or data.goal.strategy.archived_at is not None:
            raise ServiceError(_("The goal is archived. Choose another goal."))
        if kind == ConvertedKind.ACTION_PLAN:
            fields = ActionPlanFields(title=data.title, description=data.description, due_date=data.due_date)
            item = create_action_plan(data.goal, fields, actor=actor, today=today)
        else:
            item = create_kpi(
                data.goal, KPIData(name=data.title, description=data.description, unit=data.unit), actor=actor
            )
    else:
        raise ServiceError(_("Choose what the card should become."))
    _set_source(item, card)
    card.converted_kind = ConvertedKind(kind).value
    card.converted_id = item.id
    card.votes_at_conversion = card_total(card)
    db.session.flush()
    _record(
        "workshop.card_convert",
        "workshop_card",
        card.id,
        workshop,
        actor.id,
        after={"kind": card.converted_kind, "item_id": item.id, "votes": card.votes_at_conversion},
    )
    return item


def provenance(item: Any) -> tuple[WorkshopCard, Workshop] | None:
    """The card (and its workshop) a goal, action plan or KPI was made from: one query, or none."""
    card_id = getattr(item, "source_card_id", None)
    if card_id is None:
        return None
    row = db.session.execute(
        sa.select(WorkshopCard, Workshop)
        .join(Workshop, WorkshopCard.workshop_id == Workshop.id)
        .where(WorkshopCard.id == card_id, Workshop.organisation_id == item.organisation_id)
    ).first()
    return (row[0], row[1]) if row else None


# -- reading the board -------------------------------------------------------------------------------------


@dataclass
class CardView:
    card: WorkshopCard
    total: int = 0
    mine: int = 0  # the viewer's own dots on it
    merged: list[WorkshopCard] = field(default_factory=list)
    rank: int | None = None
    item_title: str | None = None  # the goal/action plan/KPI it became

    @property
    def id(self) -> int:
        return self.card.id


@dataclass
class ColumnView:
    key: str
    title: str
    cards: list[CardView]


@dataclass
class Board:
    workshop: Workshop
    columns: list[ColumnView]
    cards: list[CardView]  # the visible ones (not merged away), in board order
    participant_count: int
    dots_placed: int
    my_dots_used: int
    participant: WorkshopParticipant | None

    @property
    def ranked(self) -> list[CardView]:
        return sorted(self.cards, key=lambda c: (c.rank or 0, c.card.id))

    @property
    def column_titles(self) -> dict[str, str]:
        return {c.key: c.title for c in self.columns}

    @property
    def my_dots_left(self) -> int:
        return max(self.workshop.dots_per_participant - self.my_dots_used, 0)


def _converted_titles(cards: list[WorkshopCard]) -> dict[tuple[str, int], str]:
    """Titles of the items cards became: at most one query per kind."""
    wanted: dict[str, set[int]] = {}
    for card in cards:
        if card.converted_kind and card.converted_id:
            wanted.setdefault(card.converted_kind, set()).add(card.converted_id)
    titles: dict[tuple[str, int], str] = {}
    sources = {
        ConvertedKind.GOAL: (Goal, Goal.title),
        ConvertedKind.ACTION_PLAN: (ActionPlan, ActionPlan.title),
        ConvertedKind.KPI: (KPI, KPI.name),
    }
    for kind, ids in wanted.items():
        model, column = sources[ConvertedKind(kind)]
        for item_id, title in db.session.execute(sa.select(model.id, column).where(model.id.in_(ids))):
            titles[(kind, item_id)] = title
    return titles


def load_board(workshop: Workshop, participant: WorkshopParticipant | None = None) -> Board:
    """Everything a board, projector or the minutes show, in a fixed number of queries."""
    all_cards = list(
        db.session.scalars(
            sa.select(WorkshopCard)
            .where(WorkshopCard.workshop_id == workshop.id)
            .order_by(WorkshopCard.created_at, WorkshopCard.id)
        )
    )
    totals = dict(
        db.session.execute(
            sa.select(WorkshopVote.card_id, sa.func.sum(WorkshopVote.dots))
            .join(WorkshopCard, WorkshopVote.card_id == WorkshopCard.id)
            .where(WorkshopCard.workshop_id == workshop.id)
            .group_by(WorkshopVote.card_id)
        ).all()
    )
    mine: dict[int, int] = {}
    if participant is not None:
        mine = dict(
            db.session.execute(
                sa.select(WorkshopVote.card_id, WorkshopVote.dots).where(
                    WorkshopVote.participant_id == participant.id
                )
            ).all()
        )
    participant_count = db.session.scalar(
        sa.select(sa.func.count(WorkshopParticipant.id)).where(WorkshopParticipant.workshop_id == workshop.id)
    )
    titles = _converted_titles(all_cards)
    views = {
        c.id: CardView(
            card=c,
            total=int(totals.get(c.id, 0)),
            mine=int(mine.get(c.id, 0)),
            item_title=titles.get((c.converted_kind, c.converted_id)) if c.converted_kind else None,
        )
        for c in all_cards
    }
    visible = [views[c.id] for c in all_cards if c.merged_into_id is None]
    for c in all_cards:
        if c.merged_into_id is not None and c.merged_into_id in views:
            views[c.merged_into_id].merged.append(c)
    # Ranks: 1 for the most dots; equal totals share a rank.
    by_total = sorted(visible, key=lambda v: (-v.total, v.card.id))
    previous_total, rank = None, 0
    for position, view in enumerate(by_total, start=1):
        if view.total != previous_total:
            rank, previous_total = position, view.total
        view.rank = rank
    columns = [
        ColumnView(
            key=column["key"],
            title=column_title(workshop, column),
            cards=[v for v in visible if v.card.column_key == column["key"]],
        )
        for column in workshop.columns
    ]
    known = set(column_keys(workshop))
    stray = [v for v in visible if v.card.column_key not in known]
    if stray:  # never lose a card whose column is unknown
        columns.append(ColumnView(key="", title=_("Other"), cards=stray))
    return Board(
        workshop=workshop,
        columns=columns,
        cards=visible,
        participant_count=participant_count,
        dots_placed=sum(int(t) for t in totals.values()),
        my_dots_used=sum(mine.values()),
        participant=participant,
    )


def board_fingerprint(board: Board) -> str:
    """Changes whenever what a participant sees changes (never reveals others' dots before the results)."""
    workshop = board.workshop
    parts: list[Any] = [workshop.phase, workshop.results_revealed, workshop.dots_per_participant]
    for view in board.cards:
        parts.append(
            [
                view.card.id,
                view.card.column_key,
                view.card.text,
                view.card.converted_kind,
                view.mine,
                view.total if workshop.results_revealed else None,
            ]
        )
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def board_state(
    board: Board, *, item_url=None, join_url: str | None = None, show_author_marks: bool = True
) -> dict[str, Any]:
    """The board as JSON for the live views. Totals and ranks only once the results are revealed.

    `join_url` is given for facilitators only (the projector shows it while the link works)."""
    workshop = board.workshop
    revealed = workshop.results_revealed
    participant = board.participant

    def card_json(view: CardView) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": view.card.id,
            "text": view.card.text,
            "column": view.card.column_key,
            "mine": bool(show_author_marks and participant and view.card.author_id == participant.id),
            "my_dots": view.mine,
            "total": view.total if revealed else None,
            "rank": view.rank if revealed else None,
            "merged_count": len(view.merged),
            "converted": None,
        }
        if view.card.converted_kind:
            data["converted"] = {
                "kind": view.card.converted_kind,
                "label": str(KIND_LABELS[ConvertedKind(view.card.converted_kind)]),
                "title": view.item_title,
                "url": item_url(view.card) if item_url else None,
            }
        return data

    return {
        "workshop": {"id": workshop.id, "title": workshop.title},
        "phase": workshop.phase,
        "phase_label": str(PHASE_LABELS[Phase(workshop.phase)]),
        "results_revealed": revealed,
        "dots_per_participant": workshop.dots_per_participant,
        "participants": board.participant_count,
        "dots_placed": board.dots_placed,
        "my_dots_left": board.my_dots_left if participant else None,
        "columns": [
            {"key": c.key, "title": c.title, "cards": [card_json(v) for v in c.cards]} for c in board.columns
        ],
        "ranking": [card_json(v) for v in board.ranked] if revealed else [],
        "join_url": join_url if join_url and link_is_active(workshop) else None,
        "fingerprint": board_fingerprint(board),
    }


# -- minutes -----------------------------------------------------------------------------------------------


def minutes_xlsx(
    board: Board, *, item_url=None, facilitator_name: str = "", strategy_title: str = ""
) -> bytes:
    """The minutes as an Excel workbook: a summary sheet, and every card with its dots and outcome."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from ..i18n import day

    workshop = board.workshop
    book = Workbook()
    summary = book.active
    summary.title = _("Workshop")[:31]
    rows = [
        (_("Workshop"), workshop.title),
        (_("Date"), day(workshop.held_on)),
        (_("Facilitator"), facilitator_name),
        (_("Strategy"), strategy_title),
        (_("Board layout"), str(LAYOUT_LABELS[Layout(workshop.layout)])),
        (_("Phase"), str(PHASE_LABELS[Phase(workshop.phase)])),
        (_("Participants"), board.participant_count),
        (_("Dots per participant"), workshop.dots_per_participant),
        (_("Dots placed"), board.dots_placed),
        (_("Cards"), len(board.cards)),
    ]
    for row in rows:
        summary.append(list(row))
    for cell in summary["A"]:
        cell.font = Font(bold=True)
    summary.column_dimensions["A"].width = 24
    summary.column_dimensions["B"].width = 60

    sheet = book.create_sheet(_("Cards")[:31])
    headers = [
        _("Rank"),
        _("Column"),
        _("Card"),
        _("Dots"),
        _("Merged cards"),
        _("Became"),
        _("Title"),
        _("Link"),
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    titles = board.column_titles
    for view in board.ranked:
        card = view.card
        became = str(KIND_LABELS[ConvertedKind(card.converted_kind)]) if card.converted_kind else ""
        sheet.append(
            [
                view.rank,
                titles.get(card.column_key, card.column_key),
                card.text,
                view.total,
                "\n".join(m.text for m in view.merged),
                became,
                view.item_title or "",
                item_url(card) if item_url and card.converted_kind else "",
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for ws in (summary, sheet):
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text: never a formula, whatever a participant typed
    for letter, width in zip("ABCDEFGH", (6, 18, 60, 6, 40, 14, 40, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
