"""Single sign-on against a real OpenID Connect provider (oidc-provider-mock) on a free local port: the
test plays the browser, chooses the user and claims at the provider's authorization step, and follows the
redirects back to the app."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy as sa
from joserfc.errors import JoseError
from limits import parse
from oidc_provider_mock import run_server_in_thread

from strategitracker.auth import oidc
from strategitracker.extensions import db as _db
from strategitracker.extensions import limiter
from strategitracker.models import AuditEvent, ExternalIdentity, IdentityProvider, Membership, User
from strategitracker.services import ServiceError, sso
from tests import factories
from tests.conftest import PASSWORD

CLIENT_ID = "strategitracker"
SECRET = "client-secret-1"


@pytest.fixture(scope="session")
def issuer() -> Iterator[str]:
    with run_server_in_thread(require_nonce=True) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="session")
def expiring_issuer() -> Iterator[str]:
    """A provider whose tokens are already expired when issued."""
    with run_server_in_thread(access_token_max_age=timedelta(hours=-1)) as server:
        yield f"http://localhost:{server.server_port}"


def configure(org, issuer: str, **changes) -> IdentityProvider:
    superuser = factories.user(is_superuser=True)
    settings = sso.ProviderSettings(
        discovery_url=issuer,
        client_id=CLIENT_ID,
        client_secret=SECRET,
        allowed_domains="testkommune.dk",
        group_roles="grp-editors = editor\ngrp-admins = admin\ngrp-readers = viewer",
    )
    for name, value in changes.items():
        setattr(settings, name, value)
    provider = sso.save_provider(org, settings, actor=superuser)
    _db.session.commit()
    return provider


def at_provider(client, slug: str, sub: str, claims: dict, *, edit=None) -> str:
    """Start the log-in, set the user's claims at the provider and authorize; the app's callback path."""
    start = client.get(f"/login/sso/{slug}")
    assert start.status_code == 302, start.get_data(as_text=True)[:300]
    authorize_url = start.headers["Location"]
    base = f"{urlsplit(authorize_url).scheme}://{urlsplit(authorize_url).netloc}"
    httpx.put(f"{base}/users/{sub}", json=claims).raise_for_status()
    answer = httpx.post(edit(authorize_url) if edit else authorize_url, data={"sub": sub})
    assert answer.status_code == 302, answer.text[:300]
    back = urlsplit(answer.headers["Location"])
    return f"{back.path}?{back.query}"


def log_in(client, slug: str, sub: str, claims: dict):
    return client.get(at_provider(client, slug, sub, claims))


def events(action: str) -> list[AuditEvent]:
    return list(_db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def membership_of(email: str, org) -> Membership | None:
    return _db.session.scalar(
        sa.select(Membership).join(User).where(User.email == email, Membership.organisation_id == org.id)
    )


def test_the_secret_is_stored_encrypted_and_read_back(org, issuer):
    provider = configure(org, issuer)
    assert SECRET not in (provider.client_secret_encrypted or "")
    assert sso.client_secret(provider) == SECRET
    assert provider.discovery_url == issuer + "/.well-known/openid-configuration"


def test_the_secret_can_come_from_the_environment(org, issuer, monkeypatch):
    monkeypatch.setenv("TESTKOMMUNE_OIDC_SECRET", "from-env")
    provider = configure(org, issuer, client_secret="", client_secret_env="TESTKOMMUNE_OIDC_SECRET")
    assert provider.client_secret_encrypted is None
    assert sso.client_secret(provider) == "from-env"


def test_login_page_offers_a_button_per_organisation(client, org, issuer):
    configure(org, issuer)
    html = client.get("/login").get_data(as_text=True)
    assert "/login/sso/testkommune" in html
    assert "Log ind med Testkommune" in html


def test_a_new_user_is_created_just_in_time_with_the_mapped_role(client, org, issuer):
    configure(org, issuer)
    claims = {"email": "Ny.Person@testkommune.dk", "name": "Ny Person", "groups": ["grp-editors", "x"]}
    response = log_in(client, org.slug, "new-person", claims)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    user = _db.session.scalar(sa.select(User).where(User.email == "ny.person@testkommune.dk"))
    assert user is not None and user.name == "Ny Person"
    assert membership_of(user.email, org).role == "editor"
    identity = _db.session.scalar(sa.select(ExternalIdentity).where(ExternalIdentity.user_id == user.id))
    assert identity.issuer == issuer and identity.subject == "new-person"
    assert client.get(f"/o/{org.slug}/").status_code == 200  # logged in, and a member
    assert [e.after["role"] for e in events("sso.login")] == ["editor"]
    assert events("sso.role_change")[0].after["role"] == "editor"


def test_an_existing_user_is_found_by_email_and_linked(client, org, issuer, make_user):
    configure(org, issuer)
    user = make_user("viewer", org, email="kendt@testkommune.dk")
    _db.session.commit()
    response = log_in(
        client, org.slug, "known-sub", {"email": "kendt@testkommune.dk", "groups": ["grp-admins"]}
    )
    assert response.status_code == 302
    assert membership_of(user.email, org).role == "admin"  # the groups decide the role
    change = events("sso.role_change")[0]
    assert change.before == {"role": "viewer", "active": True} and change.after["role"] == "admin"
    assert events("sso.link")[0].user_id == user.id


def test_groups_that_no_longer_grant_a_role_end_the_membership(client, org, issuer):
    configure(org, issuer)
    email = "skifter@testkommune.dk"
    log_in(client, org.slug, "mover", {"email": email, "groups": ["grp-editors"]})
    assert membership_of(email, org).active
    client.post("/logout")
    response = log_in(client, org.slug, "mover", {"email": email, "groups": ["another-department"]})
    assert response.headers["Location"].endswith("/login")
    membership = membership_of(email, org)
    assert not membership.active
    assert events("sso.role_change")[-1].after["active"] is False
    assert events("sso.login_refused")[-1].after["reason"] == "no_role"
    assert client.get(f"/o/{org.slug}/").status_code == 302  # not logged in


def test_a_default_role_lets_members_of_no_mapped_group_in(client, org, issuer):
    configure(org, issuer, group_roles="", default_role="viewer")
    log_in(client, org.slug, "plain", {"email": "plain@testkommune.dk"})
    assert membership_of("plain@testkommune.dk", org).role == "viewer"


def test_a_domain_not_allowed_is_refused(client, org, issuer):
    configure(org, issuer)
    response = log_in(client, org.slug, "outsider", {"email": "x@example.com", "groups": ["grp-admins"]})
    assert response.headers["Location"].endswith("/login")
    assert _db.session.scalar(sa.select(User).where(User.email == "x@example.com")) is None
    assert events("sso.login_refused")[-1].after == {"email": "x@example.com", "reason": "domain"}
    page = client.get("/login").get_data(as_text=True)
    assert "x@example.com" in page


def test_a_bad_state_is_refused(client, org, issuer):
    configure(org, issuer)
    callback = at_provider(client, org.slug, "st", {"email": "st@testkommune.dk", "groups": ["grp-admins"]})
    path, _, query = callback.partition("?")
    forged = "&".join(p if not p.startswith("state=") else "state=forged" for p in query.split("&"))
    response = client.get(f"{path}?{forged}")
    assert response.headers["Location"].endswith("/login")
    assert "MismatchingStateError" in events("sso.login_refused")[-1].after["reason"]
    assert _db.session.scalar(sa.select(User).where(User.email == "st@testkommune.dk")) is None


def test_a_code_for_another_client_is_refused(client, org, issuer):
    """The browser swaps the client id: the provider issues a code the app's client cannot redeem."""
    configure(org, issuer)
    callback = at_provider(
        client,
        org.slug,
        "swap",
        {"email": "swap@testkommune.dk", "groups": ["grp-admins"]},
        edit=lambda url: url.replace(f"client_id={CLIENT_ID}", "client_id=another-client"),
    )
    response = client.get(callback)
    assert response.headers["Location"].endswith("/login")
    assert events("sso.login_refused")
    assert _db.session.scalar(sa.select(User).where(User.email == "swap@testkommune.dk")) is None


