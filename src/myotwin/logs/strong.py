"""Strong (iOS/Android) CSV exports, all three layouts.

1. semicolon, units per row: ``Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;...``
2. comma, no units: ``Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,...``
   (the unit is Strong's setting: given with --unit, or inferred and said so)
3. "Strong 6", units in the header: ``Workout #;Date;...;Weight (kg)`` or ``Weight (lbs)``.

A workout is (Date, Workout Name) in layouts 1 and 2 and ``Workout #`` in layout 3. Set Order
is a number for a working set, W warm-up, D drop set, F failure; "Rest Timer" rows are not sets.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from myotwin.logs.csvtable import Row, Table
from myotwin.logs.dates import parse_datetime
from myotwin.logs.records import (
    KG_PER_LB,
    LogImportError,
    ParsedLog,
    SetKind,
    SetRecord,
    checked,
    parse_number,
    whole,
)
from myotwin.logs.units import (
    DISTANCE_UNITS,
    WEIGHT_UNITS,
    factor,
    header_unit,
    infer_weight_unit,
)

_KINDS: dict[str, SetKind] = {"w": "warmup", "d": "drop", "f": "failure"}
_DURATION_TEXT = re.compile(r"^\s*[\d,]+h(\s+\d+m(in)?)?\s*$|^\s*\d+m(in)?\s*$")


def matches(table: Table) -> bool:
    return table.has("Exercise Name", "Set Order") and table.column("Date") is not None


def _weight_column(table: Table) -> str | None:
    return table.column("Weight") or next(
        (h for h in table.header if h.casefold().startswith("weight (")), None
    )


def _distance_column(table: Table) -> str | None:
    return table.column("Distance") or next(
        (h for h in table.header if h.casefold().startswith("distance (")), None
    )


def _repair_duration(table: Table) -> Callable[[list[str]], list[str] | None] | None:
    """The comma layout writes a runaway duration such as ``3,527h 3min`` unquoted, which
    splits it in two; join the two halves back."""
    if table.delimiter != "," or "Duration" not in table.header:
        return None
    at = table.header.index("Duration")

    def repair(fields: list[str]) -> list[str] | None:
        if len(fields) != len(table.header) + 1:
            return None
        joined = fields[at] + "," + fields[at + 1]
        if not _DURATION_TEXT.match(joined):
            return None
        return [*fields[:at], joined, *fields[at + 2 :]]

    return repair


def parse(table: Table, unit: str | None = None) -> ParsedLog:
    """The sets of a Strong export; `unit` ("kg"/"lb") is needed only by the comma layout."""
    weight_col = _weight_column(table)
    distance_col = _distance_column(table)
    for needed, col in (("Weight", weight_col), ("Reps", table.column("Reps"))):
        if col is None:
            raise LogImportError(
                f"line {table.first_line}: Strong export without a {needed} column"
            )
    assert weight_col is not None
    numbered = table.column("Workout #")
    unit_col = table.column("Weight Unit")
    distance_unit_col = table.column("Distance Unit")
    notes: list[str] = []
    head_weight = header_unit(weight_col)
    head_distance = header_unit(distance_col) if distance_col else None
    rows = [r for r in table.rows(_repair_duration(table)) if not _is_rest_timer(r)]

    # The comma layout says nothing about units: --unit, else judged from the weights.
    file_weight: float | None = None
    file_distance: float | None = None
    if head_weight is not None:
        file_weight = factor(WEIGHT_UNITS, head_weight, table.first_line, weight_col)
    elif unit_col is None:
        if unit is None:
            pairs = []
            for r in rows:
                value = parse_number(r.get(weight_col), r.line, weight_col)
                if value is not None and _kind(r) != "warmup":
                    pairs.append((r.get("Exercise Name"), value))
            unit, reason = infer_weight_unit(pairs)
            notes.append(f"the file gives no unit: {reason} (use --unit kg|lb to choose)")
        file_weight = 1.0 if unit == "kg" else KG_PER_LB
    if head_distance is not None and distance_col is not None:
        file_distance = factor(DISTANCE_UNITS, head_distance, table.first_line, distance_col)
    elif distance_unit_col is None:
        # Strong couples distance to the weight setting: km with kg, miles with lb.
        file_distance = 1000.0 if file_weight == 1.0 else 1609.344

    sets = []
    for r in rows:
        kind = _kind(r)
        start = parse_datetime(r.get("Date"), r.line, "Date")
        name = r.get("Workout Name") or None
        workout = f"#{r.get(numbered)}" if numbered else f"{start.isoformat()}|{name or ''}"
        exercise = r.get("Exercise Name")
        if not exercise:
            raise LogImportError(f"line {r.line}: Exercise Name is empty")
        w_factor = file_weight
        if w_factor is None:
            assert unit_col is not None
            w_unit = r.get(unit_col)
            w_factor = factor(WEIGHT_UNITS, w_unit, r.line, unit_col) if w_unit else 1.0
        d_factor = file_distance
        if d_factor is None:
            assert distance_unit_col is not None
            d_unit = r.get(distance_unit_col)
            d_factor = factor(DISTANCE_UNITS, d_unit, r.line, distance_unit_col) if d_unit else 1.0
        weight = parse_number(r.get(weight_col), r.line, weight_col)
        distance = parse_number(r.get(distance_col), r.line, distance_col or "")
        seconds = parse_number(r.get(table.column("Seconds")), r.line, "Seconds")
        sets.append(
            SetRecord(
                source="strong",
                line=r.line,
                workout=workout,
                start=start,
                workout_name=name,
                exercise=exercise,
                kind=kind,
                reps=whole(parse_number(r.get("Reps"), r.line, "Reps"), r.line, "Reps"),
                weight_kg=_nonzero(
                    checked(
                        None if weight is None else weight * w_factor,
                        "weight_kg",
                        r.line,
                        weight_col,
                    )
                ),
                assisted="assisted" in exercise.casefold(),
                seconds=_nonzero(checked(seconds, "seconds", r.line, "Seconds")),
                distance_m=_nonzero(
                    checked(
                        None if distance is None else distance * d_factor,
                        "distance_m",
                        r.line,
                        distance_col or "Distance",
                    )
                ),
                rpe=_nonzero(
                    checked(
                        parse_number(r.get(table.column("RPE")), r.line, "RPE"),
                        "rpe",
                        r.line,
                        "RPE",
                    )
                ),
            )
        )
    return ParsedLog("strong", tuple(sets), tuple(notes))


def _nonzero(value: float | None) -> float | None:
    """Strong writes 0 for "not set" (Distance 0, Seconds 0)."""
    return None if value is None or value == 0 else value


def _is_rest_timer(row: Row) -> bool:
    return row.get("Set Order").casefold().replace(" ", "") == "resttimer"


def _kind(row: Row) -> SetKind:
    order = row.get("Set Order")
    if order.isdigit():
        return "working"
    kind = _KINDS.get(order.casefold())
    if kind is None:
        raise LogImportError(
            f"line {row.line}: Set Order: {order!r} is not a set number, W, D, F or Rest Timer"
        )
    return kind
