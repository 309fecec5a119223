"""Log-in wiring and the security headers every response carries."""

import hmac

from flask import Flask, Response, g, session
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from ..extensions import db, login_manager
from ..models import User

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # plotly.js sets inline style attributes on the SVG it draws; scripts stay strictly same-origin.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of a session or remember-me cookie, only while its session token is the current one."""
    id_text, _sep, token = user_id.partition(":")
    if not (id_text.isascii() and id_text.isdigit()) or not token:
        return None
    user = db.session.get(User, int(id_text))
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def register_proxy_fix(app: Flask) -> None:
    """Trust the X-Forwarded-* headers of as many proxies as configured: the client's address for
    throttling, and https for secure cookies and links, as the proxy saw them."""
    hops = {name: app.config[f"PROXY_FIX_X_{name.upper()}"] for name in ("for", "proto", "host")}
    if any(hops.values()):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops["for"], x_proto=hops["proto"], x_host=hops["host"])


def register_security(app: Flask) -> None:
    from ..auth.sessions import enforce_session_rules

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(enforce_session_rules)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in security_headers(app).items():
            if name == "Content-Security-Policy":  # a page may set its own
                response.headers.setdefault(name, value)
            else:
                response.headers[name] = value
        if "Cache-Control" not in response.headers and _signed_in():
            response.headers["Cache-Control"] = "no-store"  # nobody's pages linger in a shared browser
        return response


def security_headers(app: Flask) -> dict[str, str]:
    """The headers every response carries, pages and static files (static_files.py) alike."""
    headers = {
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }
    if app.config.get("HSTS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return headers


def _signed_in() -> bool:
    """Whether the response is for a logged-in user, without loading the user for it: static files and
    public pages that never asked keep their caching."""
    user = g.get("_login_user")
    if user is not None:
        return not user.is_anonymous  # is_authenticated would read the (maybe expired) row again
    return "_user_id" in session
