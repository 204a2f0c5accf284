"""The population-run file (TOML), validated once: structure, baseline keys, scenarios.

`load_population` reads a file (or `parse_population` a mapping) into a frozen
`PopulationRunSpec`; a file that breaks the format raises `PopulationSpecError`, one line naming
the offending key (dotted path such as ``scenarios.1.programs.0.share``) and why. The format is
documented in docs/population.md; an example ships as ``myotwin/data/examples/population.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from myotwin.inputs import (
    InputError,
    Program,
    _between,
    _fail,
    _Frozen,
    _number,
    _out_of_range,
    _show,
    parse_input,
    read_toml,
)
from myotwin.persons import DIABETES
from myotwin.trial.spec import PopulationKeys, PopulationSpec

__all__ = [
    "DiabetesMix",
    "PopulationRunSpec",
    "PopulationSpecError",
    "ProgramShare",
    "Scenario",
    "load_population",
    "parse_population",
]


class PopulationSpecError(InputError):
    """A population-run file that breaks the format; one line naming the key and why."""


class DiabetesMix(_Frozen):
    """Shares of the population with prediabetes and type 2 diabetes (the rest: none)."""

    prediabetes: Annotated[float, _between(0, 1)] = 0.0
    type2: Annotated[float, _between(0, 1)] = 0.0

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.prediabetes + self.type2 > 1.0:
            raise _fail(
                f"prediabetes + type2 = {_show(self.prediabetes + self.type2)} is more than 1"
            )
        return self


def _parse_diabetes(value: Any) -> Any:
    if isinstance(value, DiabetesMix):
        return value
    if value in DIABETES:
        return DiabetesMix(**({value: 1.0} if value != "none" else {}))
    if isinstance(value, Mapping):
        for key in value:
            if key not in ("prediabetes", "type2"):
                raise _fail("unknown key (prediabetes, type2)", key)
        shares = {}
        for key, raw in value.items():
            share = _number(raw, key)
            reason = _out_of_range(share, 0, 1)
            if reason is not None:
                raise _fail(reason, key)
            shares[key] = share
        return DiabetesMix(**shares)
    raise _fail(f'{_show(value)} is not "none", "prediabetes", "type2" or {{ type2 = 0..1 }}')


class Baseline(PopulationKeys):
    """The ``[population]`` table: TRIAL-SPEC population keys except `sex` and `age_years`
    (they come from the age/sex structure); `diabetes` may also give shares."""

    # Shares here, one status in a trial. Overriding keeps the key's place among the keys
    # (and so which of several errors is reported).
    diabetes: Annotated[DiabetesMix, BeforeValidator(_parse_diabetes)] = DiabetesMix()  # type: ignore[assignment]

    def trial_population(self) -> PopulationSpec:
        """The same keys as a TRIAL-SPEC population; sex and age are placeholders, replaced per
        person from the structure."""
        keys = {k: getattr(self, k) for k in self.model_fields_set if k != "diabetes"}
        return PopulationSpec.model_validate({"sex": {"female": 0.5}, "age_years": 70, **keys})


Sex = Literal["female", "male", "any"]


class ProgramShare(_Frozen):
    """A share of one subgroup that follows one program (a ``[[scenarios.programs]]`` table)."""

    share: Annotated[float, _between(0, 1)]
    sex: Sex = "any"
    age_min: Annotated[float, _between(0, 120)] = 0.0
    age_max: Annotated[float, _between(0, 120)] = 120.0
    diabetes: Literal["none", "prediabetes", "type2", "any"] = "any"
    template: str | None = None
    program: Program | None = None
    # Overrides of the template's (or program's) values, e.g. "train twice a week".
    sessions_per_week: Annotated[float, _between(0, 14)] | None = None
    adherence: Annotated[float, _between(0, 1)] | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if (self.template is None) == (self.program is None):
            raise _fail("give exactly one of template or program", "template")
        if self.template is not None:
            from myotwin.programs import templates

            found = templates()
            if self.template not in found:
                raise _fail(f"unknown template; choose from {', '.join(found)}", "template")
        if self.age_min > self.age_max:
            raise _fail(f"{_show(self.age_min)} is more than age_max", "age_min")
        return self

    def resolved(self) -> Program:
        """The program with the overrides applied."""
        if self.program is not None:
            base = self.program
        else:
            from myotwin.programs import template

            assert self.template is not None
            base = template(self.template)
        changes: dict[str, Any] = {}
        if self.sessions_per_week is not None:
            changes["sessions_per_week"] = self.sessions_per_week
        if self.adherence is not None:
            changes["adherence"] = self.adherence
        # No duration: a population program runs for the whole run unless `train_weeks` says.
        changes["weeks"] = None
        return base.model_copy(update=changes)


class Scenario(_Frozen):
    """A what-if: programs assigned to shares of subgroups; everyone else does not train.

    Rules apply in order; a person follows the first rule whose subgroup they belong to and
    whose share their uptake number falls under. The uptake number is one keyed uniform per
    person, shared by every scenario (common random numbers): the 30 % who train in one
    scenario are among the 50 % who train in another.
    """

    name: Annotated[str, Field(min_length=1)]
    programs: list[ProgramShare] = Field(default_factory=list)


class PopulationRunSpec(_Frozen):
    """A population run: who (structure + baseline keys), how long, which what-ifs."""

    name: str = "population"
    persons: Annotated[int, _between(1, 100_000_000)]
    years: Annotated[int, _between(1, 50)]
    draws: Annotated[int, _between(1, 1000)] = 20
    seed: int = 0
    structure: str = "nl_2024_50plus"
    population: Baseline = Baseline()
    reference: str | None = None  # the scenario others are compared with; default the first
    scenarios: Annotated[list[Scenario], Field(min_length=1)]

    @model_validator(mode="after")
    def _check(self) -> Self:
        names = [s.name for s in self.scenarios]
        for i, name in enumerate(names):
            if name in names[:i]:
                raise _fail(f"duplicate scenario name {name!r}", "scenarios", i, "name")
        if self.reference is not None and self.reference not in names:
            raise _fail(f"{self.reference!r} is not a scenario name", "reference")
        if self.draws > self.persons:
            raise _fail(f"{self.draws} draws need at least as many persons", "draws")
        from myotwin.population.structure import load_structure

        try:
            load_structure(self.structure)
        except ValueError as exc:
            raise _fail(str(exc), "structure") from exc
        return self

    @property
    def reference_index(self) -> int:
        names = [s.name for s in self.scenarios]
        return names.index(self.reference) if self.reference is not None else 0


def parse_population(data: Mapping[str, Any]) -> PopulationRunSpec:
    return parse_input(PopulationRunSpec, data, error=PopulationSpecError)


def load_population(path: str | Path, **overrides: Any) -> PopulationRunSpec:
    """A population-run file; a relative `structure` path is read from the file's folder.

    `overrides` (e.g. persons, years, seed) replace the file's top-level keys before
    validation; None values are ignored."""
    data = dict(read_toml(path, error=PopulationSpecError))
    data.update({k: v for k, v in overrides.items() if v is not None})
    structure = data.get("structure")
    if isinstance(structure, str) and structure.endswith(".csv"):
        candidate = Path(path).parent / structure
        if candidate.is_file():
            data["structure"] = str(candidate)
    return parse_population(data)
