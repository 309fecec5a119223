"""Who can be named as responsible for a goal, a KPI or an action plan: an active member of the organisation.

The one definition: a user with an active membership of the organisation whose account is active. The forms,
the services and the imports all ask here, so they agree on who counts and give the same message.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import Membership, User


def active_member_condition(org_id: int) -> sa.ColumnElement[bool]:
    """The condition on a query joining `Membership` and `User` that the user is an active member."""
    return sa.and_(
        Membership.organisation_id == org_id,
        Membership.active.is_(True),
        User.active.is_(True),
    )


def active_members(org_id: int) -> list[User]:
    """The organisation's active members, by name (one query)."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(active_member_condition(org_id))
            .order_by(User.name, User.id)
        )
    )


def active_member_ids_by_email(org_id: int) -> dict[str, int]:
    """Lower-cased e-mail → user id of every active member (one query; for imports)."""
    rows = db.session.execute(
        sa.select(User.email, User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(active_member_condition(org_id))
    )
    return {email.lower(): user_id for email, user_id in rows}


def not_member_message() -> str:
    return _("The responsible person must be an active member of the organisation.")


def owner_problem(org_id: int, user_id: int | None, *, current: int | None = None) -> str | None:
    """Why `user_id` cannot be named responsible, or None. The present choice (`current`) is kept even if
    that person has left since, so an unrelated edit is not refused."""
    if user_id is None or user_id == current:
        return None
    found = db.session.scalar(
        sa.select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.user_id == user_id, active_member_condition(org_id))
    )
    return None if found is not None else not_member_message()


def member_roles(org_id: int) -> dict[int, str]:
    """User id → role of every active member (one query; for rules that depend on what a member may do)."""
    rows = db.session.execute(
        sa.select(User.id, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(active_member_condition(org_id))
    )
    return {user_id: role for user_id, role in rows}
