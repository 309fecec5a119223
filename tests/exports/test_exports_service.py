"""services/exports: what each export contains, and the .xlsx and .csv formats."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st

from strategitracker.extensions import db
from strategitracker.formatting import csv_number
from strategitracker.models import ActionPlanUpdate, User
from strategitracker.services import ServiceError, exports
from strategitracker.services.exports import Scope, Sheet
from strategitracker.services.imports import columns as cols
from tests.exports.helpers import add_rankings, build, read_csv, read_xlsx

TODAY = date(2026, 11, 28)


@pytest.fixture
def data(org):
    return build(org, goals=2, kpis=2, measurements=6, plans=5, updates=3)


# -- contents ----------------------------------------------------------------------------------------------


def test_measurement_sheet_has_the_import_headers_then_the_extras(data):
    sheet = exports.measurement_sheet(Scope(strategy=data.strategy))
    assert sheet.headers == [*cols.headers(cols.MEASUREMENT_COLUMNS, "da"), "Mål", "Enhed"]
    english = exports.measurement_sheet(Scope(strategy=data.strategy), language="en")
    assert english.headers == [*cols.headers(cols.MEASUREMENT_COLUMNS, "en"), "Goal", "Unit"]


def test_measurements_of_a_strategy_goal_and_kpi(data):
    strategy_rows = exports.measurement_sheet(Scope(strategy=data.strategy)).rows
    assert len(strategy_rows) == 2 * 2 * 6
    goal_rows = exports.measurement_sheet(Scope(goal=data.goals[1])).rows
    assert len(goal_rows) == 2 * 6 and {r[-2] for r in goal_rows} == {data.goals[1].title}
    kpi = data.kpis[1]
    kpi_rows = exports.measurement_sheet(Scope(kpi=kpi)).rows
    expected = [
        [
            kpi.id,
            kpi.name,
            m.period,
            exports.plain_number(m.value),
            m.out_of,
            m.note,
            m.source,
            kpi.goal.title,
            "kr.",
        ]
        for m in sorted(kpi.measurements, key=lambda m: m.period)
    ]
    assert kpi_rows == expected
    rank_row = exports.measurement_sheet(Scope(kpi=data.kpis[0])).rows[0]
    assert rank_row[3:5] == [90, 98] and isinstance(rank_row[3], int)  # rank 90 of N 98


def test_archived_kpis_and_goals_are_left_out_unless_chosen(data):
    data.kpis[0].archived_at = datetime.now(UTC)
    data.goals[1].archived_at = datetime.now(UTC)
    data.plans[0].archived_at = datetime.now(UTC)
    db.session.flush()
    rows = exports.measurement_sheet(Scope(strategy=data.strategy)).rows
    assert {r[0] for r in rows} == {data.kpis[1].id}
    assert len(exports.measurement_sheet(Scope(kpi=data.kpis[0])).rows) == 6  # chosen on its own
    plans = exports.action_plan_sheet(Scope(strategy=data.strategy)).rows
    assert {r[0] for r in plans} == {p.title for p in data.plans[1:5]}


def test_action_plan_sheet_has_status_code_and_label_owner_email_and_department(data):
    sheet = exports.action_plan_sheet(Scope(goal=data.goals[0]))
    assert sheet.headers == [*cols.headers(cols.ACTION_PLAN_COLUMNS, "da"), "Statustekst"]
    rows = {r[0]: dict(zip(sheet.headers, r, strict=True)) for r in sheet.rows}
    assert len(rows) == 5
    for plan in data.plans[:5]:
        row = rows[plan.title]
        assert row["Status"] == plan.status
        assert row["Statustekst"] == cols.STATUS_LABELS_DA[plan.status]
        assert row["Mål"] == data.goals[0].title
        assert row["Start"] == plan.start_date and row["Frist"] == plan.due_date
        assert row["Fremdrift"] == plan.progress and row["Afsluttet den"] == plan.done_on
        assert row["Forvaltning"] == (plan.department.name if plan.department else "")
        owner_email = db.session.get(User, plan.owner_user_id).email if plan.owner_user_id else ""
        assert row["Ansvarlig e-mail"] == owner_email
    english = exports.action_plan_sheet(Scope(goal=data.goals[0]), language="en")
    assert english.headers[-1] == "Status label"
    assert {r[-1] for r in english.rows} <= set(cols.STATUS_LABELS_EN.values())


def test_action_plans_cannot_be_exported_per_kpi(data):
    with force_locale("en"), pytest.raises(ServiceError, match="whole strategy or for one goal"):
        exports.action_plan_sheet(Scope(kpi=data.kpis[0]))


def test_history_lists_every_update_in_danish_local_time_to_the_second(data):
    sheet = exports.action_plan_history_sheet(Scope(strategy=data.strategy))
    assert sheet.headers == [c.da for c in exports.HISTORY_COLUMNS]
    assert len(sheet.rows) == 2 * 5 * 3
    plan = data.plans[0]
    first = db.session.scalars(
        sa.select(ActionPlanUpdate)
        .where(ActionPlanUpdate.action_plan_id == plan.id)
        .order_by(ActionPlanUpdate.created_at)
    ).first()
    row = dict(zip([c.key for c in exports.HISTORY_COLUMNS], sheet.rows[0], strict=True))
    assert row["action_plan"] == plan.title and row["goal"] == data.goals[0].title
    # 2016-01-10 08:30:15.123456 UTC is 09:30:15 in Copenhagen (winter time, UTC+1)
    assert row["created_at"] == datetime(2016, 1, 10, 9, 30, 15, tzinfo=exports.LOCAL_TZ)
    assert row["created_at"].utcoffset().total_seconds() == 3600
    assert row["author"] == first.author_name
    assert row["new_status"] == cols.STATUS_LABELS_DA[first.new_status]  # words, not codes
    assert row["old_status"] == "" and row["progress"] == first.progress


def test_history_statuses_are_words_in_the_exporting_users_language(data):
    codes = set(cols.STATUS_LABELS_DA)
    for language, labels in (("da", cols.STATUS_LABELS_DA), ("en", cols.STATUS_LABELS_EN)):
        sheet = exports.action_plan_history_sheet(Scope(strategy=data.strategy), language=language)
        keys = [c.key for c in exports.HISTORY_COLUMNS]
        shown = {
            v for row in sheet.rows for k, v in zip(keys, row, strict=True) if k.endswith("_status") and v
        }
        assert shown and shown <= set(labels.values()) and not shown & codes
    assert "Forsinket" in {
        row[5] for row in exports.action_plan_history_sheet(Scope(strategy=data.strategy)).rows
    }


def test_rankings_filtered_by_survey_category_and_municipality(db):
    add_rankings(municipalities=4, years=3, categories=("Overordnet", "Sagsbehandling"))
    everything = exports.ranking_sheet()
    assert everything.headers == cols.headers(cols.RANKING_COLUMNS, "da")
    assert len(everything.rows) == 4 * 3 * 2
    some = exports.ranking_sheet(survey="di", categories=["Sagsbehandling"], municipality_codes=[900, 902])
    assert len(some.rows) == 2 * 3
    assert {(r[2], r[4]) for r in some.rows} == {(900, "Sagsbehandling"), (902, "Sagsbehandling")}
    assert exports.ranking_sheet(survey="nope").rows == []


def test_an_export_covers_only_its_own_organisation(data, other_org):
    other = build(other_org, goals=1, kpis=1, measurements=3, plans=2, updates=2)
    with pytest.raises(ServiceError):
        exports.build_export(exports.MEASUREMENTS, data.org, fmt="csv", scope=Scope(strategy=other.strategy))
    with pytest.raises(ServiceError):
        exports.scope_in_org(data.org, goal_id=other.goals[0].id)
    assert exports.scope_in_org(data.org, kpi_id=data.kpis[0].id).kpi is data.kpis[0]


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"strategy": "s", "goal": "g"}],
    ids=["no scope", "two scopes"],
)
def test_a_scope_is_exactly_one_thing(kwargs):
    with pytest.raises(ServiceError):
        Scope(**kwargs)


def test_unknown_kind_format_or_language_is_refused(data):
    scope = Scope(strategy=data.strategy)
    with pytest.raises(ServiceError):
        exports.build_export("pdf", data.org, fmt="csv", scope=scope)
    with pytest.raises(ServiceError):
        exports.build_export(exports.MEASUREMENTS, data.org, fmt="ods", scope=scope)
    with pytest.raises(ServiceError):
        exports.build_export(exports.MEASUREMENTS, data.org, fmt="csv", scope=scope, language="de")
    with pytest.raises(ServiceError):
        exports.build_export(exports.MEASUREMENTS, data.org, fmt="csv")


# -- CSV ---------------------------------------------------------------------------------------------------


def test_csv_has_a_bom_commas_and_decimal_points():
    sheet = Sheet(
        "x", ["Navn", "Værdi", "Dato"], [["Æble", 1234567.25, date(2026, 1, 31)], ["Ø", -0.5, None]]
    )
    data = exports.to_csv(sheet)
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "Navn,Værdi,Dato\r\nÆble,1234567.25,2026-01-31\r\nØ,-0.5,\r\n"


def test_danish_csv_has_semicolons_and_decimal_commas_without_thousands_separator():
    sheet = Sheet("x", ["Navn", "Værdi", "N"], [["a;b", 1234567.25, 96], ["c", 0.1, None], ["d", 1e-7, 3]])
    rows = read_csv(exports.to_csv(sheet, danish=True), danish=True)
    assert rows == [
        ["Navn", "Værdi", "N"],
        ["a;b", "1234567,25", "96"],
        ["c", "0,1", ""],
        ["d", "0,0000001", "3"],
    ]


def test_csv_numbers_are_written_positionally():
    assert csv_number(1e21) == "1000000000000000000000"
    assert csv_number(2.5e-05, decimal_comma=True) == "0,000025"
    assert csv_number(92.0) == "92"
    assert csv_number(True) == "1"


def test_csv_text_that_looks_like_a_formula_is_neutralised():
    sheet = Sheet("x", ["A"], [["=SUM(A1)"], ["+45 1234"], ["-3 i alt"], ["@cmd"], ["\tx"], ["ok"], [-3.5]])
    rows = read_csv(exports.to_csv(sheet))
    assert [r[0] for r in rows[1:]] == ["'=SUM(A1)", "'+45 1234", "'-3 i alt", "'@cmd", "'\tx", "ok", "-3.5"]


def test_a_literal_apostrophe_before_a_formula_character_survives_the_importer():
    from strategitracker.services.imports.reading import unguard

    samples = ["'=x", "'-", "''=x", "'abc", "'", "=", "-5 %", "@", "ok", "", "'+45"]
    assert [unguard(exports.csv_text(text)) for text in samples] == samples
    assert exports.csv_text("'=x") == "''=x" and exports.csv_text("'abc") == "'abc"
    assert [unguard(exports.xlsx_text(text)) for text in samples] == samples
    assert exports.xlsx_text("=x") == "=x" and exports.xlsx_text("'-x") == "''-x"


@given(st.text(max_size=12))
def test_any_text_survives_the_csv_guard_and_the_importer(text):
    from strategitracker.services.imports.reading import unguard

    assert unguard(exports.csv_text(text)) == text


def test_csv_times_carry_their_offset():
    local = datetime(2016, 7, 1, 12, 0, tzinfo=exports.LOCAL_TZ)
    rows = read_csv(exports.to_csv(Sheet("x", ["t"], [[local]])))
    assert rows[1] == ["2016-07-01T12:00:00+02:00"]


# -- XLSX --------------------------------------------------------------------------------------------------


def test_xlsx_header_is_bold_and_frozen_with_fitted_widths_and_typed_cells(data):
    export = exports.build_export(
        exports.MEASUREMENTS, data.org, fmt="xlsx", scope=Scope(kpi=data.kpis[1]), today=TODAY
    )
    workbook = openpyxl.load_workbook(io.BytesIO(export.data))
    ws = workbook.worksheets[0]
    assert ws.freeze_panes == "A2"
    assert all(cell.font.bold for cell in ws[1])
    assert [c.value for c in ws[1]] == export.sheets[0].headers
    period, value = ws.cell(row=2, column=3), ws.cell(row=2, column=4)
    assert period.is_date and period.value == datetime(2016, 1, 1) and period.number_format == "yyyy-mm-dd"
    assert value.data_type == "n" and value.value == 1234567.25
    name_width = ws.column_dimensions["B"].width
    assert len(data.kpis[1].name) < name_width <= 62
    # a text that starts with "=" is stored as text, not as a formula
    note = ws.cell(row=2, column=6)
    assert note.value == "=SUM(A1:A2)" and note.data_type == "s"


def test_action_plans_xlsx_has_a_history_sheet_and_csv_does_not(data):
    scope = Scope(strategy=data.strategy)
    xlsx = exports.build_export(exports.ACTION_PLANS, data.org, fmt="xlsx", scope=scope, today=TODAY)
    sheets = read_xlsx(xlsx.data)
    assert list(sheets) == ["Action plans", "History"] or len(sheets) == 2
    plans, history = sheets.values()
    assert len(plans) == 1 + 10 and len(history) == 1 + 30
    assert isinstance(history[1][2], datetime)  # a real Excel date-time
    csv_export = exports.build_export(exports.ACTION_PLANS, data.org, fmt="csv", scope=scope, today=TODAY)
    assert len(csv_export.sheets) == 1 and len(read_csv(csv_export.data)) == 1 + 10


def test_file_names_and_types(data):
    scope = Scope(strategy=data.strategy)
    m = exports.build_export(exports.MEASUREMENTS, data.org, fmt="xlsx", scope=scope, today=TODAY)
    assert m.filename == f"{data.org.slug}-maalinger-2026-11-28.xlsx"
    assert m.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    h = exports.build_export(exports.ACTION_PLAN_HISTORY, data.org, fmt="csv", scope=scope, today=TODAY)
    assert h.filename == f"{data.org.slug}-handleplaner-historik-2026-11-28.csv"
    assert h.mimetype.startswith("text/csv")
    r = exports.build_export(exports.RANKINGS, None, fmt="csv", today=TODAY)
    assert r.filename == "placeringer-2026-11-28.csv"


def test_sheet_titles_fit_excel():
    assert exports.sheet_title("a/b:c" * 10) == ("a b c" * 10)[:31]
    assert exports.sheet_title("") == "Data"
