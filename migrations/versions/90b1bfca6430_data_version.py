"""data version: the number that cached parts of pages are keyed on

Revision ID: 90b1bfca6430
Revises: 59dc5f53b667
Create Date: 2026-11-28 19:21:25.331790

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '90b1bfca6430'
down_revision = '59dc5f53b667'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table('data_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version'))
    )
    # The one row; a random start, so parts cached before a database was re-created are never used.
    op.bulk_insert(table, [{'id': 1, 'version': secrets.randbits(62)}])


def downgrade():
    op.drop_table('data_version')
