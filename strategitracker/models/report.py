"""Frozen council reports: the report's data as it was on the day it was frozen."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import TZDateTime, utcnow
from .strategy import Strategy
from .user import User


class ReportSnapshot(db.Model):
    """A report frozen for a meeting. `document` holds the data (not HTML) and is never changed afterwards;
    only `published` may change (an administrator shows it on the public page)."""

    __tablename__ = "report_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    strategy_id: Mapped[int] = mapped_column(sa.ForeignKey("strategy.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    report_date: Mapped[date]
    document: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)

    strategy: Mapped[Strategy] = relationship()
    created_by: Mapped[User | None] = relationship()
