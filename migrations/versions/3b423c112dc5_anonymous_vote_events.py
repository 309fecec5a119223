"""anonymous vote events: the audit trail forgets who placed each workshop dot

The workshop board promises that nobody sees whose dots are where; the audit events of votes used to keep
the participant, their user and their IP address. Every such event is kept (the log still shows that a dot
was placed or taken back, on which card, when) with only the workshop and the change (+1 or -1) left.

Revision ID: 3b423c112dc5
Revises: c3a7e1d95b42
Create Date: 2026-12-04 21:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3b423c112dc5'
down_revision = 'c3a7e1d95b42'
branch_labels = None
depends_on = None

VOTE_CHANGE = {'workshop.vote_add': 1, 'workshop.vote_remove': -1}

audit_event = sa.table(
    'audit_event',
    sa.column('id', sa.Integer),
    sa.column('action', sa.String),
    sa.column('user_id', sa.Integer),
    sa.column('ip_address', sa.String),
    sa.column('before', sa.JSON),
    sa.column('after', sa.JSON),
)


def upgrade():
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(audit_event.c.id, audit_event.c.action, audit_event.c.after)
        .where(audit_event.c.action.in_(list(VOTE_CHANGE)))
        .order_by(audit_event.c.id)
    ).all()
    updates = []
    for row in rows:
        after = row.after if isinstance(row.after, dict) else {}
        kept = {'workshop_id': after['workshop_id']} if 'workshop_id' in after else {}
        updates.append({'event_id': row.id, 'after': {**kept, 'change': VOTE_CHANGE[row.action]}})
    if updates:
        bind.execute(
            sa.update(audit_event)
            .where(audit_event.c.id == sa.bindparam('event_id'))
            .values(user_id=None, ip_address=None, before=None, after=sa.bindparam('after')),
            updates,
        )
    print(f'anonymous vote events: {len(updates)} events kept without their participant; none removed')


def downgrade():
    pass  # who placed a dot is forgotten for good; the schema did not change
