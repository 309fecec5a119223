"""Log-in wiring and the security headers every response carries."""

from flask import Flask, Response, g, session
from flask_babel import lazy_gettext as _l

from .extensions import db, login_manager
from .models import User

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
    return db.session.get(User, int(user_id))


def register_security(app: Flask) -> None:
    from .auth.sessions import enforce_session_rules

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    app.before_request(enforce_session_rules)

    @app.after_request
    def security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if app.config.get("HSTS"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if "Cache-Control" not in response.headers and _signed_in():
            response.headers["Cache-Control"] = "no-store"  # nobody's pages linger in a shared browser
        return response


def _signed_in() -> bool:
    """Whether the response is for a logged-in user, without loading the user for it: static files and
    public pages that never asked keep their caching."""
    user = g.get("_login_user")
    if user is not None:
        return not user.is_anonymous  # is_authenticated would read the (maybe expired) row again
    return "_user_id" in session
