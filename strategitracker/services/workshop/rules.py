"""What every workshop service shares: the limits, the labels, the board layouts and their columns, the
input checks and the audit helper. It sits apart from lifecycle.py so that the lifecycle, the
participants, the cards and the board can all use it without importing one another.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...models import ConvertedKind, Layout, Phase, Workshop
from .. import ServiceError, audit

TITLE_MAX = 300
CARD_TEXT_MAX = 500
DISPLAY_NAME_MAX = 80
COLUMN_TITLE_MAX = 60
FREE_COLUMNS_MIN, FREE_COLUMNS_MAX = 1, 8
DOTS_MIN, DOTS_MAX = 1, 50
#: Between the texts of merged cards: a new line that starts with a dash, so that the join shows whether
#: or not the line break is kept (a spreadsheet cell, a single-line list).
MERGE_SEPARATOR = "\n— "
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters

# The fixed layouts: column keys with their (English msgid) titles, translated when shown.
FIXED_COLUMNS: dict[str, list[tuple[str, Any]]] = {
    Layout.SWOT: [
        ("strengths", _l("Strengths")),
        ("weaknesses", _l("Weaknesses")),
        ("opportunities", _l("Opportunities")),
        ("threats", _l("Threats")),
    ],
    Layout.PLAN: [
        ("goals", _l("Goals")),
        ("action_plans", _l("Action plans")),
        ("kpis", _l("KPIs")),
    ],
}
FIXED_TITLES = {key: title for columns in FIXED_COLUMNS.values() for key, title in columns}

PHASE_LABELS = {
    Phase.COLLECTING: _l("Collecting ideas"),
    Phase.VOTING: _l("Voting"),
    Phase.CLOSED: _l("Closed"),
}
LAYOUT_LABELS = {
    Layout.SWOT: _l("SWOT (strengths, weaknesses, opportunities, threats)"),
    Layout.PLAN: _l("Goals, action plans and KPIs"),
    Layout.FREE: _l("Free columns"),
}
KIND_LABELS = {
    ConvertedKind.GOAL: _l("Goal"),
    ConvertedKind.ACTION_PLAN: _l("Action plan"),
    ConvertedKind.KPI: _l("KPI"),
}

# -- helpers -----------------------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def record_workshop_event(
    action: str,
    entity_type: str,
    entity_id: int | None,
    workshop: Workshop,
    user_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    *,
    anonymous: bool = False,
) -> None:
    audit.record(
        action,
        entity_type,
        entity_id,
        organisation_id=workshop.organisation_id,
        user_id=user_id,
        before=before,
        after={"workshop_id": workshop.id, **(after or {})},
        anonymous=anonymous,
    )


def clean_text(value: str | None, *, empty: str, too_long: str, maximum: int) -> str:
    text = (value or "").strip()
    if not text:
        raise ServiceError(empty)
    if len(text) > maximum:
        raise ServiceError(too_long)
    return text


def card_text(value: str | None) -> str:
    return clean_text(
        value,
        empty=_("Write something on the card."),
        too_long=_("A card can hold at most %(n)d characters.", n=CARD_TEXT_MAX),
        maximum=CARD_TEXT_MAX,
    )


def is_closed(workshop: Workshop) -> bool:
    return workshop.phase == Phase.CLOSED or workshop.archived_at is not None


def refuse_if_closed(workshop: Workshop) -> None:
    if workshop.archived_at is not None:
        raise ServiceError(_("The workshop is archived."))
    if workshop.phase == Phase.CLOSED:
        raise ServiceError(_("The workshop is closed."))


def reveal_problem(workshop: Workshop, revealed: bool) -> str | None:
    """Why the results may not be shown (or hidden) now, or None: totals are shown only once voting has
    closed, so that nobody votes with the others' totals in view."""
    if workshop.archived_at is not None:
        return _("The workshop is archived.")
    if revealed and workshop.phase != Phase.CLOSED:
        return _("The results are shown when voting closes. Close the voting first.")
    return None


def voting_problem(workshop: Workshop) -> str | None:
    """Why no dot may be placed or taken back now, or None: only while voting is open and before the
    results are shown."""
    if workshop.phase != Phase.VOTING:
        return _("Dots can only be placed or taken back while voting is open.")
    if workshop.results_revealed:
        return _("The results are shown, so voting has ended.")
    return None


def parse_free_columns(text: str | None) -> list[str]:
    """The facilitator's column names, one per line (blank lines ignored)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def free_columns_problem(names: list[str]) -> str | None:
    if not FREE_COLUMNS_MIN <= len(names) <= FREE_COLUMNS_MAX:
        return _(
            "Give from %(lo)d to %(hi)d column names, one per line.", lo=FREE_COLUMNS_MIN, hi=FREE_COLUMNS_MAX
        )
    if any(len(name) > COLUMN_TITLE_MAX for name in names):
        return _("A column name may be at most %(n)d characters.", n=COLUMN_TITLE_MAX)
    if len({name.casefold() for name in names}) != len(names):
        return _("Each column needs a different name.")
    return None


def layout_columns(layout: str, free_names: list[str] | None = None) -> list[dict[str, str]]:
    """The board's columns for a layout: fixed keys and titles, or the facilitator's names as c1…c8."""
    if layout in FIXED_COLUMNS:
        return [{"key": key, "title": str(title)} for key, title in FIXED_COLUMNS[Layout(layout)]]
    if layout != Layout.FREE:
        raise ServiceError(_("Choose a board layout."))
    names = free_names or []
    problem = free_columns_problem(names)
    if problem:
        raise ServiceError(problem)
    return [{"key": f"c{n}", "title": name} for n, name in enumerate(names, start=1)]


def column_title(workshop: Workshop, column: dict[str, str]) -> str:
    """A column's title in the reader's language (fixed layouts), or as the facilitator typed it."""
    if workshop.layout != Layout.FREE and column["key"] in FIXED_TITLES:
        return str(FIXED_TITLES[column["key"]])
    return column["title"]


def column_keys(workshop: Workshop) -> list[str]:
    return [column["key"] for column in workshop.columns]


def check_column(workshop: Workshop, key: str | None) -> str:
    if key not in column_keys(workshop):
        raise ServiceError(_("Choose one of the board's columns."))
    return key
