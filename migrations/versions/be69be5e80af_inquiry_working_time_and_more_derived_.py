"""Inquiries keep their working time to the first answer; KPIs can count working hours and the median hours

Revision ID: be69be5e80af
Revises: ad09404920e5
Create Date: 2026-12-05 00:18:48.477867

"""

from datetime import datetime

import sqlalchemy as sa
from alembic import op

from strategitracker.services.inquiry import rules

# revision identifiers, used by Alembic.
revision = "be69be5e80af"
down_revision = "ad09404920e5"
branch_labels = None
depends_on = None

OLD_DERIVED = "derived IS NULL OR derived IN ('answered_24h', 'inquiries', 'alternative', 'meetings')"
NEW_DERIVED = (
    "derived IS NULL OR derived IN "
    "('answered_24h', 'answered_24h_work', 'median_hours', 'inquiries', 'alternative', 'meetings')"
)


def _as_datetime(value):
    """SQLite gives the stored time back as text."""
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value


def upgrade():
    with op.batch_alter_table("inquiry", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answer_working_seconds", sa.Integer(), nullable=True))
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_kpi_derived_valid"), type_="check")
        batch_op.create_check_constraint(op.f("ck_kpi_derived_valid"), NEW_DERIVED)
    # the answered inquiries already logged get their working time, counted with the default working day
    inquiry = sa.table(
        "inquiry",
        sa.column("id", sa.Integer),
        sa.column("received_at", sa.DateTime),
        sa.column("first_answer_at", sa.DateTime),
        sa.column("answer_working_seconds", sa.Integer),
    )
    bind = op.get_bind()
    answered = bind.execute(
        sa.select(inquiry.c.id, inquiry.c.received_at, inquiry.c.first_answer_at).where(
            inquiry.c.first_answer_at.is_not(None)
        )
    ).all()
    for row_id, received, answered_at in answered:
        seconds = rules.working_seconds(_as_datetime(received), _as_datetime(answered_at))
        bind.execute(sa.update(inquiry).where(inquiry.c.id == row_id).values(answer_working_seconds=seconds))


def downgrade():
    op.execute(
        sa.text("UPDATE kpi SET derived = NULL WHERE derived IN ('answered_24h_work', 'median_hours')")
    )
    with op.batch_alter_table("kpi", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_kpi_derived_valid"), type_="check")
        batch_op.create_check_constraint(op.f("ck_kpi_derived_valid"), OLD_DERIVED)
    with op.batch_alter_table("inquiry", schema=None) as batch_op:
        batch_op.drop_column("answer_working_seconds")
