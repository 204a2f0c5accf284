"""The in-silico trial file: the contract of ../shared/TRIAL-SPEC.md, validated once.

`load_trial` reads a trial file (or its text) into a frozen `TrialSpec`; a file that breaks the
contract raises `TrialSpecError`, whose message is one line naming the offending key (dotted
path such as ``arms.0.exercises.1.exercise`` or ``published.2.statistic``) and why.

Decision: a trial arm is a `Program` without `weeks`, `progression` and `rest_seconds`. The
trial's `weeks` is the only duration (`train_weeks` may end training earlier), and progression
and rest intervals are not part of the contract, so these keys in an ``[[arms]]`` table (or, for
`rest_seconds`, in its exercises) are unknown keys.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, model_validator

from myotwin.inputs import (
    STABLE,
    Distribution,
    EnergyBalance,
    InputError,
    Program,
    _between,
    _fail,
    _Frozen,
    _number,
    _out_of_range,
    _quoted,
    _show,
    distribution_parser,
    parse_input,
    read_toml,
    weeks_to_days,
)
from myotwin.outcomes import Kind, Outcome, UnknownOutcomeError, lookup

__all__ = [
    "CONTRAST_STATISTICS",
    "PER_ARM_STATISTICS",
    "RATIO_STATISTICS",
    "SD_STATISTICS",
    "PopulationKeys",
    "PopulationSpec",
    "Published",
    "SexMix",
    "Statistic",
    "TrialSpec",
    "TrialSpecError",
    "load_trial",
    "parse_trial",
    "with_overrides",
]

Statistic = Literal[
    "change",
    "pct_change",
    "change_diff",
    "pct_change_diff",
    "smd",
    "rate",
    "rate_ratio",
    "proportion",
    "risk_ratio",
    "peak",
]

# TRIAL-SPEC: statistics that fit each outcome kind; anything else is a contract error.
PER_ARM_STATISTICS: dict[Kind, tuple[Statistic, ...]] = {
    "level": ("change", "pct_change"),
    "rate": ("rate",),
    "proportion": ("proportion",),
    "peak": ("peak",),
}
CONTRAST_STATISTICS: dict[Kind, tuple[Statistic, ...]] = {
    "level": ("change_diff", "pct_change_diff", "smd"),
    "rate": ("rate_ratio",),
    "proportion": ("risk_ratio",),
    "peak": (),
}
_CONTRASTS = frozenset(s for group in CONTRAST_STATISTICS.values() for s in group)
RATIO_STATISTICS = frozenset({"rate_ratio", "risk_ratio"})
# Rows that may carry the paper's within-arm SD of the change (or of the peak).
SD_STATISTICS = frozenset({"change", "pct_change", "change_diff", "pct_change_diff", "peak"})
# Percent statistics, which do not exist for outcomes in SD units.
_PCT_STATISTICS = frozenset({"pct_change", "pct_change_diff"})


class TrialSpecError(InputError):
    """A trial file that breaks the contract; one line naming the key and why."""


# --------------------------------------------------------------------------------------------
# Population


class SexMix(_Frozen):
    """A mixed-sex population: each participant is a woman with probability `female`."""

    female: Annotated[float, _between(0, 1)]


def _parse_sex(value: Any) -> Any:
    # Parsed here rather than by a pydantic union, so that errors name "population.sex" and
    # not the union member pydantic tried.
    if value in ("female", "male") or isinstance(value, SexMix):
        return value
    if isinstance(value, Mapping):
        for key in value:
            if key != "female":
                raise _fail("unknown key", key)
        if "female" not in value:
            raise _fail("required key is missing", "female")
        fraction = _number(value["female"], "female")
        reason = _out_of_range(fraction, 0, 1)
        if reason is not None:
            raise _fail(reason, "female")
        return SexMix(female=fraction)
    raise _fail(f'{_show(value)} is not "female", "male" or {{ female = 0..1 }}')


def _dist(lo: float, hi: float) -> BeforeValidator:
    return BeforeValidator(distribution_parser(lo, hi))


_TScoreDist = Annotated[Distribution, _dist(-6, 4)]
_Fraction = Annotated[float, _between(0, 1)]


class _SexAge(_Frozen):
    sex: Annotated[Literal["female", "male"] | SexMix, BeforeValidator(_parse_sex)]
    age_years: Annotated[Distribution, _dist(18, 105)]


class PopulationKeys(_Frozen):
    """The population keys other than sex and age, also those of a population run's
    ``[population]`` table (myotwin.population.spec)."""

    height_cm: Annotated[Distribution, _dist(120, 230)] | None = None
    weight_kg: Annotated[Distribution, _dist(30, 300)] | None = None
    body_fat_pct: Annotated[Distribution, _dist(3, 70)] | None = None
    menopause: Literal["pre", "post", "any"] = "any"
    years_since_menopause: Annotated[Distribution, _dist(-20, 60)] | None = None
    lumbar_spine_t_score: _TScoreDist | None = None
    femoral_neck_t_score: _TScoreDist | None = None
    total_hip_t_score: _TScoreDist | None = None
    diabetes: Literal["none", "prediabetes", "type2"] = "none"
    hba1c_pct: Annotated[Distribution, _dist(3.5, 18)] | None = None
    training_status: Literal["untrained", "trained"] = "untrained"
    cognition: Literal["normal", "mci"] = "normal"
    fall_history: _Fraction | None = None
    prior_fracture: _Fraction | None = None
    energy_balance: Annotated[EnergyBalance, BeforeValidator(EnergyBalance.parse)] = STABLE


# Pydantic puts the last base's fields first: sex and age_years lead, so of several errors
# theirs is the one reported.
class PopulationSpec(PopulationKeys, _SexAge):
    """Who is enrolled (the trial's ``[population]`` table).

    Absent anthropometrics, BMD, fall history and prior fracture come from the model's cited
    age- and sex-specific references (None here). `menopause` "any" (the default) means by
    age and `years_since_menopause`.
    """

    @property
    def female_fraction(self) -> float:
        """The probability that a participant is a woman."""
        if isinstance(self.sex, SexMix):
            return self.sex.female
        return 1.0 if self.sex == "female" else 0.0

    @model_validator(mode="after")
    def _check(self) -> Self:
        # Keys the population makes meaningless (TRIAL-SPEC): menopause keys without women.
        if self.female_fraction == 0.0:
            for key in ("menopause", "years_since_menopause"):
                if key in self.model_fields_set and getattr(self, key) is not None:
                    raise _fail(f"{key} is for women only (sex = {_show(self.sex)})", key)
        years = self.years_since_menopause
        # Every draw contradicting the stated status is as meaningless (negative = pre).
        if years is not None and self.menopause == "pre" and years.low >= 0:
            raise _fail(
                f'{_show(years.low)}..{_show(years.high)} contradicts menopause = "pre" '
                "(negative: years until menopause)",
                "years_since_menopause",
            )
        if years is not None and self.menopause == "post" and years.high < 0:
            raise _fail(
                f'{_show(years.low)}..{_show(years.high)} contradicts menopause = "post" '
                "(negative: years until menopause)",
                "years_since_menopause",
            )
        return self


# --------------------------------------------------------------------------------------------
# Published results


class Published(_Frozen):
    """A published result held beside the model's prediction (a ``[[published]]`` table)."""

    arm: str
    versus: str | None = None
    outcome: str
    statistic: Statistic
    value: float
    lo95: float | None = None
    hi95: float | None = None
    sd: Annotated[float, _between(0, None, lo_open=True)] | None = None
    source: str | None = None

    @property
    def is_contrast(self) -> bool:
        """True for an arm-versus-control statistic."""
        return self.statistic in _CONTRASTS

    @model_validator(mode="after")
    def _check(self) -> Self:
        stat = _show(self.statistic)
        if self.is_contrast and self.versus is None:
            raise _fail(f"required key is missing: {stat} is a contrast statistic", "versus")
        if not self.is_contrast and self.versus is not None:
            raise _fail(
                f"{_show(self.versus)} given with {stat}, a per-arm statistic "
                f"(contrasts: {_quoted(sorted(_CONTRASTS))})",
                "versus",
            )
        if self.lo95 is not None and self.hi95 is None:
            raise _fail(f"{_show(self.lo95)} given without hi95 (give both or neither)", "lo95")
        if self.hi95 is not None and self.lo95 is None:
            raise _fail(f"{_show(self.hi95)} given without lo95 (give both or neither)", "hi95")
        if self.lo95 is not None and self.lo95 > self.value:
            raise _fail(f"{_show(self.lo95)} is above value ({_show(self.value)})", "lo95")
        if self.hi95 is not None and self.hi95 < self.value:
            raise _fail(f"{_show(self.hi95)} is below value ({_show(self.value)})", "hi95")
        if self.statistic in RATIO_STATISTICS and self.lo95 is not None and self.lo95 <= 0:
            raise _fail(f"{_show(self.lo95)} must be > 0 for a ratio ({stat})", "lo95")
        if self.sd is not None and self.statistic not in SD_STATISTICS:
            raise _fail(
                f"{_show(self.sd)} given on a {stat} row (sd only on "
                f"{_quoted(sorted(SD_STATISTICS))} rows)",
                "sd",
            )
        return self


# --------------------------------------------------------------------------------------------
# The trial


def _check_outcomes(names: list[str]) -> list[str]:
    if not names:
        raise _fail("at least one outcome is required")
    seen: set[str] = set()
    for i, name in enumerate(names):
        try:
            lookup(name)
        except UnknownOutcomeError as exc:
            raise _fail(str(exc), i) from None
        if name in seen:
            raise _fail(f"{_show(name)} is listed twice", i)
        seen.add(name)
    return names


# Program-file keys an arm may not carry, and why (TRIAL-SPEC lists the arm keys).
_FILE_ONLY_ARM_KEYS = {
    "weeks": "a trial arm takes the trial's weeks; train_weeks ends training earlier",
    "progression": "not a trial arm key",
    "rest_seconds": "not a trial arm key; program files only",
}


def _check_arm_keys(arms: Any) -> Any:
    # A trial arm takes the trial's weeks and has no progression (see module docstring).
    if isinstance(arms, list):
        for i, arm in enumerate(arms):
            for key in _FILE_ONLY_ARM_KEYS:
                given = key in arm if isinstance(arm, Mapping) else None
                if isinstance(arm, Program):
                    given = getattr(arm, key) is not None
                if given:
                    raise _fail(f"unknown key ({_FILE_ONLY_ARM_KEYS[key]})", i, key)
            exercises = arm.exercises if isinstance(arm, Program) else None
            if isinstance(arm, Mapping) and isinstance(arm.get("exercises"), list):
                exercises = arm["exercises"]
            for j, e in enumerate(exercises or ()):
                if (isinstance(e, Mapping) and "rest_seconds" in e) or (
                    getattr(e, "rest_seconds", None) is not None
                ):
                    reason = _FILE_ONLY_ARM_KEYS["rest_seconds"]
                    raise _fail(f"unknown key ({reason})", i, "exercises", j, "rest_seconds")
    return arms


def _check_arms(arms: list[Program]) -> list[Program]:
    if not arms:
        raise _fail("at least one arm is required")
    first: dict[str, int] = {}
    for i, arm in enumerate(arms):
        if arm.name in first:
            raise _fail(f"{_show(arm.name)} is the name of arms.{first[arm.name]} too", i, "name")
        first[arm.name] = i
    return arms


class TrialSpec(_Frozen):
    """An in-silico trial: population, arms, duration, outcomes and published results."""

    name: str
    citation: str | None = None
    weeks: Annotated[float, _between(1, 1040)]
    participants_per_arm: Annotated[int, _between(1, 100_000)]
    replicates: Annotated[int, _between(1, 10_000)] = 200
    seed: Annotated[int, _between(0)] = 0
    control: str | None = None
    outcomes: Annotated[list[str], AfterValidator(_check_outcomes)]
    population: PopulationSpec
    arms: Annotated[list[Program], BeforeValidator(_check_arm_keys), AfterValidator(_check_arms)]
    published: list[Published] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Self:
        names = [arm.name for arm in self.arms]
        if self.control is None and len(self.arms) >= 2:
            raise _fail(f"required key is missing: {len(self.arms)} arms need a control", "control")
        if self.control is not None and self.control not in names:
            raise _fail(f"{_show(self.control)} names no arm (arms: {_quoted(names)})", "control")
        for i, arm in enumerate(self.arms):
            if arm.train_weeks is not None and arm.train_weeks > self.weeks:
                raise _fail(
                    f"{_show(arm.train_weeks)} is more than the trial's weeks "
                    f"({_show(self.weeks)})",
                    "arms",
                    i,
                    "train_weeks",
                )
        for i, row in enumerate(self.published):
            self._check_published(i, row, names)
        return self

    def _check_published(self, i: int, row: Published, names: list[str]) -> None:
        where = ("published", i)
        if row.arm not in names:
            raise _fail(f"{_show(row.arm)} names no arm (arms: {_quoted(names)})", *where, "arm")
        if row.versus is not None and row.versus != self.control_arm:
            raise _fail(
                f"{_show(row.versus)} is not the control arm ({_show(self.control_arm)})",
                *where,
                "versus",
            )
        if row.is_contrast and row.arm == self.control_arm:
            raise _fail(
                f"{_show(row.arm)} is the control arm: a contrast compares another arm with it",
                *where,
                "arm",
            )
        if row.outcome not in self.outcomes:
            raise _fail(f"{_show(row.outcome)} is not in outcomes", *where, "outcome")
        outcome = lookup(row.outcome)
        fits = PER_ARM_STATISTICS[outcome.kind] + CONTRAST_STATISTICS[outcome.kind]
        if row.statistic not in fits:
            raise _fail(
                f"{_show(row.statistic)} does not fit {_show(row.outcome)}, a {outcome.kind} "
                f"outcome (statistics: {_quoted(fits)})",
                *where,
                "statistic",
            )
        if row.statistic in _PCT_STATISTICS and outcome.sd_units:
            raise _fail(
                f"{_show(row.statistic)} does not exist for {_show(row.outcome)}, "
                "measured in SD units (use change, change_diff or smd)",
                *where,
                "statistic",
            )

    @property
    def control_arm(self) -> str:
        """The reference arm: `control`, or the only arm when it is not given."""
        return self.control if self.control is not None else self.arms[0].name

    @property
    def days(self) -> int:
        """D = floor(7 × weeks + 0.5): end values are measured on the morning of day D."""
        return weeks_to_days(self.weeks)

    def train_days(self, arm: Program | str) -> int:
        """The arm's training days: floor(7 × train_weeks + 0.5), default D."""
        program = self.arm(arm) if isinstance(arm, str) else arm
        return program.train_days(self.weeks)

    def arm(self, name: str) -> Program:
        """The arm called `name` (KeyError if none)."""
        for program in self.arms:
            if program.name == name:
                return program
        raise KeyError(name)

    def outcome_info(self) -> tuple[Outcome, ...]:
        """The requested outcomes, in order, with kind and unit."""
        return tuple(lookup(name) for name in self.outcomes)


# --------------------------------------------------------------------------------------------
# Loading


def parse_trial(data: Mapping[str, Any]) -> TrialSpec:
    """A `TrialSpec` from a parsed TOML document; `TrialSpecError` if it breaks the contract."""
    return parse_input(TrialSpec, data, error=TrialSpecError)


def _is_text(source: str | Path) -> bool:
    # TOML text always has a newline or a "=" and a file name practically never does; a name
    # that exists as a file is a file whatever it contains.
    if isinstance(source, Path):
        return False
    return "\n" in source or ("=" in source and not Path(source).is_file())


def load_trial(path_or_text: str | Path) -> TrialSpec:
    """A trial file, or the TOML text of one, validated against TRIAL-SPEC."""
    if _is_text(path_or_text):
        try:
            data = tomllib.loads(str(path_or_text))
        except tomllib.TOMLDecodeError as exc:
            raise TrialSpecError(f"<text>: cannot read: {exc}") from exc
    else:
        data = read_toml(path_or_text, error=TrialSpecError)
    return parse_trial(data)


def with_overrides(
    spec: TrialSpec,
    replicates: int | None = None,
    seed: int | None = None,
    participants: int | None = None,
) -> TrialSpec:
    """`spec` with the command line's ``--replicates``, ``--seed``, ``--participants``.

    The result is validated again, so an out-of-range override raises `TrialSpecError`
    naming the file key it replaces (``replicates``, ``seed``, ``participants_per_arm``).
    """
    data: dict[str, Any] = dict(spec)  # field -> validated value; instances pass unchanged
    for key, value in (
        ("replicates", replicates),
        ("seed", seed),
        ("participants_per_arm", participants),
    ):
        if value is not None:
            data[key] = value
    try:
        return TrialSpec.model_validate(data)
    except ValidationError as exc:
        raise TrialSpecError.from_validation_error(exc) from exc
