"""The same data in the forms people have it: every file below must store exactly the same rows.

CSV with "," or ";", decimal comma and thousands dots, UTF-8 with and without BOM, Windows-1252 and
UTF-16 (Excel's "Unicode text"), .xlsx with typed cells, with a title row above the header and with blank
trailing rows, Danish and English headers, Danish date formats; rankings in the long and the wide layout.
"""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from strategitracker.models import ActionPlan, Department, Municipality
from tests.imports.conftest import all_measurements, all_rankings, to_csv, to_xlsx

RANK = "Placering i DI's måling – samlet"
NUMBER = "Antal virksomhedsbesøg"
PERCENT = "Andel besvaret inden for 24 timer"
MONTHLY = "Henvendelser pr. måned"
NOTE = "Æblegrød på Ølstykke Å"

EXPECTED_MEASUREMENTS = [
    (PERCENT, date(2019, 7, 1), 95.5, None, "", ""),
    (NUMBER, date(2019, 9, 1), 1234.5, None, NOTE, "DI"),
    (MONTHLY, date(2019, 9, 1), 12.0, None, "", ""),
    (RANK, date(2019, 9, 1), 6.0, 93, "", ""),
    (RANK, date(2020, 9, 1), 16.0, 93, "", ""),
]

DANISH_ROWS = [
    ["Nøgletal", "Periode", "Værdi", "N", "Note", "Kilde"],
    [RANK, "2019", "6", "93", "", ""],
    [RANK, "1. september 2020", "16", "93", "", ""],
    [NUMBER, "01-09-2019", "1.234,5", "", NOTE, "DI"],
    [PERCENT, "K3 2019", "95,5", "", "", ""],
    [MONTHLY, "sep 2019", "12", "", "", ""],
]


def csv_comma_english():
    rows = [
        ["KPI", "Period", "Value", "N", "Note", "Source"],
        [RANK, "2019-09-01", "6", "93", "", ""],
        [RANK, "2020-09-01", "16", "93", "", ""],
        [NUMBER, "2019-09-01", "1234.5", "", NOTE, "DI"],
        [PERCENT, "2019-07-01", "95.5", "", "", ""],
        [MONTHLY, "2019-09-01", "12", "", "", ""],
    ]
    return to_csv(rows, sep=","), "maalinger.csv"


def csv_comma_thousands_english():
    rows = [
        ["kpi_name", "date", "result", "out of", "comment", "data source"],
        [RANK, "September 1, 2019", "6", "93", "", ""],
        [RANK, "Sep 2020", "16", "93", "", ""],
        [NUMBER, "2019-09-01 00:00:00", "1,234.5", "", NOTE, "DI"],
        [PERCENT, "2019 Q3", "95.5 %", "", "", ""],
        [MONTHLY, "2019-09", "12", "", "", ""],
    ]
    return to_csv(rows, sep=","), "maalinger.csv"


def csv_semicolon_danish():
    return to_csv(DANISH_ROWS), "målinger.csv"


def csv_utf8_bom():
    return to_csv(DANISH_ROWS, bom=True), "målinger.csv"


def csv_cp1252():
    return to_csv(DANISH_ROWS, encoding="cp1252"), "maalinger.csv"


def csv_utf16_tabs():
    return to_csv(DANISH_ROWS, sep="\t", encoding="utf-16"), "maalinger.txt"


def csv_danish_dates_and_blank_trailing_rows():
    rows = [
        ["nøgletal", "dato", "værdi", "ud af", "bemærkning", "datakilde"],
        [RANK.replace("–", "-"), "1/9/2019", "6", "93", "", ""],
        [RANK.upper(), "september 2020", "16", "93", "", ""],
        [NUMBER, "1. sep. 2019", "1234,5", "", NOTE, "DI"],
        [PERCENT, "1.7.2019", "95,5", "", "", ""],
        [MONTHLY, "01-09-2019", "12,0", "", "", ""],
        ["", "", "", "", "", ""],
        [],
        ["", "", "", "", "", ""],
    ]
    return to_csv(rows) + b"\r\n\r\n", "maalinger.csv"


def xlsx_typed():
    rows = [
        ["Nøgletal", "Periode", "Værdi", "N", "Note", "Kilde"],
        [RANK, 2019, 6, 93, None, None],
        [RANK, date(2020, 9, 1), 16, 93, None, None],
        [NUMBER, date(2019, 9, 1), 1234.5, None, NOTE, "DI"],
        [PERCENT, "K3 2019", 95.5, None, None, None],
        [MONTHLY, "sep 2019", 12, None, None, None],
    ]
    return to_xlsx(rows), "maalinger.xlsx"


