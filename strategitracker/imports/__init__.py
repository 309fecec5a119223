"""Importing measurements, benchmark rankings and action plans from .xlsx and .csv files (web and CLI)."""
