"""The demo users the seed creates, one for each role plus a superuser, so that `make run` can be logged into
at once. Kept apart from the table rows because users carry a password and memberships, not CSV data.
"""

from __future__ import annotations

import os
import secrets

import sqlalchemy as sa

from ...extensions import db
from ...models import Membership, Organisation, Role, User
from .. import ServiceError, accounts
from .result import SeedResult

DEMO_DOMAIN = "example.org"
SUPERUSER_KEY = "superuser"
# (email local part, display name); the first four are also the role each demo user has in the organisation.
DEMO_USERS: tuple[tuple[str, str], ...] = (
    (Role.VIEWER.value, "Demo Læser"),
    (Role.EDITOR.value, "Demo Redaktør"),
    (Role.FACILITATOR.value, "Demo Facilitator"),
    (Role.ADMIN.value, "Demo Administrator"),
    (SUPERUSER_KEY, "Demo Superbruger"),
)


def demo_email(key: str) -> str:
    return f"{key}@{DEMO_DOMAIN}"


def seed_demo_users(org: Organisation, result: SeedResult) -> dict[str, User]:
    """Create the missing demo users and memberships (existing ones keep their password); by demo-user key."""
    demo_users: dict[str, User] = {}
    env_password = os.environ.get("DEMO_PASSWORD") or None
    password: str | None = None
    for key, name in DEMO_USERS:
        email = demo_email(key)
        user = accounts.get_user_by_email(email)
        if user is None:
            if password is None:
                password = env_password or secrets.token_urlsafe(12)
                if env_password:
                    try:
                        accounts.validate_password(env_password)
                    except ServiceError as exc:
                        raise ServiceError(f"DEMO_PASSWORD: {exc}") from None
            user = accounts.create_user(email, name, password, is_superuser=key == SUPERUSER_KEY)
            result.created["user_account"] += 1
            result.users_created.append(email)
        else:
            result.unchanged["user_account"] += 1
            result.users_existing.append(email)
        demo_users[key] = user
        if key == SUPERUSER_KEY:
            continue  # site-wide; not a member of the organisation
        membership = db.session.scalar(
            sa.select(Membership).where(Membership.user_id == user.id, Membership.organisation_id == org.id)
        )
        if membership is None:
            accounts.add_membership(user, org, key)
            result.created["membership"] += 1
        elif membership.role == key:
            result.unchanged["membership"] += 1
        else:
            result.differing["membership"] += 1
    if result.users_created:
        result.password_from_env = env_password is not None
        result.password = None if env_password else password
    return demo_users
