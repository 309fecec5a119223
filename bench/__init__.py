"""Benchmarks: generate municipal/national-scale data, then measure pages, imports and page weight.

Run from the project root with the project's virtualenv, e.g. `.venv/bin/python -m bench.generate --orgs 98`.
Every module reads the database from DATABASE_URL (default: the SQLite file bench/bench.db). See
BENCHMARKS.md for the figures and the commands.
"""
