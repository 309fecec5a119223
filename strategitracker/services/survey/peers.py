"""Reading the benchmark survey data (models/benchmark.py) for peer comparisons.

The survey data is national and shared by all organisations; an organisation finds its own rows through its
municipality code. Every function is one SELECT.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from ...extensions import db
from ...models import Municipality, Organisation, SurveyRank

#: (year, rank, N) for one municipality, by year.
Series = list[tuple[int, int, int | None]]


def municipality_of(org: Organisation) -> Municipality | None:
    """The municipality whose survey rows are the organisation's own (by municipality code)."""
    if org.municipality_code is None:
        return None
    return db.session.scalar(sa.select(Municipality).where(Municipality.code == org.municipality_code))


def categories_with_data(survey: str, municipality_id: int) -> list[str]:
    """The survey's categories that have at least one rank for the municipality, by name."""
    return list(
        db.session.scalars(
            sa.select(SurveyRank.category)
            .where(SurveyRank.survey == survey, SurveyRank.municipality_id == municipality_id)
            .distinct()
            .order_by(SurveyRank.category)
        )
    )


def municipalities_with_data(survey: str, category: str) -> list[Municipality]:
    """The municipalities with at least one rank in the survey's category, by name."""
    has_rank = (
        sa.select(SurveyRank.id)
        .where(
            SurveyRank.municipality_id == Municipality.id,
            SurveyRank.survey == survey,
            SurveyRank.category == category,
        )
        .exists()
    )
    return list(db.session.scalars(sa.select(Municipality).where(has_rank).order_by(Municipality.name)))


def rank_series(survey: str, category: str, municipality_ids: Sequence[int]) -> dict[str, Series]:
    """Each municipality's ranks in the survey's category, by name, in one query (no rows: no key)."""
    if not municipality_ids:
        return {}
    rows = db.session.execute(
        sa.select(Municipality.name, SurveyRank.year, SurveyRank.rank, SurveyRank.out_of)
        .join(SurveyRank, SurveyRank.municipality_id == Municipality.id)
        .where(
            SurveyRank.survey == survey,
            SurveyRank.category == category,
            SurveyRank.municipality_id.in_(list(municipality_ids)),
        )
        .order_by(Municipality.name, SurveyRank.year)
    )
    series: dict[str, Series] = {}
    for name, year, rank, out_of in rows:
        series.setdefault(name, []).append((year, rank, out_of))
    return series
