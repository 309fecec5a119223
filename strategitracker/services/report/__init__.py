"""The council report: what it shows, read in a fixed number of statements, and its Excel workbook."""

from .council import StrategyReport, report_workbook, strategy_report

__all__ = ["StrategyReport", "report_workbook", "strategy_report"]
