"""The council report: what it shows, read in a fixed number of statements, its Excel workbook, and the
frozen reports kept for meetings with what changed since."""

from .changes import KINDS, Change, document_changes
from .council import StrategyReport, report_workbook, strategy_report
from .snapshot import (
    SUMMARY_MAX,
    TITLE_MAX,
    freeze_report,
    published_snapshot,
    published_snapshots,
    report_document,
    set_snapshot_published,
    snapshot_summary_error,
    snapshot_title_error,
    strategy_snapshots,
)
from .word import kpi_value_text, report_docx

__all__ = [
    "KINDS",
    "SUMMARY_MAX",
    "TITLE_MAX",
    "Change",
    "StrategyReport",
    "document_changes",
    "freeze_report",
    "kpi_value_text",
    "published_snapshot",
    "published_snapshots",
    "report_docx",
    "report_document",
    "report_workbook",
    "set_snapshot_published",
    "snapshot_summary_error",
    "snapshot_title_error",
    "strategy_report",
    "strategy_snapshots",
]
