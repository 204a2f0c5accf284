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
from myotwin.compiled import kernel, pack, per_person, rows
from myotwin.dose import BoolArray, DoseDay, IntArray, LoadKind, SessionPlan
from myotwin.numerics import decay_per_day, exp1, pow1
from myotwin.outcomes import ONE_RM_PREFIX
from myotwin.physiology.base import (
    DAYS_PER_YEAR,
    Context,
    FloatArray,
    OrganModel,
    Signals,
    Value,
    evolve,
)

LOWER, UPPER = 0, 1  # mass compartments; trunk work counts to the upper body


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


ROWS = rows(Params)

# Rows of the State's `fixed` matrix: per-person constants set at init. After them come the
# active patterns' initial neural gains (FIXED_NEURAL0 + row), then their ceilings
# (FIXED_NEURAL0 + patterns + row).
AGE0, BODY_MASS0, SM_BASE0, STRENGTH0, LOSS_RATE, FEMALE, GAIN0 = 0, 1, 2, 3, 4, 5, 6
FIXED_NEURAL0 = GAIN0 + 2  # GAIN0 + LOWER, GAIN0 + UPPER are the initial regional gains
# Rows of the State's `level` matrix: what changes day by day. GAIN + LOWER/UPPER: regional mass
# gain; STIM + LOWER/UPPER: smoothed effective sets; the myokine load; from NEURAL: the active
# patterns' neural gains, then their smoothed stimuli (NEURAL + patterns + row).
GAIN, STIM, MYOKINE, NEURAL = 0, 2, 4, 5
# Rows of the State's `emitted` matrix: the signals of the state's day.
MUSCLE_MASS, LOWER_STRENGTH = 0, 1
# An exercise's mass compartments: LOWER, UPPER, or BOTH (whole-body work).
BOTH = 2
_REGION_CODE = {"lower": LOWER, "upper": UPPER, "trunk": UPPER, "whole": BOTH}
# Rows of a session plan's entry matrix (one column per entry), built once per plan.
KIND, SETS, REPS, LOAD, BODY_FRACTION, ONE_RM_PER_KG, REGION, ROW = range(8)
ENTRY_ROWS = 8
_NO_ENTRIES = np.zeros((ENTRY_ROWS, 0))  # the entries of a day without strength work
_NO_DONE = np.zeros(0, dtype=np.bool_)


@dataclass(frozen=True, eq=False)
class State:
    # Row by row (C order), as `compiled.pack`: the daily loops run over persons, one row at a
    # time, and vectorize.
    packed: FloatArray  # the Params of init, packed for kernels (`compiled.pack`)
    fixed: FloatArray  # (rows, n) per-person constants; rows named above (AGE0, ...)
    level: FloatArray  # (rows, n) levels and smoothed stimuli; rows named above (GAIN, ...)
    emitted: FloatArray  # (2, n) row-major: the signals of the state's day (MUSCLE_MASS, ...)
    pattern_row: tuple[int, ...]  # row of each catalogue pattern among the active, -1 if inactive
    lower_rows: IntArray  # active-pattern rows whose pattern is mostly lower-body work
    # Entry matrix (ENTRY_ROWS, E) of each plan met so far; no columns without strength entries.
    plans: dict[SessionPlan, FloatArray]
    no_session: FloatArray  # (0, n): the external loads on a day without a session
    session_external_kg: FloatArray  # (entries, n) external load of today's session, else (0, n)
    session_intensity: FloatArray | None = None  # set-weighted mean fraction of 1RM today
    session_work: FloatArray | None = None  # reps x fraction of 1RM x share of muscle mass
    day: int = 0
    active: bool = False  # any training stimulus or gain yet; until then only ageing applies
    # The intensity exponent is 1 for everyone (the registry's value has no spread): the
    # intensity factor is then the relative intensity itself, no power worked out.
    linear_intensity: bool = False

    @property
    def patterns(self) -> int:
        """Number of active patterns (rows of `neural`)."""
        return (self.level.shape[0] - NEURAL) // 2

    @property
    def sm_base0(self) -> FloatArray:
        return self.fixed[SM_BASE0]

    @property
    def gain(self) -> FloatArray:
        """(2, n) regional mass gain over the untrained trajectory."""
        return self.level[GAIN : GAIN + 2]

    @property
    def neural(self) -> FloatArray:
        """(active patterns, n) neural gain of each active movement pattern."""
        return self.level[NEURAL : NEURAL + self.patterns]

    @property
    def myokine_load(self) -> FloatArray:
        return self.level[MYOKINE]


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


