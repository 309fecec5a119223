"""The translated labels for `charts`, in one place so Babel extracts every chart string once.

`charts` is pure and takes its labels as a mapping (keys: `charts.LABELS_EN`); pages call
`chart_labels()` during a request and pass the result on. Templates with %(name)s placeholders are
returned untranslated in form (the placeholders stay), so the charts fill them in.
"""

from __future__ import annotations

from flask import g, has_request_context
from flask_babel import get_locale
from flask_babel import gettext as _

from ..status import PLAN_STATUS_LABELS


def chart_labels() -> dict[str, str]:
    """`charts.LABELS_EN` translated into the current locale (same keys; tests/test_chart_pages.py checks).

    Translated once per request and locale (a page with several charts asks more than once).
    """
    key = f"chart_labels_{chart_locale()}"
    if has_request_context() and key in g:
        return dict(g.get(key))
    labels = _translate()
    if has_request_context():
        setattr(g, key, labels)
    return dict(labels)


def _translate() -> dict[str, str]:
    return {
        "measurement": _("Measurement"),
        "baseline": _("Baseline"),
        "target": _("Target"),
        "superseded_target": _("Superseded target"),
        "expected": _("Expected path"),
        "trend": _("Trend"),
        "today": _("Today"),
        "period": _("Period"),
        "year": _("Year"),
        "rank": _("Rank"),
        "rank_of": _("no. %(rank)s of %(n)s"),
        "rank_only": _("no. %(rank)s"),
        "source": _("Source: %(source)s"),
        "note": _("Note: %(note)s"),
        "target_by": _("%(value)s by %(date)s"),
        "set_on": _("set on %(date)s"),
        "no_data": _("No data"),
        "progress": _("Progress towards target"),
        "action_plans": _("Action plans by status"),
        "plans": _("Action plans"),
        "start_due": _("%(start)s – %(due)s"),
        "overdue": _("overdue"),
        "status_on_track": _("on track"),
        "status_at_risk": _("at risk"),
        "status_off_track": _("off track"),
        "status_no_data": _("no data"),
        "status_stale": _("out of date"),
        "status_no_target": _("no target"),
        **{f"plan_status_{code}": str(label) for code, label in PLAN_STATUS_LABELS.items()},
    }


def chart_locale() -> str:
    """The current locale as `charts` wants it ("da", "en")."""
    return str(get_locale() or "da")
