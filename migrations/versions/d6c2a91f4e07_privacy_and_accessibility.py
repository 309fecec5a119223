"""privacy and accessibility: the organisation's statement and notice links, anonymised users

Revision ID: d6c2a91f4e07
Revises: f503f5eca1eb
Create Date: 2026-12-04 22:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd6c2a91f4e07'
down_revision = 'f503f5eca1eb'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accessibility_statement_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('privacy_notice_url', sa.String(length=500), nullable=True))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('privacy_notice_url')
        batch_op.drop_column('accessibility_statement_url')
