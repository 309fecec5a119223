"""Importing benchmark survey rankings (DI's survey by default) for many municipalities.

Survey data is national (docs/decisions.md): the rows belong to no organisation. Two layouts:

- long: one row per year, municipality and category, with rank and N;
- wide: one row per municipality and one column per year holding the rank ("2019"); N per year in
  columns such as "N 2019", or one N for the whole file (column "N" or the N option); "-" or an empty
  cell means the municipality was not ranked that year.

The category and N can come from a column or from the options (a column value wins); the survey key
defaults to "di". A municipality is found in the register (services/survey/municipalities.py) by its code
or by its name in any common spelling ("Thisted Kommune", "Vesthimmerland", "Åbenrå"); a file never adds one,
and a row whose municipality is not in the register is reported. A category spelled as an existing one
apart from case takes the stored spelling. Only superusers (or the command line) import rankings.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import Municipality, Organisation, Role, SurveyRank, User
from .. import audit
from ..survey import Register
from .columns import RANKING_COLUMNS, RANKING_IGNORED
from .mapping import Layout, LayoutError, RowCheck, find_layout
from .prepared import INVALID, Entry, Plan, Prepared, Progress, mark
from .reading import Sheet
from .validate import MAX_TEXT, Problem, detect_style, display
from .write import bulk_insert, bulk_update, record_replacements

KIND = "rankings"
DEFAULT_SURVEY = "di"
MAX_N = 100_000
NOT_RANKED = {"-", "–", "—", "n/a", "na", "i.a.", "ia", "x"}
FIELDS = ("rank", "out_of", "source")


def preview_columns() -> list[str]:
    return [_("Survey"), _("Year"), _("Municipality"), _("Code"), _("Category"), _("Rank"), _("N")]


class _Municipalities:
    """The municipality register (services/survey/municipalities.py): a row's municipality must be in it."""

    def __init__(self) -> None:
        self.register = Register()

    def resolve(self, check: RowCheck, code: int | None, name: str) -> tuple[int, str] | None:
        """(code, official name) of the row's municipality, or None with a problem recorded."""
        if code is not None:
            known = self.register.by_code.get(code)
            named = self.register.find(name) if name else None
            if known is None and named is not None:
                check.problem(
                    "municipality_code",
                    code,
                    _("%(name)s has municipality code %(code)s.", name=named[1], code=named[0]),
                )
                return None
            if known is None:
                check.problem(
                    "municipality_code",
                    code,
                    _(
                        "Unknown municipality code %(code)s: it is not in the register of municipalities.",
                        code=code,
                    ),
                )
                return None
            if name and not self.register.same(code, name):
                check.problem(
                    "municipality",
                    name,
                    _("Municipality code %(code)s is %(name)s.", code=code, name=known[1]),
                )
                return None
            return code, known[1]
        if not name:
            check.problem("municipality", None, _("Name the municipality (its name or code)."))
            return None
        found = self.register.find(name)
        if found is None:
            check.problem(
                "municipality",
                name,
                _(
                    "Unknown municipality “%(name)s”: it is not in the register of municipalities. Check the "
                    "spelling, or give the municipality code.",
                    name=name,
                ),
            )
            return None
        return found


