"""The council report: what it shows, read in a fixed number of statements, its Excel workbook, and the
frozen reports kept for meetings with what changed since."""

from .changes import KINDS, Change, document_changes
from .council import StrategyReport, report_workbook, strategy_report
from .snapshot import (
    SECTIONS,
    SUMMARY_MAX,
    TITLE_MAX,
    chosen_sections,
    document_sections,
    freeze_report,
    published_snapshot,
    published_snapshots,
    report_document,
    sections_error,
    set_snapshot_published,
    snapshot_summary_error,
    snapshot_title_error,
    strategy_snapshots,
)
from .word import kpi_value_text, report_docx

__all__ = [
    "KINDS",
    "SECTIONS",
    "SUMMARY_MAX",
    "TITLE_MAX",
    "Change",
    "StrategyReport",
    "chosen_sections",
    "document_changes",
    "document_sections",
    "freeze_report",
    "kpi_value_text",
    "published_snapshot",
    "published_snapshots",
    "report_docx",
    "report_document",
    "report_workbook",
    "sections_error",
    "set_snapshot_published",
    "snapshot_summary_error",
    "snapshot_title_error",
    "strategy_report",
    "strategy_snapshots",
]
