"""`flask export KIND --org SLUG [--strategy ID|--goal ID|--kpi ID] --format xlsx|csv [--danish] -o FILE`.

Messages are checked in English (`force_locale("en")`); rows are committed before a command runs because
a failing command rolls the session back.
"""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from strategitracker.extensions import db as _db
from strategitracker.services import exports
from strategitracker.services.imports import columns as cols
from tests.exports.helpers import add_rankings, build, read_csv, read_xlsx


@pytest.fixture
def invoke(runner):
    def run(*args: str):
        with force_locale("en"):
            return runner.invoke(args=["export", *map(str, args)])

    return run


@pytest.fixture
def data(org):
    data = build(org, goals=2, kpis=2, measurements=3, plans=2, updates=2)
    _db.session.commit()
    return data


def test_measurements_of_a_strategy_to_xlsx(invoke, org, data, tmp_path):
    out = tmp_path / "maalinger.xlsx"
    result = invoke("measurements", "--org", org.slug, "--strategy", data.strategy.id, "-o", out)
    assert result.exit_code == 0, result.output
    assert "Exported 12 rows" in result.output
    (rows,) = read_xlsx(out.read_bytes()).values()
    assert rows[0][:7] == cols.headers(cols.MEASUREMENT_COLUMNS, "da") and len(rows) == 13


def test_format_from_the_option_or_the_file_name(invoke, org, data, tmp_path):
    out = tmp_path / "a.csv"
    assert invoke("measurements", "--org", org.slug, "--kpi", data.kpis[1].id, "-o", out).exit_code == 0
    assert len(read_csv(out.read_bytes())) == 4
    out = tmp_path / "a.data"
    args = ("measurements", "--org", org.slug, "--goal", data.goals[0].id, "--format", "csv", "--danish")
    assert invoke(*args, "-o", out).exit_code == 0
    rows = read_csv(out.read_bytes(), danish=True)
    assert len(rows) == 1 + 2 * 3 and "1234567,25" in {r[3] for r in rows}


def test_action_plans_history_and_english_headers(invoke, org, data, tmp_path):
    out = tmp_path / "plans.xlsx"
    assert invoke("action-plans", "--org", org.slug, "--goal", data.goals[0].id, "-o", out).exit_code == 0
    assert [len(rows) for rows in read_xlsx(out.read_bytes()).values()] == [3, 5]
    out = tmp_path / "history.csv"
    args = ("action-plan-history", "--org", org.slug, "--strategy", data.strategy.id, "--lang", "en")
    assert invoke(*args, "-o", out).exit_code == 0
    rows = read_csv(out.read_bytes())
    assert rows[0] == [c.en for c in exports.HISTORY_COLUMNS]
    assert len(rows) == 1 + 2 * 2 * 2


def test_rankings_need_no_organisation_and_go_to_standard_output(invoke, db):
    add_rankings(municipalities=3, years=2, categories=("Overordnet", "Sagsbehandling"))
    _db.session.commit()
    result = invoke(
        "rankings", "--category", "Overordnet", "--municipality", 901, "--format", "csv", "-o", "-"
    )
    assert result.exit_code == 0, result.output
    assert "Undersøgelse,År,Kommunekode" in result.stdout
    assert "Exported 2 rows." in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (("measurements", "--org", "findes-ikke", "--strategy", "1"), "Unknown organisation"),
        (("measurements", "--org", "{org}"), "Choose a strategy, a goal or a KPI"),
        (("measurements", "--strategy", "{s}"), "Give --org SLUG"),
        (("measurements", "--org", "{org}", "--strategy", "{s}", "--goal", "{g}"), "Choose a strategy"),
        (("measurements", "--org", "{org}", "--kpi", "{other_kpi}"), "There is no KPI with id"),
        (("action-plans", "--org", "{org}", "--kpi", "{k}"), "for a whole strategy or for one goal"),
        (("rankings", "--org", "{org}", "--strategy", "{s}"), "not exported per strategy"),
        (("measurements", "--org", "{org}", "--strategy", "{s}", "--format", "pdf"), "Invalid value"),
        (("everything", "--org", "{org}"), "Invalid value"),
    ],
)
def test_bad_commands_write_nothing(invoke, org, other_org, data, tmp_path, args, message):
    other = build(other_org)
    _db.session.commit()
    values = {
        "org": org.slug,
        "s": data.strategy.id,
        "g": data.goals[0].id,
        "k": data.kpis[0].id,
        "other_kpi": other.kpis[0].id,
    }
    out = tmp_path / "out.csv"
    result = invoke(*(a.format(**values) for a in args), "-o", out)
    assert result.exit_code != 0
    assert message in result.output
    assert not out.exists()


def test_an_unwritable_file_is_a_clear_error(invoke, org, data, tmp_path):
    out = tmp_path / "missing-folder" / "x.csv"
    result = invoke("measurements", "--org", org.slug, "--strategy", data.strategy.id, "-o", out)
    assert result.exit_code == 1 and "Could not write" in result.output
