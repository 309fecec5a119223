"""`flask reminders send`: the daily job that sends round requests, digests and escalations."""

from datetime import date

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..extensions import db
from ..models import Organisation
from ..services import reminder
from ..web.database import is_busy_database

reminders_cli = AppGroup("reminders", help="Reminder e-mails.")


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="Show what would be sent; send and record nothing.")
@click.option("--org", "org_slug", default=None, help="Only this organisation (its slug).")
def send(dry_run: bool, org_slug: str | None) -> None:
    """Do the day's reminders: safe to run twice, and while another run is busy."""
    stmt = sa.select(Organisation).order_by(Organisation.slug)
    if org_slug:
        stmt = stmt.where(Organisation.slug == org_slug)
    organisations = list(db.session.scalars(stmt))
    if org_slug and not organisations:
        raise click.ClickException(_("Unknown organisation %(slug)s.", slug=org_slug))
    failures = 0
    for org in organisations:
        try:
            report = reminder.run_day(org, date.today(), dry_run=dry_run, commit=db.session.commit)
        except sa.exc.OperationalError as exc:
            db.session.rollback()
            if not is_busy_database(exc):
                raise
            raise click.ClickException(
                _("Another run is sending right now; try again in a moment.")
            ) from None
        if dry_run:
            db.session.rollback()
        failures += len(report.failed)
        for line in report.lines():
            click.echo(line)
    if failures:
        raise click.ClickException(
            _("%(count)s e-mails could not be sent; the next run tries them again.", count=failures)
        )
