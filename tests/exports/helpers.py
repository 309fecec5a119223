"""Data for the export tests: a strategy with goals, KPIs, measurements, action plans and their history.

The values are chosen to be awkward for a spreadsheet: Æ Ø Å, a decimal that a thousands separator would
make ambiguous (1234567.25), a negative number, a text that looks like a formula, a ";" and a line break
inside a text, and times in winter and summer (UTC+1 / UTC+2).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import openpyxl
import sqlalchemy as sa

from strategitracker.extensions import db
from strategitracker.models import (
    KPI,
    ActionPlan,
    ActionPlanUpdate,
    Goal,
    Measurement,
    Municipality,
    Organisation,
    Strategy,
    SurveyRank,
)
from strategitracker.progress import add_months
from tests import factories

STATUSES = ("not_started", "in_progress", "delayed", "done", "cancelled")
AWKWARD_VALUES = (1234567.25, 0.1, -3.5, 42.0, 99.125)
AWKWARD_NOTES = (
    "=SUM(A1:A2)",
    "Ærø; Øster Å",
    "linje 1\nlinje 2",
    '"citat"',
    "-3 i forhold til sidst",
    "",
    "'=allerede med apostrof",
    "1.234",
)


@dataclass
class Data:
    org: Organisation
    strategy: Strategy
    goals: list[Goal] = field(default_factory=list)
    kpis: list[KPI] = field(default_factory=list)
    plans: list[ActionPlan] = field(default_factory=list)


def build(
    org: Organisation,
    *,
    goals: int = 1,
    kpis: int = 1,
    measurements: int = 1,
    plans: int = 1,
    updates: int = 1,
    title: str | None = None,
) -> Data:
    """A strategy of `org` with `goals` goals × `kpis` KPIs × `measurements` measurements and
    `plans` action plans × `updates` history rows per goal. The first KPI of each goal is a rank KPI."""
    n = db.session.scalar(sa.select(sa.func.count(Strategy.id))) or 0
    department = factories.department(org, name=f"Teknik, Erhverv og Beskæftigelse {n}")
    owner = factories.user(name=f"Ansvarlig Åse {n}")
    factories.membership(owner, org, "editor")
    strategy = factories.strategy(org, title=title or f"Erhvervsstrategi {n}")
    data = Data(org, strategy)
    for g in range(goals):
        goal = factories.goal(strategy, title=f"Mål {g + 1}: Én indgang for virksomhederne", position=g)
        data.goals.append(goal)
        for k in range(kpis):
            rank = k == 0
            kpi = factories.kpi(
                goal,
                name=f"Nøgletal {g + 1}.{k + 1} – {'placering' if rank else 'tilfredshed'}",
                unit="plads" if rank else "kr.",
                kind="rank" if rank else "number",
                direction="lower" if rank else "higher",
                frequency="monthly",
                position=k,
            )
            data.kpis.append(kpi)
            for m in range(measurements):
                period = add_months(date(2016, 1, 1), m)
                if rank:
                    value, out_of = float(90 - m % 80), 98
                else:
                    value, out_of = AWKWARD_VALUES[m % len(AWKWARD_VALUES)] + m, None
                db.session.add(
                    Measurement(
                        kpi_id=kpi.id,
                        period=period,
                        value=value,
                        out_of=out_of,
                        note=AWKWARD_NOTES[m % len(AWKWARD_NOTES)],
                        source="DI: Lokal Erhvervsvenlighed" if rank else "",
                    )
                )
        for p in range(plans):
            status = STATUSES[p % len(STATUSES)]
            start = date(2016, 1 + p % 12, 1)
            plan = factories.action_plan(
                goal,
                title=f"Handleplan {g + 1}.{p + 1}: Erhvervskontakten – svar inden for 24 timer",
                description="Én indgang; svar inden for 24 timer.\nKoordinering på tværs af forvaltningerne.",
                owner="Chef for Erhverv og Beskæftigelse",
                owner_user_id=owner.id if p % 2 == 0 else None,
                department_id=department.id if p % 3 != 2 else None,
                status=status,
                start_date=start,
                due_date=start + timedelta(days=365) if p % 4 != 3 else None,
                progress=100 if status == "done" else (p * 17) % 100,
                done_on=start + timedelta(days=200) if status == "done" else None,
                # a delayed plan says why (the import refuses one that does not)
                note='=HYPERLINK("x")' if p == 0 else ("Mangler budget" if status == "delayed" else ""),
            )
            data.plans.append(plan)
            previous = None
            for u in range(updates):
                new = STATUSES[(p + u) % 4]  # never "cancelled" mid-history
                created = datetime(2016, 1 + u % 12, 10, 8, 30, 15, 123456, tzinfo=UTC) + timedelta(
                    days=30 * p
                )
                db.session.add(
                    ActionPlanUpdate(
                        action_plan_id=plan.id,
                        author_id=owner.id if u % 2 == 0 else None,
                        author_name=f"Ansvarlig Åse {n}" if u % 2 == 0 else "Direktør Ørsted",
                        created_at=created + timedelta(days=u),
                        old_status=previous,
                        new_status=new,
                        progress=(u * 13) % 101,
                        comment=f"Opdatering {u + 1}; status: {new}" if new == "delayed" or u % 2 else "",
                    )
                )
                previous = new
    db.session.flush()
    return data


def add_rankings(
    *,
    municipalities: int = 3,
    years: int = 2,
    categories: tuple[str, ...] = ("Overordnet",),
    first_code: int = 900,
):
    """Benchmark ranks (national data) for `municipalities` municipalities, codes `first_code` and up."""
    rows = []
    for i in range(municipalities):
        code = first_code + i
        m = db.session.scalar(sa.select(Municipality).where(Municipality.code == code))
        if m is None:
            m = Municipality(code=code, name=f"Kommune Æ{code - 900}")
            db.session.add(m)
            db.session.flush()
        for y in range(years):
            for c, category in enumerate(categories):
                rows.append(
                    SurveyRank(
                        survey="di",
                        year=2015 + y,
                        municipality_id=m.id,
                        category=category,
                        rank=1 + (i + y + c) % 90,
                        out_of=98,
                        source='danskindustri.dk; "Lokal Erhvervsvenlighed"',
                    )
                )
    db.session.add_all(rows)
    db.session.flush()
    return rows


# -- reading exported files back ---------------------------------------------------------------------------


def read_csv(data: bytes, *, danish: bool = False) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "a CSV export starts with a UTF-8 byte-order mark"
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if danish else ","))


def read_xlsx(data: bytes) -> dict[str, list[list]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}


def measurement_rows(scope_filter) -> list[tuple]:
    """(kpi id, period, value, out_of, note, source) of the measurements matching `scope_filter`."""
    stmt = (
        sa.select(
            Measurement.kpi_id,
            Measurement.period,
            Measurement.value,
            Measurement.out_of,
            Measurement.note,
            Measurement.source,
        )
        .join(KPI)
        .where(scope_filter)
        .order_by(Measurement.kpi_id, Measurement.period)
    )
    return [tuple(r) for r in db.session.execute(stmt)]
