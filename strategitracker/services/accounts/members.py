"""Member administration within one organisation."""

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import Invitation, Membership, Organisation, Role, User
from .. import ServiceError, audit
from .users import (
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
) -> Invitation:
    """Invite an address to the organisation; it becomes a member only when its owner accepts.

    An address without an account gets one with the temporary password (to be changed at the first
    log-in). The admin sees the same pending invitation either way, so nothing tells whether the address
    had an account, and no other organisation's account is joined or locked without its owner's consent.
    """
    role = parse_role(role)
    validate_password(temporary_password)
    user = get_user_by_email(email)
    if user is None:
        user = create_user(email, name, temporary_password, must_change_password=True, actor_id=actor.id)
    else:
        hash_password(temporary_password)  # the same work as for a new account: the answer takes as long
        if _membership(user, org) is not None:
            raise ServiceError(_("%(email)s is already a member of %(org)s.", email=user.email, org=org.name))
    invitation = db.session.scalar(
        sa.select(Invitation).where(Invitation.user_id == user.id, Invitation.organisation_id == org.id)
    )
    if invitation is None:
        invitation = Invitation(user=user, organisation=org)
        db.session.add(invitation)
    invitation.role = role.value
    invitation.invited_by_id = actor.id
    db.session.flush()
    audit.record(
        "invitation.create",
        "invitation",
        invitation.id,
        organisation_id=org.id,
        user_id=actor.id,
        after={"email": user.email, "role": role.value},
    )
    return invitation


def _membership(user: User, org: Organisation) -> Membership | None:
    return db.session.scalar(
        sa.select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == org.id)
    )


def list_invitations(org: Organisation) -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .join(Invitation.user)
            .where(Invitation.organisation_id == org.id)
            .options(sa.orm.contains_eager(Invitation.user))
            .order_by(Invitation.created_at, Invitation.id)
        )
    )


def pending_invitations(user: User) -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .join(Invitation.organisation)
            .where(Invitation.user_id == user.id)
            .options(sa.orm.contains_eager(Invitation.organisation))
            .order_by(Organisation.name)
        )
    )


def has_pending_invitations(user: User) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Invitation.user_id == user.id)))


def withdraw_invitation(invitation: Invitation, *, actor: User) -> None:
    _close(invitation, "invitation.withdraw", actor)


def accept_invitation(invitation: Invitation, *, user: User) -> Membership:
    """The invited person says yes: a membership with the role of the invitation."""
    membership = _membership(user, invitation.organisation)
    if membership is None:
        membership = add_membership(user, invitation.organisation, invitation.role, actor_id=user.id)
    _close(invitation, "invitation.accept", user)
    return membership


def decline_invitation(invitation: Invitation, *, user: User) -> None:
    _close(invitation, "invitation.decline", user)


def _close(invitation: Invitation, action: str, actor: User) -> None:
    audit.record(
        action,
        "invitation",
        invitation.id,
        organisation_id=invitation.organisation_id,
        user_id=actor.id,
        after={"email": invitation.user.email, "role": invitation.role},
    )
    db.session.delete(invitation)
    db.session.flush()


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
