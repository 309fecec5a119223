"""Importing measurements for one or more of the organisation's KPIs.

A row names its KPI by id or name, a period and a value (for rank KPIs also N), optionally a note and a
source. Rules beyond the KPI's own (see services/kpi/definitions.py):

- the period follows the KPI's frequency: a monthly KPI needs a month (or a date), a quarterly one a
  quarter; a bare year is 1 September for rank KPIs (DI publishes in September, see docs/decisions.md)
  and 1 January otherwise; a month or quarter is its first day;
- one measurement per KPI and reporting period: a row for a period that already has a measurement is a
  duplicate (skipped, or replacing the old values, which stay in the audit log); when the file names only
  the month/quarter/year, a replacement keeps the stored date; columns the file does not have keep their
  stored values;
- an editor may import only for KPIs whose responsible user (`owner_user_id`) they are;
- a rank KPI linked to a survey category takes no rows: its values are the national survey data
  (services/kpi/series.py).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import KPI, Measurement, Organisation, Role, User
from ...models._types import utcnow
from ...permissions import Action, may_on
from ..kpi import national_source_problem, period_key
from .columns import MEASUREMENT_COLUMNS, MEASUREMENT_IGNORED
from .mapping import Layout, find_layout
from .measurement_rows import MeasurementRows
from .prepared import Entry, Plan, Prepared, Progress, mark
from .reading import Sheet
from .validate import DAY, detect_style
from .write import bulk_insert, bulk_update, record_import, record_replacements

KIND = "measurements"
FIELDS = ("period", "value", "out_of", "note", "source")


def preview_columns() -> list[str]:
    return [_("KPI"), _("Period"), _("Value"), _("N"), _("Note"), _("Source")]


def _load_kpis(org: Organisation) -> list[Any]:
    stmt = sa.select(
        KPI.id,
        KPI.name,
        KPI.kind,
        KPI.frequency,
        KPI.owner_user_id,
        KPI.archived_at,
        KPI.survey,
        KPI.survey_category,
        KPI.derived,
    ).where(KPI.organisation_id == org.id)
    return list(db.session.execute(stmt))


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
        MEASUREMENT_COLUMNS,
        MEASUREMENT_IGNORED,
        required=(("kpi", "kpi_id"), ("period",), ("value",)),
    )
    data = sheet.rows[layout.first_data :]
    numeric = [layout.columns[c] for c in ("value", "out_of") if c in layout.columns]
    style = detect_style(
        (cells[i] for _n, cells in data for i in numeric if i < len(cells)), sheet.number_style
    )
    actor_id = actor.id if actor is not None else None

    def may_enter(owner_user_id: int | None) -> bool:
        """The form's question, per KPI; the command line without a user has no limits."""
        return role is None or may_on(Action.ENTER_MEASUREMENT, owner_user_id, role, actor_id)

    kpis = _load_kpis(org)
    national = {k.id: p for k in kpis if (p := national_source_problem(k, org))}
    rows = MeasurementRows(sheet, layout, style, kpis, may_enter, national)
    prepared = Prepared(kind=KIND, filename=filename, options=options, preview_columns=preview_columns())
    prepared.notices = sheet.notices + layout.notices
    progress.stage(_("Checking rows"), len(data))
    entries, quick, full = prepared.entries, rows.quick, rows.full
    for position, (number, cells) in enumerate(data, start=1):
        entry = quick(number, cells)
        if entry is None:
            entry = full(number, cells, prepared.problems)
        entries.append(entry)
        if position % 1000 == 0:
            progress.advance(1000)
    progress.advance(len(data) % 1000)
    _match_existing(prepared.entries, rows.by_id, layout)
    mark(prepared.entries)
    return prepared


def _match_existing(entries: list[Entry], by_id, layout: Layout) -> None:
    """Find the stored measurement of each entry's KPI and period (one query)."""
    kpi_ids = {e.record["kpi_id"] for e in entries if e.record is not None}
    if not kpi_ids:
        return
    stored: dict[tuple, Any] = {}
    stmt = (
        sa.select(
            Measurement.id,
            Measurement.kpi_id,
            Measurement.period,
            Measurement.value,
            Measurement.out_of,
            Measurement.note,
            Measurement.source,
        )
        .where(Measurement.kpi_id.in_(kpi_ids))
        .order_by(Measurement.period, Measurement.id)
    )
    for row in db.session.execute(stmt):
        stored.setdefault((row.kpi_id, period_key(by_id[row.kpi_id].frequency, row.period)), row)
    for entry in entries:
        if entry.record is None:
            continue
        row = stored.get(entry.key)
        if row is None:
            continue
        record = entry.record
        if record.get("precision") != DAY:
            record["period"] = row.period  # only the month/quarter/year was given: keep the stored day
            entry.cells = (entry.cells[0], row.period.isoformat(), *entry.cells[2:])
        entry.existing_id = row.id
        entry.existing = {name: getattr(row, name) for name in FIELDS}
        entry.unchanged = all(record[name] == entry.existing[name] for name in FIELDS if name in record)


def write(
    prepared: Prepared, plan: Plan, *, org: Organisation, actor: User | None, progress: Progress
) -> dict:
    user_id = actor.id if actor is not None else None
    progress.stage(_("Saving"), len(plan.create) + len(plan.replace))
    now = utcnow()
    inserts = [
        {
            "kpi_id": e.record["kpi_id"],
            "period": e.record["period"],
            "value": e.record["value"],
            "out_of": e.record["out_of"],
            "note": e.record.get("note", ""),
            "source": e.record.get("source", ""),
            "entered_by_id": user_id,
            "entered_at": now,
            "updated_at": now,
        }
        for e in plan.create
    ]
    bulk_insert(Measurement, inserts, progress)
    updates, changes = [], []
    for e in plan.replace:
        after = {name: e.record[name] for name in FIELDS if name in e.record}
        updates.append({"id": e.existing_id, **after, "updated_at": now})
        before = {name: e.existing[name] for name in after}
        changes.append(
            (e.existing_id, {"kpi_id": e.record["kpi_id"], **before}, {"kpi_id": e.record["kpi_id"], **after})
        )
    bulk_update(Measurement, updates, progress)
    record_replacements(
        "measurement.correct", "measurement", changes, organisation_id=org.id, user_id=user_id
    )
    counts = plan.counts()
    record_import(KIND, prepared.filename, counts, organisation_id=org.id, user_id=user_id)
    return counts
