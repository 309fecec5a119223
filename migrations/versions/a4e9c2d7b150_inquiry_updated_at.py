"""inquiry updated_at: when an inquiry last changed, for the API's updated_since

Revision ID: a4e9c2d7b150
Revises: be69be5e80af
Create Date: 2026-12-05 00:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4e9c2d7b150'
down_revision = 'be69be5e80af'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
    # the inquiries logged so far last changed no later than now; their creation is the best known time
    op.execute(sa.text('UPDATE inquiry SET updated_at = created_at'))
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.create_index(batch_op.f('ix_inquiry_updated_at'), ['updated_at'], unique=False)


def downgrade():
    with op.batch_alter_table('inquiry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inquiry_updated_at'))
        batch_op.drop_column('updated_at')
