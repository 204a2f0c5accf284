"""Validated inputs: a person, a training program and a training log (DESIGN.md, layer 1).

Everything that enters the model passes through these frozen pydantic models: physiological
ranges, choices and cross-field rules are checked once here, so nothing downstream re-checks.
Every failure surfaces as one `InputError` whose message is one line naming the dotted key path,
the offending value and what is allowed, e.g. ``exercises.0.sets: 25 is out of range 1..20``.

The trial file (`myotwin.trial.spec`) reuses `Program`, `EnergyBalance`, the distribution parser
and the error conversion defined here.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tomllib
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

__all__ = [
    "DEFAULT_REST_SECONDS",
    "DURATION_SET_KEYS",
    "LOAD_RANGES",
    "MENOPAUSE_DEFAULT_AGE_YEARS",
    "SET_MINUTES",
    "STABLE",
    "STRENGTH_SET_KEYS",
    "Distribution",
    "EnergyBalance",
    "ExerciseEntry",
    "FixedIntake",
    "InputError",
    "Load",
    "LoadKind",
    "LoggedExercise",
    "LoggedSession",
    "LoggedSet",
    "Person",
    "Program",
    "Progression",
    "TrainingLog",
    "distribution_parser",
    "load_person",
    "load_program",
    "load_training_log",
    "parse_input",
    "read_toml",
    "set_minutes",
    "validation_error_line",
    "weeks_to_days",
]

# Median age at natural menopause is about 51 years (McKinlay SM, Brambilla DJ, Posner JG.
# The normal menopause transition. Maturitas 1992;14:103-15: median 51.3 y). An input default
# for a woman whose menopausal status is not given, not a model parameter.
MENOPAUSE_DEFAULT_AGE_YEARS = 51.0

# Rest between sets when a program gives none: 90 s, inside the 1-2 min of hypertrophy-oriented
# programs (de Salles BF et al. Rest interval between sets in strength training. Sports Med
# 2009;39:765-77). An input default, not a model parameter: the hormone amplitudes are those at
# this rest, so a program without `rest_seconds` gives the calibrated response.
DEFAULT_REST_SECONDS = 90.0
REST_SECONDS_RANGE = (15, 600)
# Working time of one set (about 10 repetitions at 2-3 s each); with the default rest a set takes
# TRIAL-SPEC's "about 2 minutes per set" (minutes_per_session's default).
SET_WORK_MINUTES = 0.5


def set_minutes(rest_seconds: float) -> float:
    """Minutes one strength set takes in a session: its work plus the rest after it."""
    return SET_WORK_MINUTES + rest_seconds / 60.0


SET_MINUTES = set_minutes(DEFAULT_REST_SECONDS)  # 2.0

# Allowed range of each load form (TRIAL-SPEC, "File format").
LOAD_RANGES: dict[str, tuple[float, float]] = {
    "one_rm_fraction": (0.2, 1.0),
    "rpe": (1, 10),
    "rir": (0, 10),
    "kg": (0, 500),
}
STRENGTH_SET_KEYS = ("sets", "reps", "load")
DURATION_SET_KEYS = ("minutes",)

LoadKind = Literal["one_rm_fraction", "rpe", "rir", "kg", "bodyweight"]
Sex = Literal["female", "male"]

_INPUT_TYPE = "myotwin"  # pydantic error type of the errors raised by this package's validators


# --------------------------------------------------------------------------------------------
# Errors


class InputError(ValueError):
    """An invalid input; ``str(error)`` is one line naming the key, the value and what is allowed.

    `key` is the dotted key path (``exercises.2.load.one_rm_fraction``) when one applies.
    """

    def __init__(self, message: str, *, key: str | None = None) -> None:
        # One line, always: the CLI prints it as the single line on standard error.
        super().__init__(" ".join(message.splitlines()))
        self.key = key

    @classmethod
    def from_validation_error(cls, error: ValidationError) -> Self:
        """The first error of a pydantic `ValidationError`, as one line."""
        key, reason = _first_error(error)
        return cls(f"{key}: {reason}" if key else reason, key=key or None)


def validation_error_line(error: ValidationError) -> str:
    """One line for a pydantic `ValidationError`: ``key.path: value ... allowed``."""
    return str(InputError.from_validation_error(error))


def _fail(message: str, *subpath: str | int) -> PydanticCustomError:
    """An error for a validator to raise; `subpath` extends the key path of the failing value.

    Model validators run at the model's own key, so the field they blame is given as `subpath`.
    """
    return PydanticCustomError(_INPUT_TYPE, "{message}", {"message": message, "subpath": subpath})


def _first_error(error: ValidationError) -> tuple[str, str]:
    errors = error.errors()
    # An unknown key explains a "missing" one (a typo), so it is reported first.
    chosen = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    loc: tuple[Any, ...] = tuple(
        part
        for i, part in enumerate(chosen["loc"])
        if not (part in _UNION_TAGS and i > 0 and chosen["loc"][i - 1] == "energy_balance")
    )
    ctx = chosen.get("ctx") or {}
    if chosen["type"] == _INPUT_TYPE:
        loc += tuple(ctx.get("subpath", ()))
        reason = str(ctx.get("message", chosen["msg"]))
    else:
        reason = _reason(chosen["type"], chosen.get("input"), ctx, chosen["msg"])
    return ".".join(str(part) for part in loc), reason


def _reason(kind: str, value: Any, ctx: Mapping[str, Any], msg: str) -> str:
    shown = _show(value)
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind in ("float_type", "float_parsing"):
        return f"{shown} is not a number"
    if kind == "finite_number":
        return f"{shown} is not a finite number"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"{shown} is not a whole number"
    if kind in ("bool_type", "bool_parsing"):
        return f"{shown} is not true or false"
    if kind in ("string_type", "string_sub_type"):
        return f"{shown} is not text"
    if kind == "literal_error":
        return f"{shown} is not one of {str(ctx.get('expected', '')).replace(chr(39), chr(34))}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"{shown} is not a table"
    if kind in ("list_type", "tuple_type"):
        return f"{shown} is not a list"
    if kind.startswith(("date_", "datetime_")):
        return f"{shown} is not a date (YYYY-MM-DD)"
    return f"{shown}: {msg}"


def _show(value: Any, limit: int = 60) -> str:
    """A value as it reads in a TOML file (strings quoted, true/false), shortened."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        text = str(int(value))  # validated numbers are floats: 25.0 was written 25
    elif isinstance(value, int | float):
        text = repr(value)
    elif isinstance(value, Mapping):
        items = ", ".join(f"{k} = {_show(v, limit)}" for k, v in value.items())
        text = f"{{ {items} }}" if items else "{}"
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(_show(v, limit) for v in value) + "]"
    elif isinstance(value, BaseModel):
        text = _show(value.model_dump(), limit)
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------------------------
# Small validation helpers shared with the trial spec


