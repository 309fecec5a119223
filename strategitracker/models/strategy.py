"""Strategies and their goals."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import Archivable, TZDateTime, utcnow
from .organisation import Organisation

if TYPE_CHECKING:
    from .action_plan import ActionPlan
    from .kpi import KPI


class Strategy(Archivable, db.Model):
    __tablename__ = "strategy"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    vision: Mapped[str] = mapped_column(sa.Text, default="")
    period_start: Mapped[date]
    period_end: Mapped[date]
    published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()
    goals: Mapped[list[Goal]] = relationship(back_populates="strategy", order_by="(Goal.position, Goal.id)")

    __table_args__ = (
        sa.CheckConstraint("period_end >= period_start", name="period_order"),
        sa.UniqueConstraint("organisation_id", "title"),
    )


class Goal(Archivable, db.Model):
    __tablename__ = "goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    strategy_id: Mapped[int] = mapped_column(sa.ForeignKey("strategy.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    owner_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    # The workshop card this item was made from, if any.
    source_card_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshop_card.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)

    strategy: Mapped[Strategy] = relationship(back_populates="goals")
    kpis: Mapped[list[KPI]] = relationship(back_populates="goal", order_by="(KPI.position, KPI.id)")
    action_plans: Mapped[list[ActionPlan]] = relationship(
        back_populates="goal", order_by="(ActionPlan.due_date, ActionPlan.id)"
    )

    __table_args__ = (sa.CheckConstraint("position >= 0", name="position_not_negative"),)
