"""Request plumbing: what every request passes through on its way to a view and back.

Compression and static-file caching, the page cache and the data version it is keyed on, security
headers and log-in wiring, language choice, error pages, the SQLite engine set-up and the opt-in
benchmark diagnostics. Nothing here knows a strategy, a goal or a KPI.
"""
