"""Glucose: insulin sensitivity, exercise glucose uptake, daily glucose and HbA1c.

A daily model on top of the minute meal model (`meal_model`, Dalla Man 2007 class) through its
fitted surrogate (`glucose_day`). Parameters and sources in the registry, module `glucose`.

- **Baseline.** Diabetes status picks the parameter set (normal; prediabetes halfway; type 2).
  The person's HbA1c (given, else a default per status) fixes the steady-state mean glucose by
  the ADAG relation, and the fasting basal glucose Gb is solved so that the untrained standard
  day has that mean: the given HbA1c is the steady state.
- **Insulin action** m (a multiplier on peripheral insulin action, 1 = own untrained baseline)
  = chronic x acute. Chronic: (1 + gain x A) x (muscle / baseline)^e_m x (fat / baseline)^-e_f;
  A in [0, 1) is the training adaptation, weekly work-weighted sessions smoothed over
  `training_tau_days` and saturating; it falls again with detraining. Acute: each session raises
  insulin action by `acute_gain` x its work saturation at its end, decaying over about a day
  (glucose_meal.tau_acute_min).
- **Session uptake.** A session adds insulin-independent uptake through a heart-rate-equivalent
  rise (Breton 2008): `session_hr_rise_bpm` x intensity / reference intensity x work saturation,
  held for the session's minutes.
- **Daily glucose.** The surrogate maps (Gb, the day's mean m, session dose) to the 24-h mean
  and the (morning m) to fasting glucose.
- **HbA1c.** Red cells of every age from 0 to the lifespan L (one bin per day, all cells live L
  days) glycate in proportion to glucose (first order, the unglycated fraction stays near one),
  so HbA1c = (triangular-weighted mean glucose of the last L days + ADAG intercept) / ADAG slope;
  at constant glucose this is the ADAG line, and after a step about half of the change shows
  within a month.
- **Glycogen.** Rested muscle glycogen per kg rises with the training adaptation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from myotwin.dose import DoseDay
from myotwin.physiology import glucose_day as gd
from myotwin.physiology import meal_model as mm
from myotwin.physiology.base import (
    Context,
    FloatArray,
    OrganModel,
    Signals,
    Value,
    evolve,
)

MG_DL_PER_MMOL_L = 18.016  # glucose molar mass 180.16 g/mol: a unit conversion


@dataclass(frozen=True)
class Params:
    prediabetes_position: Value
    hba1c_default_none: Value
    hba1c_default_prediabetes: Value
    hba1c_default_type2: Value
    adag_slope: Value
    adag_intercept: Value
    rbc_lifespan_days: Value
    training_sensitivity_gain: Value
    training_tau_days: Value
    sessions_half_per_week: Value
    work_half: Value
    acute_gain: Value
    session_hr_rise_bpm: Value
    intensity_reference: Value
    muscle_exponent: Value
    fat_exponent: Value
    glycogen_g_per_kg: Value
    glycogen_training_gain: Value


@dataclass(frozen=True, eq=False)
class State:
    status: np.ndarray  # index into persons.DIABETES
    gb: FloatArray  # fasting basal glucose of the person's untrained standard day, mg/dL
    set_sensitivity: FloatArray  # insulin action of the status's set, healthy set = 1
    muscle0: FloatArray
    fat0: FloatArray
    load: FloatArray  # smoothed work-weighted sessions
    acute: FloatArray  # post-session rise of insulin action this morning
    glucose_history: FloatArray  # (L, n) daily mean glucose, mg/dL, ring buffer
    history_sum: FloatArray  # sum of the buffer
    history_weighted: FloatArray  # sum of (L - i + 1) x glucose i days ago, i = 1..L
    mean_glucose: FloatArray  # the last day's 24-h mean, mg/dL
    chronic: FloatArray  # chronic insulin-action multiplier on the state's morning
    tau_acute_days: float
    session_start_min: float  # minutes after 07:00
    # Some glucose outcome is wanted; otherwise nothing is stepped (and the emitted
    # insulin_sensitivity stays at baseline: no organ reads it yet).
    active: bool = True
    day: int = 0


def _lifespan(p: Params) -> int:
    return round(float(np.mean(p.rbc_lifespan_days)))


def steady_mean_glucose(hba1c_pct: FloatArray, p: Params) -> FloatArray:
    """ADAG: estimated average glucose (mg/dL) of an HbA1c (%)."""
    return p.adag_slope * hba1c_pct - p.adag_intercept


def hba1c_from_history(weighted: FloatArray, lifespan: int, p: Params) -> FloatArray:
    mean = weighted / (lifespan * (lifespan + 1) / 2.0)
    return (mean + p.adag_intercept) / p.adag_slope


def init(ctx: Context, p: Params, signals: Signals) -> State:
    persons = ctx.persons
    reg = ctx.registry
    n = persons.n
    status = persons.diabetes
    default = np.array([p.hba1c_default_none, p.hba1c_default_prediabetes, p.hba1c_default_type2])
    defaults = np.stack([np.broadcast_to(d, (n,)) for d in default])[status, np.arange(n)]
    hba1c = np.where(np.isnan(persons.hba1c_pct), defaults, persons.hba1c_pct)
    g0 = steady_mean_glucose(hba1c, p)
    gb = gd.basal_glucose_for(status, g0)

    sets = mm.set_values(reg, gd.position(reg, status))
    healthy = mm.set_values(reg, 0.0)
    set_sensitivity = np.asarray(
        (sets["vmx"] / sets["km0"]) / (healthy["vmx"] / healthy["km0"]), dtype=np.float64
    )

    muscle0 = signals["skeletal_muscle_mass"].copy()
    # The energy model's fat mass when it runs (so baseline is exactly 1), else the input's.
    fat0 = np.array(signals.get("fat_mass", persons.weight_kg * persons.body_fat_pct / 100.0))
    lifespan = _lifespan(p)
    history = np.broadcast_to(g0, (lifespan, n)).copy()
    return State(
        status=status,
        gb=gb,
        set_sensitivity=set_sensitivity,
        muscle0=muscle0,
        fat0=fat0,
        load=np.zeros(n),
        acute=np.zeros(n),
        glucose_history=history,
        history_sum=lifespan * g0,
        history_weighted=g0 * lifespan * (lifespan + 1) / 2.0,
        mean_glucose=g0,
        chronic=np.ones(n),
        tau_acute_days=reg.value("glucose_meal.tau_acute_min") / mm.MINUTES_PER_DAY,
        session_start_min=reg.value("glucose_meal.session_minute"),
        active=any(name in OUTCOMES for name in ctx.outcomes),
    )


def adaptation(load: FloatArray, p: Params) -> FloatArray:
    """Training adaptation A in [0, 1): smoothed weekly sessions, saturating."""
    weekly = load * 7.0 * (1.0 - np.exp(-1.0 / p.training_tau_days))
    return weekly / (weekly + p.sessions_half_per_week)


def _chronic(
    s: State, load: FloatArray, muscle: FloatArray, fat: FloatArray, p: Params
) -> FloatArray:
    return (
        (1.0 + p.training_sensitivity_gain * adaptation(load, p))
        * (muscle / s.muscle0) ** p.muscle_exponent
        * (fat / s.fat0) ** (-p.fat_exponent)
    )


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    if not s.active:  # no glucose outcome asked for: skip the daily work
        return evolve(s, day=day + 1)
    n = s.gb.shape[0]
    trains = dose is not None and dose.plan is not None and bool(dose.plan.strength.any())
    work = signals.get("session_work") if trains else None
    if trains and work is not None:
        assert dose is not None and dose.plan is not None
        done = dose.done.astype(np.float64)
        saturation = done * work / (work + p.work_half)
        intensity = signals.get("session_intensity", np.zeros(n))
        minutes = float(dose.plan.minutes)
        end = min((s.session_start_min + minutes) / mm.MINUTES_PER_DAY, 1.0)
        session_dose = (
            p.session_hr_rise_bpm * intensity / p.intensity_reference * saturation * minutes
        )
    else:
        saturation = np.zeros(n)
        session_dose = np.zeros(n)
        end = 1.0

    load = s.load * np.exp(-1.0 / p.training_tau_days) + saturation
    muscle = signals["skeletal_muscle_mass"]
    fat = signals.get("fat_mass", s.fat0)
    chronic = _chronic(s, load, muscle, fat, p)

    # The post-session rise: this morning's carry-over decays over the day; today's session
    # adds its rise at the session's end. Day means of (1 + a) enter the surrogate.
    tau = s.tau_acute_days
    rest = 1.0 - end
    new = p.acute_gain * saturation
    acute_mean = s.acute * tau * (1.0 - np.exp(-1.0 / tau)) + new * tau * (
        1.0 - np.exp(-rest / tau)
    )
    acute_next = s.acute * np.exp(-1.0 / tau) + new * np.exp(-rest / tau)

    m_day = chronic * (1.0 + acute_mean)
    mean, _ = gd.daily_glucose(s.status, s.gb, m_day, session_dose)

    lifespan = s.glucose_history.shape[0]
    slot = day % lifespan
    # The ring buffer is updated in place: copying (L, n) every day cost more than the rest of
    # the glucose step for large n. The state is owned by the simulation that steps it; an
    # earlier State object shares this buffer and must not be read after stepping.
    history = s.glucose_history
    oldest = history[slot].copy()
    history[slot] = mean
    weighted = s.history_weighted - s.history_sum + lifespan * mean
    total = s.history_sum + mean - oldest
    return evolve(
        s,
        load=load,
        acute=acute_next,
        glucose_history=history,
        history_sum=total,
        history_weighted=weighted,
        mean_glucose=mean,
        chronic=chronic,
        day=day + 1,
    )


def morning_sensitivity(s: State) -> FloatArray:
    """Insulin-action multiplier (own untrained baseline = 1) on the state's morning."""
    return s.chronic * (1.0 + s.acute)


