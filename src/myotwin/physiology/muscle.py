"""The muscle hub: skeletal muscle mass, strength per movement pattern, the myokine signal.

Structure (parameters and their sources in the registry, module `muscle`):
- Skeletal muscle mass is an untrained trajectory `sm_base` (age-related loss, Mitchell 2012,
  starting at the onset age of Janssen 2000) times regional training gains `g` (lower body,
  upper body with trunk). A gain grows toward a ceiling while the region is trained, faster when
  younger (Peterson 2011's age gradient), and decays without training (detraining).
- Strength (1RM) of an exercise = its untrained reference (catalogue, per kg body mass; sex ratio
  per region) x regional mass gain x a fast neural gain of its movement pattern x muscle quality,
  which falls with age faster than mass (Goodpaster 2006).
- The training stimulus of a set counts how close it comes to failure (repetitions in reserve from
  Epley's load-repetition relation); strength stimulus also weights load heaviness. Stimuli are
  smoothed over days and saturate with weekly sets.
- The myokine signal: muscle mass relative to the person's untrained baseline, raised for a few
  days after sessions. It is a low-certainty latent signal, not a measured hormone.
Response sizes differ between persons (lognormal responders, Hubal 2005).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from myotwin.catalogue import CATALOGUE, PATTERNS
from myotwin.dose import DoseDay, LoadKind
from myotwin.outcomes import ONE_RM_PREFIX
from myotwin.physiology.base import (
    Context,
    FloatArray,
    OrganModel,
    Signals,
    Value,
    evolve,
)

DAYS_PER_YEAR = 365.25  # calendar definition, not physiology
LOWER, UPPER = 0, 1  # mass compartments; trunk work counts to the upper body
_REGION_TO_COMPARTMENTS: dict[str, tuple[int, ...]] = {
    "lower": (LOWER,),
    "upper": (UPPER,),
    "trunk": (UPPER,),
    "whole": (LOWER, UPPER),
}


@dataclass(frozen=True)
class Params:
    # Baseline skeletal muscle (Lee 2000 anthropometric equation; intercept carries the SEE).
    sm_weight_coef: Value
    sm_height_coef: Value
    sm_male_coef: Value
    sm_age_coef: Value
    sm_intercept: Value
    lower_body_fraction: Value
    bone_mineral_fraction_of_ffm: Value
    # Ageing.
    loss_rate_male: Value
    loss_rate_female: Value
    loss_onset_age: Value
    loss_reference_age: Value
    quality_loss_rate: Value
    # Baseline strength.
    female_strength_ratio_lower: Value
    female_strength_ratio_upper: Value
    strength_scale: Value
    # Training stimulus.
    epley_reps: Value
    rir_scale: Value
    stimulus_tau_days: Value
    hypertrophy_half_sets: Value
    neural_half_sets: Value
    intensity_reference: Value
    intensity_exponent: Value
    # Hypertrophy.
    hypertrophy_rate: Value
    hypertrophy_ceiling: Value
    hypertrophy_age_coef: Value
    hypertrophy_reference_age: Value
    hypertrophy_age_floor: Value
    hypertrophy_response: Value
    detraining_tau_mass_days: Value
    # Neural (movement-pattern) strength.
    neural_rate: Value
    neural_ceiling_lower: Value
    neural_ceiling_upper: Value
    neural_ceiling_single_joint: Value
    neural_response: Value
    detraining_tau_neural_days: Value
    # Prior training.
    trained_fraction_of_ceiling: Value
    # Myokine signal.
    myokine_gain: Value
    myokine_tau_days: Value
    myokine_reference_sets: Value


@dataclass(frozen=True, eq=False)
class State:
    age0: FloatArray
    female: np.ndarray
    body_mass0: FloatArray
    sm_base0: FloatArray
    strength0: FloatArray  # kg of 1RM per unit catalogue reference, this person at baseline
    pattern_row: tuple[int, ...]  # row of each catalogue pattern in `neural`, -1 when inactive
    neural_ceiling: FloatArray  # (active patterns, 1 or n)
    loss_rate: FloatArray  # sex-specific muscle loss rate at the reference age
    gain: FloatArray  # (2, n) regional mass gain over the untrained trajectory
    gain0: FloatArray
    neural: FloatArray  # (active patterns, n)
    neural0: FloatArray
    stim_mass: FloatArray  # (2, n) smoothed effective sets
    stim_neural: FloatArray  # (active patterns, n)
    myokine_load: FloatArray
    session_external_kg: FloatArray  # (entries, n) external load of today's session, else (0, n)
    session_intensity: FloatArray | None = None  # set-weighted mean fraction of 1RM today
    session_work: FloatArray | None = None  # reps x fraction of 1RM x share of muscle mass
    day: int = 0
    active: bool = False  # any training stimulus or gain yet; until then only ageing applies
    lower_rows: tuple[int, ...] = ()  # rows of `neural` whose pattern is mostly lower-body work


def _ramp(age: FloatArray, p: Params) -> FloatArray:
    """Age-loss multiplier: 0 before onset, 1 at the reference age, linear in between and after."""
    return np.maximum(0.0, (age - p.loss_onset_age) / (p.loss_reference_age - p.loss_onset_age))


def _cumulative_ramp(age: FloatArray, p: Params) -> FloatArray:
    """Integral of `_ramp` from onset to `age`, in years."""
    years = np.maximum(0.0, age - p.loss_onset_age)
    return years**2 / (2.0 * (p.loss_reference_age - p.loss_onset_age))


def _neural_ceiling(pattern: str, p: Params) -> Value:
    """Ceiling of a pattern's neural gain, by what most of its exercises are:
    single-joint, else upper-body multi-joint, else lower-body multi-joint."""
    exercises = [e for e in CATALOGUE.exercises if e.pattern == pattern]
    half = len(exercises) / 2.0
    if sum(e.joints == "single" for e in exercises) > half:
        return p.neural_ceiling_single_joint
    if sum(e.region in ("upper", "trunk") for e in exercises) > half:
        return p.neural_ceiling_upper
    return p.neural_ceiling_lower


def _mostly_lower(pattern: str) -> bool:
    exercises = [e for e in CATALOGUE.exercises if e.pattern == pattern]
    return sum(e.region == "lower" for e in exercises) > len(exercises) / 2.0


def _active_patterns(ctx: Context) -> list[int]:
    wanted = set(ctx.schedule.patterns)
    for name in ctx.outcomes:
        if name.startswith(ONE_RM_PREFIX):
            wanted.add(PATTERNS.index(CATALOGUE.get(name[len(ONE_RM_PREFIX) :]).pattern))
    return sorted(wanted)


def init(ctx: Context, p: Params, signals: Signals) -> State:
    persons = ctx.persons
    n = persons.n
    female = persons.female
    male = (~female).astype(np.float64)
    sm_now = (
        p.sm_weight_coef * persons.weight_kg
        + p.sm_height_coef * persons.height_cm / 100.0
        + p.sm_male_coef * male
        + p.sm_age_coef * persons.age_years
        + p.sm_intercept
    )
    ffm = persons.weight_kg * (1.0 - persons.body_fat_pct / 100.0)
    lean = ffm * (1.0 - p.bone_mineral_fraction_of_ffm)
    sm_now = np.minimum(sm_now, lean)  # the equation's error must not exceed lean tissue

    trained = persons.trained.astype(np.float64)
    g0 = np.broadcast_to(
        trained * p.trained_fraction_of_ceiling * p.hypertrophy_ceiling, (2, n)
    ).copy()
    sm_base0 = sm_now / (1.0 + g0[LOWER])  # both compartments start at the same gain

    active = _active_patterns(ctx)
    row = [-1] * len(PATTERNS)
    for i, pat in enumerate(active):
        row[pat] = i
    ceiling = np.array(
        [np.broadcast_to(_neural_ceiling(PATTERNS[pat], p), (n,)) for pat in active]
    ).reshape(len(active), n)
    neural0 = trained * p.trained_fraction_of_ceiling * ceiling

    rate = np.where(female, p.loss_rate_female, p.loss_rate_male)
    age_factor = np.exp(-(rate + p.quality_loss_rate) * _cumulative_ramp(persons.age_years, p))
    strength0 = persons.weight_kg * age_factor * p.strength_scale

    return State(
        age0=persons.age_years,
        female=female,
        body_mass0=persons.weight_kg,
        sm_base0=sm_base0,
        strength0=strength0,
        pattern_row=tuple(row),
        neural_ceiling=ceiling,
        loss_rate=rate,
        gain=g0,
        gain0=g0.copy(),
        neural=neural0,
        neural0=neural0.copy(),
        stim_mass=np.zeros((2, n)),
        stim_neural=np.zeros((len(active), n)),
        myokine_load=np.zeros(n),
        session_external_kg=np.zeros((0, n)),
        active=bool(persons.trained.any()),
        lower_rows=tuple(i for i, pat in enumerate(active) if _mostly_lower(PATTERNS[pat])),
    )


def _ageing(s: State, p: Params, rate: Value) -> FloatArray:
    """exp(-rate x integral of the age ramp since enrolment), on the state's day (closed form)."""
    age = s.age0 + s.day / DAYS_PER_YEAR
    return np.exp(-rate * (_cumulative_ramp(age, p) - _cumulative_ramp(s.age0, p)))


