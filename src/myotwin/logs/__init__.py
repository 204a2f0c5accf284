"""Workout-log import: Strong, Hevy, FitNotes, Garmin FIT and wger into the training log.

Data flow, one direction: a file (or the wger API) → an app parser → `SetRecord`s (SI units)
→ the store (one transaction; sets already stored are skipped) → a `TrainingLog` for the
simulation (`myotwin.logs.history`). The app is detected from the file itself: the FIT
signature, else the CSV header. See docs/logs.md for the formats and counting rules.
"""

from __future__ import annotations

import os
from pathlib import Path

from myotwin.logs import csvtable, fitnotes, garmin, hevy, strong
from myotwin.logs.records import SOURCES, LogImportError, ParsedLog, SetRecord, with_keys

__all__ = [
    "MAX_FILE_BYTES",
    "SOURCES",
    "LogImportError",
    "ParsedLog",
    "SetRecord",
    "parse_bytes",
    "read_file",
]

# Exports of even decades of daily training are a few MB; a larger file is not an export.
MAX_FILE_BYTES = 64 * 1024 * 1024


def parse_bytes(data: bytes, unit: str | None = None) -> ParsedLog:
    """The sets of an export of any supported app, detected from its content.

    `unit` ("kg" or "lb") is the weight unit of files that do not say (Strong's comma layout).
    Raises LogImportError (one line naming the line or record) for anything it cannot read.
    """
    if unit not in (None, "kg", "lb"):
        raise LogImportError(f"--unit: {unit!r} is not kg or lb")
    if len(data) > MAX_FILE_BYTES:
        raise LogImportError(
            f"the file is {len(data) / 2**20:.0f} MiB; exports larger than "
            f"{MAX_FILE_BYTES // 2**20} MiB are not read"
        )
    if not data.strip():
        raise LogImportError("line 1: the file is empty")
    if garmin.matches(data):
        parsed = garmin.parse(data)
    else:
        table = csvtable.table(csvtable.decode(data))
        if strong.matches(table):
            parsed = strong.parse(table, unit)
        elif hevy.matches(table):
            parsed = hevy.parse(table)
        elif fitnotes.matches(table):
            parsed = fitnotes.parse(table)
        else:
            shown = ", ".join(table.header[:4]) + (", ..." if len(table.header) > 4 else "")
            raise LogImportError(
                f"line {table.first_line}: not an export of Strong, Hevy or FitNotes, nor a "
                f"Garmin FIT file (header: {shown[:120]})"
            )
    if not parsed.sets:
        raise LogImportError(f"no sets found: the {parsed.source} export has a header only")
    return ParsedLog(parsed.source, with_keys(parsed.sets), parsed.notes)


def read_file(path: str | os.PathLike[str], unit: str | None = None) -> ParsedLog:
    """`parse_bytes` of a file; errors name the file."""
    where = Path(path)
    try:
        size = where.stat().st_size
        if size > MAX_FILE_BYTES:
            raise LogImportError(
                f"{where}: the file is {size / 2**20:.0f} MiB; exports larger than "
                f"{MAX_FILE_BYTES // 2**20} MiB are not read"
            )
        data = where.read_bytes()
    except OSError as exc:
        raise LogImportError(f"{where}: cannot read: {exc.strerror or exc}") from exc
    try:
        return parse_bytes(data, unit)
    except LogImportError as exc:
        raise LogImportError(f"{where}: {exc}") from exc
