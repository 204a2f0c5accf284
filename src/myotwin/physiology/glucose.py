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
from numpy.typing import NDArray

from myotwin.compiled import kernel, pack, per_person, rows
from myotwin.dose import DoseDay
from myotwin.numerics import decay_per_day, exp1, pow1
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
from myotwin.physiology.glucose_day import IntArray

BoolArray = NDArray[np.bool_]
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


ROWS = rows(Params)


@dataclass(frozen=True, eq=False)
class State:
    status: IntArray  # index into persons.DIABETES
    surrogate: FloatArray  # each person's column of the glucose surrogate (`person_table`)
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
    packed: FloatArray  # the parameters, `compiled.pack`ed for the kernel
    tau_acute_days: float
    session_start_min: float  # minutes after 07:00
    nobody: BoolArray  # all False: `done` on a day without session work
    zeros: FloatArray  # session work and intensity on such a day
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
    status = np.ascontiguousarray(persons.diabetes, dtype=np.int64)
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

    muscle0 = per_person(signals["skeletal_muscle_mass"], n).copy()
    # The energy model's fat mass when it runs (so baseline is exactly 1), else the input's.
    fat0 = per_person(
        signals.get("fat_mass", persons.weight_kg * persons.body_fat_pct / 100.0), n
    ).copy()
    lifespan = _lifespan(p)
    history = np.broadcast_to(g0, (lifespan, n)).copy()
    return State(
        status=status,
        surrogate=gd.person_table(status),
        gb=per_person(gb, n),
        set_sensitivity=set_sensitivity,
        muscle0=muscle0,
        fat0=fat0,
        load=np.zeros(n),
        acute=np.zeros(n),
        glucose_history=history,
        history_sum=per_person(lifespan * g0, n).copy(),
        history_weighted=per_person(g0 * lifespan * (lifespan + 1) / 2.0, n).copy(),
        mean_glucose=per_person(g0, n).copy(),
        chronic=np.ones(n),
        packed=pack(p, n),
        tau_acute_days=reg.value("glucose_meal.tau_acute_min") / mm.MINUTES_PER_DAY,
        session_start_min=reg.value("glucose_meal.session_minute"),
        nobody=np.zeros(n, np.bool_),
        zeros=np.zeros(n),
    )


@kernel
def _adaptation_of(load: float, decay: float, p: FloatArray, i: int) -> float:
    """Training adaptation A in [0, 1): smoothed weekly sessions (`decay`: the load's daily
    decay), saturating."""
    weekly = load * 7.0 * (1.0 - decay)
    return weekly / (weekly + p[ROWS.sessions_half_per_week, i])


@kernel
def _chronic_of(
    load: float,
    decay: float,
    muscle: float,
    muscle0: float,
    fat: float,
    fat0: float,
    p: FloatArray,
    i: int,
) -> float:
    """Chronic insulin action: training adaptation, muscle and fat against baseline."""
    return (
        (1.0 + p[ROWS.training_sensitivity_gain, i] * _adaptation_of(load, decay, p, i))
        * pow1(muscle / muscle0, p[ROWS.muscle_exponent, i])
        * pow1(fat / fat0, -p[ROWS.fat_exponent, i])
    )


@kernel
def _adaptations(load: FloatArray, p: FloatArray) -> FloatArray:
    out = np.empty(load.shape[0])
    for i in range(load.shape[0]):
        out[i] = _adaptation_of(load[i], decay_per_day(p[ROWS.training_tau_days, i]), p, i)
    return out


@kernel
def _chronics(
    load: FloatArray,
    muscle: FloatArray,
    muscle0: FloatArray,
    fat: FloatArray,
    fat0: FloatArray,
    p: FloatArray,
) -> FloatArray:
    out = np.empty(load.shape[0])
    for i in range(load.shape[0]):
        decay = decay_per_day(p[ROWS.training_tau_days, i])
        out[i] = _chronic_of(load[i], decay, muscle[i], muscle0[i], fat[i], fat0[i], p, i)
    return out


def adaptation(load: FloatArray, p: Params) -> FloatArray:
    """Training adaptation A in [0, 1) per person (`_adaptation_of`)."""
    n = np.shape(load)[0]
    return _adaptations(per_person(load, n), pack(p, n))


def _chronic(
    s: State, load: FloatArray, muscle: FloatArray, fat: FloatArray, p: Params
) -> FloatArray:
    n = s.muscle0.shape[0]
    return _chronics(
        per_person(load, n),
        per_person(muscle, n),
        s.muscle0,
        per_person(fat, n),
        s.fat0,
        pack(p, n),
    )


