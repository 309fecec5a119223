"""The OpenID Connect client of an organisation's identity provider (Authlib): authorization code flow with
PKCE (S256), state and nonce kept in the session, the ID token verified against the provider's JWKS, issuer
and audience (the client id).

A client is built per provider and kept while its settings stay the same, so the discovery document and
the keys are fetched once, not at every log-in.
"""

from __future__ import annotations

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import FlaskIntegration, FlaskOAuth2App

from ..models import IdentityProvider
from ..services import sso

SCOPE = "openid profile email"
TIMEOUT_SECONDS = 10

_clients: dict[tuple, FlaskOAuth2App] = {}


def client(provider: IdentityProvider) -> FlaskOAuth2App:
    secret = sso.client_secret(provider)
    key = (provider.id, provider.discovery_url, provider.client_id, secret)
    if key not in _clients:
        name = f"org-{provider.organisation_id}"
        _clients[key] = FlaskOAuth2App(
            FlaskIntegration(name),
            name,
            client_id=provider.client_id,
            client_secret=secret,
            server_metadata_url=provider.discovery_url,
            client_kwargs={"scope": SCOPE, "code_challenge_method": "S256", "timeout": TIMEOUT_SECONDS},
        )
    return _clients[key]


def logout_url(provider: IdentityProvider, post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session address (RP-initiated logout), or None where it offers none."""
    app = client(provider)
    try:
        if not app.load_server_metadata().get("end_session_endpoint"):
            return None
        return app.create_logout_url(
            post_logout_redirect_uri=post_logout_redirect_uri, client_id=provider.client_id
        )["url"]
    except (requests.RequestException, AuthlibBaseError, ValueError):  # unreachable: log out here anyway
        return None


def claims_options(provider: IdentityProvider) -> dict:
    """The ID token must come from the provider's issuer and name this application's client id among its
    audiences (Authlib alone checks the audience only through `azp`)."""
    issuer = client(provider).load_server_metadata()["issuer"]
    return {
        "iss": {"essential": True, "values": [issuer]},
        "aud": {"essential": True, "values": [provider.client_id]},
    }


def verified_claims(provider: IdentityProvider, token: dict, nonce: str) -> dict:
    """The claims of `token`'s ID token once its signature (the provider's JWKS), issuer, audience, expiry
    and nonce hold; raises Authlib's or joserfc's error otherwise. The callback does the same through
    `authorize_access_token`."""
    return client(provider).parse_id_token(token, nonce=nonce, claims_options=claims_options(provider))
