"""Reading a workshop's board: the columns with their cards and dots as one participant may see them,
and the board as JSON state (with a fingerprint) for the pages that refresh themselves.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import (
    KPI,
    ActionPlan,
    ConvertedKind,
    Goal,
    Phase,
    Workshop,
    WorkshopCard,
    WorkshopParticipant,
    WorkshopVote,
)
from .participants import link_is_active
from .rules import KIND_LABELS, PHASE_LABELS, column_keys, column_title

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
