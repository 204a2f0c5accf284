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

from myotwin.dose import DoseDay
from myotwin.physiology.base import (
    Context,
    FloatArray,
    OrganModel,
    Signals,
    Value,
    evolve,
)

DAYS_PER_YEAR = 365.25
NORM_AGE = 70.0  # OUTCOMES.md: z-scores are against sex-specific norms at age 70
LATENTS = ("cognition", "mood", "hippocampus")


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
    sessions: FloatArray  # smoothed sessions per week (intensity-weighted for cognition)
    weighted: FloatArray
    latent: FloatArray  # (3, n): cognition, mood, hippocampus protection, each 0..1
    protected: FloatArray  # integral of the atrophy avoided through protection (fraction)
    day: int = 0
    active: bool = False


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
        mood0=np.broadcast_to(np.asarray(p.mood_deviation, dtype=np.float64), (n,)).copy(),
        sessions=np.zeros(n),
        weighted=np.zeros(n),
        latent=np.zeros((3, n)),
        protected=np.zeros(n),
    )


def _atrophy_rate(age: FloatArray, p: Params) -> FloatArray:
    return np.maximum(p.atrophy_rate_at_73 + p.atrophy_age_slope * (age - 73.0), 0.0)


def _atrophy_integral(age: FloatArray, p: Params) -> FloatArray:
    """Integral of the atrophy rate from the age where it is zero (closed form)."""
    start = 73.0 - p.atrophy_rate_at_73 / p.atrophy_age_slope
    return 0.5 * p.atrophy_age_slope * np.maximum(age - start, 0.0) ** 2


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    trains = dose is not None and dose.plan is not None and bool(dose.plan.strength.any())
    if not (trains or s.active):
        return evolve(s, day=day + 1)
    decay = np.exp(-1.0 / 7.0)  # sessions smoothed over a week: a weekly frequency
    sessions = s.sessions * decay
    weighted = s.weighted * decay
    if trains:
        assert dose is not None
        done = dose.done.astype(np.float64)
        intensity = signals.get("session_intensity", np.ones_like(done))
        sessions = sessions + done
        weighted = weighted + done * intensity / p.intensity_reference
    per_week = 7.0 * (1.0 - decay)
    drive_sessions = sessions * per_week / (sessions * per_week + p.sessions_half_saturation)
    drive_weighted = weighted * per_week / (weighted * per_week + p.sessions_half_saturation)
    drive = np.stack([drive_weighted, drive_sessions, drive_weighted]) * p.response
    rising = drive > s.latent
    off = np.stack(
        [
            np.broadcast_to(p.cognition_offset_tau_days, drive[0].shape),
            np.broadcast_to(p.mood_offset_tau_days, drive[0].shape),
            np.broadcast_to(p.hippocampus_offset_tau_days, drive[0].shape),
        ]
    )
    tau = np.where(rising, p.onset_tau_days, off)
    latent = s.latent + (drive - s.latent) / tau
    age = s.age0 + day / DAYS_PER_YEAR
    avoided = p.hippocampus_protection * latent[2] * _atrophy_rate(age, p) / DAYS_PER_YEAR
    return evolve(
        s,
        sessions=sessions,
        weighted=weighted,
        latent=latent,
        protected=s.protected + avoided,
        day=day + 1,
        active=True,
    )


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