def validate(
    sheet: Sheet,
    filename: str,
    *,
    org: Organisation,
    actor: User | None,
    role: Role | None,
    options: dict[str, Any],
    progress: Progress,
) -> Prepared:
    layout = find_layout(
        sheet,
        RANKING_COLUMNS,
        RANKING_IGNORED,
        required=(("municipality", "municipality_code"), ("year",)),
        wide=True,
    )
    wide = "year" not in layout.columns
    if not wide:
        layout.years, layout.year_n = {}, {}
        if "rank" not in layout.columns:
            raise LayoutError(
                [
                    Problem(
                        layout.header_row, None, None, _("The column “%(name)s” is missing.", name=_("Rank"))
                    )
                ]
            )
    data = sheet.rows[layout.first_data :]
    numeric = [layout.columns[c] for c in ("rank", "out_of", "year") if c in layout.columns]
    numeric += list(layout.years.values()) + list(layout.year_n.values())
    style = detect_style(
        (cells[i] for _n, cells in data for i in numeric if i < len(cells)), sheet.number_style
    )
    municipalities = _Municipalities()
    survey_default = (options.get("survey") or DEFAULT_SURVEY).strip().lower()
    prepared = Prepared(kind=KIND, filename=filename, options=options, preview_columns=preview_columns())
    prepared.notices = sheet.notices + layout.notices
    if not municipalities.register.by_code:
        prepared.notices.append(
            _("The register of municipalities is empty: load it with “flask seed reference” first.")
        )
    progress.stage(_("Checking rows"), len(data))
    for position, (number, cells) in enumerate(data, start=1):
        check = RowCheck(sheet, layout, number, cells)
        base = _row_base(check, style, municipalities, options, survey_default)
        base_problems = list(check.problems)
        if wide:
            entries = _wide_entries(check, layout, style, base, options, base_problems)
        else:
            entries = [_long_entry(check, style, base, options)]
        if not entries and base_problems:
            entries = [_entry(number, base, None, None, None, base_problems)]
        prepared.problems.extend(check.problems)
        prepared.entries.extend(entries)
        if position % 1000 == 0:
            progress.advance(1000)
    progress.advance(len(data) % 1000)
    _match_existing(prepared.entries)
    mark(prepared.entries)
    return prepared


def _row_base(check: RowCheck, style: str, municipalities: _Municipalities, options, survey_default) -> dict:
    code = check.whole("municipality_code", style, minimum=101, maximum=999)
    name = check.text("municipality") or ""
    survey = (check.text("survey", max_length=40) or survey_default).lower()
    category = check.text("category", max_length=120) or (options.get("category") or "").strip()
    source = check.text("source", max_length=MAX_TEXT) or (options.get("source") or "").strip() or None
    resolved = None
    if check.ok:
        resolved = municipalities.resolve(check, code, name)
    if not category:
        check.problem(
            "category" if check.has("category") else None,
            None,
            _("The category is missing: give it in a column or as an option."),
        )
    return {
        "survey": survey,
        "category": category,
        "source": source,
        "municipality": resolved,
        "raw_name": name,
        "raw_code": code,
    }


def _n(check: RowCheck, style: str, column: str | int | None, options) -> int | None:
    out_of = check.whole(column, style, minimum=1, maximum=MAX_N) if column is not None else None
    if out_of is None and options.get("out_of"):
        out_of = int(options["out_of"])
    return out_of


def _long_entry(check: RowCheck, style: str, base: dict, options) -> Entry:
    year = check.whole("year", style, required=True, minimum=1970, maximum=2100)
    rank = check.whole("rank", style, required=True, minimum=1, maximum=MAX_N)
    out_of = _n(check, style, "out_of" if check.has("out_of") else None, options)
    _check_rank(check, "rank", rank, out_of)
    return _entry(check.row, base, year, rank, out_of, check.problems)


def _wide_entries(check: RowCheck, layout: Layout, style: str, base: dict, options, base_problems) -> list:
    entries = []
    for year, index in sorted(layout.years.items()):
        before = len(check.problems)
        value = check.raw(index)
        if value is not None and display(value).strip().casefold() in NOT_RANKED | {""}:
            continue
        rank = check.whole(index, style, minimum=1, maximum=MAX_N) if value is not None else None
        n_column = layout.year_n.get(year, "out_of" if check.has("out_of") else None)
        out_of = _n(check, style, n_column, options)
        if not 1970 <= year <= 2100:
            check.problem(index, year, _("Expected a year from 1970 to 2100."))
        _check_rank(check, index, rank, out_of)
        entries.append(_entry(check.row, base, year, rank, out_of, base_problems + check.problems[before:]))
    return entries


def _check_rank(check: RowCheck, column, rank: int | None, out_of: int | None) -> None:
    if rank is None:
        return
    if out_of is None:
        check.problem(
            column, rank, _("N is missing: give it in a column (N, or N 2019 per year) or as an option.")
        )
    elif rank > out_of:
        check.problem(column, rank, _("The rank cannot be higher than N (%(n)s).", n=out_of))


