"""`flask inquiries anonymise`: blank the contact persons of inquiries and outreach meetings older than the
retention period; `flask inquiries working-hours`: count the stored working time to the first answer again
after INQUIRY_WORKING_DAY changed."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..extensions import db
from ..services import inquiry as service

inquiries_cli = AppGroup("inquiries", help="The business inquiry log.")


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
    count, cutoff_day = service.anonymise_expired(datetime.now(UTC), months)
    db.session.commit()
    click.echo(
        _(
            "Anonymised the contact persons of %(count)s inquiries and meetings before %(day)s.",
            count=count,
            day=cutoff_day.isoformat(),
        )
    )


@inquiries_cli.command("working-hours")
def working_hours() -> None:
    """Count every answered inquiry's working time again with the working day set now; safe to run again."""
    count = service.recompute_working_time()
    db.session.commit()
    start, end = service.working_day()
    click.echo(
        _(
            "Working day %(start)s-%(end)s: the working time of %(count)s inquiries changed.",
            start=f"{start:%H:%M}",
            end=f"{end:%H:%M}",
            count=count,
        )
    )
