"""The council report of a strategy: a print-ready A4 page and the same numbers as an Excel workbook.

Every member may read it (Action.VIEW). The report is a Danish document for the municipal council, so it
is always rendered in Danish, whatever language the reader has chosen for the rest of the application; the
page around it (the navigation) stays in the reader's language.
Both run a fixed number of SQL statements (services/report).
"""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask import Response, abort, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..charts import chart_labels, frozen_kpi_chart, frozen_sections
from ..charts.images import chart_images
from ..extensions import db
from ..models import ReportSnapshot, Strategy
from ..permissions import Action, get_in_org_or_404, org_view
from ..services import report as reports
from ..view_helpers import submit
from ..web import page_cache
from ..web.request_guards import as_id
from . import bp
from .forms import FreezeReportForm, section_labels

REPORT_LOCALE = "da"
#: The width (CSS pixels) of a chart in the printed report: it fits the 174 mm between A4's 18 mm margins.
PRINT_CHART_WIDTH = 640
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@bp.app_template_filter("css_string")
def css_string(text: str) -> str:
    """`text` as a quoted CSS string (the running header of the printed report): every character that is not
    a letter, a digit or a space is written as a CSS escape, so no text can end the string or the rule."""
    escaped = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in str(text))
    return f'"{escaped}"'


def _report(strategy_id: int) -> reports.StrategyReport:
    strategy = get_in_org_or_404(Strategy, strategy_id)
    return reports.strategy_report(strategy, date.today())


def _asked_sections() -> tuple[str, ...]:
    """The sections asked for in the URL (?section=charts&section=plans …); every section when none is."""
    return tuple(reports.chosen_sections(request.args.getlist("section")) or reports.SECTIONS)


@bp.get("/strategies/<int:strategy_id>/report")
@org_view(Action.VIEW)
def strategy_report(strategy_id: int):
    version = page_cache.data_version()
    strategy = get_in_org_or_404(Strategy, strategy_id)
    today = date.today()
    shown = _asked_sections()
    key = (strategy.id, today, shown)

    def draw() -> str:
        with force_locale(REPORT_LOCALE):
            body = page_cache.fragment(
                "report", key, lambda: _report_body(strategy, today, shown), version=version
            )
            print_header = _print_header(g.org.name, strategy.title, today)
        return render_template(
            "workspace/report.html",
            strategy=strategy,
            body=body,
            today=today,
            print_header=print_header,
            shown=frozenset(shown),
            picked=list(shown) if shown != reports.SECTIONS else None,
            section_labels=section_labels(),
        )

    return page_cache.respond("report", key, draw, version=version)


def _print_header(organisation: str, title: str, day: date) -> Markup:
    """The running header on every printed page; call it inside `force_locale(REPORT_LOCALE)`."""
    return Markup(
        render_template("workspace/_print_header.html", organisation=organisation, title=title, today=day)
    )


def _report_body(strategy: Strategy, today: date, shown: tuple[str, ...]) -> tuple[str, dict]:
    """The report itself, drawn from its document as a frozen report is: the same for every member until the
    data changes."""
    report = reports.strategy_report(strategy, today)
    document = reports.report_document(report, sections=shown)
    last = _latest_snapshot(strategy)
    return report_body(
        document,
        previous=last,
        changes=reports.document_changes(last.document, document) if last else None,
        attention=report.overview.attention,
        archived=strategy.archived_at is not None,
    ), {}


def _latest_snapshot(strategy: Strategy) -> ReportSnapshot | None:
    """The newest frozen report of the strategy: "since last time" on today's report starts from it."""
    return db.session.scalar(
        sa.select(ReportSnapshot)
        .where(ReportSnapshot.strategy_id == strategy.id)
        .order_by(ReportSnapshot.report_date.desc(), ReportSnapshot.id.desc())
        .limit(1)
    )


def _filename(title: str, today: date, extension: str = "xlsx") -> str:
    """An ASCII file name: "rapport-erhvervsstrategi-2016-2027-2025-05-14.xlsx"."""
    folded = title.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60] or "strategi"
    return f"rapport-{slug}-{today.isoformat()}.{extension}"


def _docx_response(document: dict, title: str | None = None) -> Response:
    """The Word file of a report document, its charts drawn from the document's own values."""
    today = date.fromisoformat(document["today"])
    labels = chart_labels()
    charts = [frozen_kpi_chart(k, today, labels, REPORT_LOCALE) for g in document["goals"] for k in g["kpis"]]
    figures = {chart.kpi["id"]: chart.figure for chart in charts if chart.has_values}
    body = reports.report_docx(document, images=chart_images(figures), locale=REPORT_LOCALE, title=title)
    response = Response(body, mimetype=DOCX_MIMETYPE)
    name = _filename(document["strategy"]["title"], today, "docx")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/strategies/<int:strategy_id>/report.docx")
