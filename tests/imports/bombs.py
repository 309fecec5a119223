"""Workbooks that unpack far beyond their size, written part by part into the zip (streamed, so the
test never holds the unpacked XML): the shapes that took a worker for minutes before the limits."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = "".join(
    [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
        f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.sheet.main+xml"/>',
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{OFFICE}.worksheet+xml"/>',
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{OFFICE}.sharedStrings+xml"/>',
        "</Types>",
    ]
)
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG_REL}">
<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="{MAIN}" xmlns:r="{REL}">
<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="{PKG_REL}">
<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
HEADER = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
)


def workbook(sheet_rows: Iterable[str], strings: Iterable[str] = ("KPI", "Period", "Value")) -> bytes:
    """An .xlsx file whose first sheet holds the given <row> elements (after a header row) and whose
    shared strings are the given texts; the XML is written in pieces, never held whole."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in (
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ):
            archive.writestr(name, text)
        _stream(archive, "xl/sharedStrings.xml", _shared_strings(strings))
        _stream(archive, "xl/worksheets/sheet1.xml", _sheet(sheet_rows))
    return buffer.getvalue()


def _stream(archive: zipfile.ZipFile, name: str, pieces: Iterator[str]) -> None:
    with archive.open(name, "w", force_zip64=True) as part:
        batch: list[str] = []
        for piece in pieces:
            batch.append(piece)
            if len(batch) >= 10_000:
                part.write("".join(batch).encode())
                batch.clear()
        part.write("".join(batch).encode())


def _shared_strings(strings: Iterable[str]) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<sst xmlns="{MAIN}">'
    for text in strings:
        yield f"<si><t>{text}</t></si>"
    yield "</sst>"


def _sheet(rows: Iterable[str]) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="{MAIN}"><sheetData>{HEADER}'
    yield from rows
    yield "</sheetData></worksheet>"


def empty_cells(megabytes: int) -> Iterator[str]:
    """About `megabytes` MB of rows of empty cells: deflates to a few hundred KB."""
    row = "<row>" + "<c/>" * 250 + "</row>"  # 1 KB
    for _ in range(megabytes * 1024):
        yield row


def empty_rows(count: int) -> Iterator[str]:
    """`count` empty rows, numbered as Excel numbers them (about 20 bytes each)."""
    for number in range(2, count + 2):
        yield f'<row r="{number}"/>'


def far_cells(rows: int, column: str = "XFD") -> Iterator[str]:
    """Rows with a value in A and an empty (formatted) cell in the sheet's last column: openpyxl pads
    every row to 16,384 cells."""
    for number in range(2, rows + 2):
        yield f'<row r="{number}"><c r="A{number}"><v>1</v></c><c r="{column}{number}" s="0"/></row>'


def many_strings(count: int) -> Iterator[str]:
    for n in range(count):
        yield f"t{n}"
