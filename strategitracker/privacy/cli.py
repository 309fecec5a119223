"""`flask privacy purge`: the daily job that removes personal data past its retention."""

from datetime import UTC, datetime

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..extensions import db
from ..services import privacy

privacy_cli = AppGroup("privacy", help="Personal data.")


def _labels() -> dict[str, str]:
    return {
        "audit_ip_addresses": _("IP addresses removed from the audit log"),
        "workshop_guest_names": _("workshop guests' names replaced"),
        "inquiry_contact_persons": _("contact persons of inquiries and meetings removed"),
    }


@privacy_cli.command("purge")
def purge() -> None:
    """Remove personal data older than its retention period: safe to run again."""
    report = privacy.purge(datetime.now(UTC))
    db.session.commit()
    labels = _labels()
    for key, count in report.counts.items():
        click.echo(f"{labels.get(key, key)}: {count}")
