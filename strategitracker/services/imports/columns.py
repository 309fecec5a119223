"""Column names shared by imports and exports (one source of truth for both directions).

Every importable kind has a fixed list of columns. Each column has:

- ``key``: the canonical name used in code (and the English header an export may write),
- ``da``: the Danish header an export writes by default,
- ``en``: the English header,
- ``aliases``: further spellings people use in their own spreadsheets.

Exports write ``da`` (or ``en``) headers in the order of the list, so a file exported from one
installation imports into another unchanged. Imports accept any of the names, compared after
:func:`normalise_header` (case, spacing, ``_``/``-``, a trailing ``:`` or ``*`` and a parenthesised
suffix such as "(kr.)" do not matter).

Columns listed in ``*_IGNORED`` are written by exports for the reader's benefit (e.g. the goal a KPI
belongs to) and are silently skipped by imports; any other unknown column is reported as a notice.

Wide rankings: one row per municipality and one column per year. A year column's header is the year
itself ("2019"), optionally with N: "2019 (N)" / "N 2019" / "2019 N" gives that year's N.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    key: str
    da: str
    en: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def names(self) -> tuple[str, ...]:
        return (self.key, self.da, self.en, *self.aliases)


# --- measurements -------------------------------------------------------------------------------------
# A KPI is named by id or by name (at least one of the two); period and value are required.
MEASUREMENT_COLUMNS: tuple[Column, ...] = (
    Column("kpi_id", "Nøgletal-id", "KPI id", ("nøgletal id", "nogletal id", "kpi nr")),
    Column("kpi", "Nøgletal", "KPI", ("kpi name", "nøgletalsnavn", "navn", "name", "indikator", "indicator")),
    Column("period", "Periode", "Period", ("dato", "date", "år", "aar", "year", "måned", "month", "tid")),
    Column(
        "value",
        "Værdi",
        "Value",
        ("vaerdi", "resultat", "result", "tal", "måling", "measurement", "placering", "rank"),
        required=True,
    ),
    Column("out_of", "N", "N", ("ud af", "out of", "antal", "antal kommuner", "n (antal)")),
    Column("note", "Note", "Note", ("bemærkning", "bemaerkning", "kommentar", "comment", "notes")),
    Column("source", "Kilde", "Source", ("datakilde", "data source")),
)
MEASUREMENT_IGNORED: tuple[Column, ...] = (
    Column("goal", "Mål", "Goal", ("maal",)),
    Column("strategy", "Strategi", "Strategy"),
    Column("unit", "Enhed", "Unit"),
    Column("kind", "Type", "Kind"),
    Column("entered_by", "Indtastet af", "Entered by"),
    Column("entered_at", "Indtastet", "Entered at"),
)

# --- benchmark rankings, long format -------------------------------------------------------------------
# Municipality by name or code (at least one); year, category (unless given as an option), rank and N.
RANKING_COLUMNS: tuple[Column, ...] = (
    Column("survey", "Undersøgelse", "Survey", ("maaling", "benchmark")),
    Column("year", "År", "Year", ("aar", "årstal", "periode", "period")),
    Column(
        "municipality_code",
        "Kommunekode",
        "Municipality code",
        ("kode", "code", "kommunenr", "kommune nr", "kommunenummer"),
    ),
    Column("municipality", "Kommune", "Municipality", ("kommunenavn", "municipality name", "navn", "name")),
    Column("category", "Kategori", "Category", ("parameter", "emne", "topic", "spørgsmål", "question")),
    Column("rank", "Placering", "Rank", ("plads", "rang", "nr", "rangering", "ranking")),
    Column("out_of", "N", "N", ("ud af", "out of", "antal", "antal kommuner")),
    Column("source", "Kilde", "Source", ("datakilde", "data source")),
)
RANKING_IGNORED: tuple[Column, ...] = ()

# Wide rankings use the municipality/code/category/N/survey/source columns above plus year columns.
WIDE_YEAR_RE = re.compile(r"^(?:rank |placering )?(\d{4})$")
WIDE_N_RE = re.compile(r"^(?:n (\d{4})|(\d{4}) n|(\d{4}) \(n\)|n \((\d{4})\)|ud af (\d{4})|(\d{4}) ud af)$")

# --- action plans ---------------------------------------------------------------------------------------
ACTION_PLAN_COLUMNS: tuple[Column, ...] = (
    Column(
        "title", "Handleplan", "Action plan", ("titel", "title", "navn", "name", "indsats"), required=True
    ),
    Column("goal", "Mål", "Goal", ("maal", "goal title", "måltitel"), required=True),
    Column("description", "Beskrivelse", "Description"),
    Column("owner", "Ansvarlig", "Owner", ("ejer", "responsible", "ansvarlig (rolle)")),
    Column(
        "owner_email",
        "Ansvarlig e-mail",
        "Owner e-mail",
        ("ansvarlig email", "owner email", "e-mail", "email"),
    ),
    Column("department", "Forvaltning", "Department", ("afdeling", "enhed")),
    Column("status", "Status", "Status"),
    Column("start_date", "Start", "Start date", ("startdato", "start dato", "start")),
    Column("due_date", "Frist", "Due date", ("slutdato", "deadline", "due", "forfald")),
    Column("progress", "Fremdrift", "Progress", ("fremdrift %", "progress %", "procent", "percent", "%")),
    Column("done_on", "Afsluttet den", "Done on", ("afsluttet dato", "completed on", "done date")),
    Column("note", "Note", "Note", ("bemærkning", "bemaerkning", "kommentar", "comment")),
)
ACTION_PLAN_IGNORED: tuple[Column, ...] = (
    Column("status_label", "Statustekst", "Status label"),
    Column("id", "Id", "Id", ("nr",)),
    Column("strategy", "Strategi", "Strategy"),
    Column("updated_at", "Opdateret", "Updated", ("updated at",)),
)

# --- business inquiries -------------------------------------------------------------------------------
# The headers of a phone system's or CRM's export, and of the inquiry log's own export.
INQUIRY_COLUMNS: tuple[Column, ...] = (
    Column(
        "received_at", "Modtaget", "Received", ("modtaget den", "received at", "tidspunkt"), required=True
    ),
    Column("channel", "Kanal", "Channel", ("henvendelsesform",)),
    Column("company_name", "Virksomhed", "Business", ("virksomhedsnavn", "company", "firma"), required=True),
    Column("cvr", "CVR", "CVR number", ("cvr nr", "cvr nummer", "cvr number")),
    Column("topic", "Emne", "Topic", ("subject",)),
    Column("departments", "Forvaltning", "Department", ("forvaltninger", "departments", "afdeling")),
    Column("first_answer_at", "Første svar", "First answer", ("foerste svar", "besvaret", "answered at")),
    Column("closed_at", "Afsluttet", "Closed", ("lukket", "closed at")),
    Column("outcome", "Udfald", "Outcome", ("resultat",)),
    Column("contact_name", "Kontaktperson", "Contact person", ("kontakt", "contact")),
    Column("contact_phone", "Telefon", "Phone", ("telefonnummer", "tlf", "phone number")),
    Column("contact_email", "E-mail", "E-mail", ("email", "mail")),
    Column("notes", "Noter", "Notes", ("note", "bemærkning", "bemaerkning")),
)
INQUIRY_IGNORED: tuple[Column, ...] = (Column("handler", "Sagsbehandler", "Handler"),)

# Status labels: codes, Danish and English labels, all accepted on import (compared normalised).
STATUS_LABELS_DA = {
    "not_started": "Ikke startet",
    "in_progress": "I gang",
    "delayed": "Forsinket",
    "done": "Afsluttet",
    "cancelled": "Udgået",
}
STATUS_LABELS_EN = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "delayed": "Delayed",
    "done": "Done",
    "cancelled": "Cancelled",
}
STATUS_EXTRA_ALIASES = {
    "ikke påbegyndt": "not_started",
    "igang": "in_progress",
    "i gang": "in_progress",
    "forsinket": "delayed",
    "færdig": "done",
    "faerdig": "done",
    "afsluttet": "done",
    "completed": "done",
    "udgaaet": "cancelled",
    "aflyst": "cancelled",
    "annulleret": "cancelled",
    "canceled": "cancelled",
}

KINDS: dict[str, tuple[tuple[Column, ...], tuple[Column, ...]]] = {
    "measurements": (MEASUREMENT_COLUMNS, MEASUREMENT_IGNORED),
    "rankings": (RANKING_COLUMNS, RANKING_IGNORED),
    "action-plans": (ACTION_PLAN_COLUMNS, ACTION_PLAN_IGNORED),
    "inquiries": (INQUIRY_COLUMNS, INQUIRY_IGNORED),
}


def normalise_header(text: object) -> str:
    """Header text compared case- and spacing-insensitively ("Værdi (kr.)" -> "værdi")."""
    s = unicodedata.normalize("NFC", str(text or "")).replace("\ufeff", "").strip().lower()
    s = s.replace("_", " ").replace("-", " ").replace("\u00a0", " ")
    s = re.sub(r"\s+", " ", s).strip(" :*")
    return s


def _strip_parenthesis(s: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*$", "", s).strip()


def alias_map(columns: tuple[Column, ...]) -> dict[str, str]:
    """Normalised header -> canonical key, for the given columns."""
    out: dict[str, str] = {}
    for col in columns:
        for name in col.names():
            out.setdefault(normalise_header(name), col.key)
    return out


def match_header(text: object, columns: tuple[Column, ...]) -> str | None:
    """The canonical key a header names, or None."""
    aliases = alias_map(columns)
    norm = normalise_header(text)
    if norm in aliases:
        return aliases[norm]
    stripped = _strip_parenthesis(norm)
    return aliases.get(stripped) if stripped else None


def headers(columns: tuple[Column, ...], language: str = "da") -> list[str]:
    """Header row an export writes for these columns ("da" or "en")."""
    return [getattr(c, "da" if language == "da" else "en") for c in columns]


def status_code(text: object) -> str | None:
    """Status code for a code or Danish/English label, or None."""
    norm = normalise_header(text)
    for code in STATUS_LABELS_DA:
        if norm in (
            code.replace("_", " "),
            normalise_header(STATUS_LABELS_DA[code]),
            normalise_header(STATUS_LABELS_EN[code]),
        ):
            return code
    return STATUS_EXTRA_ALIASES.get(norm)
