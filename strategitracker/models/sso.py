"""Single sign-on: an organisation's OpenID Connect provider, and the provider accounts linked to users."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import TZDateTime, in_check, utcnow
from .organisation import Organisation
from .user import Role, User


class IdentityProvider(db.Model):
    """How one organisation's staff log in through its own identity provider (OpenID Connect)."""

    __tablename__ = "identity_provider"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), unique=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    discovery_url: Mapped[str] = mapped_column(sa.String(500))
    client_id: Mapped[str] = mapped_column(sa.String(200))
    # Fernet token of the secret (key derived from SECRET_KEY), or the name of an environment variable.
    client_secret_encrypted: Mapped[str | None] = mapped_column(sa.Text)
    client_secret_env: Mapped[str | None] = mapped_column(sa.String(100))
    allowed_domains: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    groups_claim: Mapped[str] = mapped_column(sa.String(100), default="groups")
    group_roles: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    default_role: Mapped[str | None] = mapped_column(sa.String(20))
    password_login_disabled: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, onupdate=utcnow)

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "default_role IS NULL OR " + in_check("default_role", tuple(Role)), name="default_role_valid"
        ),
    )


class ExternalIdentity(db.Model):
    """A provider account (issuer + subject) linked to a user: the next log-in finds the user by it."""

    __tablename__ = "external_identity"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(500))
    subject: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(TZDateTime)

    user: Mapped[User] = relationship()

    __table_args__ = (sa.UniqueConstraint("issuer", "subject"),)
