"""The rules of a logged-in session: where a log-in may lead, the idle timeout, a forced password change.

Request plumbing (security.py) runs `enforce_session_rules` before every request; the log-in page and the
organisation switcher use `safe_next`.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user, user_loaded_from_cookie

# Pages a user whose password must be changed may still open.
PASSWORD_CHANGE_ALLOWED = {
    "auth.change_password",
    "auth.logout",
    "auth.logout_everywhere",
    "static",
    "bootstrap.static",
    "core.healthz",
}


def safe_next(target: str | None) -> str | None:
    """Only a path on this site; anything with a scheme or host (or `//host`) is refused, and so are control
    characters (CR/LF would split the Location header)."""
    if not target:
        return None
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or not target.isprintable()
    ):
        return None
    return target


@user_loaded_from_cookie.connect
def _remembered(sender, user, **extra) -> None:
    """A session restored from the "remember me" cookie stays remembered: no idle timeout."""
    session["remember"] = True


def enforce_session_rules():
    """End idle sessions, and hold users with a temporary password on the password page."""
    if not current_user.is_authenticated:
        return None
    now = datetime.now(UTC)
    last_seen = session.get("last_seen")
    idle = timedelta(minutes=current_app.config["IDLE_TIMEOUT_MINUTES"])
    if last_seen and not session.get("remember") and now - datetime.fromisoformat(last_seen) > idle:
        logout_user()
        session.clear()
        flash(_("You were logged out after a period of inactivity."), "info")
        return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
    session["last_seen"] = now.isoformat()
    if current_user.must_change_password and request.endpoint not in PASSWORD_CHANGE_ALLOWED:
        return redirect(url_for("auth.change_password"))
    return None