@kernel
def _cumulative_ramp(age: float, packed: FloatArray, i: int) -> float:
    """Integral, from onset to `age` in years, of the age-loss multiplier: 0 before the onset
    age, 1 at the reference age, linear in between and after."""
    onset = packed[ROWS.loss_onset_age, i]
    years = max(0.0, age - onset)
    return years * years / (2.0 * (packed[ROWS.loss_reference_age, i] - onset))


@kernel
def _ageing(packed: FloatArray, fixed: FloatArray, day: int, rate: float, i: int) -> float:
    """exp(-rate x integral of the age ramp since enrolment) on `day` (closed form)."""
    age0 = fixed[AGE0, i]
    age = age0 + day / DAYS_PER_YEAR
    return exp1(-rate * (_cumulative_ramp(age, packed, i) - _cumulative_ramp(age0, packed, i)))


@kernel
def _strength_ageing(packed: FloatArray, fixed: FloatArray, day: int, i: int) -> float:
    """Ageing of 1RMs since baseline: mass trajectory and muscle quality."""
    return _ageing(packed, fixed, day, fixed[LOSS_RATE, i] + packed[ROWS.quality_loss_rate, i], i)


@kernel
def _baseline_age_factor(packed: FloatArray, age: FloatArray, rate: FloatArray) -> FloatArray:
    """exp(-(loss rate + quality loss) x integral of the age ramp up to `age`): how much
    strength per kg of body mass has fallen with age by baseline."""
    out = np.empty(age.shape[0])
    for i in range(age.shape[0]):
        quality = packed[ROWS.quality_loss_rate, i]
        out[i] = np.exp(-(rate[i] + quality) * _cumulative_ramp(age[i], packed, i))
    return out


@kernel
def _one_rm(
    per_kg: float,
    region: int,
    strength0: float,
    sex: float,
    gain_lower: float,
    gain_upper: float,
    neural: float,
    ageing: float,
) -> float:
    """Current 1RM (kg external load) of a strength exercise: its untrained reference (`per_kg`
    x the person's `strength0` x `sex`, the female ratio of its region or 1) x mass gain of its
    region x the neural gain of its pattern (`neural`, 0 when inactive) x `ageing` since
    baseline (`_strength_ageing`). Scalar arguments only, so that it inlines into loops."""
    if region == BOTH:
        mass_gain = ((1.0 + gain_lower) + (1.0 + gain_upper)) / 2.0
    elif region == LOWER:
        mass_gain = 1.0 + gain_lower
    else:
        mass_gain = 1.0 + gain_upper
    reference = per_kg * strength0 * sex
    return reference * mass_gain * (1.0 + neural) * ageing


@kernel
def _sex_ratio(female: float, ratio_lower: float, ratio_upper: float, region: int) -> float:
    """Untrained strength relative to a man's in a region's exercises (`female` 1 or 0)."""
    if female == 0.0:
        return 1.0
    return ratio_upper if region == UPPER else ratio_lower


@kernel
def _one_rm_all(
    per_kg: float,
    region: int,
    row: int,
    packed: FloatArray,
    fixed: FloatArray,
    level: FloatArray,
    day: int,
) -> FloatArray:
    out = np.empty(level.shape[1])
    for i in range(out.shape[0]):
        out[i] = _one_rm(
            per_kg,
            region,
            fixed[STRENGTH0, i],
            _sex_ratio(
                fixed[FEMALE, i],
                packed[ROWS.female_strength_ratio_lower, i],
                packed[ROWS.female_strength_ratio_upper, i],
                region,
            ),
            level[GAIN + LOWER, i],
            level[GAIN + UPPER, i],
            level[NEURAL + row, i] if row >= 0 else 0.0,
            _strength_ageing(packed, fixed, day, i),
        )
    return out