def _range_text(lo: float, hi: float | None, lo_open: bool = False) -> str:
    if hi is None:
        return f"> {lo}" if lo_open else f">= {lo}"
    return f"({lo}, {hi}]" if lo_open else f"{lo}..{hi}"


def _out_of_range(value: float, lo: float, hi: float | None, lo_open: bool = False) -> str | None:
    """The reason `value` is outside its range, or None. NaN is never inside."""
    above_lo = value > lo if lo_open else value >= lo
    below_hi = True if hi is None else value <= hi
    if above_lo and below_hi:
        return None
    if hi is None:
        return f"{_show(value)} must be {_range_text(lo, hi, lo_open)}"
    return f"{_show(value)} is out of range {_range_text(lo, hi, lo_open)}"


def _between(lo: float, hi: float | None = None, *, lo_open: bool = False) -> WrapValidator:
    """A range check for an `Annotated` number field: ``value in lo..hi`` (or ``(lo, hi]``)."""

    def check(raw: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        value = handler(raw)  # the type check first
        if _out_of_range(value, lo, hi, lo_open) is not None:
            # Reported with the value as written (25, not 25.0).
            raise _fail(str(_out_of_range(raw, lo, hi, lo_open)))
        return value

    return WrapValidator(check)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _number(value: Any, *subpath: str | int) -> float:
    """A finite number from a raw TOML value (bool is not a number)."""
    if not _is_number(value):
        raise _fail(f"{_show(value)} is not a number", *subpath)
    if not math.isfinite(value):
        raise _fail(f"{_show(value)} is not a finite number", *subpath)
    return float(value)


def _check_keys(data: Mapping[str, Any], allowed: Collection[str], *subpath: str | int) -> None:
    for key in data:
        if key not in allowed:
            raise _fail("unknown key", *subpath, key)


def _quoted(names: Collection[str]) -> str:
    return ", ".join(json.dumps(n) for n in names)


def weeks_to_days(weeks: float) -> int:
    """TRIAL-SPEC "Time": D = floor(7 × weeks + 0.5)."""
    return math.floor(7.0 * weeks + 0.5)


class _Frozen(BaseModel):
    # strict: TOML values are already typed, so "3" is never silently a number and 3.0 never
    # an integer count; allow_inf_nan: TOML's nan/inf are never physiological values.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


# --------------------------------------------------------------------------------------------
# Distributions (population keys of a trial; kept here beside the other number parsers)


class Distribution(_Frozen):
    """A normal with `mean` and `sd` before truncation, redrawn until inside [`low`, `high`].

    `low`/`high` are the file's ``min``/``max`` intersected with the key's allowed range, so
    they are always finite. A fixed value has ``sd = 0``.
    """

    mean: float
    sd: Annotated[float, _between(0)] = 0.0
    low: float
    high: float

    @property
    def fixed(self) -> bool:
        """True when every draw is `mean`."""
        return self.sd == 0.0

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.low > self.high:
            raise _fail(f"{_show(self.low)} is more than high ({_show(self.high)})", "low")
        return self


def distribution_parser(lo: float, hi: float) -> Callable[[Any], Any]:
    """A before-validator: a number or ``{mean, sd, min?, max?}`` → `Distribution` in lo..hi."""

    def parse(value: Any) -> Any:
        if isinstance(value, Distribution):
            value = {"mean": value.mean, "sd": value.sd, "min": value.low, "max": value.high}
        if _is_number(value):
            mean = _number(value)
            reason = _out_of_range(mean, lo, hi)
            if reason is not None:
                raise _fail(reason)
            return Distribution(mean=mean, sd=0.0, low=lo, high=hi)
        if not isinstance(value, Mapping):
            raise _fail(f"{_show(value)} is not a number or {{ mean, sd, min?, max? }}")
        _check_keys(value, ("mean", "sd", "min", "max"))
        for key in ("mean", "sd"):
            if key not in value:
                raise _fail("required key is missing", key)
        mean = _number(value["mean"], "mean")
        sd = _number(value["sd"], "sd")
        if sd < 0:
            raise _fail(f"{_show(sd)} must be >= 0", "sd")
        given_min = _number(value["min"], "min") if "min" in value else None
        given_max = _number(value["max"], "max") if "max" in value else None
        if given_min is not None and given_max is not None and given_min > given_max:
            raise _fail(f"{_show(given_min)} is more than max ({_show(given_max)})", "min")
        # Limits outside the allowed range are clipped to it; only an empty result is an error.
        if given_min is not None and given_min > hi:
            raise _fail(f"{_show(given_min)} is out of range {lo}..{hi}", "min")
        if given_max is not None and given_max < lo:
            raise _fail(f"{_show(given_max)} is out of range {lo}..{hi}", "max")
        low = lo if given_min is None else max(lo, given_min)
        high = hi if given_max is None else min(hi, given_max)
        if sd == 0.0 and not low <= mean <= high:
            raise _fail(f"{_show(mean)} is out of range {_show(low)}..{_show(high)}", "mean")
        # A mean more than 6 SD outside the limits leaves (almost) no mass to draw from: a
        # truncated-normal sampler would never return. 6 SD: a mass below 1e-9.
        if sd > 0.0 and (mean < low - 6.0 * sd or mean > high + 6.0 * sd):
            raise _fail(
                f"{_show(mean)} with sd {_show(sd)} leaves almost no values inside "
                f"{_show(low)}..{_show(high)}",
                "mean",
            )
        return Distribution(mean=mean, sd=sd, low=low, high=high)

    return parse


# --------------------------------------------------------------------------------------------
# Program


def _check_exercise_id(value: str) -> str:
    from myotwin.catalogue import CATALOGUE  # lazy: the catalogue loads a data file

    if value in CATALOGUE:
        return value
    hint = CATALOGUE.resolve(value)
    suggestion = f"; did you mean {json.dumps(hint)}?" if hint is not None else ""
    raise _fail(f"unknown exercise {_show(value)} (not an exercise catalogue id{suggestion})")


def _is_duration(exercise: str) -> bool:
    from myotwin.catalogue import CATALOGUE

    return bool(CATALOGUE.is_duration(exercise))


class Load(_Frozen):
    """A set's load: a fraction of 1RM, an RPE, reps in reserve, kilograms or body weight.

    TOML forms: ``{ one_rm_fraction = 0.85 }`` (0.2..1.0), ``{ rpe = 8 }`` (1..10),
    ``{ rir = 2 }`` (0..10), ``{ kg = 20 }`` (0..500) or ``"bodyweight"`` (value None).
    """

    kind: LoadKind
    value: float | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.kind == "bodyweight":
            if self.value is not None:
                raise _fail(f"{_show(self.value)}: a bodyweight load takes no value", "value")
            return self
        if self.value is None:
            raise _fail(f"a {self.kind} load needs a value", "value")
        lo, hi = LOAD_RANGES[self.kind]
        reason = _out_of_range(self.value, lo, hi)
        if reason is not None:
            raise _fail(reason, self.kind)
        return self

    @classmethod
    def parse(cls, value: Any) -> Any:
        """The TOML form of a load → `Load` (a before-validator; `Load` instances pass)."""
        if isinstance(value, Load):
            return value
        if value == "bodyweight":
            return cls(kind="bodyweight")
        if not isinstance(value, Mapping):
            raise _fail(
                f'{_show(value)} is not a load: "bodyweight" or one of '
                "{ one_rm_fraction = 0.2..1.0 }, { rpe = 1..10 }, { rir = 0..10 }, { kg = 0..500 }"
            )
        _check_keys(value, LOAD_RANGES)
        if len(value) != 1:
            raise _fail(f"{_show(value)}: give exactly one of {', '.join(LOAD_RANGES)}")
        ((kind, raw),) = value.items()
        number = _number(raw, kind)
        lo, hi = LOAD_RANGES[kind]
        reason = _out_of_range(number, lo, hi)
        if reason is not None:
            raise _fail(reason, kind)
        return cls(kind=kind, value=number)


class ExerciseEntry(_Frozen):
    """One exercise of a session: `sets`, `reps`, `load` for strength ids, `minutes` for
    duration ids (balance_training, tai_chi, stretching, walking, cycling, plank)."""

    exercise: Annotated[str, AfterValidator(_check_exercise_id)]
    sets: Annotated[int, _between(1, 20)] | None = None
    reps: Annotated[int, _between(1, 100)] | None = None
    load: Annotated[Load, BeforeValidator(Load.parse)] | None = None
    minutes: Annotated[float, _between(1, 240)] | None = None
    rest_seconds: Annotated[float, _between(*REST_SECONDS_RANGE)] | None = None

    @property
    def is_duration(self) -> bool:
        """True for a duration exercise (minutes instead of sets, reps and load)."""
        return self.minutes is not None

    @model_validator(mode="after")
    def _check_keys_for_kind(self) -> Self:
        name = _show(self.exercise)
        if _is_duration(self.exercise):
            for key in STRENGTH_SET_KEYS:
                if getattr(self, key) is not None:
                    raise _fail(f"{name} is a duration exercise: give minutes, not {key}", key)
            if self.minutes is None:
                raise _fail(f"required key is missing: {name} is a duration exercise", "minutes")
            if self.rest_seconds is not None:
                raise _fail(
                    f"{name} is a duration exercise: it has no sets to rest between", "rest_seconds"
                )
            return self
        if self.minutes is not None:
            raise _fail(f"{name} takes sets, reps and load, not minutes", "minutes")
        for key in STRENGTH_SET_KEYS:
            if getattr(self, key) is None:
                raise _fail(f"required key is missing: {name} takes sets, reps and load", key)
        return self


class EnergyBalance(_Frozen):
    """Daily intake = maintenance intake − `deficit_kcal_per_day` (negative: a surplus).

    TRIAL-SPEC's ``"stable"`` is intake = maintenance, i.e. a deficit of 0; it is stored so.
    """

    deficit_kcal_per_day: Annotated[float, _between(-1500, 1500)]

    @property
    def stable(self) -> bool:
        """True for ``"stable"`` (no deficit, no surplus)."""
        return self.deficit_kcal_per_day == 0.0

    @classmethod
    def parse(cls, value: Any) -> Any:
        """``"stable"`` or ``{ deficit_kcal_per_day = X }`` → `EnergyBalance` (before-validator)."""
        if value == "stable":
            return STABLE
        if isinstance(value, EnergyBalance | Mapping):
            return value  # a table is checked by the model itself
        raise _fail(f'{_show(value)} is not "stable" or {{ deficit_kcal_per_day = -1500..1500 }}')


STABLE = EnergyBalance(deficit_kcal_per_day=0.0)


class FixedIntake(_Frozen):
    """A fixed daily energy intake, whatever the body needs (a person file, the Python API and
    `simulate`; not a trial key: TRIAL-SPEC's intake follows maintenance)."""

    intake_kcal_per_day: Annotated[float, _between(500, 8000)]


def _intake_kind(value: Any) -> str:
    fixed = isinstance(value, FixedIntake) or (
        isinstance(value, Mapping) and "intake_kcal_per_day" in value
    )
    return "fixed" if fixed else "balance"


# A person's intake: TRIAL-SPEC's forms or a fixed intake. The tags only pick the form; they
# are left out of error key paths.
Intake = Annotated[
    Annotated[FixedIntake, Tag("fixed")]
    | Annotated[EnergyBalance, BeforeValidator(EnergyBalance.parse), Tag("balance")],
    Discriminator(_intake_kind),
]
_UNION_TAGS = ("fixed", "balance")


class Progression(_Frozen):
    """Load progression of a program file: the load rises this many percent per week."""

    load_percent_per_week: Annotated[float, _between(0, 10)]


class Program(_Frozen):
    """A training program: one trial ``[[arms]]`` entry, or a standalone program file.

    `weeks` and `progression` belong to program files only; a trial arm takes the trial's
    weeks and may not carry them (checked by the trial spec).
    """

    name: str = "program"
    sessions_per_week: Annotated[float, _between(0, 14)]
    minutes_per_session: Annotated[float, _between(1, 240)] | None = None
    # Rest between sets of every strength exercise (an exercise's own `rest_seconds` wins).
    rest_seconds: Annotated[float, _between(*REST_SECONDS_RANGE)] | None = None
    adherence: Annotated[float, _between(0, 1)] = 1.0
    exercises: list[ExerciseEntry] = Field(default_factory=list)
    energy_balance: Annotated[EnergyBalance, BeforeValidator(EnergyBalance.parse)] | None = None
    weeks: Annotated[float, _between(1, 1040)] | None = None
    train_weeks: Annotated[float, _between(0, None, lo_open=True)] | None = None
    progression: Progression | None = None

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.sessions_per_week == 0 and self.exercises:
            raise _fail(
                f"{len(self.exercises)} exercise(s) given with sessions_per_week = 0 "
                "(no program): remove them or set sessions_per_week",
                "exercises",
            )
        if self.sessions_per_week > 0 and not self.exercises:
            raise _fail(
                f"sessions_per_week = {_show(self.sessions_per_week)} but no exercises are given",
                "exercises",
            )
        weeks, train_weeks = self.weeks, self.train_weeks
        if weeks is not None and train_weeks is not None and train_weeks > weeks:
            raise _fail(f"{_show(train_weeks)} is more than weeks ({_show(weeks)})", "train_weeks")
        return self

    def rest_for(self, e: ExerciseEntry) -> float:
        """Seconds of rest between the sets of `e`: its own, else the program's, else 90 s."""
        if e.rest_seconds is not None:
            return e.rest_seconds
        return DEFAULT_REST_SECONDS if self.rest_seconds is None else self.rest_seconds

    @property
    def session_minutes(self) -> float:
        """Minutes per session: as given, else each set's work and rest (about 2 minutes with
        the default rest) plus the duration entries."""
        if self.minutes_per_session is not None:
            return self.minutes_per_session
        return float(
            sum(
                e.minutes
                if e.minutes is not None
                else set_minutes(self.rest_for(e)) * (e.sets or 0)
                for e in self.exercises
            )
        )

    def train_days(self, weeks: float | None = None) -> int:
        """Days with training: floor(7 × train_weeks + 0.5), default D of `weeks`.

        `weeks` is the trial's (or this file's `weeks` when not given).
        """
        total = self.weeks if weeks is None else weeks
        if self.train_weeks is not None:
            return weeks_to_days(self.train_weeks)
        if total is None:
            raise ValueError("train_days needs weeks: the program has no weeks of its own")
        return weeks_to_days(total)


# --------------------------------------------------------------------------------------------
# Person

_SITES = ("lumbar_spine", "femoral_neck", "total_hip")
_TScore = Annotated[float, _between(-6, 4)]
_Bmd = Annotated[float, _between(0.2, 2.0)]


class Person(_Frozen):
    """One person's profile (a person file), the trial population's keys with single values.

    Height, weight, body fat and BMD stay None when absent: the model fills them from its cited
    references for age and sex. A woman's `menopause` defaults from `years_since_menopause`
    when given (negative: pre), else from age (post at >= `MENOPAUSE_DEFAULT_AGE_YEARS`).
    """

    name: str | None = None
    age_years: Annotated[float, _between(18, 105)]
    sex: Sex
    height_cm: Annotated[float, _between(120, 230)] | None = None
    weight_kg: Annotated[float, _between(30, 300)] | None = None
    body_fat_pct: Annotated[float, _between(3, 70)] | None = None
    menopause: Literal["pre", "post"] | None = None
    years_since_menopause: Annotated[float, _between(-20, 60)] | None = None
    lumbar_spine_t_score: _TScore | None = None
    femoral_neck_t_score: _TScore | None = None
    total_hip_t_score: _TScore | None = None
    lumbar_spine_bmd: _Bmd | None = None
    femoral_neck_bmd: _Bmd | None = None
    total_hip_bmd: _Bmd | None = None
    diabetes: Literal["none", "prediabetes", "type2"] = "none"
    hba1c_pct: Annotated[float, _between(3.5, 18)] | None = None
    training_status: Literal["untrained", "trained"] = "untrained"
    cognition: Literal["normal", "mci"] = "normal"
    fell_last_year: bool = False
    prior_fracture: bool = False
    energy_balance: Intake = STABLE

    @model_validator(mode="before")
    @classmethod
    def _default_menopause(cls, data: Any) -> Any:
        # Filled before field validation so the frozen model never needs mutating; a bad age
        # or years value is still reported by its own field.
        if not isinstance(data, Mapping) or data.get("sex") != "female":
            return data
        if data.get("menopause") is not None:
            return data
        years: Any = data.get("years_since_menopause")
        age: Any = data.get("age_years")
        if _is_number(years):
            status = "post" if years >= 0 else "pre"
        elif _is_number(age):
            status = "post" if age >= MENOPAUSE_DEFAULT_AGE_YEARS else "pre"
        else:
            return data
        return {**data, "menopause": status}

    @model_validator(mode="after")
    def _check(self) -> Self:
        if self.sex == "male":
            for key in ("menopause", "years_since_menopause"):
                if getattr(self, key) is not None:
                    raise _fail(f'{key} is for women only (sex = "male")', key)
        years = self.years_since_menopause
        if years is not None and (self.menopause == "pre") != (years < 0):
            raise _fail(
                f"{_show(years)} contradicts menopause = {_show(self.menopause)} "
                "(negative: years until menopause)",
                "years_since_menopause",
            )
        for site in _SITES:
            if (
                getattr(self, f"{site}_t_score") is not None
                and getattr(self, f"{site}_bmd") is not None
            ):
                raise _fail(f"give {site}_t_score or {site}_bmd, not both", f"{site}_bmd")
        return self


# --------------------------------------------------------------------------------------------
# Training log


class LoggedSet(_Frozen):
    """One performed set: `reps` and `kg` (None: body weight), or `minutes`; optional `rpe`.

    `kg` is the external load; negative is assistance (an assisted pull-up or dip machine),
    taken off the share of body mass the exercise moves.
    """

    reps: Annotated[int, _between(1, 1000)] | None = None
    kg: Annotated[float, _between(-500, 1000)] | None = None
    minutes: Annotated[float, _between(0, 240, lo_open=True)] | None = None
    rpe: Annotated[float, _between(1, 10)] | None = None


class LoggedExercise(_Frozen):
    """The sets of one exercise performed in a session, in order."""

    exercise: Annotated[str, AfterValidator(_check_exercise_id)]
    sets: list[LoggedSet]

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not self.sets:
            raise _fail("at least one set is required", "sets")
        duration = _is_duration(self.exercise)
        for i, performed in enumerate(self.sets):
            name = _show(self.exercise)
            if duration and performed.reps is not None:
                raise _fail(
                    f"{name} is a duration exercise: give minutes, not reps", "sets", i, "reps"
                )
            if duration and performed.minutes is None:
                raise _fail(
                    f"required key is missing: {name} is a duration exercise", "sets", i, "minutes"
                )
            if not duration and performed.minutes is not None:
                raise _fail(f"{name} takes reps, not minutes", "sets", i, "minutes")
            if not duration and performed.reps is None:
                raise _fail(f"required key is missing: {name} takes reps", "sets", i, "reps")
        return self


class LoggedSession(_Frozen):
    """One session on a date."""

    # Not strict: importers read dates from CSV/JSON text (ISO 8601); TOML gives a date already.
    date: dt.date = Field(strict=False)
    exercises: list[LoggedExercise]

    @field_validator("exercises")
    @classmethod
    def _not_empty(cls, value: list[LoggedExercise]) -> list[LoggedExercise]:
        if not value:
            raise _fail("at least one exercise is required")
        return value


class TrainingLog(_Frozen):
    """Dated sessions of performed sets (a workout app export); dates need not be sorted."""

    sessions: list[LoggedSession] = Field(default_factory=list)

    def sorted(self) -> TrainingLog:
        """The same log with sessions in date order (stable for equal dates)."""
        return TrainingLog(sessions=sorted(self.sessions, key=lambda s: s.date))


# --------------------------------------------------------------------------------------------
# Loading

M = TypeVar("M", bound=BaseModel)


def read_toml(path: str | Path, *, error: type[InputError] = InputError) -> dict[str, Any]:
    """The TOML document at `path`; an unreadable file or invalid TOML raises `error`."""
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise error(f"{path}: cannot read: {reason}") from exc


def parse_input(
    model: type[M], data: Mapping[str, Any], *, error: type[InputError] = InputError
) -> M:
    """`model` validated from `data`; any failure raises `error` with its one-line message."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error.from_validation_error(exc) from exc


def load_person(path: str | Path) -> Person:
    """A person file (TOML, top-level keys of `Person`)."""
    return parse_input(Person, read_toml(path))


def load_program(path: str | Path) -> Program:
    """A program file (TOML, top-level keys of `Program`, ``[[exercises]]`` tables)."""
    return parse_input(Program, read_toml(path))


def load_training_log(path: str | Path) -> TrainingLog:
    """A training log file (TOML: ``[[sessions]]`` with `date` and ``[[sessions.exercises]]``)."""
    return parse_input(TrainingLog, read_toml(path))