def fasting_glucose(s: State) -> FloatArray:
    m = morning_sensitivity(s)
    return gd.daily_glucose(s.status, s.gb, m, np.zeros_like(m))[1]


def hba1c(s: State, p: Params) -> FloatArray:
    return hba1c_from_history(s.history_weighted, s.glucose_history.shape[0], p)


def emit(s: State, p: Params, wanted: frozenset[str]) -> dict[str, FloatArray]:
    if "insulin_sensitivity" in wanted:
        return {"insulin_sensitivity": s.set_sensitivity * morning_sensitivity(s)}
    return {}


def outcome(name: str, s: State, p: Params) -> FloatArray:
    if name == "hba1c":
        return hba1c(s, p)
    if name == "mean_glucose":
        return s.mean_glucose / MG_DL_PER_MMOL_L
    if name == "fasting_glucose":
        return fasting_glucose(s) / MG_DL_PER_MMOL_L
    if name == "insulin_sensitivity":
        return s.set_sensitivity * morning_sensitivity(s)
    if name == "muscle_glycogen":
        return p.glycogen_g_per_kg * (1.0 + p.glycogen_training_gain * adaptation(s.load, p))
    raise KeyError(name)


OUTCOMES = ("hba1c", "mean_glucose", "fasting_glucose", "insulin_sensitivity", "muscle_glycogen")

MODEL: OrganModel[Params, State] = OrganModel(
    name="glucose",
    params_type=Params,
    # fat_mass comes from the energy model; without it, fat is held at baseline.
    reads=("skeletal_muscle_mass", "session_intensity", "session_work", "fat_mass"),
    writes=("insulin_sensitivity",),
    reports=lambda name: name in OUTCOMES,
    init=init,
    step=step,
    emit=emit,
    outcome=outcome,
    extra_modules=("glucose_meal",),  # the minute model and its surrogate
    effect_parameters={
        "hba1c": ("glucose.training_sensitivity_gain", "glucose.acute_gain"),
        "mean_glucose": ("glucose.training_sensitivity_gain", "glucose.acute_gain"),
        "fasting_glucose": ("glucose.training_sensitivity_gain", "glucose.acute_gain"),
        "insulin_sensitivity": ("glucose.training_sensitivity_gain",),
        "muscle_glycogen": ("glucose.glycogen_training_gain",),
    },
)
