"""`flask tokens create EMAIL --org SLUG --name NAME [--write] [--days N]`: a token for a script."""

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from ..extensions import db
from ..services import ServiceError, accounts

tokens_cli = AppGroup("tokens", help="Manage personal access tokens of the API.")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--org", "org_slug", required=True, help="Slug of the organisation the token reads and writes.")
@click.option("--name", required=True, help="What the token is for, e.g. 'Power BI'.")
@click.option("--write", is_flag=True, help="May also write (measurements, action-plan updates).")
@click.option("--days", type=int, default=None, help="Expires after this many days (default: never).")
def tokens_create(email: str, org_slug: str, name: str, write: bool, days: int | None) -> None:
    """Make a token; it is printed once, on the last line, and stored only as a hash."""
    try:
        user = accounts.get_user_by_email(email)
        if user is None:
            raise ServiceError(_("Unknown user %(email)s.", email=email))
        org = accounts.get_organisation(org_slug)
        if org is None:
            raise ServiceError(_("Unknown organisation %(slug)s.", slug=org_slug))
        token, secret = accounts.create_token(user, org, name, write=write, days=days)
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    made = {"scope": token.scope, "prefix": token.prefix, "email": user.email, "org": org.slug}
    if token.expires_at:
        expires = f"{token.expires_at:%Y-%m-%d}"
        click.echo(
            _(
                "Created a %(scope)s token %(prefix)s… for %(email)s in %(org)s; it expires %(day)s.",
                day=expires,
                **made,
            )
        )
    else:
        click.echo(_("Created a %(scope)s token %(prefix)s… for %(email)s in %(org)s.", **made))
    click.echo(_("Keep it secret; it is not shown again:"))
    click.echo(secret)
