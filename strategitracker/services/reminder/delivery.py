"""Sending over SMTP, once per key, under a database lock, with every failure recorded for a later retry.

Two runs at the same time take turns per e-mail: on PostgreSQL through a transaction-level advisory lock
per organisation; on SQLite every writing transaction starts with BEGIN IMMEDIATE (database.py), which
holds the database's write lock until the commit. Whoever comes second finds the key sent and skips it.
"""

from __future__ import annotations

import smtplib
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_mailman import EmailMultiAlternatives

from ...extensions import db, mail
from ...models import DeliveryStatus, SentNotification, SentNotificationItem
from ...models._types import utcnow
from .compose import Outgoing

#: First key of the PostgreSQL advisory lock; the second is the organisation's id.
ADVISORY_LOCK_CLASS = 16016

SENT, FAILED, SKIPPED = "sent", "failed", "skipped"


def lock_sending(organisation_id: int) -> None:
    """Wait until no other run is sending for this organisation; held until the transaction ends."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            sa.text("SELECT pg_advisory_xact_lock(:kind, :org)"),
            {"kind": ADVISORY_LOCK_CLASS, "org": organisation_id},
        )


def connection():
    """An SMTP connection with the settings as they are now (opened when the first e-mail goes)."""
    config = current_app.config
    backend = config.get("MAIL_BACKEND") or "smtp"
    if backend != "smtp":
        return mail.get_connection(backend=backend)
    return mail.get_connection(
        backend="smtp",
        host=config["MAIL_SERVER"],
        port=config["MAIL_PORT"],
        username=config.get("MAIL_USERNAME"),
        password=config.get("MAIL_PASSWORD"),
        use_tls=config.get("MAIL_USE_TLS", False),
        use_ssl=config.get("MAIL_USE_SSL", False),
        timeout=config.get("MAIL_TIMEOUT"),
    )


def _transmit(row: SentNotification, smtp) -> str | None:
    """Send `row`; the error as text when the server is down or refuses, else None."""
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        from_email=current_app.config["MAIL_DEFAULT_SENDER"],
        to=[row.email],
        connection=smtp,
    )
    message.attach_alternative(row.body_html, "text/html")
    try:
        if message.send() != 1:
            return "not sent"
    except (OSError, smtplib.SMTPException) as exc:
        smtp.close()  # start afresh with the next e-mail
        return f"{type(exc).__name__}: {exc}"[:1000]
    return None


def _attempt(row: SentNotification, smtp, now: datetime) -> str:
    row.attempts += 1
    error = _transmit(row, smtp)
    if error is None:
        row.status, row.sent_at, row.last_error = DeliveryStatus.SENT, now, ""
    else:
        row.status, row.last_error = DeliveryStatus.FAILED, error
    db.session.flush()
    return SENT if error is None else FAILED


def deliver(outgoing: Outgoing, smtp) -> str:
    """Send a new e-mail unless its key is already recorded (sent, or failed and waiting for `retry`)."""
    lock_sending(outgoing.organisation_id)
    if db.session.scalar(sa.select(SentNotification.id).where(SentNotification.key == outgoing.key)):
        return SKIPPED
    row = SentNotification(
        key=outgoing.key,
        organisation_id=outgoing.organisation_id,
        user_id=outgoing.user.id,
        kind=outgoing.kind,
        email=outgoing.user.email,
        subject=outgoing.subject[:300],
        body_text=outgoing.text,
        body_html=outgoing.html,
        status=DeliveryStatus.FAILED,
        attempts=0,
        last_error="",
        items=[SentNotificationItem(item_key=key, label=label) for key, label in outgoing.items],
    )
    db.session.add(row)
    return _attempt(row, smtp, utcnow())


def failed(organisation_id: int) -> list[int]:
    """The ids of the organisation's e-mails that failed and wait for another try."""
    return list(
        db.session.scalars(
            sa.select(SentNotification.id)
            .where(
                SentNotification.organisation_id == organisation_id,
                SentNotification.status == DeliveryStatus.FAILED,
            )
            .order_by(SentNotification.id)
        )
    )


def retry(notification_id: int, smtp) -> tuple[str, SentNotification]:
    """Send a failed e-mail again, as it was written; skipped when another run got to it first."""
    row = db.session.get(SentNotification, notification_id)
    lock_sending(row.organisation_id)
    db.session.refresh(row)
    if row.status != DeliveryStatus.FAILED:
        return SKIPPED, row
    return _attempt(row, smtp, utcnow()), row
