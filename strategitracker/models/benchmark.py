"""Benchmark survey data: ranks of many municipalities per survey, year and category.

This data is public and national, so it is shared by all organisations rather than owned by one.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Municipality(db.Model):
    """A municipality of the national register (seed/municipalities.csv): official code, name and region,
    and other spellings its name is found under in files ("Nordfyn" for Nordfyns)."""

    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[int] = mapped_column(unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    # Empty for a municipality stored before the register was loaded (`flask seed reference` fills them).
    region: Mapped[str | None] = mapped_column(sa.String(60))
    aliases: Mapped[list[str] | None] = mapped_column(sa.JSON)

    __table_args__ = (sa.CheckConstraint("code >= 100 AND code <= 999", name="code_range"),)


class SurveyRank(db.Model):
    """One municipality's rank in one survey, year and category, out of N ranked that year."""

    __tablename__ = "survey_rank"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey: Mapped[str] = mapped_column(sa.String(40))
    year: Mapped[int]
    municipality_id: Mapped[int] = mapped_column(sa.ForeignKey("municipality.id"), index=True)
    category: Mapped[str] = mapped_column(sa.String(120))
    rank: Mapped[int]
    out_of: Mapped[int]
    source: Mapped[str] = mapped_column(sa.Text, default="")

    municipality: Mapped[Municipality] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("survey", "year", "municipality_id", "category"),
        sa.CheckConstraint("rank >= 1 AND rank <= out_of", name="rank_within_n"),
        sa.CheckConstraint("year >= 1970 AND year <= 2100", name="year_range"),
        sa.Index("ix_survey_rank_survey_category_year", "survey", "category", "year"),
    )
