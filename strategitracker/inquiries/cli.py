"""`flask inquiries anonymise`: blank the contact persons of inquiries older than the retention period."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import click
from flask import current_app
from flask.cli import AppGroup

from ..extensions import db
from ..services import inquiry as service

inquiries_cli = AppGroup("inquiries", help="The business inquiry log.")


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month + 1, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 exists in every month


@inquiries_cli.command("anonymise")
@click.option(
    "--months",
    type=click.IntRange(min=0),
    default=None,
    help="Retention in months (INQUIRY_RETENTION_MONTHS).",
)
def anonymise(months: int | None) -> None:
    """Blank contact persons received before the retention period; safe to run again."""
    if months is None:
        months = current_app.config.get("INQUIRY_RETENTION_MONTHS", 24)
    cutoff_day = months_before(datetime.now(service.LOCAL_TZ).date(), months)
    cutoff = datetime.combine(cutoff_day, time.min, tzinfo=service.LOCAL_TZ).astimezone(UTC)
    count = service.anonymise(cutoff)
    db.session.commit()
    click.echo(
        f"Anonymised the contact persons of {count} inquiries received before {cutoff_day.isoformat()}."
    )