def sm_base(s: State, p: Params) -> FloatArray:
    """The untrained muscle trajectory on the state's day."""
    return s.sm_base0 * _ageing(s, p, s.loss_rate)


def _compartment_fraction(p: Params) -> tuple[Value, Value]:
    return p.lower_body_fraction, 1.0 - p.lower_body_fraction


def skeletal_muscle_mass(s: State, p: Params) -> FloatArray:
    lower, upper = _compartment_fraction(p)
    return sm_base(s, p) * (lower * (1.0 + s.gain[LOWER]) + upper * (1.0 + s.gain[UPPER]))


def _strength_ageing(s: State, p: Params) -> FloatArray:
    """Ageing of 1RMs since baseline: mass trajectory and muscle quality."""
    return _ageing(s, p, s.loss_rate + p.quality_loss_rate)


def one_rm(exercise: str, s: State, p: Params, ageing: FloatArray | None = None) -> FloatArray:
    """Current 1RM (kg external load) of a strength exercise.

    Untrained reference x regional mass gain x neural gain of its pattern x ageing since
    baseline (mass trajectory and muscle quality; `_strength_ageing` of the state, passed in
    when several exercises share one day).
    """
    ex = CATALOGUE.get(exercise)
    compartments = _REGION_TO_COMPARTMENTS[ex.region]
    mass_gain = sum(1.0 + s.gain[c] for c in compartments) / len(compartments)
    row = s.pattern_row[PATTERNS.index(ex.pattern)]
    neural_gain = 1.0 + s.neural[row] if row >= 0 else 1.0
    sex_ratio = (
        p.female_strength_ratio_lower if LOWER in compartments else p.female_strength_ratio_upper
    )
    sex = np.where(s.female, sex_ratio, 1.0)
    if ageing is None:
        ageing = _strength_ageing(s, p)
    reference = ex.one_rm_per_kg_body_mass * s.strength0 * sex
    return reference * mass_gain * neural_gain * ageing