def xlsx_title_row_and_blank_rows():
    rows = [
        ["KPI", "Period", "Value", "N", "Note", "Source"],
        [RANK, date(2019, 9, 1), 6, 93, None, None],
        [RANK, date(2020, 9, 1), 16, 93, None, None],
        [None, None, None, None, None, None],
        [NUMBER, date(2019, 9, 1), "1.234,5", None, NOTE, "DI"],
        [PERCENT, date(2019, 7, 1), 95.5, None, None, None],
        [MONTHLY, date(2019, 9, 1), 12, None, None, None],
        [None, None, None, None, None, None],
        [None, None, None, None, None, None],
    ]
    return to_xlsx(
        rows, title_rows=[["Målinger fra Excel, 2019–2020"], []], merge_title=True
    ), "maalinger.xlsx"


MEASUREMENT_FORMS = [
    csv_comma_english,
    csv_comma_thousands_english,
    csv_semicolon_danish,
    csv_utf8_bom,
    csv_cp1252,
    csv_utf16_tabs,
    csv_danish_dates_and_blank_trailing_rows,
    xlsx_typed,
    xlsx_title_row_and_blank_rows,
]


@pytest.mark.parametrize("build", MEASUREMENT_FORMS, ids=lambda f: f.__name__)
def test_every_form_of_measurements_stores_the_same_rows(db, world, run, build):
    data, filename = build()
    prepared, result = run("measurements", data, filename)
    assert not prepared.fatal and not prepared.problems, [
        p.describe() for p in prepared.problems + prepared.fatal
    ]
    assert result == {"created": 5, "replaced": 0, "skipped": 0, "rejected": 0}
    assert all_measurements(db) == EXPECTED_MEASUREMENTS


def test_a_title_row_above_the_header_is_skipped_with_a_notice(db, world, run):
    data, filename = xlsx_title_row_and_blank_rows()
    prepared, _ = run("measurements", data, filename, write=False)
    assert any("row 3" in n and "Målinger fra Excel" in n for n in prepared.notices)
    assert [e.row for e in prepared.entries] == [4, 5, 7, 8, 9]  # rows as Excel numbers them


# --- rankings -----------------------------------------------------------------------------------------------

EXPECTED_RANKINGS = [
    ("di", 2019, 756, "Ikast-Brande", "Overordnet", 12, 93),
    ("di", 2019, 773, "Morsø", "Overordnet", 40, 93),
    ("di", 2019, 787, "Thisted", "Overordnet", 6, 93),
    ("di", 2020, 756, "Ikast-Brande", "Overordnet", 2, 93),
    ("di", 2020, 773, "Morsø", "Overordnet", 35, 93),
    ("di", 2020, 787, "Thisted", "Overordnet", 16, 93),
]


def long_csv_danish():
    rows = [["Undersøgelse", "År", "Kommunekode", "Kommune", "Kategori", "Placering", "N"]]
    rows += [[s, y, c, n, cat, r, nn] for s, y, c, n, cat, r, nn in EXPECTED_RANKINGS]
    return to_csv(rows), "di.csv", {}


def long_xlsx_english_names_only():
    rows = [["Year", "Municipality", "Category", "Rank", "N"]]
    rows += [[y, f"{n} Kommune", cat, r, nn] for _s, y, _c, n, cat, r, nn in EXPECTED_RANKINGS]
    return to_xlsx(rows), "di.xlsx", {}


def long_csv_codes_only_category_option():
    rows = [["år", "kode", "plads", "antal kommuner"]]
    rows += [[y, c, r, nn] for _s, y, c, _n, _cat, r, nn in EXPECTED_RANKINGS]
    return to_csv(rows, sep=","), "di.csv", {"category": "Overordnet"}


def wide_csv_with_n_columns():
    rows = [["Kommune", "Kommunekode", "Kategori", "2019", "N 2019", "2020", "N 2020"]]
    rows += [
        ["Ikast-Brande", "756", "Overordnet", "12", "93", "2", "93"],
        ["Morsø", "773", "Overordnet", "40", "93", "35", "93"],
        ["Thisted", "787", "Overordnet", "6", "93", "16", "93"],
    ]
    return to_csv(rows), "di-bred.csv", {}


def wide_xlsx_with_title_and_options():
    rows = [["Kommune", 2019, 2020], ["Ikast-Brande", 12, 2], ["Morsø", 40, 35], ["Thisted", 6, 16], [None]]
    data = to_xlsx(
        rows, title_rows=[["DI's måling af erhvervsvenlighed – samlet placering"]], merge_title=True
    )
    return data, "di-bred.xlsx", {"category": "Overordnet", "out_of": 93, "survey": "DI"}


