"""How much of an uploaded file is read at most, checked before the data is expanded.

An .xlsx file is a zip archive: 1 MB of it can unpack to a gigabyte of XML (one cell of endless text,
millions of empty rows), and openpyxl would spend minutes and gigabytes on it. So before anything is
parsed, the archive's directory is read (the unpacked size of every part, which `zipfile` never exceeds
when it unpacks), the shared strings are counted, and the sheet's rows and cells are counted in one
streaming pass over its XML; only then does openpyxl read the rows, which are counted again as they come
(empty cells that pad a row included). CSV files are counted as they are read.

Each check returns a message for the user, or None.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from flask_babel import gettext as _

from ...web import i18n

MB = 1024 * 1024
#: Parts other than the sheets and the shared strings (styles, theme, workbook …) are small in any real file.
MAX_PART_BYTES = 16 * MB
SHARED_STRINGS = "xl/sharedStrings.xml"
_CHUNK = 1 << 20
_TAG_ENDS = (b" ", b">", b"/", b"\t", b"\n", b"\r")


@dataclass(frozen=True)
class Limits:
    """The most a file may hold: refused beyond any of these, before or while it is read."""

    file_bytes: int
    unpacked_bytes: int  # the parts of an .xlsx archive, unpacked, together
    rows: int  # data rows (rows with content; the header row comes on top)
    sheet_rows: int  # rows of the sheet or lines of the CSV file, empty ones included
    cells: int  # cells of all rows, empty ones within a row included
    shared_strings: int  # the distinct texts of an .xlsx workbook
    formulas: bool = False  # a workbook with formulas is read twice (values, then the formulas)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Limits:
        return cls(
            file_bytes=config["IMPORT_MAX_UPLOAD_BYTES"],
            unpacked_bytes=config["IMPORT_MAX_UNPACKED_MB"] * MB,
            rows=config["IMPORT_MAX_ROWS"],
            sheet_rows=config["IMPORT_MAX_SHEET_ROWS"],
            cells=config["IMPORT_MAX_CELLS"],
            shared_strings=config["IMPORT_MAX_SHARED_STRINGS"],
        )

    def with_formulas(self) -> Limits:
        """The limits of a workbook with formulas: half the cells, as every cell is read twice."""
        return replace(self, cells=self.cells // 2, formulas=True)

    def file_problem(self, size: int) -> str | None:
        if size <= self.file_bytes:
            return None
        return _(
            "The file is larger than %(size)s MB. Split it into smaller files and import them one at a time.",
            size=self.file_bytes // MB,
        )

    def too_many_rows(self) -> str:
        return _("The file has more than %(max)s rows. Split it into smaller files.", max=_count(self.rows))

    def too_many_sheet_rows(self) -> str:
        return _(
            "The file has more than %(max)s rows, empty rows included. Delete the empty rows at the end "
            "of the sheet, or split the file into smaller files.",
            max=_count(self.sheet_rows),
        )

    def too_many_cells(self) -> str:
        return _(
            "The file has more than %(max)s cells, empty cells within a row included. Split it into "
            "smaller files, or delete columns that are not imported.",
            max=_count(self.cells),
        )


def _count(number: int) -> str:
    return i18n.number(number, 0)


def archive_problem(archive: zipfile.ZipFile, limits: Limits) -> str | None:
    """Whether the workbook's parts, unpacked, or its shared strings exceed the limits."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        large_part = info.file_size > MAX_PART_BYTES and not _is_data_part(info.filename)
        if total > limits.unpacked_bytes or large_part:
            return _(
                "The workbook unpacks to more than %(size)s MB. Save it again without formatting and "
                "other sheets, or split it into smaller files.",
                size=(limits.unpacked_bytes if total > limits.unpacked_bytes else MAX_PART_BYTES) // MB,
            )
    if SHARED_STRINGS in archive.namelist():
        strings = count_tags(archive, SHARED_STRINGS, {b"si": limits.shared_strings})
        if strings[b"si"] > limits.shared_strings:
            return _(
                "The workbook has more than %(max)s different texts. Split it into smaller files.",
                max=_count(limits.shared_strings),
            )
    return None


@dataclass(frozen=True)
class SheetCount:
    rows: int
    cells: int
    formulas: bool


def count_sheets(archive: zipfile.ZipFile, limits: Limits) -> SheetCount:
    """The row and cell elements of the largest sheet and whether any sheet has a formula, counted
    without parsing the XML (stops once a limit is passed). Every sheet counts: opening a workbook,
    openpyxl reads each sheet that does not state its size to its end."""
    largest = SheetCount(0, 0, False)
    caps = {b"row": limits.sheet_rows, b"c": limits.cells, b"f": 0}
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            counts = count_tags(archive, name, caps)
            largest = SheetCount(
                max(largest.rows, counts[b"row"]),
                max(largest.cells, counts[b"c"]),
                largest.formulas or counts[b"f"] > 0,
            )
    return largest


def sheet_problem(count: SheetCount, limits: Limits) -> str | None:
    if count.rows > limits.sheet_rows:
        return limits.too_many_sheet_rows()
    if count.cells > limits.cells:
        return limits.too_many_cells()
    return None


def count_tags(archive: zipfile.ZipFile, name: str, caps: Mapping[bytes, int]) -> dict[bytes, int]:
    """How many elements of each tag the part holds, read in chunks: a tag is "<", the document's
    namespace prefix if any, the name and a space, ">" or "/". Stops as soon as a count passes its cap
    (a cap of 0: only whether there is one)."""
    tags = tuple(caps)
    counts = dict.fromkeys(tags, 0)
    patterns: dict[bytes, list[bytes]] = {}
    carry = b""
    with archive.open(name) as part:
        while chunk := part.read(_CHUNK):
            text = carry + chunk
            if not patterns:
                prefix = _prefix(text)
                patterns = {tag: [b"<" + prefix + tag + end for end in _TAG_ENDS] for tag in tags}
            cut = text.rfind(b"<")  # a tag may go on in the next chunk: count it then
            cut, carry = (cut, text[cut : cut + 64]) if cut >= 0 else (len(text), b"")
            for tag, variants in patterns.items():
                counts[tag] += sum(text.count(v, 0, cut) for v in variants)
            if any(counts[tag] > cap for tag, cap in caps.items() if cap):
                return counts
    for tag, variants in patterns.items():
        counts[tag] += sum(carry.count(v) for v in variants)
    return counts


_ROOT = re.compile(rb"<(\w+:)?(?:worksheet|sst|chartsheet|dialogsheet)[\s>]")


def _prefix(text: bytes) -> bytes:
    """The namespace prefix of the root element ("x:" in <x:worksheet …>), usually none."""
    found = _ROOT.search(text)
    return (found.group(1) or b"") if found else b""


def _is_data_part(name: str) -> bool:
    return name == SHARED_STRINGS or (name.startswith("xl/worksheets/") and name.endswith(".xml"))
