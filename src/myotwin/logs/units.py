"""Units: per-row unit words, units in headers, and inferring the unit of a unit-less file."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable

from myotwin.logs.records import KG_PER_LB, M_PER_FOOT, M_PER_MILE, M_PER_YARD, LogImportError

WEIGHT_UNITS: dict[str, float] = {
    "kg": 1.0,
    "kgs": 1.0,
    "kilogram": 1.0,
    "kilograms": 1.0,
    "lb": KG_PER_LB,
    "lbs": KG_PER_LB,
    "pound": KG_PER_LB,
    "pounds": KG_PER_LB,
}
DISTANCE_UNITS: dict[str, float] = {
    "m": 1.0,
    "meter": 1.0,
    "meters": 1.0,
    "metre": 1.0,
    "metres": 1.0,
    "km": 1000.0,
    "kms": 1000.0,
    "kilometer": 1000.0,
    "kilometers": 1000.0,
    "mi": M_PER_MILE,
    "mile": M_PER_MILE,
    "miles": M_PER_MILE,
    "ft": M_PER_FOOT,
    "feet": M_PER_FOOT,
    "yd": M_PER_YARD,
    "yards": M_PER_YARD,
}

_HEADER_UNIT = re.compile(r"^\s*(?P<name>.*?)\s*[(\[](?P<unit>[^)\]]+)[)\]]\s*$")


def header_unit(column: str) -> str | None:
    """The unit in a column name such as "Weight (kg)" or "Distance (meters)"."""
    match = _HEADER_UNIT.match(column)
    return match.group("unit").strip().casefold() if match else None


def factor(table: dict[str, float], unit: str, where: int | str, column: str) -> float:
    """The SI factor of a unit word; unknown words are an error naming the line."""
    key = unit.strip().casefold()
    if key not in table:
        where_text = where if isinstance(where, str) else f"line {where}"
        known = ", ".join(sorted({k for k in table if len(k) <= 3}))
        raise LogImportError(f"{where_text}: {column}: unknown unit {unit.strip()!r} ({known})")
    return table[key]


# Reference body mass for the plausibility check below (kg): a typical adult. Only used to tell
# kg from lb in a file that does not say; it never enters the model.
_REFERENCE_BODY_MASS_KG = 75.0
# A median working weight above this multiple of the catalogue's typical untrained 1RM is
# implausible in kg (working sets are ~70-85 % of a trained 1RM, itself ~1.5x the untrained
# norm, so kg files sit near 1; the same numbers in lb are 2.2x larger).
_LB_THRESHOLD = 1.6


def infer_weight_unit(weights: Iterable[tuple[str, float]]) -> tuple[str, str]:
    """("kg" | "lb", reason) for (exercise name, weight as written) pairs of a unit-less file.

    The median ratio of the written weight to the typical 1RM of the mapped exercise decides:
    weights that would be implausibly heavy in kg are pounds.
    """
    from myotwin.catalogue import CATALOGUE

    ratios = []
    for name, weight in weights:
        exercise_id = CATALOGUE.resolve(name)
        if exercise_id is None or weight <= 0:
            continue
        exercise = CATALOGUE.get(exercise_id)
        if not exercise.is_strength:
            continue
        typical = exercise.one_rm_per_kg_body_mass * _REFERENCE_BODY_MASS_KG
        ratios.append(weight / typical)
    if not ratios:
        return "kg", "no known exercise with a weight to judge from; assumed kg"
    median = statistics.median(ratios)
    unit = "lb" if median > _LB_THRESHOLD else "kg"
    return unit, (
        f"median working weight is {median:.2f}x a typical 1RM over {len(ratios)} sets "
        f"if read as kg; read as {unit}"
    )
