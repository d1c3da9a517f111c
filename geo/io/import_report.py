"""The import report: what a build recognised, matched, estimated, repaired and dropped.

One :class:`ImportReport` travels through a region build (:func:`geo.io.build.build_region`);
every importer step appends Dutch lines to a fixed set of sections with
:meth:`ImportReport.add`. The CLI prints it (:meth:`ImportReport.to_text`), the Data page
shows it in an expander, and the region metadata keeps it as JSON (key ``import_report``,
read back with :meth:`ImportReport.from_json`), so the analysis' provenance carries it too.

Sections, in display order (:data:`SECTIONS`):

* ``herkend`` — per input: file, form/format, layer, the columns used;
* ``gekoppeld`` — rows matched to something else (population table to buurten, addresses
  to BAG …);
* ``geschat`` — values estimated by a documented method;
* ``hersteld`` — what was repaired (invalid geometry, polygon parts kept from a
  GeometryCollection, Z/M dropped …);
* ``weggelaten`` — what was dropped, naming the rows and what they carried;
* ``let op`` — everything else a user should know.

Examples
--------
>>> report = ImportReport()
>>> report.add(HERSTELD, "Z-waarden verwijderd", count=3)
>>> report.add(LET_OP, "geen BAG-bestand")
>>> print(report.to_text())
Hersteld:
  - Z-waarden verwijderd (3)
Let op:
  - geen BAG-bestand
>>> ImportReport.from_json(report.to_json()) == report
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from geo.formats import fmt_int

__all__ = [
    "GEKOPPELD",
    "GESCHAT",
    "HERKEND",
    "HERSTELD",
    "LET_OP",
    "SECTIONS",
    "WEGGELATEN",
    "ImportReport",
    "ReportLine",
]

HERKEND = "herkend"
GEKOPPELD = "gekoppeld"
GESCHAT = "geschat"
HERSTELD = "hersteld"
WEGGELATEN = "weggelaten"
LET_OP = "let op"
#: The sections in display order, with their Dutch headings.
SECTIONS: dict[str, str] = {
    HERKEND: "Herkend",
    GEKOPPELD: "Gekoppeld",
    GESCHAT: "Geschat",
    HERSTELD: "Hersteld",
    WEGGELATEN: "Weggelaten",
    LET_OP: "Let op",
}


@dataclass(frozen=True)
class ReportLine:
    """One line of the report: a section key, a Dutch text and an optional count."""

    section: str
    text: str
    count: int | None = None

    def display(self) -> str:
        """The text, with its count in brackets unless the text already says it.

        Examples
        --------
        >>> ReportLine(HERKEND, "inwoners gelezen", 13250).display()
        'inwoners gelezen (13.250)'
        >>> ReportLine(WEGGELATEN, "2 buurten zonder geometrie", 2).display()
        '2 buurten zonder geometrie'
        """
        if self.count is None:
            return self.text
        shown = fmt_int(self.count)
        for number in {str(self.count), shown}:
            if re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d,]|\.\d)", self.text):
                return self.text
        return f"{self.text} ({shown})"


@dataclass
class ImportReport:
    """Lines per section, in the order they were added (see the module docstring)."""

    lines: list[ReportLine] = field(default_factory=list)

    def add(self, section: str, text: str, count: int | None = None) -> None:
        """Append one line.

        Parameters
        ----------
        section
            One of :data:`SECTIONS` (``"herkend"``, ``"gekoppeld"``, ``"geschat"``,
            ``"hersteld"``, ``"weggelaten"``, ``"let op"``).
        text
            Dutch text; names the file, rows or features it is about.
        count
            How many rows/features the line is about, when that is a number.

        Raises
        ------
        ValueError
            For an unknown section.
        """
        if section not in SECTIONS:
            raise ValueError(f"unknown report section {section!r}; use one of {list(SECTIONS)}")
        text = str(text).strip()
        if text:
            self.lines.append(ReportLine(section, text, None if count is None else int(count)))

    def extend(self, section: str, texts: Iterable[str]) -> None:
        """Append several lines without counts to one section."""
        for text in texts:
            self.add(section, text)

    def merge(self, other: ImportReport) -> None:
        """Append every line of ``other``."""
        self.lines.extend(other.lines)

    def section(self, section: str) -> list[ReportLine]:
        """The lines of one section, in order."""
        return [line for line in self.lines if line.section == section]

    def __iter__(self) -> Iterator[ReportLine]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    def grouped(self) -> list[tuple[str, list[str]]]:
        """``(Dutch heading, display texts)`` per non-empty section, in display order."""
        return [(heading, [line.display() for line in self.section(key)])
                for key, heading in SECTIONS.items() if self.section(key)]

    def to_text(self, indent: str = "") -> str:
        """Plain text: a heading per section, one ``- line`` per line."""
        out: list[str] = []
        for heading, texts in self.grouped():
            out.append(f"{indent}{heading}:")
            out.extend(f"{indent}  - {text}" for text in texts)
        return "\n".join(out)

    def to_json(self) -> str:
        """JSON list of ``{"section", "text", "count"}`` objects (for region metadata)."""
        return json.dumps([{"section": line.section, "text": line.text, "count": line.count}
                           for line in self.lines], ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ImportReport:
        """Read :meth:`to_json` output; lines of unknown sections go to ``"let op"``."""
        report = cls()
        for item in json.loads(text or "[]"):
            section = item.get("section", LET_OP)
            report.add(section if section in SECTIONS else LET_OP, item.get("text", ""),
                       item.get("count"))
        return report
