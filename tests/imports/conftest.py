"""Fixtures for the import tests: an organisation with KPIs of every kind, departments and members, and
helpers that build files in the forms people have them (CSV with either separator, xlsx, …)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from strategitracker.models import (
    KPI,
    ActionPlan,
    ActionPlanUpdate,
    AuditEvent,
    Measurement,
    Municipality,
    SurveyRank,
)
from strategitracker.services import imports
from strategitracker.services.seed import DEFAULT_SEED_DIR, seed_register
from tests import factories

COUNTED = (Measurement, SurveyRank, Municipality, ActionPlan, ActionPlanUpdate, AuditEvent, KPI)


def to_csv(rows: list[list], *, sep: str = ";", encoding: str = "utf-8", bom: bool = False) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def to_xlsx(rows: list[list], *, title_rows: list[list] | None = None, merge_title: bool = False) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Data"
    for row in title_rows or []:
        sheet.append(row)
    if merge_title and title_rows:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(rows[0]), 2))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def world(db, org, make_user):
    """KPIs: a yearly rank KPI (DI), a yearly number, a quarterly percent and a monthly number."""
    strategy = factories.strategy(org, title="Erhvervsstrategi")
    goal = factories.goal(strategy, title="Top 10 i DI's måling")
    goal2 = factories.goal(strategy, title="Én indgang for virksomhederne")
    editor = make_user("editor", org, name="Eva Editor")
    facilitator = make_user("facilitator", org, name="Frida Facilitator")
    # A rank KPI of its own values (not linked to the survey data, which would make it read survey_rank).
    rank = factories.kpi(
        goal,
        name="Placering i DI's måling – samlet",
        kind="rank",
        direction="lower",
        owner_user_id=editor.id,
    )
    number = factories.kpi(goal, name="Antal virksomhedsbesøg", kind="number", frequency="yearly")
    percent = factories.kpi(
        goal2,
        name="Andel besvaret inden for 24 timer",
        kind="percent",
        frequency="quarterly",
        owner_user_id=editor.id,
    )
    monthly = factories.kpi(goal2, name="Henvendelser pr. måned", kind="number", frequency="monthly")
    departments = [
        factories.department(org, name="Erhverv og Beskæftigelse"),
        factories.department(org, name="Byg og Miljø"),
    ]
    db.session.commit()
    return type(
        "World",
        (),
        dict(
            org=org,
            strategy=strategy,
            goal=goal,
            goal2=goal2,
            editor=editor,
            facilitator=facilitator,
            rank=rank,
            number=number,
            percent=percent,
            monthly=monthly,
            departments=departments,
        ),
    )


@pytest.fixture
def register(db) -> None:
    """The register of the 98 municipalities, as `flask seed reference` loads it."""
    seed_register(DEFAULT_SEED_DIR)
    db.session.commit()


@pytest.fixture
def counts(db) -> Callable[[], dict[str, int]]:
    def count() -> dict[str, int]:
        db.session.expire_all()
        return {
            m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in COUNTED
        }

    return count


@pytest.fixture
def run(db, world) -> Callable[..., tuple]:
    """prepare + write in English (as the command line would, without a user)."""

    def do(
        kind,
        data,
        filename="data.csv",
        *,
        write=True,
        on_duplicate="skip",
        accept_valid=False,
        options=None,
        actor=None,
        role=None,
    ):
        with force_locale("en"):
            prepared = imports.prepare(
                kind, data, filename, org=world.org, actor=actor, role=role, options=options
            )
            result = None
            if write:
                result = imports.write(
                    prepared, org=world.org, actor=actor, on_duplicate=on_duplicate, accept_valid=accept_valid
                )
                db.session.commit()
        return prepared, result

    return do


def measurements_of(db, kpi) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(
            Measurement.period, Measurement.value, Measurement.out_of, Measurement.note, Measurement.source
        )
        .where(Measurement.kpi_id == kpi.id)
        .order_by(Measurement.period)
    )
    return [tuple(r) for r in rows]


def all_measurements(db) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(
            KPI.name,
            Measurement.period,
            Measurement.value,
            Measurement.out_of,
            Measurement.note,
            Measurement.source,
        )
        .join(KPI)
        .order_by(KPI.name, Measurement.period)
    )
    return [tuple(r) for r in rows]


def all_rankings(db) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(
            SurveyRank.survey,
            SurveyRank.year,
            Municipality.code,
            Municipality.name,
            SurveyRank.category,
            SurveyRank.rank,
            SurveyRank.out_of,
        )
        .join(Municipality)
        .order_by(SurveyRank.year, Municipality.code, SurveyRank.category)
    )
    return [tuple(r) for r in rows]


def day(y, m, d) -> date:
    return date(y, m, d)
