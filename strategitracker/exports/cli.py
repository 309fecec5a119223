"""`flask export KIND --org SLUG [--strategy ID|--goal ID|--kpi ID] --format xlsx|csv [--danish] -o FILE`."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask_babel import gettext as _

from ..extensions import db
from ..services import ServiceError, accounts, exports


@click.command("export")
@click.argument("kind", type=click.Choice(exports.KINDS))
@click.option("--org", "org_slug", default=None, help="Slug of the organisation (not needed for rankings).")
@click.option("--strategy", "strategy_id", type=int, default=None, help="Export this strategy (id).")
@click.option("--goal", "goal_id", type=int, default=None, help="Export this goal (id).")
@click.option("--kpi", "kpi_id", type=int, default=None, help="Export this KPI's measurements (id).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(exports.FORMATS),
    default=None,
    help="xlsx or csv; by default taken from the output file's extension, else xlsx.",
)
@click.option("--danish", is_flag=True, help="CSV for Danish Excel: ';' as separator and a decimal comma.")
@click.option(
    "--lang", "language", type=click.Choice(exports.LANGUAGES), default="da", help="Language of the headers."
)
@click.option("--survey", default=None, help="Rankings: only this survey (e.g. di).")
@click.option("--category", "categories", multiple=True, help="Rankings: only this category (repeatable).")
@click.option(
    "--municipality",
    "municipality_codes",
    type=int,
    multiple=True,
    help="Rankings: only this code (repeatable).",
)
@click.option("-o", "--output", required=True, help="The file to write ('-' for standard output).")
def export_command(
    kind: str,
    org_slug: str | None,
    strategy_id: int | None,
    goal_id: int | None,
    kpi_id: int | None,
    fmt: str | None,
    danish: bool,
    language: str,
    survey: str | None,
    categories: tuple[str, ...],
    municipality_codes: tuple[int, ...],
    output: str,
) -> None:
    """Export measurements, action plans, action-plan history or rankings to .xlsx or .csv."""
    if fmt is None:
        suffix = Path(output).suffix.lower().lstrip(".")
        fmt = suffix if suffix in exports.FORMATS else exports.XLSX
    try:
        org = None
        if org_slug:
            org = accounts.get_organisation(org_slug)
            if org is None:
                raise ServiceError(_("Unknown organisation %(slug)s.", slug=org_slug))
        scope = None
        if kind in exports.SCOPED_KINDS:
            if org is None:
                raise ServiceError(_("Give --org SLUG."))
            scope = exports.scope_in_org(org, strategy_id=strategy_id, goal_id=goal_id, kpi_id=kpi_id)
        elif strategy_id or goal_id or kpi_id:
            raise ServiceError(_("Rankings are not exported per strategy, goal or KPI."))
        export = exports.build_export(
            kind,
            org,
            fmt=fmt,
            scope=scope,
            danish=danish,
            language=language,
            survey=survey,
            categories=categories,
            municipality_codes=municipality_codes,
            today=date.today(),
        )
    except ServiceError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    rows = sum(len(sheet.rows) for sheet in export.sheets)
    if output == "-":
        sys.stdout.buffer.write(export.data)
        sys.stdout.buffer.flush()
        click.echo(_("Exported %(rows)s rows.", rows=rows), err=True)
    else:
        try:
            Path(output).write_bytes(export.data)
        except OSError as exc:
            raise click.ClickException(
                _("Could not write %(file)s: %(reason)s", file=output, reason=exc.strerror or exc)
            ) from None
        click.echo(_("Exported %(rows)s rows to %(file)s.", rows=rows, file=output))
