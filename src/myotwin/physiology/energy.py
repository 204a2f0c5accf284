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

import numpy as np

from myotwin.dose import DoseDay, SessionPlan
from myotwin.inputs import SET_MINUTES
from myotwin.physiology.base import (
    Context,
    FloatArray,
    OrganModel,
    Signals,
    Value,
    evolve,
)

DAYS_PER_YEAR = 365.25  # calendar definition, not physiology
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


@dataclass(frozen=True, eq=False)
class State:
    # Per person, fixed at enrolment.
    age0: FloatArray
    body_mass0: FloatArray
    fat0: FloatArray
    muscle0: FloatArray
    bone_mineral: FloatArray  # DXA bone mineral content: not lean soft tissue
    rmr0: FloatArray
    intake0: FloatArray  # baseline (maintenance) intake, kcal/day
    activity: FloatArray  # Hall's delta: activity expenditure per kg body mass, kcal/kg/day
    glycogen_clearance: FloatArray  # k_G: baseline carbohydrate intake / G0^2
    carbohydrate0: FloatArray
    deficit: FloatArray
    fixed_intake: FloatArray  # NaN: intake follows maintenance
    # Dynamic.
    fat: FloatArray
    other_lean: FloatArray  # change of other lean tissue since enrolment, kg
    glycogen: FloatArray
    ecf: FloatArray  # change of extracellular fluid since enrolment, kg
    adaptive: FloatArray  # adaptive thermogenesis, kcal/day
    elevation: FloatArray  # post-session RMR elevation, kcal/day
    muscle: FloatArray  # skeletal muscle seen at the end of the last day
    intake: FloatArray  # the last day's intake
    expenditure: FloatArray  # the last day's total expenditure
    tdee: FloatArray  # expenditure over about the past week
    day: int = 0
    idle: bool = False  # nobody wants this organ's outputs: skip the daily work


def _muscle_price(age: FloatArray, p: Params) -> FloatArray:
    return np.where(age > p.older_age, p.muscle_kcal_per_kg_older, p.muscle_kcal_per_kg)


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
    idle = not (
        any(name in OUTCOMES for name in ctx.outcomes)
        or bool(ctx.signals.intersection(MODEL_WRITES))
    )
    zeros = np.zeros(n)
    return State(
        age0=persons.age_years,
        body_mass0=bw,
        fat0=fat,
        muscle0=muscle0,
        bone_mineral=bone_fraction * (bw - fat),
        rmr0=rmr0,
        intake0=intake0,
        activity=((1.0 - p.tef_fraction) * p.physical_activity_level - 1.0) * rmr0 / bw,
        glycogen_clearance=carbohydrate0 / np.square(p.glycogen_baseline),
        carbohydrate0=carbohydrate0,
        deficit=persons.intake_deficit_kcal,
        fixed_intake=persons.intake_fixed_kcal,
        fat=fat,
        other_lean=zeros,
        glycogen=zeros + p.glycogen_baseline,
        ecf=zeros,
        adaptive=zeros,
        elevation=zeros,
        muscle=muscle0,
        intake=intake0,
        expenditure=intake0,
        tdee=intake0,
        idle=idle,
    )


def body_mass(s: State, p: Params) -> FloatArray:
    return _body_mass(s, p, s.fat, s.other_lean, s.ecf, s.glycogen)


def _body_mass(
    s: State, p: Params, fat: FloatArray, other: FloatArray, ecf: FloatArray, gly: FloatArray
) -> FloatArray:
    return (
        s.body_mass0
        + (fat - s.fat0)
        + (s.muscle - s.muscle0)
        + other
        + ecf
        + p.glycogen_water_factor * (gly - p.glycogen_baseline)
    )


def lean_mass(s: State, p: Params) -> FloatArray:
    """DXA lean soft tissue: everything that is neither fat nor bone mineral."""
    return body_mass(s, p) - s.fat - s.bone_mineral


