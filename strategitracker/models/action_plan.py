"""Action plans (handleplaner) and their status updates."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import Archivable, TZDateTime, in_check, utcnow
from .organisation import Department
from .strategy import Goal
from .user import User


class Status(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DELAYED = "delayed"
    DONE = "done"
    CANCELLED = "cancelled"


class ActionPlan(Archivable, db.Model):
    __tablename__ = "action_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    goal_id: Mapped[int] = mapped_column(sa.ForeignKey("goal.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    owner_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(20), default=Status.NOT_STARTED)
    start_date: Mapped[date | None]
    due_date: Mapped[date | None]
    progress: Mapped[int] = mapped_column(default=0)
    done_on: Mapped[date | None]
    # The workshop card this item was made from, if any.
    source_card_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshop_card.id"), index=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: a stale form carries an old version and is refused.
    version: Mapped[int] = mapped_column(default=1)

    goal: Mapped[Goal] = relationship(back_populates="action_plans")
    department: Mapped[Department | None] = relationship()
    updates: Mapped[list[ActionPlanUpdate]] = relationship(
        back_populates="action_plan", order_by="(ActionPlanUpdate.created_at, ActionPlanUpdate.id)"
    )

    __mapper_args__ = {"version_id_col": version}

    __table_args__ = (
        sa.CheckConstraint(in_check("status", tuple(Status)), name="status_valid"),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        sa.CheckConstraint(
            "start_date IS NULL OR due_date IS NULL OR due_date >= start_date", name="due_after_start"
        ),
        sa.CheckConstraint("status = 'done' OR done_on IS NULL", name="done_on_only_when_done"),
    )


class ActionPlanUpdate(db.Model):
    """One entry of an action plan's history: who changed what, when, and why."""

    __tablename__ = "action_plan_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_plan_id: Mapped[int] = mapped_column(sa.ForeignKey("action_plan.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    author_name: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    old_status: Mapped[str | None] = mapped_column(sa.String(20))
    new_status: Mapped[str] = mapped_column(sa.String(20))
    progress: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")

    action_plan: Mapped[ActionPlan] = relationship(back_populates="updates")
    author: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(in_check("new_status", tuple(Status)), name="new_status_valid"),
        sa.CheckConstraint(
            "old_status IS NULL OR " + in_check("old_status", tuple(Status)), name="old_status_valid"
        ),
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_range"),
        sa.CheckConstraint("new_status <> 'delayed' OR trim(comment) <> ''", name="delayed_needs_comment"),
    )