@kernel
def _day(
    p: FloatArray,
    surrogate: FloatArray,
    gb: FloatArray,
    muscle0: FloatArray,
    fat0: FloatArray,
    load: FloatArray,
    acute: FloatArray,
    chronic: FloatArray,
    mean_glucose: FloatArray,
    history: FloatArray,
    history_sum: FloatArray,
    history_weighted: FloatArray,
    muscle: FloatArray,
    fat: FloatArray,
    done: BoolArray,
    work: FloatArray,
    intensity: FloatArray,
    minutes: float,
    end: float,
    tau: float,
    slot: int,
) -> None:
    """One day of every person, in place: load, acute, chronic, the day's mean glucose and
    the HbA1c ring buffer with its running sums. On a day without session work, `done` is all
    False and `work` and `intensity` are zeros. No branches in the loop: it vectorizes."""
    lifespan = history.shape[0]
    rest = 1.0 - end
    # The acute rise's decays over the day, the same for everyone.
    day_decay, rest_decay = decay_per_day(tau), exp1(-rest / tau)
    for i in range(gb.shape[0]):
        load_decay = decay_per_day(p[ROWS.training_tau_days, i])
        took_part = 1.0 if done[i] else 0.0
        saturation = took_part * work[i] / (work[i] + p[ROWS.work_half, i])
        session_dose = (
            p[ROWS.session_hr_rise_bpm, i]
            * intensity[i]
            / p[ROWS.intensity_reference, i]
            * saturation
            * minutes
        )
        load[i] = load[i] * load_decay + saturation
        chronic[i] = _chronic_of(load[i], load_decay, muscle[i], muscle0[i], fat[i], fat0[i], p, i)

        # The post-session rise: this morning's carry-over decays over the day; today's
        # session adds its rise at the session's end. Day means of (1 + a) enter the surrogate.
        new = p[ROWS.acute_gain, i] * saturation
        acute_mean = acute[i] * tau * (1.0 - day_decay) + new * tau * (1.0 - rest_decay)
        acute[i] = acute[i] * day_decay + new * rest_decay

        m_day = chronic[i] * (1.0 + acute_mean)
        mean, _ = gd.surrogate_at(surrogate, i, gb[i], m_day, session_dose)
        mean_glucose[i] = mean

        # HbA1c's triangular weights by running sums, O(1) a day: every glucose ages a day
        # (weighted loses one buffer sum), today's enters with weight L, the oldest leaves.
        oldest = history[slot, i]
        history[slot, i] = mean
        history_weighted[i] = history_weighted[i] - history_sum[i] + lifespan * mean
        history_sum[i] = history_sum[i] + mean - oldest


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    """One day, updating the state's arrays in place: copying them (the (L, n) buffer above
    all) cost more than the day's work. The state is owned by the simulation that steps it;
    an earlier State object shares these arrays and must not be read after stepping."""
    trains = dose is not None and dose.plan is not None and dose.plan.has_strength
    work = signals.get("session_work") if trains else None
    done, intensity, minutes, end = s.nobody, s.zeros, 0.0, 1.0
    if trains and work is not None:
        assert dose is not None and dose.plan is not None
        done = dose.done
        intensity = signals.get("session_intensity", s.zeros)
        minutes = float(dose.plan.minutes)
        end = min((s.session_start_min + minutes) / mm.MINUTES_PER_DAY, 1.0)
    else:
        work = s.zeros
    _day(
        s.packed,
        s.surrogate,
        s.gb,
        s.muscle0,
        s.fat0,
        s.load,
        s.acute,
        s.chronic,
        s.mean_glucose,
        s.glucose_history,
        s.history_sum,
        s.history_weighted,
        signals["skeletal_muscle_mass"],
        signals.get("fat_mass", s.fat0),
        done,
        work,
        intensity,
        minutes,
        end,
        s.tau_acute_days,
        day % s.glucose_history.shape[0],
    )
    return evolve(s, day=day + 1)


def morning_sensitivity(s: State) -> FloatArray:
    """Insulin-action multiplier (own untrained baseline = 1) on the state's morning."""
    return s.chronic * (1.0 + s.acute)


def fasting_glucose(s: State) -> FloatArray:
    m = morning_sensitivity(s)
    return gd.surrogate_glucose(s.surrogate, s.gb, m, np.zeros_like(m))[1]


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
        trained = _adaptations(s.load, s.packed)
        return p.glycogen_g_per_kg * (1.0 + p.glycogen_training_gain * trained)
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