def test_an_expired_id_token_is_refused(client, org, expiring_issuer):
    configure(org, expiring_issuer)
    response = log_in(client, org.slug, "late", {"email": "late@testkommune.dk", "groups": ["grp-admins"]})
    assert response.headers["Location"].endswith("/login")
    assert "ExpiredTokenError" in events("sso.login_refused")[-1].after["reason"]
    assert _db.session.scalar(sa.select(User).where(User.email == "late@testkommune.dk")) is None


def _token_for(issuer: str, client_id: str, nonce: str) -> dict:
    """A real token response of the provider to a client (the test acting as that client)."""
    redirect_uri = "http://localhost/cb"
    httpx.put(f"{issuer}/users/someone", json={"email": "someone@testkommune.dk"}).raise_for_status()
    params = {
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "scope": "openid email",
        "nonce": nonce,
        "state": "s",
    }
    answer = httpx.post(f"{issuer}/oauth2/authorize", params=params, data={"sub": "someone"})
    code = dict(p.split("=", 1) for p in urlsplit(answer.headers["Location"]).query.split("&"))["code"]
    token = httpx.post(
        f"{issuer}/oauth2/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
        auth=(client_id, "x"),
    )
    token.raise_for_status()
    return token.json()


def test_the_app_verifies_its_own_client_tokens(app, org, issuer):
    with app.test_request_context():
        provider = configure(org, issuer)
        claims = oidc.verified_claims(provider, _token_for(issuer, CLIENT_ID, "n1"), nonce="n1")
        assert claims["email"] == "someone@testkommune.dk"


def test_an_id_token_for_another_audience_is_refused(app, org, issuer):
    """A genuine token of the same provider, issued to a second client id, is not accepted by this one."""
    with app.test_request_context():
        provider = configure(org, issuer)
        token = _token_for(issuer, "a-second-client", "n2")
        with pytest.raises(JoseError):
            oidc.verified_claims(provider, token, nonce="n2")
        second = configure(org, issuer, client_id="a-second-client")  # the same token, for its own client
        assert oidc.verified_claims(second, token, nonce="n2")["sub"] == "someone"