RANKING_FORMS = [
    long_csv_danish,
    long_xlsx_english_names_only,
    long_csv_codes_only_category_option,
    wide_csv_with_n_columns,
    wide_xlsx_with_title_and_options,
]


@pytest.mark.parametrize("build", RANKING_FORMS, ids=lambda f: f.__name__)
def test_every_form_of_rankings_stores_the_same_rows(db, world, run, build):
    for code, name in ((756, "Ikast-Brande"), (773, "Morsø"), (787, "Thisted")):
        db.session.add(Municipality(code=code, name=name))
    db.session.commit()
    data, filename, options = build()
    prepared, result = run("rankings", data, filename, options=options)
    assert not prepared.fatal and not prepared.problems, [
        p.describe() for p in prepared.problems + prepared.fatal
    ]
    assert result["created"] == 6
    assert all_rankings(db) == EXPECTED_RANKINGS


# --- action plans -------------------------------------------------------------------------------------------


def plans_danish_csv(world):
    rows = [
        ["Handleplan", "Mål", "Ansvarlig", "Forvaltning", "Status", "Start", "Frist", "Fremdrift", "Note"],
        [
            "Erhvervskontakten",
            world.goal2.title,
            "Chef for Erhverv",
            "Erhverv og Beskæftigelse",
            "I gang",
            "1. september 2016",
            "31-03-2017",
            "40 %",
            "",
        ],
        [
            "Kursus i erhvervsdialog",
            world.goal.title,
            "Direktør",
            "Byg og Miljø",
            "Forsinket",
            "01-01-2017",
            "dec 2017",
            "10",
            "Venter på kursusdatoer",
        ],
        ["Erhvervstelefoner", world.goal2.title, "", "", "Udgået", "", "", "", ""],
    ]
    return to_csv(rows, encoding="cp1252"), "handleplaner.csv"


def plans_english_xlsx(world):
    rows = [
        ["Title", "Goal", "Owner", "Department", "Status", "Start date", "Due date", "Progress", "Note"],
        [
            "Erhvervskontakten",
            world.goal2.title,
            "Chef for Erhverv",
            "erhverv og beskæftigelse",
            "in_progress",
            date(2016, 9, 1),
            date(2017, 3, 31),
            0.4,
            None,
        ],
        [
            "Kursus i erhvervsdialog",
            world.goal.title.upper(),
            "Direktør",
            "Byg og Miljø",
            "Delayed",
            date(2017, 1, 1),
            date(2017, 12, 31),
            10,
            "Venter på kursusdatoer",
        ],
        ["Erhvervstelefoner", world.goal2.title, None, None, "cancelled", None, None, None, None],
    ]
    data = to_xlsx(rows)
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data))
    book.active["H2"].number_format = "0%"  # 0.4 shown as 40 %
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), "handleplaner.xlsx"


@pytest.mark.parametrize("build", [plans_danish_csv, plans_english_xlsx], ids=lambda f: f.__name__)
def test_every_form_of_action_plans_stores_the_same_rows(db, world, run, build):
    data, filename = build(world)
    prepared, result = run("action-plans", data, filename)
    assert not prepared.fatal and not prepared.problems, [
        p.describe() for p in prepared.problems + prepared.fatal
    ]
    assert result["created"] == 3
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(
            ActionPlan.title,
            ActionPlan.goal_id,
            ActionPlan.owner,
            Department.name,
            ActionPlan.status,
            ActionPlan.start_date,
            ActionPlan.due_date,
            ActionPlan.progress,
            ActionPlan.note,
        )
        .outerjoin(Department)
        .order_by(ActionPlan.title)
    ).all()
    assert [tuple(r) for r in rows] == [
        (
            "Erhvervskontakten",
            world.goal2.id,
            "Chef for Erhverv",
            "Erhverv og Beskæftigelse",
            "in_progress",
            date(2016, 9, 1),
            date(2017, 3, 31),
            40,
            "",
        ),
        ("Erhvervstelefoner", world.goal2.id, "", None, "cancelled", None, None, 0, ""),
        (
            "Kursus i erhvervsdialog",
            world.goal.id,
            "Direktør",
            "Byg og Miljø",
            "delayed",
            date(2017, 1, 1),
            date(2017, 12, 31),
            10,
            "Venter på kursusdatoer",
        ),
    ]
