"""The canonical form of an imported training log: one `SetRecord` per performed set.

Every app parser (Strong, Hevy, FitNotes, Garmin FIT, wger) turns its own dialect into these
records, in SI units (kg, seconds, metres); counting, storing, mapping and simulating read only
this form. Number parsing and the plausibility limits live here so that every app applies the
same rules and reports a bad value the same way (naming the line or record).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from myotwin.inputs import InputError

__all__ = [
    "KG_PER_LB",
    "LIMITS",
    "M_PER_MILE",
    "SOURCES",
    "LogImportError",
    "ParsedLog",
    "SetKind",
    "SetRecord",
    "parse_number",
    "summarise",
]

# The international avoirdupois pound (exact by definition, 1959).
KG_PER_LB = 0.45359237
M_PER_MILE = 1609.344
M_PER_FOOT = 0.3048
M_PER_YARD = 0.9144

SOURCES: tuple[str, ...] = ("strong", "hevy", "fitnotes", "garmin", "wger")
SetKind = Literal["working", "warmup", "drop", "failure"]
WORKING_KINDS: frozenset[str] = frozenset({"working", "drop", "failure"})

# Plausibility limits of one set, after conversion to SI. A value outside them is a broken
# export (or a typo such as 5,000 kg), not training; the import stops and names the line.
# The heaviest loads humans move are below 1,000 kg even on a leg-press sled.
LIMITS: dict[str, tuple[float, float]] = {
    "reps": (0, 1000),
    "weight_kg": (0, 1000),
    "seconds": (0, 86_400),
    "distance_m": (0, 1_000_000),
    "rpe": (0, 10),
}


class LogImportError(InputError):
    """A file or server answer that cannot be imported; one line naming the line or record."""


@dataclass(frozen=True)
class SetRecord:
    """One performed set, as the app wrote it but in SI units.

    `weight_kg` is the external load as written (for an assisted exercise: the assistance,
    `assisted` True). `workout` identifies the workout (session) the set belongs to within its
    source; `start` is the workout's naive local start time. `line` is where it was read (a CSV
    line, a FIT record or a wger log record), for messages.
    """

    source: str
    line: int
    workout: str
    start: dt.datetime
    workout_name: str | None
    exercise: str
    kind: SetKind
    reps: int | None = None
    weight_kg: float | None = None
    assisted: bool = False
    seconds: float | None = None
    distance_m: float | None = None
    rpe: float | None = None
    key: str = field(default="", compare=False)

    @property
    def working(self) -> bool:
        return self.kind in WORKING_KINDS

    @property
    def date(self) -> dt.date:
        return self.start.date()

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc["start"] = self.start.isoformat()
        return doc

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> SetRecord:
        values = dict(doc)
        values["start"] = dt.datetime.fromisoformat(values["start"])
        return cls(**values)


@dataclass(frozen=True)
class ParsedLog:
    """What a parser read: the sets in file order, and notes worth telling the user."""

    source: str
    sets: tuple[SetRecord, ...]
    notes: tuple[str, ...] = ()


def with_keys(sets: Iterable[SetRecord]) -> tuple[SetRecord, ...]:
    """The sets with their identity keys: source, workout, exercise and position within both.

    The key leaves out the values so that re-importing a file (even read with another --unit)
    finds the same sets and adds nothing twice, while a newer export of the same history adds
    just the new workouts.
    """
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for s in sets:
        ident = (s.source, s.workout, s.exercise.casefold())
        position = seen.get(ident, 0)
        seen[ident] = position + 1
        digest = hashlib.sha256("\x1f".join([*ident, str(position)]).encode("utf-8"))
        out.append(replace(s, key=digest.hexdigest()[:32]))
    return tuple(out)


# --- numbers ------------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def _where(line: int | str) -> str:
    return line if isinstance(line, str) else f"line {line}"


def parse_number(text: str | float | int | None, where: int | str, column: str) -> float | None:
    """A number as apps write it: empty is None, a decimal comma is read ("82,5").

    With both separators, the last one is the decimal mark ("1.234,5" and "1,234.5"). Anything
    else (text, NaN, infinity) raises LogImportError naming the line and column.
    """
    if text is None:
        return None
    if isinstance(text, bool):
        raise LogImportError(f"{_where(where)}: {column}: {text!r} is not a number")
    if isinstance(text, int | float):
        value = float(text)
    else:
        raw = text.strip().replace("\u00a0", "").replace(" ", "")
        if raw == "":
            return None
        if "," in raw and "." in raw:
            decimal = "," if raw.rfind(",") > raw.rfind(".") else "."
            thousands = "." if decimal == "," else ","
            raw = raw.replace(thousands, "")
        if raw.count(",") > 1 or raw.count(".") > 1 or not _NUMBER_RE.fullmatch(raw):
            raise LogImportError(f"{_where(where)}: {column}: {text.strip()!r} is not a number")
        value = float(raw.replace(",", "."))
    if not math.isfinite(value):
        raise LogImportError(f"{_where(where)}: {column}: {text!r} is not a finite number")
    return value


def checked(value: float | None, what: str, where: int | str, column: str) -> float | None:
    """`value` if inside LIMITS[what], else LogImportError naming the line and the limits."""
    if value is None:
        return None
    lo, hi = LIMITS[what]
    if value < lo:
        raise LogImportError(
            f"{_where(where)}: {column}: {value:g} is negative (allowed {lo:g}..{hi:g})"
            if value < 0
            else f"{_where(where)}: {column}: {value:g} is below {lo:g}"
        )
    if value > hi:
        raise LogImportError(
            f"{_where(where)}: {column}: {value:g} is not plausible (allowed {lo:g}..{hi:g}"
            + (" kg" if what == "weight_kg" else "")
            + ")"
        )
    return value


def whole(value: float | None, where: int | str, column: str) -> int | None:
    """Repetitions: a whole number within LIMITS["reps"]."""
    value = checked(value, "reps", where, column)
    if value is None:
        return None
    if value != int(value):
        raise LogImportError(f"{_where(where)}: {column}: {value:g} is not a whole number")
    return int(value)


# --- summary ------------------------------------------------------------------------------


def summarise(
    source: str, sets: Iterable[SetRecord], resolve: Callable[[str], str | None] | None = None
) -> dict[str, Any]:
    """The import summary: {source, sessions, sets, reps, volume_load_kg, first, last,
    exercises, unmapped}.

    Counts cover working sets (drop, failure and timed sets included, warm-ups not); a session
    is a workout with at least one working set; volume load is reps x weight as written, in kg,
    without body mass. `exercises` are the distinct names as written, in order of appearance;
    `unmapped` those `resolve` (name -> id or None) does not map.
    """
    all_sets = list(sets)
    working = [s for s in all_sets if s.working]
    workouts = {s.workout for s in working}
    dates = sorted(s.date for s in working)
    names: dict[str, None] = {}
    for s in all_sets:
        names.setdefault(s.exercise, None)
    volume = sum((s.reps or 0) * (s.weight_kg or 0.0) for s in working)
    unmapped = [n for n in names if resolve is not None and resolve(n) is None]
    return {
        "source": source,
        "sessions": len(workouts),
        "sets": len(working),
        "reps": sum(s.reps or 0 for s in working),
        "volume_load_kg": round(volume, 6),
        "first": dates[0].isoformat() if dates else None,
        "last": dates[-1].isoformat() if dates else None,
        "exercises": list(names),
        "unmapped": unmapped,
    }
