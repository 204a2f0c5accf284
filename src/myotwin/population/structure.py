"""Age and sex structure of a population: a table of (age band, sex, persons).

Shipped tables live in ``myotwin/data/populations/NAME.csv`` with their source and certainty in
the header comments; a path to a CSV file with the same columns works too.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

COLUMNS = ("age_min", "age_max", "sex", "persons")


@dataclass(frozen=True)
class Structure:
    """Strata of [age_min, age_max) by sex with their head counts; `source` is the header."""

    name: str
    age_min: NDArray[np.float64]
    age_max: NDArray[np.float64]
    female: NDArray[np.bool_]
    persons: NDArray[np.float64]
    source: str

    @property
    def total(self) -> float:
        return float(self.persons.sum())

    @property
    def cumulative_share(self) -> NDArray[np.float64]:
        c = np.cumsum(self.persons) / self.persons.sum()
        c[-1] = 1.0
        return c


def shipped() -> list[str]:
    folder = resources.files("myotwin.data").joinpath("populations")
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".csv"))


@cache
def load_structure(name: str) -> Structure:
    """A shipped table by name, or a CSV file by path; ValueError says what is wrong."""
    if name in shipped():
        text = (
            resources.files("myotwin.data")
            .joinpath("populations", f"{name}.csv")
            .read_text(encoding="utf-8")
        )
    elif Path(name).is_file():
        text = Path(name).read_text(encoding="utf-8")
    else:
        raise ValueError(f"{name!r} is neither a shipped table ({', '.join(shipped())}) nor a file")
    comments = [line[1:].strip() for line in text.splitlines() if line.startswith("#")]
    body = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(body))))
    if not rows or tuple(rows[0].keys()) != COLUMNS:
        raise ValueError(f"{name}: the columns must be {', '.join(COLUMNS)}")
    lo, hi, female, persons = [], [], [], []
    for i, row in enumerate(rows, start=1):
        try:
            a, b, n = float(row["age_min"]), float(row["age_max"]), float(row["persons"])
        except ValueError as exc:
            raise ValueError(f"{name}: row {i}: {exc}") from exc
        if row["sex"] not in ("female", "male"):
            raise ValueError(f"{name}: row {i}: sex must be female or male")
        if not 18 <= a < b <= 105 or n < 0:
            raise ValueError(f"{name}: row {i}: need 18 <= age_min < age_max <= 105, persons >= 0")
        lo.append(a)
        hi.append(b)
        female.append(row["sex"] == "female")
        persons.append(n)
    if sum(persons) <= 0:
        raise ValueError(f"{name}: no persons")
    return Structure(
        name,
        np.array(lo),
        np.array(hi),
        np.array(female),
        np.array(persons),
        "\n".join(comments),
    )
