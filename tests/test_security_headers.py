"""Security headers on every response, cookie flags, and the production configuration."""

import re

import pytest

import config
from strategitracker import create_app
from strategitracker.extensions import db as _db
from strategitracker.extensions import limiter
from strategitracker.services import accounts
from strategitracker.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import PASSWORD
from tests.test_authorization_matrix import MATRIX, build_objects, build_url

# A script element that runs: not loaded from a file, and not a data block (JSON, or a chart's table kept as
# unparsed HTML until it is opened), which browsers never execute.
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"(?:application/(?:ld\+)?json|text/html)\")[^>]*>", re.I
)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name.lower()] = values
    return directives


def assert_security_headers(response) -> None:
    headers = response.headers
    csp = csp_directives(headers["Content-Security-Policy"])
    script_src = csp.get("script-src", csp.get("default-src"))
    assert script_src == ["'self'"], script_src
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["default-src"] == ["'self'"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {"same-origin", "strict-origin-when-cross-origin", "no-referrer"}
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "method, path",
    [
        ("GET", "/"),
        ("GET", "/login"),
        ("POST", "/login"),
        ("GET", "/healthz"),
        ("GET", "/static/css/app.css"),
        ("GET", "/bootstrap/static/css/bootstrap.min.css"),
        ("GET", "/does-not-exist"),
        ("GET", "/logout"),  # 405
        ("POST", "/logout"),
        ("GET", "/o/testkommune/"),  # redirect to the log-in page
        ("GET", "/admin/organisations"),
    ],
)
def test_anonymous_responses_carry_the_headers(client, org, method, path):
    assert_security_headers(client.open(path, method=method))


def test_logged_in_pages_carry_the_headers(client, login, org, other_org):
    objects = build_objects(org)
    login("admin")
    for path in (
        f"/o/{org.slug}/",
        f"/o/{org.slug}/members/",
        f"/o/{org.slug}/strategies/{objects.strategy.id}",
        f"/o/{other_org.slug}/",  # 404
        "/admin/organisations",  # 403
        "/account/password",
    ):
        assert_security_headers(client.get(path))


def test_json_errors_carry_the_headers(client, org):
    response = client.get(f"/o/{org.slug}/", headers={"Accept": "application/json"})
    assert response.status_code == 401
    assert_security_headers(response)


def test_hsts_only_in_production(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


@pytest.mark.parametrize("role", ["anonymous", "superuser"])
def test_pages_have_no_inline_scripts(app, client, login, org, role):
    """The CSP forbids inline scripts, so no page may need one: every GET page of the matrix is checked."""
    assert "'unsafe-inline'" not in csp_directives(CONTENT_SECURITY_POLICY)["script-src"]
    objects = build_objects(org)
    if role == "superuser":
        login("superuser")
    checked = 0
    for (endpoint, method), route in sorted(MATRIX.items()):
        if method != "GET":
            continue
        url = build_url(app, endpoint, route.url(objects))
        response = client.get(url)
        assert response.status_code < 500, url
        assert_security_headers(response)
        if response.mimetype != "text/html":
            continue
        html = response.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(html), url
        assert not EVENT_HANDLER.search(html), url
        assert not JAVASCRIPT_URL.search(html), url
        checked += 1
    assert checked >= 3


# --- cookies ------------------------------------------------------------------------------------------------


def cookie_header(response, name: str) -> str:
    (header,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    return header


def test_session_and_remember_cookies_are_httponly_and_lax(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        header = cookie_header(response, name)
        assert "HttpOnly" in header, header
        assert "SameSite=Lax" in header, header
        assert "Secure" not in header  # plain http on one's own machine and in the tests


# --- production ---------------------------------------------------------------------------------------------


@pytest.fixture
def production_app(app, monkeypatch):
    """The app under ProductionConfig, on the same database as the test app."""
    monkeypatch.setenv("SECRET_KEY", "a-production-secret")
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    # config.py reads DATABASE_URL when it is imported, so point the class at the test database too
    monkeypatch.setattr(
        config.ProductionConfig, "SQLALCHEMY_DATABASE_URI", app.config["SQLALCHEMY_DATABASE_URI"]
    )
    # Limiter and friends are module-level singletons; keep the test app's rate limiting switched off.
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)
    production = create_app("config.ProductionConfig")
    yield production
    with production.app_context():
        _db.session.remove()
        _db.engine.dispose()


def test_production_needs_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("config.ProductionConfig")
    monkeypatch.setenv("SECRET_KEY", "")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("config.ProductionConfig")


def test_production_config(production_app):
    cfg = production_app.config
    assert cfg["SECRET_KEY"] == "a-production-secret"
    assert cfg["SESSION_COOKIE_SECURE"] and cfg["REMEMBER_COOKIE_SECURE"]
    assert cfg["SESSION_COOKIE_HTTPONLY"] and cfg["REMEMBER_COOKIE_HTTPONLY"]
    assert cfg["SESSION_COOKIE_SAMESITE"] == cfg["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert cfg["WTF_CSRF_ENABLED"] and cfg["RATELIMIT_ENABLED"]
    assert not cfg.get("TESTING")
    with production_app.app_context():
        assert accounts.hash_password(PASSWORD).startswith("scrypt:")


def test_production_sends_hsts_and_secure_cookies(production_app):
    client = production_app.test_client()
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
    response = client.get("/login", base_url="https://localhost")
    assert response.status_code == 200
    assert_security_headers(response)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert (
        int(re.search(r"max-age=(\d+)", response.headers["Strict-Transport-Security"]).group(1)) >= 15552000
    )
    header = cookie_header(response, "session")  # holds the CSRF token of the log-in form
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header


# --- caching ------------------------------------------------------------------------------------------------


def test_pages_of_a_logged_in_user_are_not_stored(client, login, org):
    """A shared computer's browser must not keep (or show from its history) a logged-in user's pages."""
    objects = build_objects(org)
    login("admin")
    for path in (
        f"/o/{org.slug}/",
        f"/o/{org.slug}/strategies/{objects.strategy.id}",
        f"/o/{org.slug}/members/",
        "/account/password",
        "/public",
        "/does-not-exist",
    ):
        response = client.get(path)
        assert "no-store" in response.headers.get("Cache-Control", ""), path


def test_static_files_and_anonymous_pages_keep_their_caching(client, login, org):
    assert "no-store" not in client.get("/public").headers.get("Cache-Control", "")
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login("admin")
    static = client.get("/static/css/app.css")
    assert static.status_code == 200
    assert "no-store" not in static.headers.get("Cache-Control", "")