def test_a_tampered_id_token_is_refused(app, org, issuer):
    """The provider's token with one claim changed after signing: the signature no longer matches."""
    with app.test_request_context():
        provider = configure(org, issuer)
        token = _token_for(issuer, CLIENT_ID, "n3")
        header, payload, signature = token["id_token"].split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["email"] = "boss@testkommune.dk"
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        token["id_token"] = f"{header}.{forged}.{signature}"
        with pytest.raises(JoseError):
            oidc.verified_claims(provider, token, nonce="n3")


def test_password_login_is_refused_when_switched_off(client, org, issuer, make_user):
    configure(org, issuer, password_login_disabled=True)
    user = make_user("editor", org, email="pw@testkommune.dk")
    _db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Testkommune kræver log-in" in html
    assert client.get(f"/o/{org.slug}/").status_code == 302
    assert events("auth.login_refused")[-1].user_id == user.id


def test_password_login_still_works_for_other_organisations(client, org, other_org, issuer, make_user):
    configure(org, issuer, password_login_disabled=True)
    user = make_user("editor", other_org)
    _db.session.commit()
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302


def test_logout_ends_the_session_and_the_providers(client, org, issuer):
    configure(org, issuer)
    log_in(client, org.slug, "leaver", {"email": "leaver@testkommune.dk", "groups": ["grp-readers"]})
    user = _db.session.scalar(sa.select(User).where(User.email == "leaver@testkommune.dk"))
    token_before = user.session_token
    response = client.post("/logout")
    assert (
        response.status_code == 200
    )  # a page that goes on to the provider (the form may not leave the site)
    html = response.get_data(as_text=True)
    location = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', html).group(1)
    assert location.startswith(f"{issuer}/oauth2/end_session?")
    assert "post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Flogin" in location
    assert "client_id=strategitracker" in location
    _db.session.refresh(user)
    assert user.session_token != token_before
    assert client.get(f"/o/{org.slug}/").status_code == 302


def test_configuration_refuses_bad_input(org, issuer):
    superuser = factories.user(is_superuser=True)
    bad = sso.ProviderSettings(
        discovery_url=issuer, client_id=CLIENT_ID, client_secret=SECRET, allowed_domains="not a domain!"
    )
    with pytest.raises(ServiceError, match="ikke et domænenavn"):
        sso.save_provider(org, bad, actor=superuser)
    bad.allowed_domains, bad.group_roles = "testkommune.dk", "grp = emperor"
    with pytest.raises(ServiceError, match="Linje 1"):
        sso.save_provider(org, bad, actor=superuser)
    bad.group_roles = ""
    with pytest.raises(ServiceError, match="standardrolle"):
        sso.save_provider(org, bad, actor=superuser)


def test_a_superuser_configures_single_sign_on_in_the_browser(client, org, issuer, login):
    login("superuser")
    page = client.get(f"/admin/organisations/{org.slug}/sso")
    assert page.status_code == 200
    assert f"http://localhost/login/sso/{org.slug}/callback" in page.get_data(as_text=True)
    form = {
        "enabled": "y",
        "discovery_url": issuer,
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
        "allowed_domains": "testkommune.dk, @Thisted.dk",
        "groups_claim": "groups",
        "group_roles": "grp-editors = editor",
        "default_role": "",
        "password_login_disabled": "y",
    }
    refused = client.post(
        f"/admin/organisations/{org.slug}/sso", data={**form, "group_roles": "grp = kejser"}
    )
    assert refused.status_code == 400
    assert "Linje 1" in refused.get_data(as_text=True)
    assert sso.provider_for(org) is None
    saved = client.post(f"/admin/organisations/{org.slug}/sso", data=form)
    assert saved.status_code == 302
    provider = sso.provider_for(org)
    assert provider.allowed_domains == ["testkommune.dk", "thisted.dk"]
    assert provider.password_login_disabled and provider.group_roles == {"grp-editors": "editor"}
    assert sso.client_secret(provider) == SECRET
    assert events("sso.configure")[-1].after["client_id"] == CLIENT_ID
    # an empty secret field keeps the stored secret
    assert (
        client.post(f"/admin/organisations/{org.slug}/sso", data={**form, "client_secret": ""}).status_code
        == 302
    )
    assert sso.client_secret(sso.provider_for(org)) == SECRET
    client.post("/logout")
    response = log_in(client, org.slug, "via-admin", {"email": "a@thisted.dk", "groups": ["grp-editors"]})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_refused_password_log_ins_are_still_throttled(app, client, org, issuer, make_user, monkeypatch):
    configure(org, issuer, password_login_disabled=True)
    user = make_user("editor", org, email="many@testkommune.dk")
    _db.session.commit()
    monkeypatch.setattr(limiter, "enabled", True)
    limiter.reset()
    try:
        allowed = parse(app.config["LOGIN_RATE_LIMIT"]).amount
        for _attempt in range(allowed):
            answer = client.post("/login", data={"email": user.email, "password": PASSWORD})
            assert answer.status_code == 200
        assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 429
    finally:
        limiter.reset()
