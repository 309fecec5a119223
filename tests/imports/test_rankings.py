"""Importing benchmark rankings: municipalities (known, new, unknown), category and N, duplicates, audit."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from strategitracker.models import AuditEvent, Municipality, SurveyRank
from tests.imports.conftest import all_rankings, to_csv

LONG = ["År", "Kommune", "Kommunekode", "Kategori", "Placering", "N"]


@pytest.fixture(autouse=True)
def english(db):
    """Problems are described in English, like the `run` fixture prepares them (outside a request: Danish)."""
    with force_locale("en"):
        yield


def described(prepared) -> list[str]:
    return [p.describe() for p in prepared.problems]


def _municipalities(db, *pairs):
    for code, name in pairs:
        db.session.add(Municipality(code=code, name=name))
    db.session.commit()


def test_municipalities_are_found_in_the_register_and_never_added(db, world, run, register, counts):
    data = to_csv(
        [
            LONG,
            ["2019", "Thisted Kommune", "", "Overordnet", "6", "93"],  # by name
            ["2019", "", "787", "Sagsbehandling", "11", "93"],  # by code
            ["2019", "Ikast-Brande", "756", "Overordnet", "12", "93"],  # name and code
            ["2019", "Atlantis", "", "Overordnet", "50", "93"],  # not a municipality
            ["2019", "", "745", "Overordnet", "51", "93"],  # not a code of the register
            ["2019", "Lemvig", "1000", "Overordnet", "52", "93"],  # code out of range
            ["2019", "Thy", "787", "Overordnet", "53", "93"],  # code belongs to another name
            ["2019", "Christiansø", "", "Overordnet", "54", "93"],  # not a municipality either
            ["2019", "Thisted", "786", "Overordnet", "55", "93"],  # a known name with another code
        ]
    )
    before = counts()["municipality"]
    prepared, result = run("rankings", data, "di.csv", accept_valid=True)
    assert described(prepared) == [
        "Row 5, column B “Kommune”: found “Atlantis”: Unknown municipality “Atlantis”: it is not in the "
        "register of municipalities. Check the spelling, or give the municipality code.",
        "Row 6, column C “Kommunekode”: found “745”: Unknown municipality code 745: it is not in the "
        "register of municipalities.",
        "Row 7, column C “Kommunekode”: found “1000”: Expected a whole number from 101 to 999.",
        "Row 8, column B “Kommune”: found “Thy”: Municipality code 787 is Thisted.",
        "Row 9, column B “Kommune”: found “Christiansø”: Unknown municipality “Christiansø”: it is not in "
        "the register of municipalities. Check the spelling, or give the municipality code.",
        "Row 10, column C “Kommunekode”: found “786”: Thisted has municipality code 787.",
    ]
    assert result == {"created": 3, "replaced": 0, "skipped": 0, "rejected": 6}
    assert counts()["municipality"] == before == 98
    assert all_rankings(db) == [
        ("di", 2019, 756, "Ikast-Brande", "Overordnet", 12, 93),
        ("di", 2019, 787, "Thisted", "Overordnet", 6, 93),
        ("di", 2019, 787, "Thisted", "Sagsbehandling", 11, 93),
    ]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "national.import_rankings"))
    assert event.organisation_id is None
    assert event.after == {"file": "di.csv", "created": 3, "replaced": 0, "skipped": 0, "rejected": 6}


def test_category_and_n_are_needed_and_rank_cannot_exceed_n(db, world, run, counts):
    _municipalities(db, (787, "Thisted"))
    before = counts()
    data = to_csv(
        [
            ["År", "Kommunekode", "Kategori", "Placering", "N"],
            ["2019", "787", "", "6", "93"],
            ["2019", "787", "Overordnet", "6", ""],
            ["2019", "787", "Overordnet", "94", "93"],
            ["1960", "787", "Overordnet", "1", "93"],
        ]
    )
    prepared, _ = run("rankings", data, write=False)
    assert described(prepared) == [
        "Row 2, column C “Kategori”: The category is missing: give it in a column or as an option.",
        "Row 3, column D “Placering”: found “6”: N is missing: give it in a column (N, or N 2019 per year) "
        "or as an option.",
        "Row 4, column D “Placering”: found “94”: The rank cannot be higher than N (93).",
        "Row 5, column A “År”: found “1960”: Expected a whole number from 1970 to 2100.",
    ]
    assert counts() == before


def test_options_fill_in_category_and_n_but_columns_win(db, world, run):
    _municipalities(db, (787, "Thisted"), (773, "Morsø"))
    data = to_csv(
        [
            ["Kommune", "Kategori", "2019", "2020"],
            ["Thisted", "", "6", "-"],
            ["Morsø", "Digitale rammer", "", "3"],
        ]
    )
    prepared, result = run("rankings", data, options={"category": "Overordnet", "out_of": 93, "source": "DI"})
    assert result["created"] == 2 and result["rejected"] == 0
    assert all_rankings(db) == [
        ("di", 2019, 787, "Thisted", "Overordnet", 6, 93),
        ("di", 2020, 773, "Morsø", "Digitale rammer", 3, 93),
    ]
    assert set(db.session.scalars(sa.select(SurveyRank.source))) == {"DI"}


def test_wide_cells_report_their_year_column(db, world, run):
    _municipalities(db, (787, "Thisted"))
    data = to_csv([["Kommune", "2019", "N 2019", "2020", "N 2020"], ["Thisted", "6", "93", "seks", "93"]])
    prepared, _ = run("rankings", data, write=False, options={"category": "Overordnet"})
    assert described(prepared) == ["Row 2, column D “2020”: found “seks”: Expected a whole number."]
    assert [(e.cells[1], e.status) for e in prepared.entries] == [("2019", "new"), ("2020", "invalid")]


def test_existing_ranks_are_skipped_or_replaced_and_categories_keep_their_stored_spelling(db, world, run):
    _municipalities(db, (787, "Thisted"))
    thisted = db.session.scalar(sa.select(Municipality).where(Municipality.code == 787))
    db.session.add(
        SurveyRank(
            survey="di", year=2019, municipality_id=thisted.id, category="Overordnet", rank=7, out_of=93
        )
    )
    db.session.commit()
    data = to_csv([LONG, ["2019", "Thisted", "787", "overordnet", "6", "93"]])
    prepared, result = run("rankings", data)
    assert prepared.entries[0].status == "exists"
    assert result["skipped"] == 1 and all_rankings(db)[0][5] == 7
    prepared, result = run("rankings", data, on_duplicate="replace")
    assert result["replaced"] == 1
    assert all_rankings(db) == [("di", 2019, 787, "Thisted", "Overordnet", 6, 93)]
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "national.survey_rank_correct")
    )
    assert event.before["rank"] == 7 and event.after["rank"] == 6 and event.organisation_id is None


def test_a_long_file_needs_a_rank_column(db, world, run):
    prepared, _ = run("rankings", to_csv([["År", "Kommune", "N"], ["2019", "Thisted", "93"]]), write=False)
    assert "Rank" in prepared.fatal[0].message


def test_a_header_spread_over_two_merged_rows_is_refused_with_a_message(db, world, run):
    from tests.imports.conftest import to_xlsx

    data = to_xlsx(
        [["Kommune", "Placering", None], [None, 2019, 2020], ["Thisted", 6, 16]],
    )
    prepared, _ = run("rankings", data, "to-raekker.xlsx", write=False, options={"category": "Overordnet"})
    assert [p.describe() for p in prepared.fatal] == [
        "Row 1: The column “År (Year)” is missing. The header row (row 1) has: A “Kommune”, B “Placering”."
    ]