def _session_impulses(
    s: State, dose: DoseDay, p: Params
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Effective sets done today per mass compartment and per active pattern, total sets,
    each entry's external load in kg (what the bone model reads), the set-weighted mean
    relative intensity (the brain model) and the session's work: repetitions x fraction of
    1RM x share of muscle mass involved (the hormone model)."""
    plan = dose.plan
    assert plan is not None
    n = s.sm_base0.shape[0]
    done = dose.done.astype(np.float64)
    mass = np.zeros((2, n))
    neural = np.zeros_like(s.stim_neural)
    total = np.zeros(n)
    external_kg = np.zeros((len(plan.exercise_ids), n))
    intensity_sum = np.zeros(n)
    work = np.zeros(n)
    lower_share, upper_share = _compartment_fraction(p)
    shares = (lower_share, upper_share)
    ageing = _strength_ageing(s, p)  # the same for every exercise of the day
    for i, exercise in enumerate(plan.exercise_ids):
        kind = int(plan.load_kind[i])
        if kind == LoadKind.NONE:
            continue
        reps = plan.reps[i]
        value = plan.load_value[i]
        body = plan.body_mass_fraction[i] * s.body_mass0
        if kind == LoadKind.ONE_RM_FRACTION:
            f: Value = value
            external_kg[i] = value * one_rm(exercise, s, p, ageing)
        elif kind in (LoadKind.RPE, LoadKind.RIR):
            rir = 10.0 - value if kind == LoadKind.RPE else value
            f = 1.0 / (1.0 + (reps + rir) / p.epley_reps)
            external_kg[i] = f * one_rm(exercise, s, p, ageing)
        else:
            external = value * dose.progression if kind == LoadKind.KG else 0.0
            capacity = one_rm(exercise, s, p, ageing) + body
            # Assistance (a negative external load) can at most cancel the moved body mass.
            f = np.minimum(1.0, np.maximum(external + body, 0.0) / np.maximum(capacity, 1e-9))
            external_kg[i] = external
        reps_max = p.epley_reps * (1.0 / np.maximum(f, 1e-3) - 1.0)
        effort = np.exp(-np.maximum(reps_max - reps, 0.0) / p.rir_scale)
        sets = plan.sets[i] * done
        total += sets
        intensity_sum += sets * f
        compartments = _REGION_TO_COMPARTMENTS[CATALOGUE.get(exercise).region]
        work += sets * reps * f * sum(shares[c] for c in compartments)
        for c in compartments:
            mass[c] += sets * effort
        row = s.pattern_row[int(plan.pattern[i])]
        neural[row] += sets * effort * (f / p.intensity_reference) ** p.intensity_exponent
    intensity = intensity_sum / np.maximum(total, 1.0)
    return mass, neural, total, external_kg, intensity, work


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    n = s.sm_base0.shape[0]
    trains_today = dose is not None and dose.plan is not None and bool(dose.plan.strength.any())
    if not (trains_today or s.active):
        # Untrained and no session yet: only ageing, which is a closed form of the day.
        return evolve(
            s,
            day=day + 1,
            session_external_kg=np.zeros((0, n)),
            session_intensity=None,
            session_work=None,
        )
    s = evolve(s, day=day)  # today's ageing for loads given in kg
    decay = np.exp(-1.0 / p.stimulus_tau_days)
    stim_mass = s.stim_mass * decay
    stim_neural = s.stim_neural * decay
    myokine_load = s.myokine_load * np.exp(-1.0 / p.myokine_tau_days)
    external_kg = np.zeros((0, n))
    intensity = work = None
    if trains_today:
        assert dose is not None
        mass, neural_imp, total, external_kg, intensity, work = _session_impulses(s, dose, p)
        stim_mass = stim_mass + mass
        stim_neural = stim_neural + neural_imp
        myokine_load = myokine_load + total / p.myokine_reference_sets

    weekly = 7.0 * (1.0 - decay)  # smoothed impulse -> weekly sets at steady state
    sat_mass = stim_mass * weekly / (stim_mass * weekly + p.hypertrophy_half_sets)
    sat_neural = stim_neural * weekly / (stim_neural * weekly + p.neural_half_sets)

    age = s.age0 + day / DAYS_PER_YEAR
    anabolic = np.exp(
        p.hypertrophy_age_coef
        * (np.maximum(age, p.hypertrophy_age_floor) - p.hypertrophy_reference_age)
    )
    grow = p.hypertrophy_rate * anabolic * p.hypertrophy_response * sat_mass
    gain = s.gain + grow * (p.hypertrophy_ceiling - s.gain) - s.gain / p.detraining_tau_mass_days
    learn = p.neural_rate * p.neural_response * sat_neural
    neural = (
        s.neural + learn * (s.neural_ceiling - s.neural) - s.neural / p.detraining_tau_neural_days
    )
    return evolve(
        s,
        gain=gain,
        neural=neural,
        stim_mass=stim_mass,
        stim_neural=stim_neural,
        myokine_load=myokine_load,
        session_external_kg=external_kg,
        session_intensity=intensity,
        session_work=work,
        day=day + 1,
        active=True,
    )


def lower_body_strength(s: State, p: Params) -> FloatArray:
    """Lower-body strength from training, relative to the person's untrained trajectory (1 on
    day 0 for the untrained): regional mass gain x the mean neural gain of the trained
    lower-body patterns. Ageing is left out: the mobility model's age norms carry it."""
    mass = (1.0 + s.gain[LOWER]) / (1.0 + s.gain0[LOWER])
    rows = list(s.lower_rows)
    neural: Value = 1.0
    if rows:
        neural = np.mean((1.0 + s.neural[rows]) / (1.0 + s.neural0[rows]), axis=0)
    return mass * neural


