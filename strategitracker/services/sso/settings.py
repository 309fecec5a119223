"""An organisation's identity provider as a superuser configures it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from ...extensions import db
from ...models import IdentityProvider, Membership, Organisation, User
from .. import ServiceError, audit
from .credentials import encrypt_secret
from .rules import env_name_problem, parse_domains, parse_group_roles, password_login_message

DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


class FieldError(ServiceError):
    """A refusal shown beside one field of the form."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class ProviderSettings:
    """What the form sends; an empty `client_secret` keeps the stored one."""

    discovery_url: str
    client_id: str
    client_secret: str = ""
    client_secret_env: str = ""
    allowed_domains: str = ""
    groups_claim: str = "groups"
    group_roles: str = ""
    default_role: str = ""
    password_login_disabled: bool = False
    enabled: bool = True


SETTING_FIELDS = (
    "discovery_url",
    "client_id",
    "client_secret",
    "client_secret_env",
    "allowed_domains",
    "groups_claim",
    "group_roles",
    "default_role",
)


def discovery_url(text: str) -> str:
    """The discovery document's address, from it or from the issuer alone."""
    url = text.strip().rstrip("/")
    return url if url.endswith(DISCOVERY_SUFFIX) else url + DISCOVERY_SUFFIX


def provider_for(org: Organisation) -> IdentityProvider | None:
    return db.session.scalar(sa.select(IdentityProvider).where(IdentityProvider.organisation_id == org.id))


def enabled_providers() -> list[IdentityProvider]:
    """For the log-in page's buttons, by organisation name (one query)."""
    return list(
        db.session.scalars(
            sa.select(IdentityProvider)
            .join(IdentityProvider.organisation)
            .where(IdentityProvider.enabled.is_(True))
            .options(sa.orm.contains_eager(IdentityProvider.organisation))
            .order_by(Organisation.name)
        )
    )


def _checked(settings: ProviderSettings) -> tuple[list[str], dict[str, str]]:
    if not settings.discovery_url.strip().startswith(("https://", "http://")):
        raise FieldError(_("Enter the issuer's address, starting with https://."), field="discovery_url")
    if not settings.client_id.strip():
        raise FieldError(_("Enter the client id the provider gave the application."), field="client_id")
    if settings.client_secret_env.strip() and (
        problem := env_name_problem(settings.client_secret_env.strip())
    ):
        raise FieldError(problem, field="client_secret_env")
    domains, problem = parse_domains(settings.allowed_domains)
    if problem:
        raise FieldError(problem, field="allowed_domains")
    mapping, problem = parse_group_roles(settings.group_roles)
    if problem:
        raise FieldError(problem, field="group_roles")
    if not mapping and not settings.default_role:
        raise FieldError(
            _("Map at least one group to a role, or choose a default role."), field="group_roles"
        )
    return domains, mapping


def save_provider(org: Organisation, settings: ProviderSettings, *, actor: User) -> IdentityProvider:
    """Create or change the organisation's provider; the secret is kept encrypted or named by variable."""
    domains, mapping = _checked(settings)
    provider = provider_for(org) or IdentityProvider(organisation=org)
    if provider.id is None and not (settings.client_secret or settings.client_secret_env.strip()):
        raise FieldError(
            _("Enter the client secret, or the environment variable that holds it."), field="client_secret"
        )
    provider.discovery_url = discovery_url(settings.discovery_url)
    provider.client_id = settings.client_id.strip()
    if settings.client_secret_env.strip():
        provider.client_secret_env = settings.client_secret_env.strip()
        provider.client_secret_encrypted = None
    elif settings.client_secret:
        provider.client_secret_encrypted = encrypt_secret(settings.client_secret)
        provider.client_secret_env = None
    provider.allowed_domains = domains
    provider.groups_claim = settings.groups_claim.strip() or "groups"
    provider.group_roles = mapping
    provider.default_role = settings.default_role or None
    provider.password_login_disabled = settings.password_login_disabled
    provider.enabled = settings.enabled
    db.session.add(provider)
    db.session.flush()
    audit.record(
        "sso.configure",
        "identity_provider",
        provider.id,
        organisation_id=org.id,
        user_id=actor.id,
        after={
            "discovery_url": provider.discovery_url,
            "client_id": provider.client_id,
            "allowed_domains": domains,
            "group_roles": mapping,
            "default_role": provider.default_role,
            "password_login_disabled": provider.password_login_disabled,
            "enabled": provider.enabled,
        },
    )
    return provider


def password_login_problem(user: User) -> str | None:
    """Why this user may not log in with a password: a member of an organisation that requires its own
    identity provider."""
    org_name = db.session.scalar(
        sa.select(Organisation.name)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .join(IdentityProvider, IdentityProvider.organisation_id == Organisation.id)
        .where(
            Membership.user_id == user.id,
            Membership.active.is_(True),
            IdentityProvider.enabled.is_(True),
            IdentityProvider.password_login_disabled.is_(True),
        )
        .order_by(Organisation.name)
        .limit(1)
    )
    return password_login_message(org_name) if org_name else None
