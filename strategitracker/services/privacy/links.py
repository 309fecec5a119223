"""The links every public page and the log-in page show in their footer: the organisation's accessibility
statement and privacy notice, else the site-wide defaults of the configuration."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _

from ...extensions import db
from ...models import Organisation
from .. import FieldError, audit

LINK_MAX = 500


@dataclass(frozen=True)
class PublicLinks:
    accessibility_url: str | None
    privacy_url: str | None
    privacy_text: str | None


def link_problem(url: str | None) -> str | None:
    """Why `url` cannot be a link on the public pages, or None (an empty value removes the link)."""
    url = (url or "").strip()
    if not url:
        return None
    if len(url) > LINK_MAX:
        return _("The link may be at most %(n)d characters.", n=LINK_MAX)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        return _("Enter a full web address that starts with https://.")
    return None


def public_links(org: Organisation | None) -> PublicLinks:
    """The organisation's links where it has set them, else the site-wide ones (config)."""
    config = current_app.config
    return PublicLinks(
        accessibility_url=(org and org.accessibility_statement_url)
        or config.get("ACCESSIBILITY_STATEMENT_URL"),
        privacy_url=(org and org.privacy_notice_url) or config.get("PRIVACY_NOTICE_URL"),
        privacy_text=config.get("PRIVACY_NOTICE_TEXT"),
    )


def set_public_links(
    org: Organisation, accessibility_url: str | None, privacy_url: str | None, *, actor_id: int | None
) -> None:
    for field, url in (
        ("accessibility_statement_url", accessibility_url),
        ("privacy_notice_url", privacy_url),
    ):
        if problem := link_problem(url):
            raise FieldError(problem, field)
    before = {
        "accessibility_statement_url": org.accessibility_statement_url,
        "privacy_notice_url": org.privacy_notice_url,
    }
    org.accessibility_statement_url = (accessibility_url or "").strip() or None
    org.privacy_notice_url = (privacy_url or "").strip() or None
    after = {
        "accessibility_statement_url": org.accessibility_statement_url,
        "privacy_notice_url": org.privacy_notice_url,
    }
    db.session.flush()
    if before != after:
        audit.record(
            "organisation.links",
            "organisation",
            org.id,
            organisation_id=org.id,
            user_id=actor_id,
            before=before,
            after=after,
        )
