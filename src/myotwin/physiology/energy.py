"""Energy balance and body composition: Hall's adult model with skeletal muscle split off.

Structure (parameters and their sources in the registry, module `energy`):
- **Compartments.** Body mass = fat + skeletal muscle + other lean tissue + extracellular fluid
  + glycogen with its water (Hall 2011). Skeletal muscle belongs to the muscle hub: this organ
  reads it and never moves it. Other lean tissue and fat share any energy imbalance by Forbes'
  partition (lean share C / (C + F)); muscle built by training is paid from fat, not pushed
  through that partition. Lean mass (DXA lean soft tissue) = body mass - fat - bone mineral.
- **Expenditure.** TDEE = RMR + thermic effect of food + physical activity (Hall's delta x body
  mass) + the session's net cost (catalogue METs, Ainsworth 2011) + tissue synthesis costs.
  RMR starts at Mifflin-St Jeor and changes by tissue price: muscle at Elia's 13 kcal/kg/day
  (12.6 above 50, Wang 2010), other lean and fat at Hall's maintenance costs, plus adaptive
  thermogenesis and a post-session elevation (recovery and repair) that decays over 1-3 days.
- **Intake.** TRIAL-SPEC "Energy balance": each day's maintenance intake (what the day's
  starting state spends, sessions included) minus a deficit, or a person's fixed intake. Food
  eaten for training (session and post-session elevation) replaces what training burnt, so
  glycogen, extracellular fluid and adaptive thermogenesis follow the rest of the diet.
- **Integration.** Adaptive thermogenesis, extracellular fluid and glycogen have closed-form
  daily solutions for a day's constant intake; fat and other lean go through a daily RK4 step.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from myotwin.compiled import kernel, pack, rows
from myotwin.dose import BoolArray, DoseDay, SessionPlan
from myotwin.numerics import tanh1
from myotwin.physiology.base import (
    DAYS_PER_YEAR,
    Context,
    FloatArray,
    OrganModel,
    Signals,
    Value,
    evolve,
)

MINUTES_PER_DAY = 24 * 60
# TDEE is reported as the mean of about the past week (exponential weighting), as doubly
# labelled water measures it over one to two weeks: a measurement window, not physiology.
TDEE_WINDOW_DAYS = 7.0
OUTCOMES = ("body_mass", "fat_mass", "lean_mass", "rmr", "tdee")
MODEL_WRITES = ("fat_mass", "body_mass")  # signals for other organs (glucose reads fat mass)


@dataclass(frozen=True)
class Params:
    # Baseline resting metabolic rate (Mifflin-St Jeor) and activity.
    rmr_weight_coef: Value
    rmr_height_coef: Value
    rmr_age_coef: Value
    rmr_male_const: Value
    rmr_female_const: Value
    physical_activity_level: Value
    # Hall 2011: energy densities, maintenance and synthesis costs, food effects.
    fat_energy_density: Value
    lean_energy_density: Value
    glycogen_energy_density: Value
    fat_maintenance: Value
    lean_maintenance: Value
    fat_synthesis: Value
    lean_synthesis: Value
    tef_fraction: Value
    adaptive_thermogenesis_fraction: Value
    adaptive_thermogenesis_tau_days: Value
    forbes_constant: Value
    # Glycogen and extracellular fluid.
    glycogen_baseline: Value
    glycogen_water_factor: Value
    carbohydrate_fraction: Value
    sodium_concentration: Value
    ecf_sodium_feedback: Value
    ecf_carbohydrate_effect: Value
    # Tissue price of skeletal muscle (Elia 1992, age-adjusted by Wang 2010).
    muscle_kcal_per_kg: Value
    muscle_kcal_per_kg_older: Value
    older_age: Value
    # Post-session RMR elevation.
    post_session_rmr: Value
    post_session_tau_days: Value
    post_session_work_half: Value


# Rows of the State's `fixed` matrix: per person, set at enrolment (decays worked out once).
AGE0, BODY_MASS0, FAT0, MUSCLE0, RMR0 = range(5)
INTAKE0 = 5  # baseline (maintenance) intake, kcal/day
ACTIVITY = 6  # Hall's delta: activity expenditure per kg body mass, kcal/kg/day
CLEARANCE = 7  # k_G: baseline carbohydrate intake / G0^2
CARBS0 = 8
DEFICIT = 9
FIXED_INTAKE = 10  # NaN: intake follows maintenance
AT_DECAY, ECF_DECAY, ELEVATION_DECAY = range(11, 14)
FIXED_ROWS = 14
# Rows of the State's `dynamic` matrix (the State's attributes of the same names read them).
FAT = 0
OTHER = 1  # change of other lean tissue since enrolment, kg
GLYCOGEN = 2
ECF = 3  # change of extracellular fluid since enrolment, kg
ADAPTIVE = 4  # adaptive thermogenesis, kcal/day
ELEVATION = 5  # post-session RMR elevation, kcal/day
MUSCLE = 6  # skeletal muscle seen at the end of the last day
INTAKE = 7  # the last day's intake
EXPENDITURE = 8  # the last day's total expenditure
TDEE = 9  # expenditure over about the past week
BODY_MASS = 10  # body mass at the end of the last day
DYNAMIC_ROWS = 11


class _DynamicRow:
    """A State attribute that reads one row of its dynamic matrix (a view, not a copy)."""

    def __init__(self, row: int) -> None:
        self.row = row

    def __get__(self, state: State, owner: type | None = None) -> FloatArray:
        return state.dynamic[self.row]


@dataclass(frozen=True, eq=False)
class State:
    bone_mineral: FloatArray  # DXA bone mineral content: not lean soft tissue
    packed: FloatArray  # the Params of init, packed for kernels (`compiled.pack`)
    fixed: FloatArray  # (FIXED_ROWS, n): per person, set at enrolment
    dynamic: FloatArray  # (DYNAMIC_ROWS, n): what changes day by day
    day: int = 0

    fat = _DynamicRow(FAT)
    other_lean = _DynamicRow(OTHER)
    glycogen = _DynamicRow(GLYCOGEN)
    ecf = _DynamicRow(ECF)
    adaptive = _DynamicRow(ADAPTIVE)
    elevation = _DynamicRow(ELEVATION)
    muscle = _DynamicRow(MUSCLE)
    intake = _DynamicRow(INTAKE)
    expenditure = _DynamicRow(EXPENDITURE)
    tdee = _DynamicRow(TDEE)


ROWS = rows(Params)

TDEE_WEIGHT = 1.0 - np.exp(-1.0 / TDEE_WINDOW_DAYS)  # weight of today in the weekly mean


def init(ctx: Context, p: Params, signals: Signals) -> State:
    persons = ctx.persons
    n = persons.n
    bw = persons.weight_kg
    fat = bw * persons.body_fat_pct / 100.0
    # The hub's own split of fat-free mass (one value for both organs).
    bone_fraction = ctx.registry.value("muscle.bone_mineral_fraction_of_ffm")
    muscle0 = signals["skeletal_muscle_mass"]
    rmr0 = (
        p.rmr_weight_coef * bw
        + p.rmr_height_coef * persons.height_cm
        + p.rmr_age_coef * persons.age_years
        + np.where(persons.female, p.rmr_female_const, p.rmr_male_const)
    )
    intake0 = p.physical_activity_level * rmr0
    carbohydrate0 = p.carbohydrate_fraction * intake0
    fixed = np.empty((FIXED_ROWS, n))
    fixed[AGE0] = persons.age_years
    fixed[BODY_MASS0] = bw
    fixed[FAT0] = fat
    fixed[MUSCLE0] = muscle0
    fixed[RMR0] = rmr0
    fixed[INTAKE0] = intake0
    fixed[ACTIVITY] = ((1.0 - p.tef_fraction) * p.physical_activity_level - 1.0) * rmr0 / bw
    fixed[CLEARANCE] = carbohydrate0 / np.square(p.glycogen_baseline)
    fixed[CARBS0] = carbohydrate0
    fixed[DEFICIT] = persons.intake_deficit_kcal
    fixed[FIXED_INTAKE] = persons.intake_fixed_kcal
    # Daily decays of the closed-form solutions: parameters are fixed for the run.
    fixed[AT_DECAY] = np.exp(-1.0 / np.asarray(p.adaptive_thermogenesis_tau_days))
    fixed[ECF_DECAY] = np.exp(-(np.asarray(p.ecf_sodium_feedback) / p.sodium_concentration))
    fixed[ELEVATION_DECAY] = np.exp(-1.0 / np.asarray(p.post_session_tau_days))
    dynamic = np.zeros((DYNAMIC_ROWS, n))
    dynamic[FAT] = fat
    dynamic[GLYCOGEN] = p.glycogen_baseline
    dynamic[MUSCLE] = muscle0
    dynamic[INTAKE] = intake0
    dynamic[EXPENDITURE] = intake0
    dynamic[TDEE] = intake0
    dynamic[BODY_MASS] = bw
    return State(
        bone_mineral=bone_fraction * (bw - fat), packed=pack(p, n), fixed=fixed, dynamic=dynamic
    )


@kernel
def _muscle_price(packed: FloatArray, age: float, i: int) -> float:
    """Tissue price of skeletal muscle, kcal/kg/day, at `age`."""
    # Both loaded, one chosen: a load under a branch keeps the loop from vectorizing.
    older = packed[ROWS.muscle_kcal_per_kg_older, i]
    younger = packed[ROWS.muscle_kcal_per_kg, i]
    return older if age > packed[ROWS.older_age, i] else younger


@kernel
def _body_mass(
    packed: FloatArray,
    fixed: FloatArray,
    i: int,
    fat: float,
    muscle: float,
    other: float,
    ecf: float,
    gly: float,
) -> float:
    return (
        fixed[BODY_MASS0, i]
        + (fat - fixed[FAT0, i])
        + (muscle - fixed[MUSCLE0, i])
        + other
        + ecf
        + packed[ROWS.glycogen_water_factor, i] * (gly - packed[ROWS.glycogen_baseline, i])
    )


@kernel
def _rmr(
    packed: FloatArray,
    fixed: FloatArray,
    i: int,
    price: float,
    fat: float,
    muscle: float,
    other: float,
    adaptive: float,
    elevation: float,
) -> float:
    """RMR with the muscle's tissue price `price` (`_muscle_price` of the day's age)."""
    return (
        fixed[RMR0, i]
        + price * (muscle - fixed[MUSCLE0, i])
        + packed[ROWS.lean_maintenance, i] * other
        + packed[ROWS.fat_maintenance, i] * (fat - fixed[FAT0, i])
        + adaptive
        + elevation
    )


@kernel
def _morning(packed: FloatArray, fixed: FloatArray, dynamic: FloatArray, day: int) -> FloatArray:
    """Body mass and RMR (lingering post-session elevation included) of each person on the
    morning of `day`, as rows 0 and 1."""
    n = dynamic.shape[1]
    out = np.empty((2, n))
    for i in range(n):
        muscle = dynamic[MUSCLE, i]
        fat, other = dynamic[FAT, i], dynamic[OTHER, i]
        out[0, i] = _body_mass(
            packed, fixed, i, fat, muscle, other, dynamic[ECF, i], dynamic[GLYCOGEN, i]
        )
        price = _muscle_price(packed, fixed[AGE0, i] + day / DAYS_PER_YEAR, i)
        out[1, i] = _rmr(
            packed,
            fixed,
            i,
            price,
            fat,
            muscle,
            other,
            dynamic[ADAPTIVE, i],
            dynamic[ELEVATION, i],
        )
    return out


def body_mass(s: State, p: Params) -> FloatArray:
    return _morning(s.packed, s.fixed, s.dynamic, s.day)[0]


def lean_mass(s: State, p: Params) -> FloatArray:
    """DXA lean soft tissue: everything that is neither fat nor bone mineral."""
    return body_mass(s, p) - s.fat - s.bone_mineral


def rmr(s: State, p: Params) -> FloatArray:
    """Resting metabolic rate this morning, lingering post-session elevation included."""
    return _morning(s.packed, s.fixed, s.dynamic, s.day)[1]


@lru_cache(maxsize=256)  # per plan (hashed by identity: plans are immutable)
def session_met_hours(plan: SessionPlan) -> float:
    """MET-hours above rest of one session: each entry's minutes (sets x SET_MINUTES for
    strength work, scaled to the session's length) times its MET minus the resting 1."""
    minutes = plan.entry_minutes
    total = float(np.sum(minutes))
    if total <= 0.0:
        return 0.0
    minutes = minutes * (plan.minutes / total)
    return float(np.sum((plan.met - 1.0) * minutes)) / 60.0


