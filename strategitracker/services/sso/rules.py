"""The rules of single sign-on, each returning a message instead of raising: allowed e-mail domains, the
mapping of the provider's groups to roles, and who may still log in with a password."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from ...models import IdentityProvider, Role

DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
ENV_NAME_RE = re.compile(r"^[A-Z_][A-Z0-9_]{0,99}$")


def parse_domains(text: str) -> tuple[list[str], str | None]:
    """E-mail domains separated by commas, spaces or lines, lower-cased; the first bad one is named."""
    domains = [part.strip().lower().lstrip("@") for part in re.split(r"[\s,;]+", text or "") if part.strip()]
    for domain in domains:
        if not DOMAIN_RE.match(domain):
            return [], _("%(domain)s is not a domain name such as kommune.dk.", domain=domain)
    if not domains:
        return [], _("Name at least one e-mail domain, e.g. kommune.dk.")
    return sorted(set(domains)), None


def parse_group_roles(text: str) -> tuple[dict[str, str], str | None]:
    """One "group = role" a line; the line that cannot be read is named."""
    mapping: dict[str, str] = {}
    roles = ", ".join(role.value for role in Role)
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        group, sep, role = line.rpartition("=")
        group, role = group.strip(), role.strip().lower()
        if not sep or not group or role not in {r.value for r in Role}:
            return {}, _(
                'Line %(n)d: write "group = role" with one of the roles %(roles)s.', n=number, roles=roles
            )
        mapping[group] = role
    return mapping, None


def env_name_problem(name: str) -> str | None:
    if not ENV_NAME_RE.match(name):
        return _("The name of an environment variable uses capital letters, digits and _ only.")
    return None


def domain_problem(provider: IdentityProvider, email: str) -> str | None:
    domain = email.rpartition("@")[2].lower()
    if domain not in provider.allowed_domains:
        return _(
            "The e-mail address %(email)s is not in a domain %(org)s allows.",
            email=email,
            org=provider.organisation.name,
        )
    return None


def role_for_groups(provider: IdentityProvider, groups: list[str]) -> Role | None:
    """The highest role any of the user's groups grants, else the default role, else None (no access)."""
    granted = [Role(provider.group_roles[group]) for group in groups if group in provider.group_roles]
    if granted:
        return max(granted, key=lambda role: role.rank)
    return Role(provider.default_role) if provider.default_role else None


def password_login_message(org_name: str) -> str:
    return _(
        "%(org)s requires log-in through its own identity provider: use the button “Log in with %(org)s”.",
        org=org_name,
    )
