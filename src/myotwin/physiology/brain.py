"""Brain and mood: hippocampal volume, cognition z-scores, depressive and anxiety symptoms, sleep.

No mechanistic model of these effects exists. This module uses latent states with first-order
kinetics calibrated to trials, and says so (parameters and sources in the registry, module
`brain`):

- **Hippocampal volume** falls with age (Fraser 2015: faster with age; Barnes 2009 in older
  controls). Resistance training slows the atrophy (SMART: subfield atrophy slowed, no growth);
  the protection builds over months, persists after training stops and fades over about a year.
  Aerobic growth (Erickson 2011) is not carried over.
- **Executive function and global cognition** (z against sex-specific norms at 70, so they fall
  with age): training adds a latent benefit driven by sessions per week and their intensity,
  calibrated to SMART, fading after stopping.
- **Depressive and anxiety symptoms** (SD units, higher is worse): a latent benefit driven by
  taking part in resistance sessions, not by volume (Gordon 2018, 2017), calibrated to the
  meta-analyses.
- **Sleep quality**: no verified effect of resistance training (the one review is unverified),
  so the training effect is zero with wide uncertainty and marked low certainty.
Only resistance sessions count: stretching or balance work (sham arms) gives no stimulus.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from myotwin.compiled import kernel, pack, per_person, rows
from myotwin.dose import BoolArray, DoseDay
from myotwin.physiology.base import (
    DAYS_PER_YEAR,
    Context,
    FloatArray,
    OrganModel,
    Signals,
    Value,
    evolve,
)

NORM_AGE = 70.0  # OUTCOMES.md: z-scores are against sex-specific norms at age 70
ATROPHY_AGE = 73.0  # the age at which the registry's `atrophy_rate_at_73` is given
LATENTS = ("cognition", "mood", "hippocampus")
WEEK_DECAY = float(np.exp(-1.0 / 7.0))  # sessions smoothed over a week: a weekly frequency
# Rows of the dynamic state matrix `State.level` (rows x persons, stored by person).
SESSIONS, WEIGHTED, LATENT, PROTECTED = 0, 1, 2, 5
LEVEL_ROWS = 6


@dataclass(frozen=True)
class Params:
    hippocampus_at_60_female: Value
    hippocampus_at_60_male: Value
    hippocampus_baseline_cv: Value
    atrophy_rate_at_73: Value
    atrophy_age_slope: Value
    hippocampus_protection: Value
    cognition_decline_per_year: Value
    mci_cognition_offset: Value
    cognition_gain: Value
    executive_gain_ratio: Value
    depression_gain: Value
    anxiety_gain: Value
    sleep_gain: Value
    sessions_half_saturation: Value
    intensity_reference: Value
    onset_tau_days: Value
    cognition_offset_tau_days: Value
    mood_offset_tau_days: Value
    hippocampus_offset_tau_days: Value
    response: Value
    cognition_deviation: Value
    hippocampus_deviation: Value
    mood_deviation: Value


@dataclass(frozen=True, eq=False)
class State:
    female: np.ndarray
    age0: FloatArray
    hippocampus0: FloatArray
    cognition0: FloatArray
    mood0: FloatArray
    packed: FloatArray  # the Params of init, packed for the kernel (`compiled.pack`)
    # (LEVEL_ROWS, n): smoothed sessions, intensity-weighted sessions, the three latents
    # (cognition, mood, hippocampus protection, each 0..1) and the integral of the atrophy
    # avoided through protection (fraction); see the row constants.
    level: FloatArray
    day: int = 0
    active: bool = False

    @property
    def sessions(self) -> FloatArray:
        """Smoothed sessions per week."""
        return self.level[SESSIONS]

    @property
    def weighted(self) -> FloatArray:
        """Smoothed sessions per week, intensity-weighted (for cognition)."""
        return self.level[WEIGHTED]

    @property
    def latent(self) -> FloatArray:
        """(3, n): cognition, mood, hippocampus protection, each 0..1."""
        return self.level[LATENT : LATENT + 3]

    @property
    def protected(self) -> FloatArray:
        """Integral of the atrophy avoided through protection (fraction)."""
        return self.level[PROTECTED]


ROWS = rows(Params)


def init(ctx: Context, p: Params, signals: Signals) -> State:
    persons = ctx.persons
    n = persons.n
    female = persons.female
    age = persons.age_years
    at_60 = np.where(female, p.hippocampus_at_60_female, p.hippocampus_at_60_male)
    # Before 60 volume changes little; the atrophy integral below reaches back only to 60.
    volume = at_60 * np.exp(-(_atrophy_integral(age, p) - _atrophy_integral(np.full(n, 60.0), p)))
    volume = volume * np.exp(p.hippocampus_baseline_cv * p.hippocampus_deviation)
    cognition = (
        p.cognition_decline_per_year * (NORM_AGE - age)
        + np.where(persons.mci, p.mci_cognition_offset, 0.0)
        + p.cognition_deviation
    )
    return State(
        female=female,
        age0=age,
        hippocampus0=volume,
        cognition0=cognition,
        mood0=per_person(p.mood_deviation, n),
        packed=pack(p, n),
        level=np.zeros((LEVEL_ROWS, n)),
    )


@kernel
def _atrophy_rate(age: float, rate_at_73: float, slope: float) -> float:
    """Hippocampal atrophy per year: linear in age, never negative."""
    return max(rate_at_73 + slope * (age - ATROPHY_AGE), 0.0)


def _atrophy_integral(age: FloatArray, p: Params) -> FloatArray:
    """Integral of the atrophy rate from the age where it is zero (closed form)."""
    start = ATROPHY_AGE - p.atrophy_rate_at_73 / p.atrophy_age_slope
    return 0.5 * p.atrophy_age_slope * np.maximum(age - start, 0.0) ** 2


@kernel
def _relax(latent: float, drive: float, onset_tau: float, offset_tau: float) -> float:
    """One day of first-order kinetics towards `drive`: it builds up with the onset time
    constant and fades with the offset one."""
    tau = onset_tau if drive > latent else offset_tau
    return latent + (drive - latent) / tau


@kernel
def _step(
    packed: FloatArray,
    age0: FloatArray,
    level: FloatArray,
    new: FloatArray,
    done: BoolArray,
    intensity: FloatArray,
    day: int,
) -> None:
    """One day for every person: `level` (the state on `day`) -> `new` (on day + 1). Today's
    sessions (`done`, at `intensity`; all False and zeros on a day without strength work) add
    to the smoothed frequencies. No branches in the loop: it vectorizes."""
    per_week = 7.0 * (1.0 - WEEK_DECAY)  # smoothed impulse -> sessions per week at steady state
    for i in range(level.shape[1]):
        did = 1.0 if done[i] else 0.0
        sessions = level[SESSIONS, i] * WEEK_DECAY + did
        weighted = (
            level[WEIGHTED, i] * WEEK_DECAY
            + did * intensity[i] / packed[ROWS.intensity_reference, i]
        )
        new[SESSIONS, i] = sessions
        new[WEIGHTED, i] = weighted
        half = packed[ROWS.sessions_half_saturation, i]
        response = packed[ROWS.response, i]
        # Cognition and hippocampus follow intensity-weighted sessions; mood, taking part.
        by_weighted = weighted * per_week / (weighted * per_week + half) * response
        by_sessions = sessions * per_week / (sessions * per_week + half) * response
        onset = packed[ROWS.onset_tau_days, i]
        cognition = packed[ROWS.cognition_offset_tau_days, i]
        new[LATENT, i] = _relax(level[LATENT, i], by_weighted, onset, cognition)
        mood = packed[ROWS.mood_offset_tau_days, i]
        new[LATENT + 1, i] = _relax(level[LATENT + 1, i], by_sessions, onset, mood)
        hippocampus = packed[ROWS.hippocampus_offset_tau_days, i]
        new[LATENT + 2, i] = _relax(level[LATENT + 2, i], by_weighted, onset, hippocampus)
        age = age0[i] + day / DAYS_PER_YEAR
        rate = _atrophy_rate(
            age, packed[ROWS.atrophy_rate_at_73, i], packed[ROWS.atrophy_age_slope, i]
        )
        avoided = packed[ROWS.hippocampus_protection, i] * new[LATENT + 2, i] * rate
        new[PROTECTED, i] = level[PROTECTED, i] + avoided / DAYS_PER_YEAR


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    trains = dose is not None and dose.plan is not None and dose.plan.has_strength
    if not (trains or s.active):
        return evolve(s, day=day + 1)
    n = s.level.shape[1]
    if trains:
        assert dose is not None
        done = dose.done
        intensity = per_person(signals.get("session_intensity", 1.0), n)
    else:
        done, intensity = np.zeros(n, np.bool_), np.zeros(n)
    new = np.empty_like(s.level)
    _step(s.packed, s.age0, s.level, new, done, intensity, day)
    return evolve(s, level=new, day=day + 1, active=True)


def hippocampal_volume(s: State, p: Params) -> FloatArray:
    age = s.age0 + s.day / DAYS_PER_YEAR
    lost = _atrophy_integral(age, p) - _atrophy_integral(s.age0, p) - s.protected
    return s.hippocampus0 * np.exp(-lost)


def outcome(name: str, s: State, p: Params) -> FloatArray:
    years = s.day / DAYS_PER_YEAR
    cognition, mood = s.latent[0], s.latent[1]
    if name == "hippocampal_volume":
        return hippocampal_volume(s, p)
    if name == "global_cognition":
        return s.cognition0 - p.cognition_decline_per_year * years + p.cognition_gain * cognition
    if name == "executive_function":
        gain = p.cognition_gain * p.executive_gain_ratio
        return s.cognition0 - p.cognition_decline_per_year * years + gain * cognition
    if name == "depressive_symptoms":  # higher is worse: the benefit lowers the score
        return s.mood0 - p.depression_gain * mood
    if name == "anxiety_symptoms":
        return s.mood0 - p.anxiety_gain * mood
    if name == "sleep_quality":  # higher is better
        return s.mood0 + p.sleep_gain * mood
    raise KeyError(name)


REPORTS = frozenset(
    {
        "hippocampal_volume",
        "global_cognition",
        "executive_function",
        "depressive_symptoms",
        "anxiety_symptoms",
        "sleep_quality",
    }
)


def emit(s: State, p: Params, wanted: frozenset[str]) -> dict[str, FloatArray]:
    return {}


MODEL: OrganModel[Params, State] = OrganModel(
    name="brain",
    params_type=Params,
    reads=("session_intensity",),
    writes=(),
    reports=REPORTS.__contains__,
    init=init,
    step=step,
    emit=emit,
    outcome=outcome,
    effect_parameters={
        "hippocampal_volume": ("brain.hippocampus_protection",),
        "global_cognition": ("brain.cognition_gain",),
        "executive_function": ("brain.cognition_gain", "brain.executive_gain_ratio"),
        "depressive_symptoms": ("brain.depression_gain",),
        "anxiety_symptoms": ("brain.anxiety_gain",),
        "sleep_quality": ("brain.sleep_gain",),
    },
)
