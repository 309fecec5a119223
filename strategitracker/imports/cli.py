"""`flask import measurements|action-plans|inquiries FILE --org SLUG [--dry-run] [--on-duplicate skip|replace]
[--accept-valid] [--user EMAIL]`, and `flask import rankings FILE …` without --org (national data).

The command checks the whole file first and prints every problem (row and column as Excel shows them);
it writes only when the file is valid, or with --accept-valid the valid rows, in one transaction.
Without --user it acts as the system (the audit events name no user, and no role limits apply); with
--user the user's role in the organisation must allow the import, and for rankings the user must be a
superuser.
"""

from __future__ import annotations

import sys
from functools import wraps
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..permissions import role_in
from ..services import ServiceError, accounts
from ..services import imports as service

import_command = AppGroup(
    "import", help="Import measurements, benchmark rankings, action plans or inquiries (.xlsx/.csv)."
)

MAX_PROBLEMS_SHOWN = 50


class ClickProgress:
    """`Progress` drawn with click.progressbar: one bar per stage."""

    def __init__(self) -> None:
        self._bar = None

    def stage(self, label: str, total: int) -> None:
        self.close()
        if total > 0:
            self._bar = click.progressbar(length=total, label=label, file=sys.stderr)
            self._bar.__enter__()

    def advance(self, count: int) -> None:
        if self._bar is not None and count:
            self._bar.update(count)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


def _common(command):
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option(
        "--org", "org_slug", default=None, help="Slug of the organisation importing (not for rankings)."
    )
    @click.option("--dry-run", is_flag=True, help="Check the file and report; save nothing.")
    @click.option(
        "--on-duplicate",
        type=click.Choice(service.ON_DUPLICATE),
        default=service.SKIP,
        show_default=True,
        help="Rows already in the database: keep the stored values or replace them.",
    )
    @click.option(
        "--accept-valid", is_flag=True, help="Import the valid rows even when other rows have problems."
    )
    @click.option("--user", "user_email", default=None, help="Act as this user (their role must allow it).")
    @wraps(command)
    def wrapper(*args, **kwargs):
        return command(*args, **kwargs)

    return wrapper


@import_command.command("measurements")
@_common
def import_measurements(**kwargs) -> None:
    """Measurements of the organisation's KPIs (KPI, period, value, N, note, source)."""
    run(service.MEASUREMENTS, {}, **kwargs)


@import_command.command("rankings")
@_common
@click.option("--survey", default="di", show_default=True, help="The survey's key.")
@click.option("--category", default="", help="Category for files without a category column.")
@click.option(
    "--out-of", type=click.IntRange(1, 100_000), default=None, help="N for files without N columns."
)
@click.option("--source", default="", help="Source for files without a source column.")
def import_rankings(survey: str, category: str, out_of: int | None, source: str, **kwargs) -> None:
    """Benchmark survey rankings of many municipalities (long or wide layout)."""
    options = {"survey": survey, "category": category, "out_of": out_of, "source": source}
    run(service.RANKINGS, options, **kwargs)


@import_command.command("action-plans")
@_common
def import_action_plans(**kwargs) -> None:
    """Action plans with goal, owner, department, status, dates and progress."""
    run(service.ACTION_PLANS, {}, **kwargs)


@import_command.command("inquiries")
@_common
def import_inquiries(**kwargs) -> None:
    """Business inquiries (received, channel, business, CVR, topic, department, answer, outcome)."""
    run(service.INQUIRIES, {}, **kwargs)


def run(kind: str, options: dict, **kwargs) -> None:
    """Check and import the file. The garbage collector stays paused throughout (see `gc_paused`): the
    checked rows live until the command ends, so collecting on the way only walks them again."""
    with service.gc_paused():
        _run(kind, options, **kwargs)


def _run(
    kind: str,
    options: dict,
    *,
    file: Path,
    org_slug: str | None,
    dry_run: bool,
    on_duplicate: str,
    accept_valid: bool,
    user_email: str | None,
) -> None:
    org, actor, role = _who(kind, org_slug, user_email)
    with file.open("rb") as handle:  # a file beyond the upload limit is refused by its size, unread
        data = handle.read(current_app.config["IMPORT_MAX_UPLOAD_BYTES"] + 1)
    click.echo(_("Reading %(file)s …", file=file.name))
    progress = ClickProgress()
    try:
        prepared = service.prepare(
            kind, data, file.name, org=org, actor=actor, role=role, options=options, progress=progress
        )
    except ServiceError as exc:
        _fail(str(exc))
    finally:
        progress.close()
    for notice in prepared.notices:
        click.echo(notice)
    if prepared.fatal:
        for problem in prepared.fatal:
            click.echo(problem.describe(), err=True)
        _fail(_("Nothing was imported: the file could not be read."))
    _report(prepared)
    if dry_run:
        counts = service.plan(prepared, on_duplicate).counts()
        db.session.rollback()
        click.echo(
            _(
                "Dry run, nothing was saved. The import would create %(created)s, replace %(replaced)s, "
                "skip %(skipped)s and reject %(rejected)s.",
                **counts,
            )
        )
        if prepared.problems and not accept_valid:
            raise click.exceptions.Exit(1)
        return
    try:
        counts = service.write(
            prepared,
            org=org,
            actor=actor,
            on_duplicate=on_duplicate,
            accept_valid=accept_valid,
            progress=progress,
        )
    except ServiceError as exc:
        _fail(str(exc))
    except IntegrityError:
        _fail(
            _(
                "Someone changed the same data while the file was being imported. Nothing was saved; "
                "try again."
            )
        )
    finally:
        progress.close()
    db.session.commit()
    click.echo(
        _(
            "%(file)s was imported: %(created)s created, %(replaced)s replaced, %(skipped)s skipped, "
            "%(rejected)s rejected.",
            file=file.name,
            **{k: counts[k] for k in ("created", "replaced", "skipped", "rejected")},
        )
    )


def _who(kind: str, org_slug: str | None, user_email: str | None):
    """(organisation, user, role) the import runs as. Rankings are national data: no organisation, and
    with --user only a superuser; without --user the command acts as the site operator."""
    if kind in service.NATIONAL:
        actor = accounts.get_user_by_email(user_email) if user_email else None
        if user_email and actor is None:
            _fail(_("Unknown user %(email)s.", email=user_email))
        if actor is not None and not service.may_import(kind, None, actor):
            _fail(_("Only the site administrators can change national data such as the survey rankings."))
        return None, actor, None
    if not org_slug:
        _fail(_("Name the organisation with --org."))
    org = accounts.get_organisation(org_slug)
    if org is None:
        _fail(_("Unknown organisation %(slug)s.", slug=org_slug))
    actor = role = None
    if user_email:
        actor = accounts.get_user_by_email(user_email)
        role = role_in(actor, org) if actor is not None else None
        if actor is None or role is None:
            _fail(_("%(email)s is not a member of %(org)s.", email=user_email, org=org.slug))
        if not service.may_import(kind, role):
            _fail(_("Your role does not allow this import."))
    return org, actor, role


def _report(prepared: service.Prepared) -> None:
    counts = prepared.counts
    click.echo(
        _(
            "Rows: %(entries)s; new %(new)s; already in the database %(exists)s (with the same values "
            "%(same)s); repeated in the file %(repeat)s; with problems %(invalid)s.",
            **counts,
        )
    )
    for problem in prepared.problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(problem.describe(), err=True)
    if len(prepared.problems) > MAX_PROBLEMS_SHOWN:
        click.echo(
            _("… and %(count)s more problems.", count=len(prepared.problems) - MAX_PROBLEMS_SHOWN), err=True
        )