def _entry(row: int, base: dict, year, rank, out_of, problems: list[Problem]) -> Entry:
    municipality = base["municipality"]
    cells = (
        base["survey"],
        display(year),
        municipality[1] if municipality else base["raw_name"],
        display(municipality[0] if municipality else base["raw_code"]),
        base["category"],
        display(rank),
        display(out_of),
    )
    entry = Entry(row=row, cells=cells)
    if problems or municipality is None or None in (year, rank, out_of):
        entry.status = INVALID
        entry.messages = tuple(p.describe() for p in problems)
        return entry
    entry.record = {
        "survey": base["survey"],
        "year": year,
        "code": municipality[0],
        "category": base["category"],
        "rank": rank,
        "out_of": out_of,
    }
    if base["source"] is not None:
        entry.record["source"] = base["source"]
    return entry


def _match_existing(entries: list[Entry]) -> None:
    """Stored ranks for the file's surveys and years (one query); categories take the stored spelling."""
    records = [e.record for e in entries if e.record is not None]
    if not records:
        return
    surveys = {r["survey"] for r in records}
    years = {r["year"] for r in records}
    stmt = (
        sa.select(
            SurveyRank.id,
            SurveyRank.survey,
            SurveyRank.year,
            SurveyRank.category,
            SurveyRank.rank,
            SurveyRank.out_of,
            SurveyRank.source,
            Municipality.code,
        )
        .join(Municipality, SurveyRank.municipality_id == Municipality.id)
        .where(SurveyRank.survey.in_(surveys), SurveyRank.year.in_(years))
    )
    stored = {}
    spelling: dict[tuple[str, str], str] = {}
    for row in db.session.execute(stmt):
        stored[(row.survey, row.year, row.code, row.category.casefold())] = row
        spelling.setdefault((row.survey, row.category.casefold()), row.category)
    categories = (
        sa.select(SurveyRank.survey, SurveyRank.category).where(SurveyRank.survey.in_(surveys)).distinct()
    )
    for survey, category in db.session.execute(categories):
        spelling.setdefault((survey, category.casefold()), category)
    for entry in entries:
        record = entry.record
        if record is None:
            continue
        folded = record["category"].casefold()
        record["category"] = spelling.get((record["survey"], folded), record["category"])
        entry.key = (record["survey"], record["year"], record["code"], folded)
        cells = list(entry.cells)
        cells[4] = record["category"]
        entry.cells = tuple(cells)
        row = stored.get(entry.key)
        if row is not None:
            entry.existing_id = row.id
            entry.existing = {name: getattr(row, name) for name in FIELDS}
            entry.unchanged = all(record[n] == entry.existing[n] for n in FIELDS if n in record)


def write(
    prepared: Prepared, plan: Plan, *, org: Organisation | None, actor: User | None, progress: Progress
) -> dict:
    """Write the ranks; national data, so the audit events belong to no organisation ("national.…")."""
    user_id = actor.id if actor is not None else None
    codes = {e.record["code"] for e in plan.create} | {e.record["code"] for e in plan.replace}
    stmt = sa.select(Municipality.code, Municipality.id).where(Municipality.code.in_(codes))
    ids = {code: id_ for code, id_ in db.session.execute(stmt)}
    progress.stage(_("Saving"), len(plan.create) + len(plan.replace))
    inserts = [
        {
            "survey": r["survey"],
            "year": r["year"],
            "municipality_id": ids[r["code"]],
            "category": r["category"],
            "rank": r["rank"],
            "out_of": r["out_of"],
            "source": r.get("source", ""),
        }
        for r in (e.record for e in plan.create)
    ]
    bulk_insert(SurveyRank, inserts, progress)
    updates, changes = [], []
    for e in plan.replace:
        after = {n: e.record[n] for n in FIELDS if n in e.record}
        updates.append({"id": e.existing_id, **after})
        ident = {
            "survey": e.record["survey"],
            "year": e.record["year"],
            "municipality_code": e.record["code"],
            "category": e.record["category"],
        }
        changes.append((e.existing_id, {**ident, **{n: e.existing[n] for n in after}}, {**ident, **after}))
    bulk_update(SurveyRank, updates, progress)
    record_replacements(
        "national.survey_rank_correct", "survey_rank", changes, organisation_id=None, user_id=user_id
    )
    counts = plan.counts()
    audit.record(
        "national.import_rankings",
        "import",
        None,
        user_id=user_id,
        after={"file": prepared.filename, **counts},
    )
    return counts
