"""`flask` commands: seed, orgs, users."""

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import gettext as _

from .extensions import db
from .services import ServiceError, accounts

orgs_cli = AppGroup("orgs", help="Manage organisations.")
users_cli = AppGroup("users", help="Manage users.")
seed_cli = AppGroup("seed", help="Load example data.")


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


@orgs_cli.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="The organisation's name, e.g. 'Thisted Kommune'.")
@click.option("--code", type=int, default=None, help="Municipality code, e.g. 787.")
def orgs_create(slug: str, name: str, code: int | None) -> None:
    """Create an organisation."""
    try:
        org = accounts.create_organisation(slug, name, code)
    except ServiceError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(_("Created organisation %(slug)s (%(name)s).", slug=org.slug, name=org.name))


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--password", required=True)
@click.option("--org", "org_slug", default=None, help="Slug of the organisation to join.")
@click.option("--role", default=None, help="viewer | editor | facilitator | admin")
@click.option("--superuser", is_flag=True, help="Site-wide superuser (instead of --org and --role).")
def users_create(
    email: str, name: str, password: str, org_slug: str | None, role: str | None, superuser: bool
) -> None:
    """Create a user, either a member of an organisation with a role, or a superuser."""
    if superuser and (org_slug or role):
        _fail("Use either --superuser or --org with --role, not both.")
    if not superuser and not (org_slug and role):
        _fail("Give --org and --role (or --superuser).")
    try:
        org = None
        if not superuser:
            accounts.parse_role(role)
            org = accounts.get_organisation(org_slug)
            if org is None:
                raise ServiceError(_("Unknown organisation %(slug)s.", slug=org_slug))
        user = accounts.create_user(email, name, password, is_superuser=superuser)
        if org is not None:
            accounts.add_membership(user, org, role)
    except ServiceError as exc:
        _fail(str(exc))
    db.session.commit()
    if superuser:
        click.echo(_("Created user %(email)s (superuser).", email=user.email))
    else:
        click.echo(
            _("Created user %(email)s (%(role)s in %(org)s).", email=user.email, role=role, org=org.slug)
        )


@seed_cli.command("thisted")
def seed_thisted() -> None:
    """Load the Thisted Kommune case (idempotent)."""
    from .services.seed import seed_thisted as run

    try:
        result = run()
    except ServiceError as exc:
        _fail(str(exc))
    db.session.commit()
    for line in result.report_lines():
        click.echo(line)


@seed_cli.command("reference")
def seed_reference() -> None:
    """Load the national reference data: the 98 municipalities and the survey ranks (idempotent)."""
    from .services.seed import seed_reference as run

    try:
        result = run()
    except ServiceError as exc:
        _fail(str(exc))
    db.session.commit()
    click.echo(
        _(
            "National reference data: %(municipalities)s municipalities and %(ranks)s survey ranks created.",
            municipalities=result.created["municipality"],
            ranks=result.created["survey_rank"],
        )
    )
    if result.differing["municipality"]:
        click.echo(
            _(
                "Left as they are: %(count)s stored municipalities have another name than the register.",
                count=result.differing["municipality"],
            )
        )


def register_commands(app: Flask) -> None:
    app.cli.add_command(orgs_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_cli)
    from .exports.cli import export_command  # `flask export …` lives with the exports

    app.cli.add_command(export_command)
    from .imports.cli import import_command  # `flask import …` lives with the imports

    app.cli.add_command(import_command)
    from .reminders.cli import reminders_cli  # `flask reminders send` lives with the reminders

    app.cli.add_command(reminders_cli)
    from .api.cli import tokens_cli  # `flask tokens create` lives with the API

    app.cli.add_command(tokens_cli)
    from .privacy.cli import privacy_cli  # `flask privacy purge` lives with the personal data

    app.cli.add_command(privacy_cli)

    from .inquiries.cli import inquiries_cli  # `flask inquiries anonymise` lives with the inquiry log

    app.cli.add_command(inquiries_cli)