@kernel
def _free_energy(
    packed: FloatArray,
    fixed: FloatArray,
    dynamic: FloatArray,
    i: int,
    w: float,
    fixed_part: float,
    at_end: float,
    ecf_end: float,
    gly_end: float,
) -> float:
    """The part c(w) of the energy left for storage that is not linear in fat and other lean,
    at fraction `w` of the day (the fast states interpolated between their start and end)."""
    adaptive = dynamic[ADAPTIVE, i] + w * (at_end - dynamic[ADAPTIVE, i])
    ecf = dynamic[ECF, i] + w * (ecf_end - dynamic[ECF, i])
    gly = dynamic[GLYCOGEN, i] + w * (gly_end - dynamic[GLYCOGEN, i])
    fluid = ecf + packed[ROWS.glycogen_water_factor, i] * (gly - packed[ROWS.glycogen_baseline, i])
    return fixed_part - adaptive - fixed[ACTIVITY, i] * fluid + fixed[CLEARANCE, i] * (gly * gly)


@kernel
def _rates(
    c: float,
    a_fat: float,
    a_other: float,
    fat: float,
    other: float,
    forbes_constant: float,
    lean_cost: float,
    fat_cost: float,
    muscle_fat: float,
) -> tuple[float, float]:
    """d(fat)/dt and d(other lean)/dt with free energy `c` of that moment of the day."""
    available = c - a_fat * fat - a_other * other
    forbes = fat / forbes_constant  # d(fat)/d(other lean) along Forbes' curve
    d_other = available / (lean_cost + fat_cost * forbes)
    return d_other * forbes - muscle_fat, d_other


