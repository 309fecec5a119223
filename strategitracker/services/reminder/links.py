"""Absolute links for e-mails, and the signed link to one's reminder settings.

E-mails are written outside any request (by the daily job), so links start with the configured BASE_URL
rather than the host of a request.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

SETTINGS_SALT = "reminder-settings"
#: How long the link in an e-mail keeps working.
SETTINGS_LINK_MAX_AGE_DAYS = 180


def absolute_url(endpoint: str, **values: object) -> str:
    """`BASE_URL` + the path of `endpoint` (built without a request or SERVER_NAME)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SETTINGS_SALT)


def settings_token(user_id: int) -> str:
    return _serializer().dumps({"user": user_id})


def user_id_from_token(token: str) -> int | None:
    """The user a settings link was made for; None when it is forged or too old."""
    try:
        data = _serializer().loads(token, max_age=SETTINGS_LINK_MAX_AGE_DAYS * 86400)
    except BadSignature:
        return None
    user_id = data.get("user") if isinstance(data, dict) else None
    return user_id if isinstance(user_id, int) else None


def settings_url(user_id: int) -> str:
    return absolute_url("reminders.settings_by_link", token=settings_token(user_id))
