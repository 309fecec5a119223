"""Member administration within one organisation."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ..extensions import db
from ..models import Membership, Organisation, Role, User
from . import ServiceError, audit
from .accounts import (
    add_membership,
    create_user,
    end_sessions,
    get_user_by_email,
    hash_password,
    parse_role,
    validate_password,
)


def list_members(org: Organisation) -> list[Membership]:
    return list(
        db.session.scalars(
            sa.select(Membership)
            .join(User)
            .where(Membership.organisation_id == org.id)
            .options(sa.orm.contains_eager(Membership.user))
            .order_by(Membership.active.desc(), User.name)
        )
    )


def _active_admins(org: Organisation) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Membership)
        .join(User)
        .where(
            Membership.organisation_id == org.id,
            Membership.role == Role.ADMIN,
            Membership.active.is_(True),
            User.active.is_(True),
        )
    )


def _guard_last_admin(membership: Membership) -> None:
    if membership.role == Role.ADMIN and membership.active and _active_admins(membership.organisation) <= 1:
        raise ServiceError(_("The organisation must keep at least one active administrator."))


def invite_member(
    org: Organisation, email: str, name: str, role: str, temporary_password: str, *, actor: User
) -> Membership:
    """Add a member; a new user gets a temporary password that must be changed at the first log-in."""
    role = parse_role(role)
    user = get_user_by_email(email)
    if user is None:
        user = create_user(email, name, temporary_password, must_change_password=True, actor_id=actor.id)
    membership = add_membership(user, org, role, actor_id=actor.id)
    return membership


def change_role(membership: Membership, role: str, *, actor: User) -> Membership:
    new_role = parse_role(role)
    if new_role == membership.role:
        return membership
    if new_role != Role.ADMIN:
        _guard_last_admin(membership)
    before = {"role": membership.role}
    membership.role = new_role.value
    db.session.flush()
    audit.record(
        "membership.role_change",
        "membership",
        membership.id,
        organisation_id=membership.organisation_id,
        user_id=actor.id,
        before=before,
        after={"role": new_role.value, "user": membership.user.email},
    )
    return membership


def set_active(membership: Membership, active: bool, *, actor: User) -> Membership:
    if membership.active == active:
        return membership
    if not active:
        _guard_last_admin(membership)
        end_sessions(membership.user)
    membership.active = active
    db.session.flush()
    audit.record(
        "membership.activate" if active else "membership.deactivate",
        "membership",
        membership.id,
        organisation_id=membership.organisation_id,
        user_id=actor.id,
        before={"active": not active},
        after={"active": active, "user": membership.user.email},
    )
    return membership


def reset_password(membership: Membership, temporary_password: str, *, actor: User) -> None:
    """An admin sets a temporary password; only for users who belong to no other organisation."""
    user = membership.user
    validate_password(temporary_password)
    others = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Membership)
        .where(Membership.user_id == user.id, Membership.organisation_id != membership.organisation_id)
    )
    if (others or user.is_superuser) and not actor.is_superuser:
        raise ServiceError(
            _("The user also belongs to other organisations; only a superuser can reset the password.")
        )
    user.password_hash = hash_password(temporary_password)
    user.must_change_password = True
    end_sessions(user)
    audit.record(
        "user.password_reset",
        "user",
        user.id,
        organisation_id=membership.organisation_id,
        user_id=actor.id,
        after={"user": user.email},
    )