@kernel
def _step(
    packed: FloatArray,
    fixed: FloatArray,
    dynamic: FloatArray,
    muscle_now: FloatArray,
    work: FloatArray,
    done: BoolArray,
    met_hours: float,
    session_day: bool,
    has_work: bool,
    day: int,
) -> FloatArray:
    """One day of every person: the new dynamic matrix. On a `session_day` the persons who
    trained (`done`) spend `met_hours` MET-hours above rest; with `has_work` the session's
    work (`work`) raises the post-session RMR elevation."""
    n = dynamic.shape[1]
    out = np.empty((DYNAMIC_ROWS, n))
    for i in range(n):
        tef = packed[ROWS.tef_fraction, i]
        activity = fixed[ACTIVITY, i]
        fat0, other0 = dynamic[FAT, i], dynamic[OTHER, i]
        ecf0, gly0 = dynamic[ECF, i], dynamic[GLYCOGEN, i]
        adaptive0, elevation0 = dynamic[ADAPTIVE, i], dynamic[ELEVATION, i]
        muscle = muscle_now[i]  # after today's step of the hub
        d_muscle = muscle - dynamic[MUSCLE, i]

        price = _muscle_price(packed, fixed[AGE0, i] + day / DAYS_PER_YEAR, i)  # all day
        rmr_start = _rmr(packed, fixed, i, price, fat0, muscle, other0, adaptive0, elevation0)
        session = 0.0
        impulse = 0.0
        if session_day:
            # One MET is the person's resting rate: RMR / 24 kcal per hour.
            session = (1.0 if done[i] else 0.0) * met_hours * rmr_start / 24.0
            if has_work:
                impulse = (
                    packed[ROWS.post_session_rmr, i]
                    * work[i]
                    / (work[i] + packed[ROWS.post_session_work_half, i])
                )

        # Today's intake: maintenance of the day's starting state minus the deficit, or fixed.
        bw_start = _body_mass(packed, fixed, i, fat0, muscle, other0, ecf0, gly0)
        spend = (
            rmr_start + activity * bw_start + session + packed[ROWS.lean_synthesis, i] * d_muscle
        )
        maintenance = spend / (1.0 - tef)
        intake = fixed[FIXED_INTAKE, i]
        if np.isnan(intake):
            intake = maintenance - fixed[DEFICIT, i]
        intake = max(intake, 0.0)
        # Food eaten for training (its cost and that food's thermic effect) replaces what
        # training burnt; glycogen and adaptive thermogenesis follow the rest of the diet.
        diet = intake - (session + elevation0) / (1.0 - tef)
        carbs = max(packed[ROWS.carbohydrate_fraction, i] * diet, 1e-6 * fixed[CARBS0, i])

        # Closed-form daily solutions for a day of constant intake.
        at_target = packed[ROWS.adaptive_thermogenesis_fraction, i] * (diet - fixed[INTAKE0, i])
        at_end = at_target + (adaptive0 - at_target) * fixed[AT_DECAY, i]
        feedback = packed[ROWS.ecf_sodium_feedback, i]
        ecf_target = (
            -packed[ROWS.ecf_carbohydrate_effect, i] * (1.0 - carbs / fixed[CARBS0, i]) / feedback
        )
        ecf_end = ecf_target + (ecf0 - ecf_target) * fixed[ECF_DECAY, i]
        clearance = fixed[CLEARANCE, i]
        g_inf = np.sqrt(carbs / clearance)
        t = tanh1(clearance / packed[ROWS.glycogen_energy_density, i] * g_inf)
        gly_end = g_inf * (gly0 + g_inf * t) / (g_inf + gly0 * t)

        lean_density = packed[ROWS.lean_energy_density, i]
        fat_density = packed[ROWS.fat_energy_density, i]
        muscle_fat = lean_density * d_muscle / fat_density  # fat that built it

        # Within the day the energy left for storage is linear in fat and other lean:
        # available = c(w) - a_fat * fat - a_other * other, with c holding everything else at
        # fraction w of the day (the fast states interpolated between their start and end).
        fat_maintenance = packed[ROWS.fat_maintenance, i]
        lean_synthesis = packed[ROWS.lean_synthesis, i]
        fat_synthesis = packed[ROWS.fat_synthesis, i]
        a_fat = fat_maintenance + activity
        a_other = packed[ROWS.lean_maintenance, i] + activity
        fixed_part = (
            (1.0 - tef) * intake
            - (fixed[RMR0, i] + price * (muscle - fixed[MUSCLE0, i]) + elevation0)
            + fat_maintenance * fixed[FAT0, i]
            - session
            - lean_synthesis * d_muscle
            - activity * (fixed[BODY_MASS0, i] - fixed[FAT0, i] + muscle - fixed[MUSCLE0, i])
            - carbs
        )
        c0 = _free_energy(packed, fixed, dynamic, i, 0.0, fixed_part, at_end, ecf_end, gly_end)
        c1 = _free_energy(packed, fixed, dynamic, i, 0.5, fixed_part, at_end, ecf_end, gly_end)
        c2 = _free_energy(packed, fixed, dynamic, i, 1.0, fixed_part, at_end, ecf_end, gly_end)
        lean_cost = lean_density + lean_synthesis
        fat_cost = fat_density + fat_synthesis
        forbes_c = packed[ROWS.forbes_constant, i]

        # Classic RK4 over the day.
        f1, o1 = _rates(c0, a_fat, a_other, fat0, other0, forbes_c, lean_cost, fat_cost, muscle_fat)
        f2, o2 = _rates(
            c1,
            a_fat,
            a_other,
            fat0 + 0.5 * f1,
            other0 + 0.5 * o1,
            forbes_c,
            lean_cost,
            fat_cost,
            muscle_fat,
        )
        f3, o3 = _rates(
            c1,
            a_fat,
            a_other,
            fat0 + 0.5 * f2,
            other0 + 0.5 * o2,
            forbes_c,
            lean_cost,
            fat_cost,
            muscle_fat,
        )
        f4, o4 = _rates(
            c2, a_fat, a_other, fat0 + f3, other0 + o3, forbes_c, lean_cost, fat_cost, muscle_fat
        )
        fat_end = fat0 + (f1 + 2.0 * f2 + 2.0 * f3 + f4) / 6.0
        other_end = other0 + (o1 + 2.0 * o2 + 2.0 * o3 + o4) / 6.0

        # The day's expenditure from its parts (mean of the day's start and end states).
        rmr_end = _rmr(packed, fixed, i, price, fat_end, muscle, other_end, at_end, elevation0)
        bw_end = _body_mass(packed, fixed, i, fat_end, muscle, other_end, ecf_end, gly_end)
        expenditure = (
            0.5 * (rmr_start + rmr_end)
            + tef * intake
            + activity * 0.5 * (bw_start + bw_end)
            + session
            + lean_synthesis * (d_muscle + (other_end - other0))
            + fat_synthesis * (fat_end - fat0)
        )
        out[FAT, i] = fat_end
        out[OTHER, i] = other_end
        out[GLYCOGEN, i] = gly_end
        out[ECF, i] = ecf_end
        out[ADAPTIVE, i] = at_end
        out[ELEVATION, i] = elevation0 * fixed[ELEVATION_DECAY, i] + impulse
        out[MUSCLE, i] = muscle
        out[INTAKE, i] = intake
        out[EXPENDITURE, i] = expenditure
        out[TDEE, i] = dynamic[TDEE, i] + TDEE_WEIGHT * (expenditure - dynamic[TDEE, i])
        out[BODY_MASS, i] = bw_end
    return out


