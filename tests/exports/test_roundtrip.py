"""Export → import gives the same data, for every export, format and header language.

Each test exports, deletes the originals, imports the file through the importers (`services/imports`:
`prepare` then `write`, as the web and the CLI do) and compares the rows with those before. The
action-plan history is not read by the importers (they start a new history per imported plan), so its
test reads the exported file back and compares it with the database.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from strategitracker.extensions import db as _db
from strategitracker.models import KPI, ActionPlan, ActionPlanUpdate, Measurement, Municipality, SurveyRank
from strategitracker.services import exports, imports
from strategitracker.services.exports import Scope
from strategitracker.services.imports.columns import status_code
from strategitracker.services.imports.reading import unguard
from tests.exports.helpers import add_rankings, build, measurement_rows, read_csv, read_xlsx

FORMATS = [
    pytest.param("xlsx", False, "da", id="xlsx-da"),
    pytest.param("xlsx", False, "en", id="xlsx-en"),
    pytest.param("csv", False, "da", id="csv-da"),
    pytest.param("csv", True, "da", id="csv-danish-excel-da"),
    pytest.param("csv", True, "en", id="csv-danish-excel-en"),
]


def reimport(kind: str, export: exports.ExportFile, org) -> dict[str, int]:
    prepared = imports.prepare(kind, export.data, export.filename, org=org, actor=None, role=None)
    assert not prepared.fatal, [p.describe() for p in prepared.fatal]
    assert not prepared.problems, [p.describe() for p in prepared.problems]
    counts = imports.write(prepared, org=org, actor=None)
    _db.session.flush()
    _db.session.expire_all()
    return counts


# -- measurements --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt, danish, language", FORMATS)
def test_measurements_round_trip(org, fmt, danish, language):
    data = build(org, goals=2, kpis=2, measurements=7, plans=0)
    in_org = KPI.organisation_id == org.id
    before = measurement_rows(in_org)
    assert len(before) == 2 * 2 * 7
    export = exports.build_export(
        exports.MEASUREMENTS,
        org,
        fmt=fmt,
        scope=Scope(strategy=data.strategy),
        danish=danish,
        language=language,
    )
    _db.session.execute(sa.delete(Measurement).where(Measurement.kpi_id.in_([k.id for k in data.kpis])))
    assert measurement_rows(in_org) == []
    reimport(imports.MEASUREMENTS, export, org)
    assert measurement_rows(in_org) == before


def test_measurements_of_one_kpi_round_trip_and_a_second_import_changes_nothing(org):
    data = build(org, goals=1, kpis=2, measurements=5, plans=0)
    kpi = data.kpis[1]
    before = measurement_rows(KPI.organisation_id == org.id)
    export = exports.build_export(exports.MEASUREMENTS, org, fmt="csv", scope=Scope(kpi=kpi), danish=True)
    _db.session.execute(sa.delete(Measurement).where(Measurement.kpi_id == kpi.id))
    reimport(imports.MEASUREMENTS, export, org)
    assert measurement_rows(KPI.organisation_id == org.id) == before
    again = imports.prepare(
        imports.MEASUREMENTS, export.data, export.filename, org=org, actor=None, role=None
    )
    assert again.counts["same"] == 5 and again.counts["new"] == 0


# -- action plans --------------------------------------------------------------------------------------------

PLAN_FIELDS = (
    "title",
    "goal_id",
    "description",
    "owner",
    "owner_user_id",
    "department_id",
    "status",
    "start_date",
    "due_date",
    "progress",
    "done_on",
    "note",
)


def plan_rows(org) -> list[tuple]:
    columns = [getattr(ActionPlan, name) for name in PLAN_FIELDS]
    stmt = sa.select(*columns).where(ActionPlan.organisation_id == org.id).order_by(ActionPlan.title)
    return [tuple(r) for r in _db.session.execute(stmt)]


def delete_plans(org) -> None:
    ids = list(_db.session.scalars(sa.select(ActionPlan.id).where(ActionPlan.organisation_id == org.id)))
    _db.session.execute(sa.delete(ActionPlanUpdate).where(ActionPlanUpdate.action_plan_id.in_(ids)))
    _db.session.execute(sa.delete(ActionPlan).where(ActionPlan.id.in_(ids)))


@pytest.mark.parametrize("fmt, danish, language", FORMATS)
def test_action_plans_round_trip(org, fmt, danish, language):
    build(org, goals=2, plans=5, measurements=0, kpis=0, updates=2)
    before = plan_rows(org)
    assert len(before) == 10 and {r[6] for r in before} == set(imports.columns.STATUS_LABELS_DA)
    export = exports.build_export(
        exports.ACTION_PLANS,
        org,
        fmt=fmt,
        scope=Scope(strategy=_db.session.scalar(sa.select(ActionPlan).limit(1)).goal.strategy),
        danish=danish,
        language=language,
    )
    delete_plans(org)
    reimport(imports.ACTION_PLANS, export, org)
    assert plan_rows(org) == before


@pytest.mark.parametrize("fmt, danish", [("xlsx", False), ("csv", False), ("csv", True)])
def test_action_plan_history_reads_back_as_stored(org, fmt, danish):
    """The history is read back from the file (the importers do not import it) and equals the database."""
    data = build(org, goals=2, plans=3, updates=4, kpis=0, measurements=0)
    kind = exports.ACTION_PLANS if fmt == "xlsx" else exports.ACTION_PLAN_HISTORY
    export = exports.build_export(kind, org, fmt=fmt, scope=Scope(strategy=data.strategy), danish=danish)
    if fmt == "xlsx":
        rows = list(read_xlsx(export.data).values())[1]
    else:
        rows = read_csv(export.data, danish=danish)
    header, rows = rows[0], rows[1:]
    assert header == [c.da for c in exports.HISTORY_COLUMNS]
    stmt = (
        sa.select(ActionPlanUpdate, ActionPlan.title)
        .join(ActionPlan)
        .where(ActionPlan.organisation_id == org.id)
        .order_by(ActionPlan.title, ActionPlanUpdate.created_at)
    )
    expected = []
    for update, title in _db.session.execute(stmt):
        created = update.created_at if update.created_at.tzinfo else update.created_at.replace(tzinfo=UTC)
        expected.append(
            (
                title,
                created.replace(microsecond=0),
                update.author_name,
                update.old_status or "",
                update.new_status,
                update.progress,
                update.comment,
            )
        )

    def parse(row):
        plan, _goal, when, author, old, new, progress, comment = row
        if isinstance(when, datetime):  # .xlsx: Danish local time without a zone
            when = when.replace(tzinfo=exports.LOCAL_TZ)
        else:
            when = datetime.fromisoformat(when)
        # the statuses are words ("I gang"); the importers' reading gives their codes back
        old = status_code(old) if old else ""
        return (plan, when.astimezone(UTC), author, old, status_code(new), int(progress), comment or "")

    assert sorted(parse(r) for r in rows) == sorted(expected)
    assert len(rows) == 2 * 3 * 4


# -- rankings ------------------------------------------------------------------------------------------------


def ranking_rows() -> list[tuple]:
    stmt = (
        sa.select(
            SurveyRank.survey,
            SurveyRank.year,
            Municipality.code,
            Municipality.name,
            SurveyRank.category,
            SurveyRank.rank,
            SurveyRank.out_of,
            SurveyRank.source,
        )
        .join(Municipality)
        .order_by(SurveyRank.survey, SurveyRank.year, Municipality.code, SurveyRank.category)
    )
    return [tuple(r) for r in _db.session.execute(stmt)]


@pytest.mark.parametrize("fmt, danish, language", FORMATS)
def test_rankings_round_trip_into_an_empty_survey_table(org, fmt, danish, language):
    add_rankings(municipalities=5, years=3, categories=("Overordnet", "Sagsbehandling, byggesager"))
    before = ranking_rows()
    export = exports.build_export(exports.RANKINGS, org, fmt=fmt, danish=danish, language=language)
    _db.session.execute(sa.delete(SurveyRank))  # the municipalities stay: an import never adds one
    reimport(imports.RANKINGS, export, org)
    assert ranking_rows() == before


def test_filtered_rankings_round_trip(org):
    add_rankings(municipalities=4, years=2, categories=("Overordnet", "Infrastruktur"))
    export = exports.build_export(
        exports.RANKINGS, org, fmt="csv", danish=True, categories=["Infrastruktur"], municipality_codes=[901]
    )
    chosen = [r for r in ranking_rows() if r[2] == 901 and r[4] == "Infrastruktur"]
    _db.session.execute(sa.delete(SurveyRank).where(SurveyRank.category == "Infrastruktur"))
    reimport(imports.RANKINGS, export, org)
    assert [r for r in ranking_rows() if r[4] == "Infrastruktur"] == chosen


# -- through the web -----------------------------------------------------------------------------------------


def test_a_downloaded_file_imports_back(client, org, login):
    data = build(org, goals=1, kpis=2, measurements=4, plans=0)
    _db.session.commit()
    login("viewer", locale="en")
    before = measurement_rows(KPI.organisation_id == org.id)
    response = client.get(
        f"/o/{org.slug}/exports/measurements?goal_id={data.goals[0].id}&format=csv&danish=1"
    )
    assert response.status_code == 200
    filename = response.headers["Content-Disposition"].split("filename=")[1].strip('"')
    _db.session.execute(sa.delete(Measurement).where(Measurement.kpi_id.in_([k.id for k in data.kpis])))
    download = exports.ExportFile(filename, response.mimetype, response.data)
    reimport(imports.MEASUREMENTS, download, org)
    assert measurement_rows(KPI.organisation_id == org.id) == before


def test_measurements_into_a_fresh_organisation_by_kpi_name(org, other_org):
    """Another organisation has KPIs of the same names: without the id column the file imports there."""
    source = build(org, goals=1, kpis=2, measurements=4, plans=0)
    fresh = build(other_org, goals=1, kpis=2, measurements=0, plans=0)
    export = exports.build_export(
        exports.MEASUREMENTS, org, fmt="csv", danish=True, scope=Scope(strategy=source.strategy)
    )
    rows = [[unguard(cell) for cell in row] for row in read_csv(export.data, danish=True)]
    without_ids = exports.Sheet("x", rows[0][1:], [r[1:] for r in rows[1:]])
    assert without_ids.headers[0] == "Nøgletal"
    data = exports.to_csv(without_ids, danish=True)
    reimport(imports.MEASUREMENTS, exports.ExportFile("fra-anden-kommune.csv", "text/csv", data), other_org)

    def by_name(org_id):
        stmt = (
            sa.select(KPI.name, Measurement.period, Measurement.value, Measurement.out_of, Measurement.note)
            .join(KPI)
            .where(KPI.organisation_id == org_id)
            .order_by(KPI.name, Measurement.period)
        )
        return [tuple(r) for r in _db.session.execute(stmt)]

    assert by_name(other_org.id) == by_name(org.id) and len(by_name(other_org.id)) == 8
    assert fresh.kpis[0].organisation_id == other_org.id
