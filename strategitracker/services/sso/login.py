"""A log-in through an organisation's identity provider, after the ID token has been verified: find or create
the user, link the provider account, and give or take the membership its groups decide."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import ExternalIdentity, IdentityProvider, Membership, Role, User
from .. import ServiceError, audit
from ..accounts import add_membership, create_user, email_problem, get_user_by_email
from .rules import domain_problem, role_for_groups


@dataclass
class SignIn:
    """The user to log in, or why not (`problem`, already in the audit log)."""

    user: User | None = None
    problem: str | None = None


def _email(claims: Mapping[str, Any]) -> str:
    """Entra ID may leave out `email`; its `preferred_username` is then the address."""
    for name in ("email", "preferred_username", "upn"):
        value = claims.get(name)
        if isinstance(value, str) and "@" in value:
            return value.strip().lower()
    return ""


def _groups(claims: Mapping[str, Any], claim: str) -> list[str]:
    value = claims.get(claim) or []
    return [value] if isinstance(value, str) else [str(group) for group in value]


def _refuse(provider: IdentityProvider, email: str, reason: str, message: str) -> SignIn:
    audit.record(
        "sso.login_refused",
        "identity_provider",
        provider.id,
        organisation_id=provider.organisation_id,
        after={"email": email, "reason": reason},
    )
    return SignIn(problem=message)


def refuse(provider: IdentityProvider, reason: str) -> SignIn:
    """A log-in the provider's answer did not allow (bad state, a token that fails verification …)."""
    return _refuse(
        provider,
        "",
        reason,
        _("The log-in through %(org)s could not be completed. Try again.", org=provider.organisation.name),
    )


def sign_in(provider: IdentityProvider, issuer: str, claims: Mapping[str, Any]) -> SignIn:
    email = _email(claims)
    if not email or email_problem(email):
        return _refuse(provider, email, "no_email", _("The identity provider sent no valid e-mail address."))
    if problem := domain_problem(provider, email):
        return _refuse(provider, email, "domain", problem)
    identity = db.session.scalar(
        sa.select(ExternalIdentity).where(
            ExternalIdentity.issuer == issuer, ExternalIdentity.subject == str(claims["sub"])
        )
    )
    user = identity.user if identity else get_user_by_email(email)
    role = role_for_groups(provider, _groups(claims, provider.groups_claim))
    if role is None:
        if user is not None:
            _take_membership(provider, user)
        return _refuse(
            provider,
            email,
            "no_role",
            _(
                "Your account gives no access to %(org)s. Ask your IT department.",
                org=provider.organisation.name,
            ),
        )
    if user is None:
        user = _create(email, claims)
    if not user.active:
        return _refuse(provider, email, "inactive", _("The account is deactivated."))
    if identity is None:
        identity = _link(user, issuer, str(claims["sub"]), provider)
    _give_membership(provider, user, role)
    now = datetime.now(UTC)
    identity.last_login_at = user.last_login_at = now
    audit.record(
        "sso.login", "user", user.id, organisation_id=provider.organisation_id, user_id=user.id,
        after={"email": email, "role": role.value},
    )  # fmt: skip
    db.session.flush()
    return SignIn(user=user)


def _create(email: str, claims: Mapping[str, Any]) -> User:
    """Just-in-time: the account gets a password nobody knows; it logs in through the provider."""
    name = str(claims.get("name") or email.partition("@")[0])[:200]
    try:
        return create_user(email, name, secrets.token_urlsafe(32))
    except ServiceError:  # a name the rules refuse: the address is a name too
        return create_user(email, email, secrets.token_urlsafe(32))


def _link(user: User, issuer: str, subject: str, provider: IdentityProvider) -> ExternalIdentity:
    identity = ExternalIdentity(user=user, issuer=issuer, subject=subject)
    db.session.add(identity)
    db.session.flush()
    audit.record(
        "sso.link", "user", user.id, organisation_id=provider.organisation_id, user_id=user.id,
        after={"issuer": issuer, "subject": subject},
    )  # fmt: skip
    return identity


def _membership(provider: IdentityProvider, user: User) -> Membership | None:
    return db.session.scalar(
        sa.select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == provider.organisation_id
        )
    )


def _give_membership(provider: IdentityProvider, user: User, role: Role) -> None:
    membership = _membership(provider, user)
    if membership is None:
        membership = add_membership(user, provider.organisation, role, actor_id=user.id)
        before: dict[str, Any] = {}
    elif membership.role != role.value or not membership.active:
        before = {"role": membership.role, "active": membership.active}
        membership.role, membership.active = role.value, True
    else:
        return
    db.session.flush()
    _record_role_change(membership, before, {"role": role.value, "active": True})


def _take_membership(provider: IdentityProvider, user: User) -> None:
    """The provider's groups no longer grant a role: the membership ends (kept, deactivated)."""
    membership = _membership(provider, user)
    if membership is None or not membership.active:
        return
    before = {"role": membership.role, "active": True}
    membership.active = False
    db.session.flush()
    _record_role_change(membership, before, {"role": membership.role, "active": False})


def _record_role_change(membership: Membership, before: dict[str, Any], after: dict[str, Any]) -> None:
    audit.record(
        "sso.role_change",
        "membership",
        membership.id,
        organisation_id=membership.organisation_id,
        user_id=membership.user_id,
        before=before or None,
        after={**after, "user": membership.user.email},
    )