_NO_WORK = np.zeros(0)
_NO_DONE = np.zeros(0, dtype=np.bool_)


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    muscle = signals["skeletal_muscle_mass"]
    session_day = dose is not None and dose.plan is not None
    done, met_hours, work = _NO_DONE, 0.0, None
    if session_day:
        assert dose is not None and dose.plan is not None
        done, met_hours = dose.done, session_met_hours(dose.plan)
        work = signals.get("session_work") if dose.plan.has_strength else None
    dynamic = _step(
        s.packed,
        s.fixed,
        s.dynamic,
        muscle,
        _NO_WORK if work is None else work,
        done,
        met_hours,
        session_day,
        work is not None,
        day,
    )
    return evolve(s, dynamic=dynamic, day=day + 1)


def emit(s: State, p: Params, wanted: frozenset[str]) -> dict[str, FloatArray]:
    out: dict[str, FloatArray] = {}
    if "fat_mass" in wanted:
        out["fat_mass"] = s.fat
    if "body_mass" in wanted:
        out["body_mass"] = s.dynamic[BODY_MASS]  # the last day's end: this morning's
    return out


def outcome(name: str, s: State, p: Params) -> FloatArray:
    if name == "body_mass":
        return body_mass(s, p)
    if name == "fat_mass":
        return s.fat
    if name == "lean_mass":
        return lean_mass(s, p)
    if name == "rmr":
        return rmr(s, p)
    if name == "tdee":
        return s.tdee
    raise KeyError(name)


MODEL: OrganModel[Params, State] = OrganModel(
    name="energy",
    params_type=Params,
    reads=("skeletal_muscle_mass", "session_work"),
    writes=MODEL_WRITES,
    reports=lambda name: name in OUTCOMES,
    init=init,
    step=step,
    emit=emit,
    outcome=outcome,
    effect_parameters={
        "lean_mass": ("muscle.hypertrophy_rate",),
        "rmr": ("energy.post_session_rmr", "energy.muscle_kcal_per_kg"),
        "tdee": ("energy.post_session_rmr",),
    },
)
