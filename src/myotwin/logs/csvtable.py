"""Reading a CSV export: encoding, an Excel ``sep=`` line, the delimiter, line numbers.

Apps write one row per set; the header names the layout. Rows are returned as dicts keyed by
the header's column names, each with the physical line it started on, so errors can name it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from myotwin.logs.records import LogImportError

_DELIMITERS = (",", ";", "\t")


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def get(self, column: str | None) -> str:
        if column is None:
            return ""
        return self.values.get(column, "").strip()


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    delimiter: str
    text: str
    first_line: int  # physical line of the header

    def has(self, *columns: str) -> bool:
        return all(c in self.header for c in columns)

    def column(self, *candidates: str) -> str | None:
        """The first of `candidates` the header has (compared case-insensitively)."""
        folded = {h.casefold(): h for h in self.header}
        for c in candidates:
            if c.casefold() in folded:
                return folded[c.casefold()]
        return None

    def rows(self, repair: Callable[[list[str]], list[str] | None] | None = None) -> Iterator[Row]:
        """The data rows; a row of the wrong width is an error naming its line.

        `repair(fields)` may mend a known export bug (returning None when it cannot).
        """
        reader = csv.reader(io.StringIO(self.text), delimiter=self.delimiter, strict=True)
        width = len(self.header)
        line = self.first_line
        try:
            next(reader, None)  # the header
            for fields in reader:
                # reader.line_num counts the lines read so far: the line a record ends on.
                line = self.first_line - 1 + reader.line_num
                if not any(f.strip() for f in fields):
                    continue  # a blank line
                if len(fields) != width and repair is not None:
                    fields = repair(fields) or fields
                if len(fields) != width:
                    raise LogImportError(
                        f"line {line}: {len(fields)} fields where the header has {width}"
                    )
                yield Row(line, dict(zip(self.header, fields, strict=True)))
        except csv.Error as exc:
            raise LogImportError(f"line {line + 1}: not valid CSV ({exc})") from exc


def decode(data: bytes) -> str:
    """UTF-8 text (a byte-order mark is dropped); anything else is not an app export."""
    if b"\x00" in data[:4096]:
        raise LogImportError("line 1: binary data, not a CSV export or FIT file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise LogImportError(f"line {line}: not UTF-8 text (byte {exc.start})") from exc


def table(text: str) -> Table:
    """The header and body of a CSV text; the delimiter is the one that splits the header most."""
    lines = text.splitlines(keepends=True)
    skipped = 0
    # Skip leading blank lines and Excel's "sep=;" hint (which also names the delimiter).
    hinted: str | None = None
    while skipped < len(lines):
        stripped = lines[skipped].strip()
        if stripped.lower().startswith("sep=") and len(stripped) == 5:
            hinted = stripped[4]
        elif stripped:
            break
        skipped += 1
    if skipped >= len(lines):
        raise LogImportError("line 1: the file is empty")
    body = "".join(lines[skipped:])
    header_line = lines[skipped]
    if hinted is not None:
        delimiter = hinted
    else:
        delimiter = max(_DELIMITERS, key=lambda d: len(_split(header_line, d)))
    header = tuple(h.strip() for h in _split(header_line, delimiter))
    if len(set(header)) != len(header):
        raise LogImportError(f"line {skipped + 1}: the header repeats a column name")
    return Table(header, delimiter, body, skipped + 1)


def _split(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line.rstrip("\r\n")], delimiter=delimiter), [])
    except csv.Error:
        return [line]
