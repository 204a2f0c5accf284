"""The evidence registry: every model parameter with its unit, uncertainty and citation.

Model code never holds a physiological constant; it asks the registry. A parameter has
- a central `value` and `unit`;
- an `uncertainty` of its population value, drawn once per trial replicate (or per `simulate`
  draw) and shared by every person of that replicate;
- an optional `between_person` spread, drawn once per person;
- a `citation` key into the bibliography, a `certainty` grade and a note.
Calibrated parameters (`calibrated = true`) are written by a script in `scripts/`, never by hand.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

SpreadKind = Literal["fixed", "normal", "lognormal"]
Certainty = Literal["high", "moderate", "low"]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Spread:
    """A distribution around a central value: absolute `sd` (normal) or `cv` (lognormal)."""

    kind: SpreadKind = "fixed"
    sd: float = 0.0
    cv: float = 0.0

    def __post_init__(self) -> None:
        if self.kind == "normal" and not self.sd > 0:
            raise ValueError("a normal spread needs sd > 0")
        if self.kind == "lognormal" and not self.cv > 0:
            raise ValueError("a lognormal spread needs cv > 0")

    def apply(self, centre: float | FloatArray, z: float | FloatArray) -> float | FloatArray:
        """The value at standard-normal deviate `z` (median `centre` for lognormal)."""
        if self.kind == "normal":
            return centre + self.sd * z
        if self.kind == "lognormal":
            sigma = math.sqrt(math.log1p(self.cv**2))
            return centre * np.exp(sigma * z)
        return centre

    @property
    def is_fixed(self) -> bool:
        return self.kind == "fixed"


@dataclass(frozen=True)
class Parameter:
    key: str  # "module.name"
    value: float
    unit: str
    citation: str
    certainty: Certainty
    note: str = ""
    uncertainty: Spread = field(default_factory=Spread)
    between_person: Spread = field(default_factory=Spread)
    calibrated: bool = False

    @property
    def module(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]


@dataclass(frozen=True)
class MeasurementError:
    """Test-retest error of a measured level outcome: absolute `sd` or relative `cv`."""

    outcome: str
    citation: str
    sd: float = 0.0
    cv: float = 0.0
    note: str = ""

    def apply(self, true_value: FloatArray, z: FloatArray) -> FloatArray:
        return true_value + (self.sd + self.cv * np.abs(true_value)) * z


@dataclass(frozen=True)
class Reference:
    key: str
    text: str
    doi: str = ""


def _spread(raw: Mapping[str, Any] | None, where: str) -> Spread:
    if raw is None:
        return Spread()
    try:
        return Spread(kind=raw["kind"], sd=float(raw.get("sd", 0.0)), cv=float(raw.get("cv", 0.0)))
    except (KeyError, ValueError, TypeError) as exc:
        raise ValueError(f"{where}: bad spread {raw!r}: {exc}") from exc


class Registry:
    """Parameters, measurement errors and references, read from the package's data files."""

    def __init__(
        self,
        parameters: Mapping[str, Parameter],
        measurement: Mapping[str, MeasurementError],
        references: Mapping[str, Reference],
    ) -> None:
        self.parameters = dict(parameters)
        self.measurement = dict(measurement)
        self.references = dict(references)
        missing = sorted(
            {p.citation for p in self.parameters.values()}.union(
                m.citation for m in self.measurement.values()
            ).difference(self.references)
        )
        if missing:
            raise ValueError(f"citation keys without a bibliography entry: {', '.join(missing)}")

    def __getitem__(self, key: str) -> Parameter:
        try:
            return self.parameters[key]
        except KeyError:
            raise KeyError(f"no parameter {key!r} in the evidence registry") from None

    def value(self, key: str) -> float:
        return self[key].value

    def module(self, module: str) -> dict[str, Parameter]:
        prefix = module + "."
        return {p.name: p for k, p in self.parameters.items() if k.startswith(prefix)}

    def citations(self, keys: Iterable[str]) -> list[Reference]:
        """References behind the given parameter keys, measurement outcomes or citation keys."""
        cited: set[str] = set()
        for key in keys:
            if key in self.parameters:
                cited.add(self.parameters[key].citation)
            elif key in self.measurement:
                cited.add(self.measurement[key].citation)
            elif key in self.references:
                cited.add(key)
        return [self.references[c] for c in sorted(cited)]


def _load_toml(name: str) -> dict[str, Any]:
    with resources.files("myotwin.data").joinpath(name).open("rb") as fh:
        return tomllib.load(fh)


def parse_registry(params_raw: Mapping[str, Any], refs_raw: Mapping[str, Any]) -> Registry:
    parameters: dict[str, Parameter] = {}
    measurement: dict[str, MeasurementError] = {}
    for module, entries in params_raw.items():
        for name, raw in entries.items():
            key = f"{module}.{name}"
            try:
                if module == "measurement":
                    measurement[name] = MeasurementError(
                        outcome=name,
                        citation=raw["citation"],
                        sd=float(raw.get("sd", 0.0)),
                        cv=float(raw.get("cv", 0.0)),
                        note=raw.get("note", ""),
                    )
                    continue
                parameters[key] = Parameter(
                    key=key,
                    value=float(raw["value"]),
                    unit=raw["unit"],
                    citation=raw["citation"],
                    certainty=raw["certainty"],
                    note=raw.get("note", ""),
                    uncertainty=_spread(raw.get("uncertainty"), key),
                    between_person=_spread(raw.get("between_person"), key),
                    calibrated=bool(raw.get("calibrated", False)),
                )
            except KeyError as exc:
                raise ValueError(f"parameter {key}: missing field {exc}") from None
            if parameters[key].certainty not in ("high", "moderate", "low"):
                raise ValueError(f"parameter {key}: certainty must be high, moderate or low")
    references = {
        key: Reference(key=key, text=raw["text"], doi=raw.get("doi", ""))
        for key, raw in refs_raw.items()
    }
    return Registry(parameters, measurement, references)


@cache
def registry() -> Registry:
    """The registry shipped with the package (parsed once)."""
    return parse_registry(_load_toml("parameters.toml"), _load_toml("bibliography.toml"))
