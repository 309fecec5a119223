"""A workshop's minutes as an Excel workbook: the cards by column with their dots and what became of them."""

from __future__ import annotations

import io

from flask_babel import gettext as _

from ...models import ConvertedKind, Layout, Phase
from ..exports.files import append_row
from .board import Board
from .rules import KIND_LABELS, LAYOUT_LABELS, PHASE_LABELS

# -- minutes -----------------------------------------------------------------------------------------------


def minutes_xlsx(
    board: Board,
    *,
    item_url=None,
    facilitator_name: str = "",
    strategy_title: str = "",
    participant_names: list[str] | None = None,
) -> bytes:
    """The minutes as an Excel workbook: a summary sheet, and every card with its dots and outcome."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from ...web.i18n import day

    workshop = board.workshop
    book = Workbook()
    summary = book.active
    summary.title = _("Workshop")[:31]
    rows = [
        (_("Workshop"), workshop.title),
        (_("Date"), day(workshop.held_on)),
        (_("Facilitator"), facilitator_name),
        (_("Strategy"), strategy_title),
        (_("Board layout"), str(LAYOUT_LABELS[Layout(workshop.layout)])),
        (_("Phase"), str(PHASE_LABELS[Phase(workshop.phase)])),
        (_("Participants"), board.participant_count),
        (_("Names of the participants"), ", ".join(participant_names or [])),
        (_("Dots per participant"), workshop.dots_per_participant),
        (_("Dots placed"), board.dots_placed),
        (_("Cards"), len(board.cards)),
    ]
    for row in rows:
        append_row(summary, row)
    for cell in summary["A"]:
        cell.font = Font(bold=True)
    summary.column_dimensions["A"].width = 24
    summary.column_dimensions["B"].width = 60

    sheet = book.create_sheet(_("Cards")[:31])
    headers = [
        _("Rank"),
        _("Column"),
        _("Card"),
        _("Dots"),
        _("Merged cards"),
        _("Became"),
        _("Title"),
        _("Link"),
    ]
    append_row(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    titles = board.column_titles
    for view in board.ranked:
        card = view.card
        became = str(KIND_LABELS[ConvertedKind(card.converted_kind)]) if card.converted_kind else ""
        append_row(
            sheet,
            [
                view.rank,
                titles.get(card.column_key, card.column_key),
                card.text,
                view.total,
                "\n".join(m.text for m in view.merged),
                became,
                view.item_title or "",
                item_url(card) if item_url and card.converted_kind else "",
            ],
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCDEFGH", (6, 18, 60, 6, 40, 14, 40, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