@kernel
def _emit_all(
    packed: FloatArray,
    fixed: FloatArray,
    level: FloatArray,
    emitted: FloatArray,
    lower_rows: IntArray,
    day: int,
) -> None:
    """Skeletal muscle mass and lower-body strength (see `lower_body_strength`) on `day` of the
    state `level`, into `emitted`."""
    n = level.shape[1]
    # The mean neural gain of the lower-body patterns (1 without any), pattern by pattern:
    # loops over persons without branches inside vectorize.
    neural = np.zeros(n) if lower_rows.shape[0] > 0 else np.ones(n)
    for r in lower_rows:
        for i in range(n):
            neural[i] += (1.0 + level[NEURAL + r, i]) / (1.0 + fixed[FIXED_NEURAL0 + r, i])
    count = max(lower_rows.shape[0], 1)
    for i in range(n):
        sm_base = fixed[SM_BASE0, i] * _ageing(packed, fixed, day, fixed[LOSS_RATE, i], i)
        lower = packed[ROWS.lower_body_fraction, i]
        upper = 1.0 - lower
        gain_lower = level[GAIN + LOWER, i]
        gain_upper = level[GAIN + UPPER, i]
        emitted[MUSCLE_MASS, i] = sm_base * (
            lower * (1.0 + gain_lower) + upper * (1.0 + gain_upper)
        )
        mass = (1.0 + gain_lower) / (1.0 + fixed[GAIN0 + LOWER, i])
        emitted[LOWER_STRENGTH, i] = mass * (neural[i] / count)


@kernel
def _session(
    packed: FloatArray,
    fixed: FloatArray,
    level: FloatArray,
    new: FloatArray,
    entries: FloatArray,
    done: BoolArray,
    progression: float,
    day: int,
    linear_intensity: bool,
    out: FloatArray,
) -> FloatArray:
    """Today's session (`day`): effective sets per mass compartment and per active pattern added
    to the stimulus rows of `new` (which hold 0 on entry); each entry's external load in kg
    (what the bone model reads), the set-weighted mean relative intensity (the brain model) and
    the session's work, repetitions x fraction of 1RM x share of muscle mass involved (the
    hormone model), into `out` (entries, then intensity and work). Returns each person's total
    sets."""
    n = level.shape[1]
    patterns = (level.shape[0] - NEURAL) // 2
    n_entries = entries.shape[1]
    # Entry by entry, a loop over persons without branches inside (what differs between
    # entries is chosen outside it, or between values): such loops vectorize.
    ageing = np.empty(n)  # of 1RMs, the same for every exercise of the day
    for i in range(n):
        ageing[i] = _strength_ageing(packed, fixed, day, i)
    total = np.zeros(n)
    intensity_sum = np.zeros(n)
    work = np.zeros(n)
    for k in range(n_entries):
        kind = int(entries[KIND, k])
        if kind == LoadKind.NONE:
            continue
        planned_sets = entries[SETS, k]
        reps = entries[REPS, k]
        value = entries[LOAD, k]
        per_kg = entries[ONE_RM_PER_KG, k]
        body_fraction = entries[BODY_FRACTION, k]
        region = int(entries[REGION, k])
        row = int(entries[ROW, k])
        neural_row = NEURAL + row if row >= 0 else 0  # a row that exists; unused without one
        rir = 10.0 - value if kind == LoadKind.RPE else value
        external = value * progression if kind == LoadKind.KG else 0.0
        for i in range(n):
            neural = level[neural_row, i]
            one_rm = _one_rm(
                per_kg,
                region,
                fixed[STRENGTH0, i],
                _sex_ratio(
                    fixed[FEMALE, i],
                    packed[ROWS.female_strength_ratio_lower, i],
                    packed[ROWS.female_strength_ratio_upper, i],
                    region,
                ),
                level[GAIN + LOWER, i],
                level[GAIN + UPPER, i],
                neural if row >= 0 else 0.0,
                ageing[i],
            )
            # The fraction of 1RM lifted, and the load in kg (what the bone model reads).
            epley = packed[ROWS.epley_reps, i]
            by_reps = 1.0 / (1.0 + (reps + rir) / epley)
            body = body_fraction * fixed[BODY_MASS0, i]
            # Assistance (a negative external load) can at most cancel the moved body mass.
            by_load = min(1.0, max(external + body, 0.0) / max(one_rm + body, 1e-9))
            if kind == LoadKind.ONE_RM_FRACTION:
                f, kg = value, value * one_rm
            elif kind == LoadKind.RPE or kind == LoadKind.RIR:
                f, kg = by_reps, by_reps * one_rm
            else:
                f, kg = by_load, external
            out[k, i] = kg
            reps_max = epley * (1.0 / max(f, 1e-3) - 1.0)
            effort = exp1(-max(reps_max - reps, 0.0) / packed[ROWS.rir_scale, i])
            relative = f / packed[ROWS.intensity_reference, i]
            factor = (
                relative if linear_intensity else pow1(relative, packed[ROWS.intensity_exponent, i])
            )
            sets = planned_sets * (1.0 if done[i] else 0.0)
            total[i] += sets
            intensity_sum[i] += sets * f
            lower_share = packed[ROWS.lower_body_fraction, i]
            upper_share = 1.0 - lower_share
            if region == BOTH:
                share = lower_share + upper_share
            else:
                share = lower_share if region == LOWER else upper_share
            stimulus = sets * effort
            new[STIM + LOWER, i] += stimulus if region != UPPER else 0.0
            new[STIM + UPPER, i] += stimulus if region != LOWER else 0.0
            work[i] += sets * reps * f * share
            new[NEURAL + patterns + row, i] += sets * effort * factor
    for i in range(n):
        out[n_entries, i] = intensity_sum[i] / max(total[i], 1.0)
        out[n_entries + 1, i] = work[i]
    return total


