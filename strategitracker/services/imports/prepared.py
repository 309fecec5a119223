"""What a checked file looks like before it is written: entries, problems, duplicates and counts.

A `Prepared` is pickled between the upload and the confirmation (see `pending.py`), so it holds plain
data only: strings, numbers, dates, tuples and small dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from ...web import i18n
from .validate import Problem, display

# entry statuses, shown in the preview
NEW = "new"  # not in the database: will be created
EXISTS = "exists"  # the same item is in the database with other values: skipped or replaced
SAME = "same"  # the same item with the same values is in the database: nothing to do
REPEAT = "repeat"  # an earlier row of the file has the same item
INVALID = "invalid"  # has problems: not imported

SKIP, REPLACE = "skip", "replace"


class Progress(Protocol):
    """Reports progress of the long steps (the CLI draws a bar; the web does without)."""

    def stage(self, label: str, total: int) -> None: ...

    def advance(self, count: int) -> None: ...


class NoProgress:
    def stage(self, label: str, total: int) -> None:
        pass

    def advance(self, count: int) -> None:
        pass


@dataclass(slots=True)
class Entry:
    """One item of the file: a measurement, a ranking (wide files give one per year) or an action plan."""

    row: int
    # the preview's cells, in the order of `Prepared.preview_columns`: text, or numbers and dates that
    # `display` turns into text when the row is shown (`Preview.page`), so a large file formats one page
    cells: tuple[Any, ...]
    status: str = NEW
    messages: tuple[str, ...] = ()
    key: Any = None  # what makes two entries the same item (KPI and period, …)
    record: dict[str, Any] | None = None  # the values to write
    existing_id: int | None = None
    existing: dict[str, Any] | None = None  # the database row's values before a replacement
    unchanged: bool = False  # the database row already has these values
    first_row: int | None = None  # for REPEAT: the row the item first appears in


@dataclass
class Prepared:
    kind: str
    filename: str
    options: dict[str, Any] = field(default_factory=dict)
    fatal: list[Problem] = field(default_factory=list)  # the file cannot be imported at all
    problems: list[Problem] = field(default_factory=list)  # per row/cell: those rows are rejected
    notices: list[str] = field(default_factory=list)
    preview_columns: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # kind-specific (e.g. municipalities to create)

    @classmethod
    def failed(cls, kind: str, filename: str, problems: list[Problem], options=None) -> Prepared:
        return cls(kind=kind, filename=filename, options=options or {}, fatal=problems)

    def count(self, status: str) -> int:
        return sum(1 for e in self.entries if e.status == status)

    def take(self, entry: Entry, problems: list[Problem]) -> None:
        """Keeps a checked row's entry; a row with problems is shown with them and never written."""
        if problems:
            self.problems.extend(problems)
            entry.status, entry.record = INVALID, None
            entry.messages = tuple(p.describe() for p in problems)
        self.entries.append(entry)

    @property
    def counts(self) -> dict[str, int]:
        counts = {s: 0 for s in (NEW, EXISTS, SAME, REPEAT, INVALID)}
        for entry in self.entries:
            counts[entry.status] += 1
        counts["entries"] = len(self.entries)
        counts["valid"] = len(self.entries) - counts[INVALID]
        return counts

    @property
    def duplicates(self) -> int:
        counts = self.counts
        return counts[EXISTS] + counts[REPEAT]

    def signature(self) -> tuple:
        """What must not change between the preview and the confirmation."""
        counts = self.counts
        return (
            len(self.fatal),
            len(self.problems),
            tuple(sorted(counts.items())),
            tuple((e.row, e.status, e.existing_id) for e in self.entries),
        )

    def preview(self) -> Preview:
        return Preview(
            kind=self.kind,
            filename=self.filename,
            options=self.options,
            fatal=self.fatal,
            problems=self.problems,
            notices=self.notices,
            preview_columns=self.preview_columns,
            extra=self.extra,
            counts=self.counts,
            signature=self.signature(),
            entries=[
                (e.row, e.cells, e.status, e.messages, e.first_row, e.existing_id) for e in self.entries
            ],
        )

    def rows(self, status: str | None = None) -> list[Entry]:
        if status is None:
            return self.entries
        if status == "duplicates":
            return [e for e in self.entries if e.status in (EXISTS, REPEAT, SAME)]
        return [e for e in self.entries if e.status == status]


class PreviewRow(NamedTuple):
    row: int
    cells: tuple[str, ...]
    status: str
    messages: tuple[str, ...]
    first_row: int | None
    existing_id: int | None


@dataclass
class Preview:
    """What the preview pages show of a `Prepared`, compact enough to reload for every page: the entries
    are plain tuples (fields of `PreviewRow`); counts and the signature are worked out once."""

    kind: str
    filename: str
    options: dict[str, Any]
    fatal: list[Problem]
    problems: list[Problem]
    notices: list[str]
    preview_columns: list[str]
    extra: dict[str, Any]
    counts: dict[str, int]
    signature: tuple
    entries: list[tuple]

    def rows(self, show: str | None = None) -> list[tuple]:
        if show is None:
            return self.entries
        wanted = {EXISTS, REPEAT, SAME} if show == "duplicates" else {show}
        return [e for e in self.entries if e[2] in wanted]

    @staticmethod
    def page(rows: list[tuple]) -> list[PreviewRow]:
        return [PreviewRow(row, tuple(map(_shown, cells)), *rest) for row, cells, *rest in rows]


def _shown(cell: Any) -> str:
    """A preview cell as text: a number read from the file in the user's language ("3.500,5")."""
    return i18n.number(cell, 6) if cell.__class__ is float else display(cell)


@dataclass
class Plan:
    """What writing will do with the chosen handling of duplicates."""

    create: list[Entry]
    replace: list[Entry]
    skipped: int
    rejected: int

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.create),
            "replaced": len(self.replace),
            "skipped": self.skipped,
            "rejected": self.rejected,
        }


def plan(prepared: Prepared, on_duplicate: str) -> Plan:
    """Which entries are created, which replace a database row, how many are skipped or rejected.

    Within the file the first row of an item wins with "skip" and the last with "replace"; an item in the
    database with the same values is skipped either way.
    """
    chosen: dict[Any, Entry] = {}
    skipped = rejected = 0
    for entry in prepared.entries:
        if entry.status == INVALID:
            rejected += 1
        elif entry.key in chosen:
            skipped += 1
            if on_duplicate == REPLACE:
                chosen[entry.key] = entry
        else:
            chosen[entry.key] = entry
    create, replace = [], []
    for entry in chosen.values():
        if entry.existing_id is None:
            create.append(entry)
        elif entry.unchanged or on_duplicate != REPLACE:
            skipped += 1
        else:
            replace.append(entry)
    return Plan(create, replace, skipped, rejected)


def mark(entries: list[Entry]) -> None:
    """Set the status of the valid entries: NEW, EXISTS or SAME by the database, REPEAT within the file."""
    first: dict[Any, int] = {}
    for entry in entries:
        if entry.status == INVALID:
            continue
        if entry.key in first:
            entry.status, entry.first_row = REPEAT, first[entry.key]
            continue
        first[entry.key] = entry.row
        if entry.existing_id is None:
            entry.status = NEW
        else:
            entry.status = SAME if entry.unchanged else EXISTS
