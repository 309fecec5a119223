"""The council report of a strategy (a print-ready page and an Excel workbook).

`strategy_report` reads everything in a fixed number of SQL statements (the strategy overview, whose
action-plan SELECT also brings each plan's latest comment); the report view turns it into the report's
document (snapshot.py `report_document`) and draws the page from that, as it draws a frozen report.

`report_workbook` writes the same numbers to an .xlsx file with openpyxl: one sheet of goals, one of KPI
values (goal, KPI, type, period, value, N, target, status …) and one of action plans with their latest
comment; bold headers, frozen header rows, dates as real dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from io import BytesIO
from typing import Any

from flask_babel import gettext as _
from flask_babel import to_user_timezone

from ... import progress
from ...formatting import round_number
from ...models import ActionPlanUpdate, Strategy
from ...status import kpi_status_label, plan_status_label
from ..exports.files import append_row
from ..overview import StrategyView, strategy_overview


@dataclass
class StrategyReport:
    overview: StrategyView
    latest_comments: dict[int, ActionPlanUpdate]
    today: date

    @property
    def strategy(self) -> Strategy:
        return self.overview.strategy


# -- the report ----------------------------------------------------------------------------------------------


def strategy_report(strategy: Strategy, today: date) -> StrategyReport:
    """Everything the council report shows (its charts are drawn from it by the view)."""
    latest_comments: dict[int, ActionPlanUpdate] = {}
    overview = strategy_overview(strategy, today, latest_comments=latest_comments)
    return StrategyReport(overview, latest_comments, today)


# -- Excel ---------------------------------------------------------------------------------------------------

DATE_FORMAT = "dd-mm-yyyy"
PERCENT_FORMAT = '0" %"'


def _rows_for_kpis(report: StrategyReport) -> list[list[Any]]:
    rows = []
    for goal_view in report.overview.goals:
        for view in goal_view.kpis:
            kpi = view.kpi
            current = progress.current_targets(view.data.targets)
            status = kpi_status_label(view.summary.status)
            points = []
            if kpi.baseline_value is not None and kpi.baseline_date is not None:
                points.append((_("Baseline"), kpi.baseline_date, kpi.baseline_value, kpi.baseline_out_of))
            points += [(_("Measurement"), m.period, m.value, m.out_of) for m in view.measurements]
            for kind_label, period, value, out_of in points:
                target = progress.next_target(current, period)
                rows.append(
                    [
                        goal_view.goal.title,
                        kpi.name,
                        kpi.unit or ("%" if kpi.kind == "percent" else ""),
                        kind_label,
                        period,
                        value,
                        out_of,
                        target.value if target else None,
                        target.target_date if target else None,
                        status,
                    ]
                )
    return rows


def _rows_for_plans(report: StrategyReport) -> list[list[Any]]:
    rows = []
    for goal_view in report.overview.goals:
        for plan in goal_view.action_plans:
            update = report.latest_comments.get(plan.id)
            overdue = progress.is_overdue(plan.status, plan.due_date, report.today)
            rows.append(
                [
                    goal_view.goal.title,
                    plan.title,
                    plan.owner,
                    plan.department.name if plan.department else "",
                    plan_status_label(plan.status),
                    _("Yes") if overdue else _("No"),
                    plan.start_date,
                    plan.due_date,
                    plan.progress,
                    update.comment if update else "",
                    to_user_timezone(update.created_at).date() if update else None,
                ]
            )
    return rows


def _rows_for_goals(report: StrategyReport) -> list[list[Any]]:
    return [
        [
            goal_view.goal.title,
            goal_view.goal.owner,
            kpi_status_label(goal_view.status),
            round_number(goal_view.progress) if goal_view.progress is not None else None,
            len(goal_view.kpis),
            len(goal_view.action_plans),
            len(goal_view.overdue),
        ]
        for goal_view in report.overview.goals
    ]


def _print_setup(sheet) -> None:
    """Printed: A4 landscape, every column on one page's width, the header row repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.oddFooter.center.text = "&P / &N"


def _sheet(workbook, title: str, headers: list[str], rows: list[list[Any]], formats: dict[int, str]) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title[:31])
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    for row in rows:
        append_row(sheet, row)
    for column, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if cell.value is not None:
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    _print_setup(sheet)
    if rows:
        sheet.auto_filter.ref = sheet.dimensions
    for index, header in enumerate(headers, start=1):
        values = [header] + [row[index - 1] for row in rows]
        longest = max(len(str(v)) if not isinstance(v, date) else 10 for v in values if v is not None)
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, longest + 2))


def report_workbook(report: StrategyReport) -> bytes:
    """The report's numbers as an .xlsx file."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        _("Goals"),
        [
            _("Goal"),
            _("Owner"),
            _("Status"),
            _("Progress (%)"),
            _("KPIs"),
            _("Action plans"),
            _("Overdue action plans"),
        ],
        _rows_for_goals(report),
        {4: PERCENT_FORMAT},
    )
    _sheet(
        workbook,
        _("KPIs"),
        [
            _("Goal"),
            _("KPI"),
            _("Unit"),
            _("Type"),
            _("Period"),
            _("Value"),
            _("N (number ranked)"),
            _("Target"),
            _("Target date"),
            _("Status"),
        ],
        _rows_for_kpis(report),
        {5: DATE_FORMAT, 9: DATE_FORMAT},
    )
    _sheet(
        workbook,
        _("Action plans"),
        [
            _("Goal"),
            _("Action plan"),
            _("Owner"),
            _("Department"),
            _("Status"),
            _("Overdue"),
            _("Start date"),
            _("Due date"),
            _("Progress (%)"),
            _("Latest comment"),
            _("Comment date"),
        ],
        _rows_for_plans(report),
        {7: DATE_FORMAT, 8: DATE_FORMAT, 9: PERCENT_FORMAT, 11: DATE_FORMAT},
    )
    workbook.properties.title = report.strategy.title
    workbook.properties.creator = "Strategitracker"
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