@kernel
def _day(
    packed: FloatArray,
    fixed: FloatArray,
    level: FloatArray,
    new: FloatArray,
    emitted: FloatArray,
    lower_rows: IntArray,
    day: int,
    update: bool,
    entries: FloatArray,
    done: BoolArray,
    progression: float,
    linear_intensity: bool,
    out: FloatArray,
) -> None:
    """One day for every person: `level` (the state on `day`) -> `new` (on day + 1), and the
    signals of day + 1 into `emitted`. Without `update` (no training yet) the levels stay and
    `new` is not written; with `entries` (a session plan's, at least one column) today's session
    adds its stimuli and fills `out`."""
    n = level.shape[1]
    patterns = (level.shape[0] - NEURAL) // 2
    session = entries.shape[1] > 0
    if not update:
        _emit_all(packed, fixed, level, emitted, lower_rows, day + 1)
        return
    # Today's impulses first (from zero), then the decayed stimuli on top.
    new[STIM + LOWER] = 0.0
    new[STIM + UPPER] = 0.0
    new[NEURAL + patterns : NEURAL + 2 * patterns] = 0.0
    total = np.zeros(n)
    if session:
        total = _session(
            packed, fixed, level, new, entries, done, progression, day, linear_intensity, out
        )
    # One loop over persons per part, without branches inside: such loops vectorize.
    decay = np.empty(n)
    weekly = np.empty(n)  # smoothed impulse -> weekly sets at steady state
    for i in range(n):
        decay[i] = decay_per_day(packed[ROWS.stimulus_tau_days, i])
        weekly[i] = 7.0 * (1.0 - decay[i])
        myokine_decay = decay_per_day(packed[ROWS.myokine_tau_days, i])
        new[MYOKINE, i] = (
            level[MYOKINE, i] * myokine_decay + total[i] / packed[ROWS.myokine_reference_sets, i]
        )
        age = fixed[AGE0, i] + day / DAYS_PER_YEAR
        anabolic = exp1(
            packed[ROWS.hypertrophy_age_coef, i]
            * (
                max(age, packed[ROWS.hypertrophy_age_floor, i])
                - packed[ROWS.hypertrophy_reference_age, i]
            )
        )
        growth = packed[ROWS.hypertrophy_rate, i] * anabolic * packed[ROWS.hypertrophy_response, i]
        ceiling = packed[ROWS.hypertrophy_ceiling, i]
        tau = packed[ROWS.detraining_tau_mass_days, i]
        half = packed[ROWS.hypertrophy_half_sets, i]
        for c in (LOWER, UPPER):
            stim = level[STIM + c, i] * decay[i] + new[STIM + c, i]
            new[STIM + c, i] = stim
            grow = growth * (stim * weekly[i] / (stim * weekly[i] + half))
            g = level[GAIN + c, i]
            new[GAIN + c, i] = g + grow * (ceiling - g) - g / tau
    for r in range(patterns):
        for i in range(n):
            stim = level[NEURAL + patterns + r, i] * decay[i] + new[NEURAL + patterns + r, i]
            new[NEURAL + patterns + r, i] = stim
            sat = stim * weekly[i] / (stim * weekly[i] + packed[ROWS.neural_half_sets, i])
            learn = packed[ROWS.neural_rate, i] * packed[ROWS.neural_response, i] * sat
            g = level[NEURAL + r, i]
            top = fixed[FIXED_NEURAL0 + patterns + r, i]
            new[NEURAL + r, i] = (
                g + learn * (top - g) - g / packed[ROWS.detraining_tau_neural_days, i]
            )
    _emit_all(packed, fixed, new, emitted, lower_rows, day + 1)