def _rmr(
    s: State,
    p: Params,
    fat: FloatArray,
    other: FloatArray,
    adaptive: FloatArray,
    price: FloatArray,
) -> FloatArray:
    """RMR with the muscle's tissue price `price` (`_muscle_price` of the day's age)."""
    return (
        s.rmr0
        + price * (s.muscle - s.muscle0)
        + p.lean_maintenance * other
        + p.fat_maintenance * (fat - s.fat0)
        + adaptive
        + s.elevation
    )


def rmr(s: State, p: Params) -> FloatArray:
    """Resting metabolic rate this morning, lingering post-session elevation included."""
    age = s.age0 + s.day / DAYS_PER_YEAR
    return _rmr(s, p, s.fat, s.other_lean, s.adaptive, _muscle_price(age, p))


def session_met_hours(plan: SessionPlan) -> float:
    """MET-hours above rest of one session: each entry's minutes (sets x SET_MINUTES for
    strength work, scaled to the session's length) times its MET minus the resting 1."""
    minutes = np.where(plan.strength, plan.sets * SET_MINUTES, plan.duration_minutes)
    total = float(np.sum(minutes))
    if total <= 0.0:
        return 0.0
    minutes = minutes * (plan.minutes / total)
    return float(np.sum((plan.met - 1.0) * minutes)) / 60.0


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    if s.idle:
        return evolve(s, day=day + 1)
    age = s.age0 + day / DAYS_PER_YEAR
    muscle = signals["skeletal_muscle_mass"]  # after today's step of the hub
    d_muscle = muscle - s.muscle
    s = evolve(s, muscle=muscle)

    price = _muscle_price(age, p)  # the same all day
    rmr_start = _rmr(s, p, s.fat, s.other_lean, s.adaptive, price)
    session = np.zeros_like(muscle)
    impulse = np.zeros_like(muscle)
    if dose is not None and dose.plan is not None:
        # One MET is the person's resting rate: RMR / 24 kcal per hour.
        session = dose.done * session_met_hours(dose.plan) * rmr_start / 24.0
        work = signals.get("session_work") if bool(dose.plan.strength.any()) else None
        if work is not None:
            impulse = p.post_session_rmr * work / (work + p.post_session_work_half)

    # Today's intake: maintenance of the day's starting state minus the deficit, or fixed.
    bw_start = _body_mass(s, p, s.fat, s.other_lean, s.ecf, s.glycogen)
    spend = rmr_start + s.activity * bw_start + session + p.lean_synthesis * d_muscle
    maintenance = spend / (1.0 - p.tef_fraction)
    intake = np.where(np.isnan(s.fixed_intake), maintenance - s.deficit, s.fixed_intake)
    intake = np.maximum(intake, 0.0)
    # Food eaten for training (its cost and that food's thermic effect) replaces what training
    # burnt; glycogen and adaptive thermogenesis follow the rest of the diet.
    diet = intake - (session + s.elevation) / (1.0 - p.tef_fraction)
    carbs = np.maximum(p.carbohydrate_fraction * diet, 1e-6 * s.carbohydrate0)

    # Closed-form daily solutions for a day of constant intake.
    at_target = p.adaptive_thermogenesis_fraction * (diet - s.intake0)
    at_end = at_target + (s.adaptive - at_target) * np.exp(-1.0 / p.adaptive_thermogenesis_tau_days)
    ecf_target = (
        -p.ecf_carbohydrate_effect * (1.0 - carbs / s.carbohydrate0) / p.ecf_sodium_feedback
    )
    ecf_rate = p.ecf_sodium_feedback / p.sodium_concentration
    ecf_end = ecf_target + (s.ecf - ecf_target) * np.exp(-ecf_rate)
    g_inf = np.sqrt(carbs / s.glycogen_clearance)
    t = np.tanh(s.glycogen_clearance / p.glycogen_energy_density * g_inf)
    gly_end = g_inf * (s.glycogen + g_inf * t) / (g_inf + s.glycogen * t)

    muscle_fat = p.lean_energy_density * d_muscle / p.fat_energy_density  # fat that built it

    # Within the day the energy left for storage is linear in fat and other lean:
    # available = c(w) - a_fat * fat - a_other * other, with c holding everything else at
    # fraction w of the day (the fast states interpolated between their start and end).
    a_fat = p.fat_maintenance + s.activity
    a_other = p.lean_maintenance + s.activity
    fixed = (
        (1.0 - p.tef_fraction) * intake
        - (s.rmr0 + price * (muscle - s.muscle0) + s.elevation)
        + p.fat_maintenance * s.fat0
        - session
        - p.lean_synthesis * d_muscle
        - s.activity * (s.body_mass0 - s.fat0 + muscle - s.muscle0)
        - carbs
    )

    def free_energy(w: float) -> FloatArray:
        adaptive = s.adaptive + w * (at_end - s.adaptive)
        ecf = s.ecf + w * (ecf_end - s.ecf)
        gly = s.glycogen + w * (gly_end - s.glycogen)
        fluid = ecf + p.glycogen_water_factor * (gly - p.glycogen_baseline)
        return fixed - adaptive - s.activity * fluid + s.glycogen_clearance * np.square(gly)

    c = {w: free_energy(w) for w in (0.0, 0.5, 1.0)}
    lean_cost = p.lean_energy_density + p.lean_synthesis
    fat_cost = p.fat_energy_density + p.fat_synthesis

    def rates(fat: FloatArray, other: FloatArray, w: float) -> tuple[FloatArray, FloatArray]:
        """d(fat)/dt and d(other lean)/dt at fraction `w` of the day."""
        available = c[w] - a_fat * fat - a_other * other
        forbes = fat / p.forbes_constant  # d(fat)/d(other lean) along Forbes' curve
        d_other = available / (lean_cost + fat_cost * forbes)
        return d_other * forbes - muscle_fat, d_other

    f1, o1 = rates(s.fat, s.other_lean, 0.0)
    f2, o2 = rates(s.fat + 0.5 * f1, s.other_lean + 0.5 * o1, 0.5)
    f3, o3 = rates(s.fat + 0.5 * f2, s.other_lean + 0.5 * o2, 0.5)
    f4, o4 = rates(s.fat + f3, s.other_lean + o3, 1.0)
    fat_end = s.fat + (f1 + 2.0 * f2 + 2.0 * f3 + f4) / 6.0
    other_end = s.other_lean + (o1 + 2.0 * o2 + 2.0 * o3 + o4) / 6.0

    # The day's expenditure from its parts (mean of the day's start and end states).
    rmr_end = _rmr(s, p, fat_end, other_end, at_end, price)
    bw_end = _body_mass(s, p, fat_end, other_end, ecf_end, gly_end)
    d_fat, d_other = fat_end - s.fat, other_end - s.other_lean
    expenditure = (
        0.5 * (rmr_start + rmr_end)
        + p.tef_fraction * intake
        + s.activity * 0.5 * (bw_start + bw_end)
        + session
        + p.lean_synthesis * (d_muscle + d_other)
        + p.fat_synthesis * d_fat
    )
    weight = 1.0 - np.exp(-1.0 / TDEE_WINDOW_DAYS)
    return evolve(
        s,
        fat=fat_end,
        other_lean=other_end,
        glycogen=gly_end,
        ecf=ecf_end,
        adaptive=at_end,
        elevation=s.elevation * np.exp(-1.0 / p.post_session_tau_days) + impulse,
        intake=intake,
        expenditure=expenditure,
        tdee=s.tdee + weight * (expenditure - s.tdee),
        day=day + 1,
    )


def emit(s: State, p: Params, wanted: frozenset[str]) -> dict[str, FloatArray]:
    out: dict[str, FloatArray] = {}
    if "fat_mass" in wanted:
        out["fat_mass"] = s.fat
    if "body_mass" in wanted:
        out["body_mass"] = body_mass(s, p)
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
