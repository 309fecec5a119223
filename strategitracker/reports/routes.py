"""The council report of a strategy: a print-ready A4 page and the same numbers as an Excel workbook.

Every member may read it (Action.VIEW). The report is a Danish document for the municipal council, so it
is always rendered in Danish, whatever language the reader has chosen for the rest of the application.
Both run a fixed number of SQL statements (services/report).
"""

from __future__ import annotations

import re
from datetime import date

from flask import Response, render_template
from flask_babel import force_locale

from .. import page_cache
from ..charts import chart_labels, goal_sections
from ..models import Strategy
from ..permissions import Action, get_in_org_or_404, org_view
from ..services import report as reports
from . import bp

REPORT_LOCALE = "da"
#: The width (CSS pixels) of a chart in the printed report: it fits the 174 mm between A4's 18 mm margins.
PRINT_CHART_WIDTH = 640
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(strategy_id: int) -> reports.StrategyReport:
    strategy = get_in_org_or_404(Strategy, strategy_id)
    return reports.strategy_report(strategy, date.today())


@bp.get("/strategies/<int:strategy_id>/report")
@org_view(Action.VIEW)
def strategy_report(strategy_id: int):
    version = page_cache.data_version()
    strategy = get_in_org_or_404(Strategy, strategy_id)
    today = date.today()
    with force_locale(REPORT_LOCALE):
        body = page_cache.fragment(
            "report", (strategy.id, today), lambda: _report_body(strategy, today), version=version
        )
        return render_template("workspace/report.html", strategy=strategy, body=body)


def _report_body(strategy: Strategy, today: date) -> tuple[str, dict]:
    """The report itself: the same for every member until the data changes."""
    report = reports.strategy_report(strategy, today)
    sections = goal_sections(
        report.overview.goals, today, chart_labels(), REPORT_LOCALE, width=PRINT_CHART_WIDTH
    )
    return render_template(
        "workspace/_report_body.html", report=report, sections=sections, strategy=strategy
    ), {}


def _filename(title: str, today: date) -> str:
    """An ASCII file name: "rapport-erhvervsstrategi-2016-2027-2025-05-14.xlsx"."""
    folded = title.lower().translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"}))
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")[:60] or "strategi"
    return f"rapport-{slug}-{today.isoformat()}.xlsx"


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
