"""Strategy workshops: idea cards, dot voting, and cards turned into goals, action plans or KPIs."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import TZDateTime, in_check, utcnow


class Phase(StrEnum):
    COLLECTING = "collecting"
    VOTING = "voting"
    CLOSED = "closed"


class Layout(StrEnum):
    SWOT = "swot"
    PLAN = "plan"
    FREE = "free"


class ConvertedKind(StrEnum):
    GOAL = "goal"
    ACTION_PLAN = "action_plan"
    KPI = "kpi"


class Workshop(db.Model):
    __tablename__ = "workshop"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    strategy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("strategy.id"), index=True)
    facilitator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    held_on: Mapped[date]
    layout: Mapped[str] = mapped_column(sa.String(10), default=Layout.SWOT)
    # The board's columns as [{"key": "...", "title": "..."}], fixed by the layout chosen at creation.
    columns: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    phase: Mapped[str] = mapped_column(sa.String(12), default=Phase.COLLECTING)
    dots_per_participant: Mapped[int] = mapped_column(default=5)
    results_revealed: Mapped[bool] = mapped_column(default=False)
    join_token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    token_revoked_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    archived_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)

    cards: Mapped[list[WorkshopCard]] = relationship(
        back_populates="workshop", order_by="(WorkshopCard.created_at, WorkshopCard.id)"
    )
    participants: Mapped[list[WorkshopParticipant]] = relationship(back_populates="workshop")

    __table_args__ = (
        sa.CheckConstraint(in_check("phase", tuple(Phase)), name="phase_valid"),
        sa.CheckConstraint(in_check("layout", tuple(Layout)), name="layout_valid"),
        sa.CheckConstraint("dots_per_participant >= 1 AND dots_per_participant <= 50", name="dots_range"),
    )


class WorkshopParticipant(db.Model):
    """Someone on the board: a guest by join link (display name only) or a member with their account."""

    __tablename__ = "workshop_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshop.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    display_name: Mapped[str] = mapped_column(sa.String(80))
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)

    workshop: Mapped[Workshop] = relationship(back_populates="participants")

    __table_args__ = (
        sa.UniqueConstraint("workshop_id", "user_id"),
        sa.CheckConstraint("trim(display_name) <> ''", name="display_name_not_empty"),
    )


class WorkshopCard(db.Model):
    __tablename__ = "workshop_card"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(sa.ForeignKey("workshop.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshop_participant.id"), index=True)
    column_key: Mapped[str] = mapped_column(sa.String(40))
    text: Mapped[str] = mapped_column(sa.String(500))
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshop_card.id"), index=True)
    converted_kind: Mapped[str | None] = mapped_column(sa.String(12))
    converted_id: Mapped[int | None]
    votes_at_conversion: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, onupdate=utcnow)

    workshop: Mapped[Workshop] = relationship(back_populates="cards")
    author: Mapped[WorkshopParticipant | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("trim(text) <> ''", name="text_not_empty"),
        sa.CheckConstraint(
            "converted_kind IS NULL OR " + in_check("converted_kind", tuple(ConvertedKind)),
            name="converted_kind_valid",
        ),
        sa.CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_itself"),
    )


class WorkshopVote(db.Model):
    """The dots one participant has put on one card."""

    __tablename__ = "workshop_vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(sa.ForeignKey("workshop_card.id"), index=True)
    participant_id: Mapped[int] = mapped_column(sa.ForeignKey("workshop_participant.id"), index=True)
    dots: Mapped[int] = mapped_column(default=1)

    __table_args__ = (
        sa.UniqueConstraint("card_id", "participant_id"),
        sa.CheckConstraint("dots >= 1", name="dots_positive"),
    )