def init(ctx: Context, p: Params, signals: Signals) -> State:
    persons = ctx.persons
    n = persons.n
    packed = pack(p, n)
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
    g0 = per_person(trained * p.trained_fraction_of_ceiling * p.hypertrophy_ceiling, n)
    sm_base0 = sm_now / (1.0 + g0)  # both compartments start at the same gain

    active = _active_patterns(ctx)
    row = [-1] * len(PATTERNS)
    for i, pat in enumerate(active):
        row[pat] = i
    ceiling = np.array([per_person(_neural_ceiling(PATTERNS[pat], p), n) for pat in active])
    ceiling = ceiling.reshape(len(active), n)
    neural0 = trained * p.trained_fraction_of_ceiling * ceiling

    rate = per_person(np.where(female, p.loss_rate_female, p.loss_rate_male), n)
    age = per_person(persons.age_years, n)
    strength0 = persons.weight_kg * _baseline_age_factor(packed, age, rate) * p.strength_scale

    fixed = np.empty((FIXED_NEURAL0 + 2 * len(active), n))
    fixed[AGE0] = age
    fixed[BODY_MASS0] = persons.weight_kg
    fixed[SM_BASE0] = sm_base0
    fixed[STRENGTH0] = strength0
    fixed[LOSS_RATE] = rate
    fixed[FEMALE] = female
    fixed[GAIN0 + LOWER] = g0
    fixed[GAIN0 + UPPER] = g0
    fixed[FIXED_NEURAL0 : FIXED_NEURAL0 + len(active)] = neural0
    fixed[FIXED_NEURAL0 + len(active) :] = ceiling
    level = np.zeros((NEURAL + 2 * len(active), n))
    level[GAIN + LOWER] = g0
    level[GAIN + UPPER] = g0
    level[NEURAL : NEURAL + len(active)] = neural0
    lower_rows = np.array(
        [i for i, pat in enumerate(active) if _mostly_lower(PATTERNS[pat])], dtype=np.int64
    )
    emitted = np.empty((2, n))
    _emit_all(packed, fixed, level, emitted, lower_rows, 0)
    no_session = np.zeros((0, n))
    return State(
        packed=packed,
        fixed=fixed,
        level=level,
        emitted=emitted,
        pattern_row=tuple(row),
        lower_rows=lower_rows,
        plans={},
        no_session=no_session,
        session_external_kg=no_session,
        active=bool(persons.trained.any()),
        linear_intensity=bool(np.all(np.asarray(p.intensity_exponent) == 1.0)),
    )


def _exercise_constants(exercise: str, s: State) -> tuple[float, int, int]:
    """An exercise's untrained 1RM per kg body mass, mass compartments and pattern row."""
    ex = CATALOGUE.get(exercise)
    row = s.pattern_row[PATTERNS.index(ex.pattern)]
    return ex.one_rm_per_kg_body_mass, _REGION_CODE[ex.region], row


