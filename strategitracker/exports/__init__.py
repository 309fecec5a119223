"""Exports of measurements, action plans (with history) and benchmark rankings as .xlsx and .csv."""
