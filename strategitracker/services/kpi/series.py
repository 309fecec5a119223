"""A KPI's series of values: its own measurements, or, for a rank KPI linked to a survey category, the
national survey ranks of its organisation's municipality.

A linked rank KPI (kind rank, survey and category set, and an organisation with a municipality code) has no
measurements of its own: its values are the rows of `survey_rank` for that municipality, survey and
category, so the KPI page, the goal page, the peer page and the report all read the same rows. A survey year
Y stands for the period Y-09-01 (the survey is published in September; docs/seed.md). The rule that such a
KPI takes no typed values lives here too (`national_source_problem`), for the form, the service and the
import alike.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import KPI, KPIKind, Measurement, Municipality, Organisation, SurveyRank
from .derived import KPI_IDS, basis_note, derived_parameters, derived_problem, derived_select

SURVEY_MONTH = 9


class MeasurementRow(NamedTuple):
    """What the pages show of a value: loaded as plain rows, not ORM objects (a strategy has thousands,
    and an ORM object costs several times a row to build)."""

    period: date
    value: float
    out_of: int | None
    note: str | None
    source: str | None
    basis: int | None = None  # for a KPI computed from the inquiry log: how many inquiries the value rests on


def survey_period(year: int) -> date:
    return date(year, SURVEY_MONTH, 1)


def _linked() -> sa.ColumnElement[bool]:
    """SQL: the KPI (joined with its organisation) reads its values from the survey."""
    return sa.and_(
        KPI.kind == KPIKind.RANK,
        KPI.survey.is_not(None),
        KPI.survey_category.is_not(None),
        Organisation.municipality_code.is_not(None),
    )


def is_linked(kpi: KPI, org: Organisation | None = None) -> bool:
    """Whether the KPI's values come from the national survey data (see the module's docstring)."""
    if kpi.kind != KPIKind.RANK or not kpi.survey or not kpi.survey_category:
        return False
    org = org if org is not None else db.session.get(Organisation, kpi.organisation_id)
    return org is not None and org.municipality_code is not None


def national_source_problem(kpi: KPI, org: Organisation | None = None) -> str | None:
    """Why no value may be typed in for this KPI (it comes from the national survey data or is computed
    from the inquiry log), or None."""
    derived = derived_problem(kpi)
    if derived:
        return derived
    if not is_linked(kpi, org):
        return None
    return _(
        "The values of this KPI come from the national survey data (%(survey)s – %(category)s) and cannot "
        "be entered here. The site administrators change the survey data.",
        survey=(kpi.survey or "").upper(),
        category=kpi.survey_category,
    )


@functools.cache
def _series_statement(dialect: str) -> sa.CompoundSelect:
    """The statement of `series_rows`, built once per database dialect: the KPI ids and the moments the
    computed values compare with are bound when it runs, so a page does not rebuild its dozens of clauses
    (some 3 ms on every first view of a chart page)."""
    own = (
        sa.select(
            Measurement.kpi_id.label("kpi_id"),
            Measurement.period.label("period"),
            sa.cast(sa.null(), sa.Integer).label("year"),
            Measurement.value.label("value"),
            Measurement.out_of.label("out_of"),
            Measurement.note.label("note"),
            Measurement.source.label("source"),
            sa.cast(sa.null(), sa.Integer).label("basis"),
        )
        .join(KPI, KPI.id == Measurement.kpi_id)
        .join(Organisation, Organisation.id == KPI.organisation_id)
        .where(Measurement.kpi_id.in_(KPI_IDS), sa.not_(_linked()), KPI.derived.is_(None))
    )
    national = (
        sa.select(
            KPI.id,
            sa.cast(sa.null(), sa.Date),
            SurveyRank.year,
            sa.cast(SurveyRank.rank, sa.Float),
            SurveyRank.out_of,
            sa.cast(sa.literal(""), sa.Text),
            SurveyRank.source,
            sa.cast(sa.null(), sa.Integer),
        )
        .join(Organisation, Organisation.id == KPI.organisation_id)
        .join(Municipality, Municipality.code == Organisation.municipality_code)
        .join(
            SurveyRank,
            sa.and_(
                SurveyRank.municipality_id == Municipality.id,
                SurveyRank.survey == KPI.survey,
                SurveyRank.category == KPI.survey_category,
            ),
        )
        .where(KPI.id.in_(KPI_IDS), _linked())
    )
    computed = derived_select().subquery()
    derived = sa.select(
        computed.c.kpi_id,
        computed.c.period,
        sa.cast(sa.null(), sa.Integer),
        computed.c.value,
        sa.cast(sa.null(), sa.Integer),
        sa.cast(computed.c.derived, sa.Text),
        sa.cast(sa.literal(""), sa.Text),
        computed.c.basis,
    )
    return sa.union_all(own, national, derived)


def series_rows(kpi_ids: Collection[int], now: datetime | None = None) -> dict[int, list[MeasurementRow]]:
    """The values of the KPIs `kpi_ids`, per KPI id, in period order: one statement for all, measurements
    for the KPIs of their own, survey ranks for the linked ones, counts from the inquiry log as they stand
    at `now` (default: this moment) for the computed ones."""
    if not kpi_ids:
        return {}
    statement = _series_statement(db.session.get_bind().dialect.name)
    parameters = {KPI_IDS.key: list(kpi_ids), **derived_parameters(now)}
    rows: dict[int, list[MeasurementRow]] = {}
    for kpi_id, period, year, value, out_of, note, source, basis in db.session.execute(statement, parameters):
        day = period if period is not None else survey_period(year)
        if basis is not None:
            note = basis_note(basis, note)
        rows.setdefault(kpi_id, []).append(MeasurementRow(day, value, out_of, note, source, basis))
    for values in rows.values():
        values.sort(key=lambda row: row.period)
    return rows


def kpi_rows(kpi: KPI) -> list[MeasurementRow]:
    """One KPI's values in period order (one statement)."""
    return series_rows([kpi.id]).get(kpi.id, [])
