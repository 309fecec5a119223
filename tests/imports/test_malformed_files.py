"""Property-based: malformed files never raise, always explain themselves, and never change the database.

Each example feeds a file to `prepare` for every kind and then tries `write` as a user would without
ticking "import only the valid rows": the answer must be a list of problems (or a single message), no
exception may escape, and the row counts must be as before.
"""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
from flask_babel import force_locale
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from strategitracker.extensions import db as _db
from strategitracker.services import ServiceError, imports
from tests.imports.conftest import to_csv

KINDS = ("measurements", "rankings", "action-plans")
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HEADERS = st.sampled_from(
    [
        "Nøgletal",
        "KPI",
        "Nøgletal-id",
        "Periode",
        "Period",
        "Værdi",
        "Value",
        "N",
        "Note",
        "Kilde",
        "År",
        "Kommune",
        "Kommunekode",
        "Kategori",
        "Placering",
        "2019",
        "N 2019",
        "Handleplan",
        "Mål",
        "Status",
        "Forvaltning",
        "Frist",
        "Fremdrift",
        "",
        "?",
        "Værdi (kr.)",
    ]
)
NASTY_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "=A1*2",
            "=SUM(",
            "#DIV/0!",
            "1e400",
            "-1e400",
            "NaN",
            "inf",
            "1.2.3",
            "1,2,3",
            "99999999999999999999999",
            "-0",
            "0,0000001",
            "31-02-2019",
            "2019-13-01",
            "K5 2019",
            "1. smarch 2019",
            "x" * 6000,
            "'=1+1",
            "\x00",
            "\u202e",
            "I gang",
            "Forsinket",
        ]
    ),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
XLSX_VALUE = st.one_of(
    st.none(),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2999, 12, 31)),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20).filter(
        lambda s: not s.startswith("=")
    ),
    st.sampled_from(["=1/0", "=A1", "=SUM(A1:A3)", "#N/A"]),
)


def _try(world, counts, kind: str, data: bytes, filename: str) -> None:
    before = counts()
    with force_locale("en"):
        prepared = imports.prepare(kind, data, filename, org=world.org, actor=None, role=None)
        for problem in prepared.fatal + prepared.problems:
            assert problem.message and isinstance(problem.describe(), str)
        if prepared.fatal or prepared.problems or prepared.counts["valid"] == 0:
            with pytest.raises(ServiceError) as refused:
                imports.write(prepared, org=world.org, actor=None)
            assert str(refused.value)
    _db.session.rollback()
    assert counts() == before


@SETTINGS
@given(
    data=st.binary(max_size=2000), kind=st.sampled_from(KINDS), name=st.sampled_from(["f.csv", "f.xlsx", "f"])
)
def test_random_bytes(world, counts, data, kind, name):
    _try(world, counts, kind, data, name)


@SETTINGS
@given(
    header=st.lists(HEADERS, min_size=0, max_size=8),
    rows=st.lists(st.lists(NASTY_TEXT, max_size=9), max_size=12),
    sep=st.sampled_from([";", ",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]),
    kind=st.sampled_from(KINDS),
)
def test_malformed_csv(world, counts, header, rows, sep, encoding, kind):
    try:
        data = to_csv([header, *rows], sep=sep, encoding=encoding)
    except UnicodeEncodeError:
        data = to_csv([header, *rows], sep=sep, encoding="utf-8")
    rows.append(["=not a value"] * max(len(header), 1))  # at least one row cannot be valid
    data += to_csv([rows[-1]], sep=sep, encoding="utf-8")
    _try(world, counts, kind, data, "f.csv")


@SETTINGS
@given(
    header=st.lists(HEADERS, min_size=0, max_size=8),
    rows=st.lists(st.lists(XLSX_VALUE, max_size=8), max_size=10),
    title=st.booleans(),
    extra_sheet=st.booleans(),
    kind=st.sampled_from(KINDS),
)
def test_malformed_xlsx(world, counts, header, rows, title, extra_sheet, kind):
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append(["Titel over det hele"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.append(["=1/0"] * max(len(header), 1))  # a formula without a cached value: never valid
    if extra_sheet:
        book.create_sheet("Mere").append(["x"])
    buffer = io.BytesIO()
    book.save(buffer)
    _try(world, counts, kind, buffer.getvalue(), "f.xlsx")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "data, filename",
    [
        (b"", "empty.csv"),
        (b"\r\n\r\n;;;\r\n", "blank.csv"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old.xls"),
        (b"PK\x03\x04 not really a zip", "broken.xlsx"),
        (b"just text", "text.xlsx"),
        (b"\x81\x8d\x8f\x90\x9d\xff", "undecodable.csv"),
    ],
)
def test_unreadable_files_give_one_message(db, world, counts, kind, data, filename):
    with force_locale("en"):
        prepared = imports.prepare(kind, data, filename, org=world.org, actor=None, role=None)
    assert len(prepared.fatal) == 1 and prepared.fatal[0].message.endswith(".")
    _try(world, counts, kind, data, filename)


def test_an_empty_sheet_is_reported(db, world, counts):
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    with force_locale("en"):
        prepared = imports.prepare(
            "measurements", buffer.getvalue(), "e.xlsx", org=world.org, actor=None, role=None
        )
    assert [p.message for p in prepared.fatal] == ["The first sheet, “Sheet”, is empty."]


def test_too_many_rows_are_refused_before_checking(db, world, counts, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 10)
    rows = [["KPI", "Period", "Value"]] + [["x", "2019", str(i)] for i in range(20)]
    with force_locale("en"):
        prepared = imports.prepare(
            "measurements", to_csv(rows), "big.csv", org=world.org, actor=None, role=None
        )
    assert prepared.fatal[0].message == "The file has more than 10 rows. Split it into smaller files."


def test_huge_numbers_and_dates_are_problems_not_crashes(db, world, counts):
    rows = [
        ["Nøgletal", "Periode", "Værdi", "N"],
        ["Placering i DI's måling – samlet", "2019", "1e400", "93"],
        ["Placering i DI's måling – samlet", "2019", "5", "99999999999999999999"],
        ["Antal virksomhedsbesøg", datetime(9999, 1, 1).isoformat(), "1", ""],
    ]
    with force_locale("en"):
        prepared = imports.prepare(
            "measurements", to_csv(rows), "h.csv", org=world.org, actor=None, role=None
        )
    assert [e.status for e in prepared.entries] == ["invalid"] * 3
    _try(world, counts, "measurements", to_csv(rows), "h.csv")
