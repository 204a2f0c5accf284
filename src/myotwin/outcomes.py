"""The outcome vocabulary of ../shared/OUTCOMES.md: one name, one kind, one unit everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["level", "rate", "proportion", "peak"]
System = Literal["muscle", "bone", "glucose", "energy", "mobility", "brain", "hormones"]


@dataclass(frozen=True)
class Outcome:
    name: str
    kind: Kind
    unit: str
    system: System
    higher_is_better: bool | None = True  # None: neither direction is "better"

    @property
    def sd_units(self) -> bool:
        """Outcomes in SD units (z-scores, T-scores) have no percent change."""
        return self.unit == "SD"


_TABLE: tuple[Outcome, ...] = (
    Outcome("skeletal_muscle_mass", "level", "kg", "muscle"),
    Outcome("lean_mass", "level", "kg", "muscle"),
    Outcome("myokine_signal", "level", "1", "muscle"),
    Outcome("lumbar_spine_bmd", "level", "g/cm2", "bone"),
    Outcome("femoral_neck_bmd", "level", "g/cm2", "bone"),
    Outcome("total_hip_bmd", "level", "g/cm2", "bone"),
    Outcome("lumbar_spine_t_score", "level", "SD", "bone"),
    Outcome("femoral_neck_t_score", "level", "SD", "bone"),
    Outcome("total_hip_t_score", "level", "SD", "bone"),
    Outcome("hip_fracture_risk_10y", "level", "fraction", "bone", False),
    Outcome("major_fracture_risk_10y", "level", "fraction", "bone", False),
    Outcome("hip_fractures", "rate", "per person-year", "mobility", False),
    Outcome("major_fractures", "rate", "per person-year", "mobility", False),
    Outcome("hba1c", "level", "%", "glucose", False),
    Outcome("mean_glucose", "level", "mmol/L", "glucose", False),
    Outcome("fasting_glucose", "level", "mmol/L", "glucose", False),
    Outcome("insulin_sensitivity", "level", "1", "glucose"),
    Outcome("muscle_glycogen", "level", "g/kg", "glucose"),
    Outcome("body_mass", "level", "kg", "energy", None),
    Outcome("fat_mass", "level", "kg", "energy", False),
    Outcome("rmr", "level", "kcal/day", "energy", None),
    Outcome("tdee", "level", "kcal/day", "energy", None),
    Outcome("gait_speed", "level", "m/s", "mobility"),
    Outcome("chair_rise_time", "level", "s", "mobility", False),
    Outcome("balance", "level", "SD", "mobility"),
    Outcome("falls", "rate", "per person-year", "mobility", False),
    Outcome("fallers", "proportion", "fraction", "mobility", False),
    Outcome("hippocampal_volume", "level", "cm3", "brain"),
    Outcome("executive_function", "level", "SD", "brain"),
    Outcome("global_cognition", "level", "SD", "brain"),
    Outcome("depressive_symptoms", "level", "SD", "brain", False),
    Outcome("anxiety_symptoms", "level", "SD", "brain", False),
    Outcome("sleep_quality", "level", "SD", "brain"),
    Outcome("resting_cortisol", "level", "nmol/L", "hormones", None),
    Outcome("resting_testosterone", "level", "nmol/L", "hormones", None),
    Outcome("session_peak:growth_hormone", "peak", "ug/L", "hormones", None),
    Outcome("session_peak:testosterone", "peak", "nmol/L", "hormones", None),
    Outcome("session_peak:cortisol", "peak", "nmol/L", "hormones", None),
    Outcome("session_peak:il6", "peak", "pg/mL", "hormones", None),
)

OUTCOMES: dict[str, Outcome] = {o.name: o for o in _TABLE}
ONE_RM_PREFIX = "one_rm:"


class UnknownOutcomeError(ValueError):
    pass


def lookup(name: str, *, strength_ids: frozenset[str] | None = None) -> Outcome:
    """The outcome called `name`; `one_rm:EXERCISE` is valid for every strength exercise id.

    `strength_ids` defaults to the catalogue's exercises that take sets, reps and load.
    """
    if name in OUTCOMES:
        return OUTCOMES[name]
    if name.startswith(ONE_RM_PREFIX):
        exercise = name[len(ONE_RM_PREFIX) :]
        if strength_ids is None:
            from myotwin.catalogue import CATALOGUE

            strength_ids = CATALOGUE.strength_ids
        if exercise in strength_ids:
            return Outcome(name, "level", "kg", "muscle")
        raise UnknownOutcomeError(
            f"unknown outcome {name!r}: {exercise!r} is not a strength exercise of the catalogue"
        )
    raise UnknownOutcomeError(f"unknown outcome {name!r} (see OUTCOMES.md)")


# Units people see (OUTCOMES.md): Dutch readers get HbA1c in IFCC mmol/mol; data keep %.
IFCC_OFFSET_PCT = 2.15  # mmol/mol = (% - 2.15) x 10.929 (NGSP/IFCC master equation)
IFCC_PER_PCT = 10.929


@dataclass(frozen=True)
class Shown:
    """How a level is shown to people: shown = (value - offset) x factor; a difference of two
    values is shown as difference x factor."""

    unit: str
    offset: float = 0.0
    factor: float = 1.0


def shown(name: str, lang: str) -> Shown:
    if name == "hba1c" and lang == "nl":
        return Shown("mmol/mol", IFCC_OFFSET_PCT, IFCC_PER_PCT)
    return Shown(lookup(name).unit)
