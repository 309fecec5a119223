"""KPIs (nøgletal) with their baseline, dated targets and measurements."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import Archivable, TZDateTime, in_check, utcnow
from .strategy import Goal


class KPIKind(StrEnum):
    NUMBER = "number"
    PERCENT = "percent"
    RANK = "rank"


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Frequency(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"


class Derived(StrEnum):
    """What a KPI computed from the inquiry log or the outreach meetings counts (services/kpi/derived.py)."""

    ANSWERED_IN_TIME = "answered_24h"  # share answered within 24 hours, in per cent
    ANSWERED_IN_WORKING_TIME = "answered_24h_work"  # the same, counting working hours only
    MEDIAN_HOURS = "median_hours"  # median clock hours from receipt to the first answer
    INQUIRIES = "inquiries"  # number of inquiries
    ALTERNATIVE = "alternative"  # share of the ended inquiries solved with an alternative, in per cent
    MEETINGS = "meetings"  # number of outreach meetings (models/outreach.py)


class KPI(Archivable, db.Model):
    __tablename__ = "kpi"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    goal_id: Mapped[int] = mapped_column(sa.ForeignKey("goal.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    unit: Mapped[str] = mapped_column(sa.String(40), default="")
    kind: Mapped[str] = mapped_column(sa.String(10), default=KPIKind.NUMBER)
    direction: Mapped[str] = mapped_column(sa.String(10), default=Direction.HIGHER)
    frequency: Mapped[str] = mapped_column(sa.String(10), default=Frequency.YEARLY)
    source: Mapped[str] = mapped_column(sa.Text, default="")
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    owner_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    baseline_value: Mapped[float | None]
    baseline_date: Mapped[date | None]
    baseline_out_of: Mapped[int | None]
    baseline_source: Mapped[str] = mapped_column(sa.Text, default="")
    # For rank KPIs backed by benchmark survey data: which survey and category the rank comes from.
    survey: Mapped[str | None] = mapped_column(sa.String(40))
    survey_category: Mapped[str | None] = mapped_column(sa.String(120))
    # For KPIs computed from the inquiry log: what is counted, and optionally for one department only.
    derived: Mapped[str | None] = mapped_column(sa.String(20))
    derived_department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"), index=True)
    # The workshop card this item was made from, if any.
    source_card_id: Mapped[int | None] = mapped_column(sa.ForeignKey("workshop_card.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)

    goal: Mapped[Goal] = relationship(back_populates="kpis")
    targets: Mapped[list[KPITarget]] = relationship(
        back_populates="kpi", order_by="(KPITarget.target_date, KPITarget.id)"
    )
    measurements: Mapped[list[Measurement]] = relationship(
        back_populates="kpi", order_by="Measurement.period"
    )

    __table_args__ = (
        sa.CheckConstraint(in_check("kind", tuple(KPIKind)), name="kind_valid"),
        sa.CheckConstraint(in_check("direction", tuple(Direction)), name="direction_valid"),
        sa.CheckConstraint(in_check("frequency", tuple(Frequency)), name="frequency_valid"),
        sa.CheckConstraint(f"derived IS NULL OR {in_check('derived', tuple(Derived))}", name="derived_valid"),
        sa.CheckConstraint("kind <> 'rank' OR direction = 'lower'", name="rank_lower_is_better"),
        sa.CheckConstraint("baseline_value IS NULL OR baseline_date IS NOT NULL", name="baseline_has_date"),
        sa.CheckConstraint(
            "kind <> 'percent' OR baseline_value IS NULL OR (baseline_value >= 0 AND baseline_value <= 100)",
            name="percent_baseline_range",
        ),
        sa.CheckConstraint(
            "baseline_out_of IS NULL OR (kind = 'rank' AND baseline_out_of >= 1 AND baseline_value >= 1"
            " AND baseline_value <= baseline_out_of)",
            name="baseline_rank_range",
        ),
    )


class KPITarget(db.Model):
    """A dated target; changing a target adds a row, so earlier rows stay as history."""

    __tablename__ = "kpi_target"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("kpi.id"), index=True)
    value: Mapped[float]
    target_date: Mapped[date]
    set_on: Mapped[date]
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)

    kpi: Mapped[KPI] = relationship(back_populates="targets")

    __table_args__ = (sa.Index("ix_kpi_target_kpi_id_target_date", "kpi_id", "target_date"),)


class Measurement(db.Model):
    """One value per KPI and period; for rank KPIs `out_of` is how many were ranked."""

    __tablename__ = "measurement"

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("kpi.id"), index=True)
    period: Mapped[date]
    value: Mapped[float]
    out_of: Mapped[int | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.Text, default="")
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    # None: not recorded (historic values loaded from the example data were never typed in here).
    entered_at: Mapped[datetime | None] = mapped_column(TZDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, onupdate=utcnow)

    kpi: Mapped[KPI] = relationship(back_populates="measurements")

    __table_args__ = (
        sa.UniqueConstraint("kpi_id", "period"),
        sa.CheckConstraint(
            "out_of IS NULL OR (out_of >= 1 AND value >= 1 AND value <= out_of)", name="rank_within_n"
        ),
    )
