"""Hevy CSV exports: metric (``weight_kg``, ``distance_km``) or imperial (``weight_lbs``,
``distance_miles``) columns, dates in the app's language ("15 Jan 2024, 17:00",
"15 mrt. 2024, 17:00").

A workout is (title, start_time). ``set_type`` is normal, warmup, dropset or failure; other
words (a French export writes "regular") are read as normal working sets.
"""

from __future__ import annotations

from myotwin.logs.csvtable import Table
from myotwin.logs.dates import parse_datetime
from myotwin.logs.records import (
    KG_PER_LB,
    M_PER_MILE,
    LogImportError,
    ParsedLog,
    SetKind,
    SetRecord,
    checked,
    parse_number,
    whole,
)

_KINDS: dict[str, SetKind] = {
    "warmup": "warmup",
    "warm_up": "warmup",
    "dropset": "drop",
    "drop_set": "drop",
    "failure": "failure",
}
_WEIGHTS = {"weight_kg": 1.0, "weight_lbs": KG_PER_LB, "weight_lb": KG_PER_LB}
_DISTANCES = {"distance_km": 1000.0, "distance_meters": 1.0, "distance_miles": M_PER_MILE}


def matches(table: Table) -> bool:
    return table.has("exercise_title", "set_type", "start_time")


def parse(table: Table) -> ParsedLog:
    weight_col = next((c for c in _WEIGHTS if c in table.header), None)
    distance_col = next((c for c in _DISTANCES if c in table.header), None)
    if weight_col is None or "reps" not in table.header:
        raise LogImportError(
            f"line {table.first_line}: Hevy export without weight_kg/weight_lbs or reps columns"
        )
    w_factor = _WEIGHTS[weight_col]
    d_factor = _DISTANCES[distance_col] if distance_col else 1.0
    sets = []
    for r in table.rows():
        start = parse_datetime(r.get("start_time"), r.line, "start_time")
        title = r.get("title") or None
        exercise = r.get("exercise_title")
        if not exercise:
            raise LogImportError(f"line {r.line}: exercise_title is empty")
        weight = parse_number(r.get(weight_col), r.line, weight_col)
        distance = parse_number(r.get(distance_col), r.line, distance_col or "")
        seconds = parse_number(r.get("duration_seconds"), r.line, "duration_seconds")
        sets.append(
            SetRecord(
                source="hevy",
                line=r.line,
                # Hevy writes the start time to the minute; the title tells two apart.
                workout=f"{start.isoformat()}|{title or ''}",
                start=start,
                workout_name=title,
                exercise=exercise,
                kind=_KINDS.get(r.get("set_type").casefold(), "working"),
                reps=whole(parse_number(r.get("reps"), r.line, "reps"), r.line, "reps"),
                weight_kg=_positive(
                    checked(
                        None if weight is None else weight * w_factor,
                        "weight_kg",
                        r.line,
                        weight_col,
                    )
                ),
                assisted="assisted" in exercise.casefold(),
                seconds=_positive(checked(seconds, "seconds", r.line, "duration_seconds")),
                distance_m=_positive(
                    checked(
                        None if distance is None else distance * d_factor,
                        "distance_m",
                        r.line,
                        distance_col or "distance",
                    )
                ),
                rpe=checked(parse_number(r.get("rpe"), r.line, "rpe"), "rpe", r.line, "rpe"),
            )
        )
    return ParsedLog("hevy", tuple(sets))


def _positive(value: float | None) -> float | None:
    return None if value is None or value == 0 else value
