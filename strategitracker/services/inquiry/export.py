"""The inquiry log as a spreadsheet (.xlsx, or .csv the Danish way), written by services/exports so no text
runs as a formula. The columns start with the headers the import reads."""

from __future__ import annotations

from datetime import datetime

from ...models import Organisation
from .. import exports
from .log import LogFilter, inquiries
from .rules import LOCAL_TZ, as_utc

HEADERS = (
    "Modtaget",
    "Kanal",
    "Virksomhed",
    "CVR",
    "Emne",
    "Forvaltning",
    "Første svar",
    "Afsluttet",
    "Udfald",
    "Sagsbehandler",
    "Kontaktperson",
    "Telefon",
    "E-mail",
    "Noter",
)


def _local(moment: datetime | None) -> datetime | None:
    return None if moment is None else as_utc(moment).astimezone(LOCAL_TZ).replace(tzinfo=None)


def export_file(
    org: Organisation, filters: LogFilter, labels: dict[str, dict[str, str]], file_format: str
) -> tuple[bytes, str, str]:
    """(content, mimetype, filename) of the inquiries matching `filters`; `labels` names the channels and
    outcomes in the user's language."""
    rows = [
        (
            _local(i.received_at),
            labels["channels"].get(i.channel, i.channel),
            i.company_name,
            i.cvr,
            i.topic,
            ", ".join(d.name for d in i.departments),
            _local(i.first_answer_at),
            _local(i.closed_at),
            labels["outcomes"].get(i.outcome or "", ""),
            i.handler.name if i.handler else "",
            i.contact_name,
            i.contact_phone,
            i.contact_email,
            i.notes,
        )
        for i in inquiries(org, filters, limit=1_000_000)
    ]
    sheet = exports.Sheet("Henvendelser", HEADERS, rows)
    stem = f"henvendelser-{org.slug}"
    if file_format == "csv":
        return exports.to_csv(sheet, danish=True), "text/csv; charset=utf-8", f"{stem}.csv"
    xlsx_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return exports.to_xlsx([sheet]), xlsx_type, f"{stem}.xlsx"
