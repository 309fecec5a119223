"""Single sign-on through an organisation's own identity provider (OpenID Connect): its settings as a
superuser keeps them (settings.py), the secret at rest (credentials.py), the rules (rules.py) and what a
verified log-in does to users and memberships (login.py)."""

from .credentials import client_secret
from .login import SignIn, refuse, sign_in
from .rules import domain_problem, role_for_groups
from .settings import (
    SETTING_FIELDS,
    ProviderSettings,
    enabled_providers,
    password_login_problem,
    provider_for,
    save_provider,
)

__all__ = [
    "SETTING_FIELDS",
    "ProviderSettings",
    "SignIn",
    "client_secret",
    "domain_problem",
    "enabled_providers",
    "password_login_problem",
    "provider_for",
    "refuse",
    "role_for_groups",
    "save_provider",
    "sign_in",
]
