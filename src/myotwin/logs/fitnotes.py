"""FitNotes CSV exports, Android and iOS (FitNotes 2).

Android: ``Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment``
(older ones: ``Weight (kgs)`` or ``Weight (lbs)``). iOS: ``Date,Exercise,Category,Weight (kg),
Weight (lbs),Reps,Distance,Distance Unit,Time,Notes,Kind``. Dates carry no time and there is no
workout name or set order: a workout is one date, sets come in file order. Units can change from
row to row (a history kept partly in kg, partly in lb), so they are converted per row.
"""

from __future__ import annotations

import datetime as dt

from myotwin.logs.csvtable import Row, Table
from myotwin.logs.dates import parse_clock, parse_datetime
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
from myotwin.logs.units import DISTANCE_UNITS, WEIGHT_UNITS, factor

_WEIGHT_COLUMNS = {"Weight (kg)": 1.0, "Weight (kgs)": 1.0, "Weight (lbs)": KG_PER_LB}


def matches(table: Table) -> bool:
    return table.has("Date", "Exercise", "Category", "Reps") and (
        table.has("Weight", "Weight Unit") or any(c in table.header for c in _WEIGHT_COLUMNS)
    )


def _weight(table: Table, r: Row) -> float | None:
    """The row's weight in kg from whichever weight column(s) the layout has."""
    if table.has("Weight", "Weight Unit"):
        value = parse_number(r.get("Weight"), r.line, "Weight")
        unit = r.get("Weight Unit")
        scale = factor(WEIGHT_UNITS, unit, r.line, "Weight Unit") if unit else 1.0
        return None if value is None else value * scale
    for column, scale in _WEIGHT_COLUMNS.items():  # kg first: iOS fills both
        if column in table.header:
            value = parse_number(r.get(column), r.line, column)
            if value is not None:
                return value * scale
    return None


def _kind(r: Row) -> SetKind:
    kind = r.get("Kind").casefold()
    if "warm" in kind:
        return "warmup"
    if "drop" in kind:
        return "drop"
    if "fail" in kind:
        return "failure"
    return "working"


def parse(table: Table) -> ParsedLog:
    sets = []
    for r in table.rows():
        start = parse_datetime(r.get("Date"), r.line, "Date")
        day = dt.datetime.combine(start.date(), dt.time())
        exercise = r.get("Exercise")
        if not exercise:
            raise LogImportError(f"line {r.line}: Exercise is empty")
        distance = parse_number(r.get("Distance"), r.line, "Distance")
        d_unit = r.get("Distance Unit")
        d_scale = factor(DISTANCE_UNITS, d_unit, r.line, "Distance Unit") if d_unit else 1.0
        seconds = parse_clock(r.get("Time"), r.line, "Time")
        weight = checked(_weight(table, r), "weight_kg", r.line, "Weight")
        sets.append(
            SetRecord(
                source="fitnotes",
                line=r.line,
                workout=day.date().isoformat(),
                start=day,
                workout_name=None,
                exercise=exercise,
                kind=_kind(r),
                reps=whole(parse_number(r.get("Reps"), r.line, "Reps"), r.line, "Reps"),
                weight_kg=weight if weight else None,
                assisted="assisted" in exercise.casefold(),
                seconds=checked(seconds, "seconds", r.line, "Time") or None,
                distance_m=checked(
                    None if distance is None else distance * d_scale,
                    "distance_m",
                    r.line,
                    "Distance",
                )
                or None,
            )
        )
    return ParsedLog("fitnotes", tuple(sets))
