"""Chasing updates: update rounds with their requests, each user's reminder setting, and every e-mail sent."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import TZDateTime, in_check, utcnow
from .action_plan import ActionPlan
from .kpi import KPI
from .strategy import Strategy
from .user import User


class ReminderFrequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


class NotificationKind(StrEnum):
    DIGEST = "digest"
    ESCALATION = "escalation"
    ROUND_REQUEST = "round_request"
    ROUND_REMINDER = "round_reminder"


class DeliveryStatus(StrEnum):
    SENT = "sent"
    FAILED = "failed"


class ReminderPreference(db.Model):
    """How often a user wants a reminder digest; a user without a row gets the weekly default."""

    __tablename__ = "reminder_preference"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), unique=True)
    frequency: Mapped[str] = mapped_column(sa.String(10), default=ReminderFrequency.WEEKLY)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint(in_check("frequency", tuple(ReminderFrequency)), name="frequency_valid"),
    )


class UpdateRound(db.Model):
    """An update round (opdateringsrunde): every owner in a strategy is asked to update by a deadline."""

    __tablename__ = "update_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    strategy_id: Mapped[int] = mapped_column(sa.ForeignKey("strategy.id"), index=True)
    deadline: Mapped[date]
    message: Mapped[str] = mapped_column(sa.Text, default="")
    opened_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    closed_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)

    strategy: Mapped[Strategy] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    requests: Mapped[list[UpdateRequest]] = relationship(
        back_populates="round", order_by="UpdateRequest.id", cascade="all, delete-orphan"
    )


class UpdateRequest(db.Model):
    """One item an owner owes in a round: an action plan to update, or a KPI's period to enter."""

    __tablename__ = "update_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("update_round.id"), index=True)
    owner_user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    action_plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("action_plan.id"), index=True)
    kpi_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kpi.id"), index=True)
    period: Mapped[date | None]
    # Set when the round is closed: when the item was answered (None: it was not).
    answered_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    round: Mapped[UpdateRound] = relationship(back_populates="requests")
    owner: Mapped[User] = relationship()
    action_plan: Mapped[ActionPlan | None] = relationship()
    kpi: Mapped[KPI | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "(action_plan_id IS NOT NULL AND kpi_id IS NULL AND period IS NULL)"
            " OR (action_plan_id IS NULL AND kpi_id IS NOT NULL AND period IS NOT NULL)",
            name="plan_or_kpi_period",
        ),
        sa.UniqueConstraint("round_id", "action_plan_id"),
        sa.UniqueConstraint("round_id", "kpi_id"),
    )


class SentNotification(db.Model):
    """One e-mail, kept with its content: `key` makes sure nothing is sent twice; a failed one is retried."""

    __tablename__ = "sent_notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    email: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10))
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    user: Mapped[User] = relationship()
    items: Mapped[list[SentNotificationItem]] = relationship(
        back_populates="notification", order_by="SentNotificationItem.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(in_check("kind", tuple(NotificationKind)), name="kind_valid"),
        sa.CheckConstraint(in_check("status", tuple(DeliveryStatus)), name="status_valid"),
    )


class SentNotificationItem(db.Model):
    """An item an e-mail listed, by a stable key such as "kpi:12:2026-01-01" (escalated once per key)."""

    __tablename__ = "sent_notification_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(sa.ForeignKey("sent_notification.id"), index=True)
    item_key: Mapped[str] = mapped_column(sa.String(120), index=True)
    label: Mapped[str] = mapped_column(sa.String(400))

    notification: Mapped[SentNotification] = relationship(back_populates="items")