def myokine_signal(s: State, p: Params) -> FloatArray:
    return skeletal_muscle_mass(s, p) / s.sm_base0 * (1.0 + p.myokine_gain * s.myokine_load)


def emit(s: State, p: Params, wanted: frozenset[str]) -> dict[str, FloatArray]:
    out: dict[str, FloatArray] = {}
    if "skeletal_muscle_mass" in wanted:
        out["skeletal_muscle_mass"] = skeletal_muscle_mass(s, p)
    if "session_external_kg" in wanted:
        out["session_external_kg"] = s.session_external_kg
    if "session_intensity" in wanted and s.session_intensity is not None:
        out["session_intensity"] = s.session_intensity
    if "session_work" in wanted and s.session_work is not None:
        out["session_work"] = s.session_work
    if "lower_body_strength" in wanted:
        out["lower_body_strength"] = lower_body_strength(s, p)
    return out


def outcome(name: str, s: State, p: Params) -> FloatArray:
    if name == "skeletal_muscle_mass":
        return skeletal_muscle_mass(s, p)
    if name == "myokine_signal":
        return myokine_signal(s, p)
    if name.startswith(ONE_RM_PREFIX):
        return one_rm(name[len(ONE_RM_PREFIX) :], s, p)
    raise KeyError(name)


def reports(name: str) -> bool:
    return name in ("skeletal_muscle_mass", "myokine_signal") or name.startswith(ONE_RM_PREFIX)


MODEL: OrganModel[Params, State] = OrganModel(
    name="muscle",
    params_type=Params,
    reads=(),
    writes=(
        "skeletal_muscle_mass",
        "session_external_kg",
        "session_intensity",
        "session_work",
        "lower_body_strength",
    ),
    reports=reports,
    init=init,
    step=step,
    emit=emit,
    outcome=outcome,
    effect_parameters={
        "skeletal_muscle_mass": ("muscle.hypertrophy_rate",),
        "myokine_signal": ("muscle.myokine_gain",),
    },
)
