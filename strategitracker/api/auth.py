"""Who calls the API: the owner of the bearer token, within the token's one organisation.

Only the `Authorization: Bearer …` header counts: a session cookie sent along is ignored, so a page
in a browser can never make the API write. Every request reads the owner's role anew, so a token does no
more than its owner may do today; a read token reads only.
"""

from __future__ import annotations

import hashlib

from flask import abort, g, request
from flask_babel import gettext as _
from flask_babel import refresh

from ..models import ApiToken, Role
from ..permissions import Action, can, may_on, role_in
from ..services import accounts
from ..web.problems import problem


def bearer_secret() -> str | None:
    scheme, _sep, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def rate_limit_key() -> str:
    """Each token has its own allowance; calls without one share their address's."""
    secret = bearer_secret()
    if secret is None:
        return f"api-anonymous:{request.remote_addr}"
    return "api-token:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()[:32]


def authenticate() -> None:
    """Before every API view: load the token, its owner and the owner's role, or answer 401."""
    secret = bearer_secret()
    token = accounts.find_live_token(secret) if secret else None
    role = role_in(token.user, token.organisation) if token is not None else None
    if token is None or role is None or not can(Action.VIEW, role):
        abort(
            problem(
                401,
                _("Not authorised"),
                _("Send a valid personal access token: Authorization: Bearer <token>."),
            )
        )
    g.api_token, g.api_user, g.org, g.role = token, token.user, token.organisation, role
    refresh()  # from here on, messages are in the owner's language


def current_token() -> ApiToken:
    return g.api_token


def current_role() -> Role:
    return g.role


def require(action: Action, owner_user_id: int | None = None) -> None:
    """Refuse with 403 unless the token may write and its owner may do `action` on the item."""
    token: ApiToken = g.api_token
    if not token.can_write:
        abort(problem(403, _("Forbidden"), _("This token can only read. Make a token that may write.")))
    if not may_on(action, owner_user_id, g.role, token.user_id):
        abort(problem(403, _("Forbidden"), _("Your role in this organisation does not allow this change.")))
