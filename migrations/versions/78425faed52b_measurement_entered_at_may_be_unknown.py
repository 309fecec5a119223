"""A measurement's entry time may be unknown: historic values from the example data have none

The example data's measurements were stamped with the time the seed ran, which pages showed as "Entered". They
get no time now; rows already seeded (the example organisation's measurements that nobody entered: no user and
no entry event) lose the seed's time. Downgrading gives them their period's date back.

Revision ID: 78425faed52b
Revises: a4e9c2d7b150
Create Date: 2026-12-05 00:41:14.169276

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "78425faed52b"
down_revision = "a4e9c2d7b150"
branch_labels = None
depends_on = None

SEED_ORG_SLUG = "thisted"

measurement = sa.table(
    "measurement",
    sa.column("id", sa.Integer),
    sa.column("kpi_id", sa.Integer),
    sa.column("period", sa.Date),
    sa.column("entered_by_id", sa.Integer),
    sa.column("entered_at", sa.DateTime(timezone=True)),
)
kpi = sa.table("kpi", sa.column("id", sa.Integer), sa.column("organisation_id", sa.Integer))
organisation = sa.table("organisation", sa.column("id", sa.Integer), sa.column("slug", sa.String))
audit_event = sa.table(
    "audit_event",
    sa.column("entity_type", sa.String),
    sa.column("entity_id", sa.Integer),
)


def upgrade():
    with op.batch_alter_table("measurement", schema=None) as batch_op:
        batch_op.alter_column("entered_at", existing_type=sa.DateTime(timezone=True), nullable=True)
    seeded_kpis = (
        sa.select(kpi.c.id)
        .join(organisation, kpi.c.organisation_id == organisation.c.id)
        .where(organisation.c.slug == SEED_ORG_SLUG)
    )
    entered_here = sa.exists().where(
        audit_event.c.entity_type == "measurement", audit_event.c.entity_id == measurement.c.id
    )
    op.execute(
        measurement.update()
        .where(
            measurement.c.kpi_id.in_(seeded_kpis),
            measurement.c.entered_by_id.is_(None),
            ~entered_here,
        )
        .values(entered_at=None)
    )


def downgrade():
    op.execute(
        measurement.update().where(measurement.c.entered_at.is_(None)).values(entered_at=measurement.c.period)
    )
    with op.batch_alter_table("measurement", schema=None) as batch_op:
        batch_op.alter_column("entered_at", existing_type=sa.DateTime(timezone=True), nullable=False)
