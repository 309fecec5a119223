"""national reference data: municipality region and aliases; survey ranks held once

Revision ID: c3a7e1d95b42
Revises: 90b1bfca6430
Create Date: 2026-12-04 21:40:00.000000

A rank KPI linked to a survey category now reads its series from survey_rank. The measurements such KPIs
held are moved there: a measurement for a year without a survey rank becomes one; a measurement equal to
the survey rank is dropped as a copy; one that differs keeps the survey value, and the dropped value is
kept in an audit event "national.migration_conflict" (with the organisation, so its administrators see
it) and printed; a site-wide event "national.migration" counts the outcomes. KPIs of organisations without a
municipality code keep their measurements (printed).
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3a7e1d95b42"
down_revision = "90b1bfca6430"
branch_labels = None
depends_on = None

organisation = sa.table(
    "organisation",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("municipality_code", sa.Integer),
)
kpi = sa.table(
    "kpi",
    sa.column("id", sa.Integer),
    sa.column("organisation_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("kind", sa.String),
    sa.column("survey", sa.String),
    sa.column("survey_category", sa.String),
)
measurement = sa.table(
    "measurement",
    sa.column("id", sa.Integer),
    sa.column("kpi_id", sa.Integer),
    sa.column("period", sa.Date),
    sa.column("value", sa.Float),
    sa.column("out_of", sa.Integer),
    sa.column("note", sa.Text),
    sa.column("source", sa.Text),
)
municipality = sa.table(
    "municipality",
    sa.column("id", sa.Integer),
    sa.column("code", sa.Integer),
    sa.column("name", sa.String),
    sa.column("region", sa.String),
    sa.column("aliases", sa.JSON),
)
survey_rank = sa.table(
    "survey_rank",
    sa.column("id", sa.Integer),
    sa.column("survey", sa.String),
    sa.column("year", sa.Integer),
    sa.column("municipality_id", sa.Integer),
    sa.column("category", sa.String),
    sa.column("rank", sa.Integer),
    sa.column("out_of", sa.Integer),
    sa.column("source", sa.Text),
)
audit_event = sa.table(
    "audit_event",
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("organisation_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("entity_type", sa.String),
    sa.column("entity_id", sa.Integer),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
)


def upgrade():
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.add_column(sa.Column("region", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("aliases", sa.JSON(), nullable=True))
    for line in move_linked_measurements(op.get_bind()):
        print(line)


def downgrade():
    # The moved ranks stay in survey_rank, which the earlier version reads for its peer page.
    with op.batch_alter_table("municipality", schema=None) as batch_op:
        batch_op.drop_column("aliases")
        batch_op.drop_column("region")


def _municipality_id(conn, code: int, org_name: str) -> int:
    """The municipality with `code`, added under the organisation's name when the register lacks it."""
    found = conn.scalar(sa.select(municipality.c.id).where(municipality.c.code == code))
    if found is not None:
        return found
    name = org_name.removesuffix(" Kommune").strip() or str(code)
    if conn.scalar(sa.select(municipality.c.id).where(municipality.c.name == name)) is not None:
        name = f"{name} ({code})"
    conn.execute(sa.insert(municipality).values(code=code, name=name))
    return conn.scalar(sa.select(municipality.c.id).where(municipality.c.code == code))


def _conflict(conn, org_id: int, row, reason: str, survey_value: dict | None) -> None:
    conn.execute(
        sa.insert(audit_event).values(
            created_at=datetime.now(UTC),
            organisation_id=org_id,
            action="national.migration_conflict",
            entity_type="measurement",
            entity_id=row.id,
            before={
                "kpi_id": row.kpi_id,
                "period": row.period.isoformat(),
                "value": row.value,
                "out_of": row.out_of,
                "note": row.note,
                "source": row.source,
            },
            after={"reason": reason, "survey_rank": survey_value},
        )
    )


def _move_one(conn, link, municipality_id: int, row) -> str:
    """Move one measurement into survey_rank: "moved", "copy" (the survey holds the same), or a line for the
    report when its value was dropped (kept in the audit log)."""
    year, value, out_of = row.period.year, row.value, row.out_of
    key = (
        survey_rank.c.survey == link.survey,
        survey_rank.c.year == year,
        survey_rank.c.municipality_id == municipality_id,
        survey_rank.c.category == link.survey_category,
    )
    stored = conn.execute(sa.select(survey_rank.c.rank, survey_rank.c.out_of).where(*key)).first()
    whole = value == int(value) and out_of is not None and 1 <= value <= out_of and 1970 <= year <= 2100
    if stored is None and whole:
        conn.execute(
            sa.insert(survey_rank).values(
                survey=link.survey,
                year=year,
                municipality_id=municipality_id,
                category=link.survey_category,
                rank=int(value),
                out_of=out_of,
                source=row.source or "",
            )
        )
        return "moved"
    if stored is not None and whole and (stored.rank, stored.out_of) == (int(value), out_of):
        return "copy"
    survey_value = {"rank": stored.rank, "out_of": stored.out_of} if stored is not None else None
    reason = "differs from the survey rank" if whole else "not a whole rank with N"
    _conflict(conn, link.organisation_id, row, reason, survey_value)
    return (
        f"KPI {link.id} ({link.name}), {year}: the measurement {value:g} of {out_of} was dropped ({reason}); "
        f"the survey holds {survey_value}. The dropped value is in the audit log."
    )


def move_linked_measurements(conn) -> list[str]:
    """Move the measurements of rank KPIs linked to a survey category into survey_rank; the report lines."""
    links = conn.execute(
        sa.select(
            kpi.c.id,
            kpi.c.name,
            kpi.c.organisation_id,
            kpi.c.survey,
            kpi.c.survey_category,
            organisation.c.name.label("org_name"),
            organisation.c.municipality_code,
        )
        .join(organisation, organisation.c.id == kpi.c.organisation_id)
        .where(kpi.c.kind == "rank", kpi.c.survey.is_not(None), kpi.c.survey_category.is_not(None))
        .order_by(kpi.c.id)
    ).all()
    report: list[str] = []
    outcomes = {"moved": 0, "copy": 0, "dropped": 0}
    for link in links:
        rows = conn.execute(
            sa.select(measurement).where(measurement.c.kpi_id == link.id).order_by(measurement.c.period)
        ).all()
        if not rows:
            continue
        if link.municipality_code is None:
            report.append(
                f"KPI {link.id} ({link.name}) keeps its {len(rows)} measurements: its organisation "
                f"{link.org_name} has no municipality code."
            )
            continue
        municipality_id = _municipality_id(conn, link.municipality_code, link.org_name)
        for row in rows:
            outcome = _move_one(conn, link, municipality_id, row)
            if outcome not in outcomes:
                report.append(outcome)
                outcome = "dropped"
            outcomes[outcome] += 1
        conn.execute(sa.delete(measurement).where(measurement.c.kpi_id == link.id))
    if not any(outcomes.values()):
        return report
    conn.execute(
        sa.insert(audit_event).values(
            created_at=datetime.now(UTC),
            organisation_id=None,
            action="national.migration",
            entity_type="survey_rank",
            after=outcomes,
        )
    )
    report.insert(
        0,
        "Survey ranks held once: of the measurements of linked rank KPIs, {moved} were moved to survey_rank, "
        "{copy} were copies of survey ranks, {dropped} differed (kept in the audit log).".format(**outcomes),
    )
    return report
