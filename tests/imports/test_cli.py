"""`flask import measurements|rankings|action-plans FILE --org SLUG …`.

Messages are checked in English (`force_locale("en")`), as in tests/test_cli.py.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask_babel import force_locale

from strategitracker.models import AuditEvent, Municipality
from tests.imports.conftest import all_rankings, measurements_of, to_csv, to_xlsx

RANK = "Placering i DI's måling – samlet"


@pytest.fixture
def invoke(runner) -> Callable[..., Result]:
    def run(*args: str) -> Result:
        with force_locale("en"):
            return runner.invoke(args=list(args))

    return run


@pytest.fixture
def write_file(tmp_path):
    def write(name: str, data: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


GOOD = to_csv([["Nøgletal", "Periode", "Værdi", "N"], [RANK, "2019", "6", "93"], [RANK, "2020", "16", "93"]])
BAD = to_csv([["Nøgletal", "Periode", "Værdi", "N"], [RANK, "2019", "6", "93"], [RANK, "2020", "x", "93"]])


def test_dry_run_reports_and_writes_nothing(db, world, invoke, write_file, counts):
    before = counts()
    result = invoke("import", "measurements", write_file("m.csv", GOOD), "--org", world.org.slug, "--dry-run")
    assert result.exit_code == 0, result.output
    assert (
        "Dry run, nothing was saved. The import would create 2, replace 0, skip 0 and reject 0."
        in result.output
    )
    assert counts() == before


def test_import_writes_in_one_go_and_reports_counts(db, world, invoke, write_file):
    result = invoke("import", "measurements", write_file("m.csv", GOOD), "--org", world.org.slug)
    assert result.exit_code == 0, result.output
    assert "m.csv was imported: 2 created, 0 replaced, 0 skipped, 0 rejected." in result.output
    assert [m[:3] for m in measurements_of(db, world.rank)] == [
        (date(2019, 9, 1), 6.0, 93),
        (date(2020, 9, 1), 16.0, 93),
    ]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "import.measurements"))
    assert event.user_id is None and event.after["created"] == 2


def test_problems_stop_the_import_unless_accept_valid(db, world, invoke, write_file, counts):
    before = counts()
    path = write_file("m.csv", BAD)
    result = invoke("import", "measurements", path, "--org", world.org.slug)
    assert result.exit_code == 1
    assert "Row 3, column C “Værdi”: found “x”: Expected a number" in result.output
    assert "Nothing was imported: 1 row(s) have problems." in result.output
    assert counts() == before
    result = invoke("import", "measurements", path, "--org", world.org.slug, "--dry-run")
    assert result.exit_code == 1 and counts() == before
    result = invoke("import", "measurements", path, "--org", world.org.slug, "--accept-valid")
    assert result.exit_code == 0, result.output
    assert "1 created, 0 replaced, 0 skipped, 1 rejected" in result.output


def test_on_duplicate_replace(db, world, invoke, write_file):
    invoke("import", "measurements", write_file("m.csv", GOOD), "--org", world.org.slug)
    changed = to_csv([["KPI", "Period", "Value", "N"], [RANK, "2019", "7", "93"]])
    path = write_file("n.csv", changed)
    result = invoke("import", "measurements", path, "--org", world.org.slug)
    assert "0 created, 0 replaced, 1 skipped" in result.output
    result = invoke("import", "measurements", path, "--org", world.org.slug, "--on-duplicate", "replace")
    assert "0 created, 1 replaced, 0 skipped" in result.output
    assert measurements_of(db, world.rank)[0][1] == 7.0


def test_rankings_with_options_and_a_superuser(db, world, invoke, write_file, make_user, register):
    admin = make_user(is_superuser=True)
    db.session.commit()
    data = to_xlsx([["Kommune", "Kommunekode", "2019"], ["Thisted", 787, 6]])
    path = write_file("di.xlsx", data)
    result = invoke(
        "import", "rankings", path, "--category", "Overordnet", "--out-of", "93", "--user", admin.email
    )
    assert result.exit_code == 0, result.output
    assert all_rankings(db) == [("di", 2019, 787, "Thisted", "Overordnet", 6, 93)]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "national.import_rankings"))
    assert event.user_id == admin.id and event.organisation_id is None


def test_members_of_an_organisation_may_not_import_rankings(db, world, invoke, write_file, counts, register):
    before = counts()
    path = write_file("di.csv", to_csv([["Kommune", "2019"], ["Thisted", "6"]]))
    for member in (world.editor, world.facilitator):
        result = invoke("import", "rankings", path, "--org", world.org.slug, "--user", member.email)
        assert result.exit_code == 1
        assert "Only the site administrators can change national data" in result.output
    result = invoke("import", "measurements", path, "--org", "findes-ikke")
    assert result.exit_code == 1 and "Unknown organisation findes-ikke." in result.output
    assert counts() == before


# How DI's table names the municipalities where the register's name differs.
DI_SPELLINGS = {
    "Vesthimmerlands": "Vesthimmerland",
    "Nordfyns": "Nordfyn",
    "Høje-Taastrup": "Høje Taastrup",
    "Aabenraa": "Åbenrå",
    "Bornholm": "Bornholms Regionskommune",
    "København": "Københavns Kommune",
}


def test_dis_table_of_all_98_municipalities_imports_without_codes(db, world, invoke, write_file, register):
    """DI's own layout: Danish names without codes, cp1252, semicolons, one column per year and N."""
    register_rows = [
        (m.code, m.name) for m in db.session.scalars(sa.select(Municipality).order_by(Municipality.name))
    ]
    rows = [["Kommune", "2022", "2023", "N 2022", "N 2023"]]
    expected = set()
    for position, (code, name) in enumerate(register_rows, start=1):
        ranked_2023 = position <= 92  # six municipalities had too few answers in 2023
        rows.append([DI_SPELLINGS.get(name, name), str(position), str(93 - position) if ranked_2023 else "-"])
        rows[-1] += ["98", "92"]
        expected.add(("di", 2022, code, name, "Overordnet", position, 98))
        if ranked_2023:
            expected.add(("di", 2023, code, name, "Overordnet", 93 - position, 92))
    assert len(register_rows) == 98
    path = write_file("di-2023.csv", to_csv(rows, sep=";", encoding="cp1252"))
    result = invoke("import", "rankings", path, "--category", "Overordnet")
    assert result.exit_code == 0, result.output
    assert "190 created, 0 replaced, 0 skipped, 0 rejected" in result.output
    assert set(all_rankings(db)) == expected


def test_unreadable_file(db, world, invoke, write_file, counts):
    before = counts()
    result = invoke(
        "import", "action-plans", write_file("x.xlsx", b"PK\x03\x04nope"), "--org", world.org.slug
    )
    assert result.exit_code == 1
    assert "could not be opened as an Excel workbook" in result.output
    assert counts() == before


def test_action_plans(db, world, invoke, write_file):
    data = to_csv([["Handleplan", "Mål", "Status"], ["Erhvervskontakten", world.goal2.title, "I gang"]])
    result = invoke("import", "action-plans", write_file("h.csv", data), "--org", world.org.slug)
    assert result.exit_code == 0, result.output
    assert "1 created" in result.output
