"""Personal access tokens for the REST API: made, checked and revoked here, and nowhere else.

A token is `st_` and 43 random URL-safe characters. Only its SHA-256 is stored (a secret of that
strength needs no slow hash), with the first characters as a prefix by which its owner recognises it.
A token belongs to one user and one organisation; what it may do is limited both by its scope (read, or
read and write) and by the owner's role in that organisation at the time of each request.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import ApiToken, Membership, Organisation, TokenScope, User
from ...models._types import utcnow
from .. import ServiceError, audit

PREFIX_LENGTH = 10
MAX_NAME = 100
MAX_DAYS = 3650
#: A token's last use is written at most this often, so a busy script does not write on every request.
LAST_USED_GRANULARITY = timedelta(minutes=1)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def name_problem(name: str | None) -> str | None:
    text = (name or "").strip()
    if not text:
        return _("Give the token a name, e.g. the system that uses it.")
    if len(text) > MAX_NAME:
        return _("The name can be at most %(n)s characters.", n=MAX_NAME)
    return None


def days_problem(days: int | None) -> str | None:
    if days is not None and not 1 <= days <= MAX_DAYS:
        return _("A token lasts from 1 to %(n)s days.", n=MAX_DAYS)
    return None


def _is_member(user: User, org: Organisation) -> bool:
    if user.is_superuser:
        return True
    return (
        db.session.scalar(
            sa.select(Membership.id).where(
                Membership.user_id == user.id,
                Membership.organisation_id == org.id,
                Membership.active.is_(True),
            )
        )
        is not None
    )


def create_token(
    user: User, org: Organisation, name: str, *, write: bool, days: int | None, actor: User | None = None
) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is returned once and never stored."""
    problem = name_problem(name) or days_problem(days)
    if problem:
        raise ServiceError(problem)
    if not _is_member(user, org):
        raise ServiceError(_("%(email)s is not a member of %(org)s.", email=user.email, org=org.name))
    secret = "st_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        organisation_id=org.id,
        name=name.strip(),
        prefix=secret[:PREFIX_LENGTH],
        token_hash=hash_token(secret),
        scope=TokenScope.WRITE if write else TokenScope.READ,
        expires_at=utcnow() + timedelta(days=days) if days else None,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token.create",
        "api_token",
        token.id,
        organisation_id=org.id,
        user_id=(actor or user).id,
        after={"name": token.name, "prefix": token.prefix, "scope": token.scope, "user_id": user.id},
    )
    return token, secret


def revoke_token(token: ApiToken, *, actor: User) -> bool:
    """Revoke the token at once; False when it already was."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    db.session.flush()
    audit.record(
        "api_token.revoke",
        "api_token",
        token.id,
        organisation_id=token.organisation_id,
        user_id=actor.id,
        before={"name": token.name, "prefix": token.prefix},
    )
    return True


def user_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, newest first, with their organisations (one statement)."""
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .options(sa.orm.joinedload(ApiToken.organisation))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back the stored UTC times without their zone."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def token_is_live(token: ApiToken, now: datetime) -> bool:
    expires_at = aware(token.expires_at)
    return token.revoked_at is None and (expires_at is None or expires_at > now)


def find_live_token(secret: str) -> ApiToken | None:
    """The unrevoked, unexpired token with this secret whose owner is active, marked as used; else None."""
    if not secret.startswith("st_") or len(secret) > 200:
        return None
    token = db.session.scalar(
        sa.select(ApiToken)
        .where(ApiToken.token_hash == hash_token(secret))
        .options(sa.orm.joinedload(ApiToken.user), sa.orm.joinedload(ApiToken.organisation))
    )
    now = utcnow()
    if token is None or not token_is_live(token, now) or not token.user.active:
        return None
    last_used_at = aware(token.last_used_at)
    if last_used_at is None or now - last_used_at > LAST_USED_GRANULARITY:
        token.last_used_at = now
    return token