@org_view(Action.VIEW)
def strategy_report_docx(strategy_id: int):
    with force_locale(REPORT_LOCALE):
        return _docx_response(reports.report_document(_report(strategy_id), sections=_asked_sections()))


@bp.get("/snapshots/<int:snapshot_id>/report.docx")
@org_view(Action.VIEW)
def snapshot_docx(snapshot_id: int):
    snap = _snapshot_or_404(snapshot_id)
    with force_locale(REPORT_LOCALE):
        return _docx_response(snap.document, snap.title)


@bp.get("/strategies/<int:strategy_id>/report.xlsx")
@org_view(Action.VIEW)
def strategy_report_xlsx(strategy_id: int):
    with force_locale(REPORT_LOCALE):
        report = _report(strategy_id)
        body = reports.report_workbook(report)
    response = Response(body, mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{_filename(report.strategy.title, report.today)}"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- frozen reports ------------------------------------------------------------------------------------------


def _snapshot_or_404(snapshot_id: int) -> ReportSnapshot:
    return get_in_org_or_404(ReportSnapshot, snapshot_id)


@bp.get("/strategies/<int:strategy_id>/snapshots")
@org_view(Action.VIEW)
def snapshots(strategy_id: int):
    strategy = get_in_org_or_404(Strategy, strategy_id)
    form = FreezeReportForm(report_date=date.today())
    return _snapshots_page(strategy, form)


def _snapshots_page(strategy: Strategy, form: FreezeReportForm, status: int = 200):
    return render_template(
        "workspace/snapshots.html",
        strategy=strategy,
        snapshots=reports.strategy_snapshots(strategy),
        form=form,
        goals=[goal for goal in strategy.goals if not goal.is_archived],
        submitted=request.form if request.method == "POST" else None,
        section_labels=section_labels(),
        ticked_sections=reports.SECTIONS if request.method != "POST" else _section_choices() or (),
    ), status


def _goal_choices(strategy: Strategy) -> dict[int, str] | None:
    """The goals ticked in the freezing form, each with its narrative; None when the form offered no choice
    (every goal goes into the report)."""
    if request.form.get("choose_goals") != "1":
        return None
    return {
        goal.id: request.form.get(f"narrative-{goal.id}", "")
        for goal in strategy.goals
        if request.form.get(f"include-{goal.id}") == "1"
    }


def _section_choices() -> list[str] | None:
    """The sections ticked in the freezing form; None when the form offered no choice (every section)."""
    if request.form.get("choose_sections") != "1":
        return None
    return [name for name in reports.SECTIONS if request.form.get(f"section-{name}") == "1"]


@bp.post("/strategies/<int:strategy_id>/snapshots")
@org_view(Action.FREEZE_REPORT)
def freeze(strategy_id: int):
    strategy = get_in_org_or_404(Strategy, strategy_id)
    form = FreezeReportForm()
    if not form.validate_on_submit():
        return _snapshots_page(strategy, form, 400)

    def write() -> ReportSnapshot:
        with force_locale(REPORT_LOCALE):
            report = reports.strategy_report(strategy, date.today())
        return reports.freeze_report(
            report,
            title=form.title.data or "",
            report_date=form.report_date.data,
            summary=form.summary.data or "",
            actor=current_user,
            goals=_goal_choices(strategy),
            sections=_section_choices(),
        )

    return submit(
        write,
        form=form,
        success=_("The report has been frozen. It will not change when the data does."),
        done=lambda snapshot: redirect(_snapshot_url(snapshot)),
        refused=lambda: _snapshots_page(strategy, form, 400),
    )


def _snapshot_url(snapshot: ReportSnapshot) -> str:
    return url_for("reports.snapshot", slug=g.org.slug, snapshot_id=snapshot.id)


def _previous(snapshot: ReportSnapshot) -> ReportSnapshot | None:
    """The frozen report of the same strategy just before this one: "since last time" starts from it."""
    return db.session.scalar(
        sa.select(ReportSnapshot)
        .where(
            ReportSnapshot.strategy_id == snapshot.strategy_id,
            sa.or_(
                ReportSnapshot.report_date < snapshot.report_date,
                sa.and_(ReportSnapshot.report_date == snapshot.report_date, ReportSnapshot.id < snapshot.id),
            ),
        )
        .order_by(ReportSnapshot.report_date.desc(), ReportSnapshot.id.desc())
        .limit(1)
    )


def report_body(document: dict, **context) -> Markup:
    """A report's body (templates/workspace/_report_body.html) from its document, in the language it is
    written in (Danish) whatever the reader's language: call it inside `force_locale(REPORT_LOCALE)`.
    `context`: snapshot, previous, changes, public, attention, archived (see the template)."""
    return Markup(
        render_template(
            "workspace/_report_body.html",
            doc=document,
            sections=frozen_sections(document, chart_labels(), REPORT_LOCALE, width=PRINT_CHART_WIDTH),
            shown=reports.document_sections(document),
            **context,
        )
    )


@bp.get("/snapshots/<int:snapshot_id>")
@org_view(Action.VIEW)
def snapshot(snapshot_id: int):
    """The page around the frozen report (breadcrumb, buttons) follows the reader's language."""
    snap = _snapshot_or_404(snapshot_id)
    previous = _previous(snap)
    with force_locale(REPORT_LOCALE):
        changes = reports.document_changes(previous.document, snap.document) if previous else None
        body = report_body(snap.document, snapshot=snap, previous=previous, changes=changes)
        print_header = _print_header(
            snap.document["organisation"],
            f"{snap.document['strategy']['title']} · {snap.title}",
            snap.report_date,
        )
    return render_template(
        "workspace/snapshot.html", snapshot=snap, doc=snap.document, body=body, print_header=print_header
    )


@bp.get("/snapshots/<int:snapshot_id>/changes")
@org_view(Action.VIEW)
def snapshot_changes(snapshot_id: int):
    """What changed from this frozen report to today, or to another frozen report (?to=<id>)."""
    snap = _snapshot_or_404(snapshot_id)
    later = None
    if request.args.get("to"):
        try:
            later = _snapshot_or_404(as_id(request.args["to"]))
        except ValueError:
            abort(404)
        if later.strategy_id != snap.strategy_id:
            abort(404)
    with force_locale(REPORT_LOCALE):
        if later is not None:
            after = later.document
        else:
            after = reports.report_document(reports.strategy_report(snap.strategy, date.today()))
        changes = reports.document_changes(snap.document, after)
    # a working page, not a document: its list is drawn from the changes' codes in the reader's language
    return render_template(
        "workspace/snapshot_changes.html",
        snapshot=snap,
        later=later,
        changes=changes,
        others=[s for s in reports.strategy_snapshots(snap.strategy) if s.id != snap.id],
    )


def _publish(snapshot_id: int, published: bool):
    snap = _snapshot_or_404(snapshot_id)
    page = _snapshot_url(snap)
    message = (
        _("The frozen report is shown on the public page of the strategy.")
        if published
        else _("The frozen report is no longer shown on the public page.")
    )
    return submit(
        lambda: reports.set_snapshot_published(snap, published, actor=current_user),
        success=lambda changed: message if changed else None,
        done=lambda _changed: redirect(page),
        refused=lambda: redirect(page),
    )


def _confirm_page(snapshot_id: int, published: bool):
    """Showing a frozen report on the public page, or taking it off, is a second step: a page that says what
    changes (showing: the report as the public will see it) and a button that confirms it."""
    snap = _snapshot_or_404(snapshot_id)
    if snap.published == published:
        return redirect(_snapshot_url(snap))
    preview = None
    if published:
        with force_locale(REPORT_LOCALE):
            preview = report_body(snap.document, snapshot=snap, public=True)
    return render_template(
        "workspace/confirm_snapshot_publish.html",
        snapshot=snap,
        strategy=snap.strategy,
        publish=published,
        preview=preview,
    )


def _confirmed_or_asked(snapshot_id: int, published: bool):
    """Changes only from the confirm page (`confirmed`); any other post is sent to that page first."""
    if request.form.get("confirmed") != "1":
        _snapshot_or_404(snapshot_id)
        endpoint = ".confirm_publish_snapshot" if published else ".confirm_unpublish_snapshot"
        return redirect(url_for(endpoint, slug=g.org.slug, snapshot_id=snapshot_id))
    return _publish(snapshot_id, published)


@bp.get("/snapshots/<int:snapshot_id>/publish")
@org_view(Action.PUBLISH)
def confirm_publish_snapshot(snapshot_id: int):
    return _confirm_page(snapshot_id, True)


@bp.get("/snapshots/<int:snapshot_id>/unpublish")
@org_view(Action.PUBLISH)
def confirm_unpublish_snapshot(snapshot_id: int):
    return _confirm_page(snapshot_id, False)


@bp.post("/snapshots/<int:snapshot_id>/publish")
@org_view(Action.PUBLISH)
def publish_snapshot(snapshot_id: int):
    return _confirmed_or_asked(snapshot_id, True)


@bp.post("/snapshots/<int:snapshot_id>/unpublish")
@org_view(Action.PUBLISH)
def unpublish_snapshot(snapshot_id: int):
    return _confirmed_or_asked(snapshot_id, False)