def _entries(s: State, plan: SessionPlan) -> FloatArray:
    """The plan's entry matrix (rows KIND, ...; one column per entry), built on first use; no
    columns when the plan has no strength entries."""
    entries = s.plans.get(plan)
    if entries is None:
        entries = _NO_ENTRIES
        if plan.has_strength:
            entries = np.empty((ENTRY_ROWS, len(plan.exercise_ids)))
            entries[KIND] = plan.load_kind
            entries[SETS] = plan.sets
            entries[REPS] = plan.reps
            entries[LOAD] = plan.load_value
            entries[BODY_FRACTION] = plan.body_mass_fraction
            for k, exercise in enumerate(plan.exercise_ids):
                per_kg, region, row = _exercise_constants(exercise, s)
                entries[ONE_RM_PER_KG, k] = per_kg
                entries[REGION, k] = region
                entries[ROW, k] = row
        s.plans[plan] = entries
    return entries


def skeletal_muscle_mass(s: State, p: Params) -> FloatArray:
    """Untrained trajectory x regional gains, on the state's day (worked out by its step)."""
    return s.emitted[MUSCLE_MASS]


def one_rm(exercise: str, s: State, p: Params) -> FloatArray:
    """Current 1RM (kg external load) of a strength exercise.

    Untrained reference x regional mass gain x neural gain of its pattern x ageing since
    baseline (mass trajectory and muscle quality), with the parameters the state was made with.
    """
    per_kg, region, row = _exercise_constants(exercise, s)
    return _one_rm_all(per_kg, region, row, s.packed, s.fixed, s.level, s.day)


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    entries = _NO_ENTRIES if dose is None or dose.plan is None else _entries(s, dose.plan)
    n_entries = entries.shape[1]  # none without strength work today
    update = n_entries > 0 or s.active
    # Untrained and no session yet: only ageing applies, a closed form of the day; levels stay.
    new = np.empty_like(s.level) if update else s.level
    emitted = np.empty_like(s.emitted)
    if n_entries == 0:
        _day(s.packed, s.fixed, s.level, new, emitted, s.lower_rows, day, update,
             entries, _NO_DONE, 1.0, s.linear_intensity, s.no_session)  # fmt: skip
        return evolve(
            s,
            level=new,
            emitted=emitted,
            session_external_kg=s.no_session,
            session_intensity=None,
            session_work=None,
            day=day + 1,
            active=update,
        )
    assert dose is not None
    out = np.zeros((n_entries + 2, new.shape[1]))  # external kg per entry, intensity, work
    _day(s.packed, s.fixed, s.level, new, emitted, s.lower_rows, day, update,
         entries, dose.done, dose.progression, s.linear_intensity, out)  # fmt: skip
    return evolve(
        s,
        level=new,
        emitted=emitted,
        session_external_kg=out[:n_entries],
        session_intensity=out[n_entries],
        session_work=out[n_entries + 1],
        day=day + 1,
        active=True,
    )


def lower_body_strength(s: State, p: Params) -> FloatArray:
    """Lower-body strength from training, relative to the person's untrained trajectory (1 on
    day 0 for the untrained): regional mass gain x the mean neural gain of the trained
    lower-body patterns. Ageing is left out: the mobility model's age norms carry it."""
    return s.emitted[LOWER_STRENGTH]


def myokine_signal(s: State, p: Params) -> FloatArray:
    return skeletal_muscle_mass(s, p) / s.sm_base0 * (1.0 + p.myokine_gain * s.myokine_load)


def emit(s: State, p: Params, wanted: frozenset[str]) -> dict[str, FloatArray]:
    out: dict[str, FloatArray] = {}
    if "skeletal_muscle_mass" in wanted:
        out["skeletal_muscle_mass"] = s.emitted[MUSCLE_MASS]
    if "session_external_kg" in wanted:
        out["session_external_kg"] = s.session_external_kg
    if "session_intensity" in wanted and s.session_intensity is not None:
        out["session_intensity"] = s.session_intensity
    if "session_work" in wanted and s.session_work is not None:
        out["session_work"] = s.session_work
    if "lower_body_strength" in wanted:
        out["lower_body_strength"] = s.emitted[LOWER_STRENGTH]
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
