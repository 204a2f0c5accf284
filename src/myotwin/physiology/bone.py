"""Bone: areal BMD at the lumbar spine, femoral neck and total hip, and T-scores.

No validated mechanistic model links training to BMD over years, so this is a calibrated
phenomenological model (parameters and sources in the registry, module `bone`):

- **Baseline.** The person's BMD, or T-score against the young-adult reference; otherwise the
  age- and sex-specific reference (young-adult peak declining with age as in the NHANES III
  cross-section) plus a personal deviation shared by the three sites.
- **Natural history.** Women: a transient loss centred just after the final menstrual period
  (FMP; SWAN's window of fastest loss) plus a late postmenopausal rate (Melton 2000). Men: a
  loss rate that rises linearly with age (MrOS's age gradient, Cawthon 2009).
- **Mechanical loading (mechanostat).** Each repetition loads a site by the catalogue's site
  factor times the load relative to body weight, plus ground impact in body weights. Cycles
  saturate through the daily-stress-stimulus exponent (Carter 1987). The weekly stimulus above a
  dead zone for habitual loading sets an equilibrium gain that BMD approaches with a remodelling
  time constant of months and loses again after training stops. Resistance work without impact
  reaches a smaller stimulus than with impact (Zhao 2015).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from myotwin.compiled import kernel, pack, per_person, rows
from myotwin.dose import DoseDay
from myotwin.inputs import MENOPAUSE_DEFAULT_AGE_YEARS
from myotwin.numerics import decay_per_day, erf1, exp1, log1, pow1, softplus1
from myotwin.physiology.base import (
    DAYS_PER_YEAR,
    Context,
    FloatArray,
    OrganModel,
    Signals,
    Value,
    evolve,
)

SITES = ("lumbar_spine", "femoral_neck", "total_hip")
LS, FN, TH = 0, 1, 2
MIN_BMD = 0.05  # g/cm2: guard against an implausible drawn baseline, below any measured value


@dataclass(frozen=True)
class Params:
    # Young-adult references (T-score reference for women; baseline peak for both sexes).
    ls_peak_female: Value
    ls_peak_male: Value
    fn_peak_female: Value
    fn_peak_male: Value
    th_peak_female: Value
    th_peak_male: Value
    ls_reference_sd: Value
    fn_reference_sd: Value
    th_reference_sd: Value
    # Cross-sectional decline of the reference with age after 30.
    ls_age_decline_female: Value
    ls_age_decline_male: Value
    hip_age_decline_female: Value
    hip_age_decline_male: Value
    reference_age: Value
    baseline_deviation: Value
    # Natural history.
    menopause_centre_years: Value
    menopause_width_years: Value
    menopause_peak_rate_ls: Value
    menopause_peak_rate_hip: Value
    late_postmenopausal_rate: Value
    male_rate_at_65: Value
    male_rate_slope: Value
    spine_late_ratio: Value
    loss_response: Value
    # Mechanical loading.
    stress_exponent: Value
    impact_body_weights: Value
    stimulus_tau_days: Value
    dead_zone: Value
    half_saturation: Value
    gain_max_ls: Value
    gain_max_hip: Value
    remodelling_tau_days: Value
    loading_response: Value
    # Ten-year fracture probability (not FRAX: published incidences and gradients of risk).
    hip_incidence_65_female: Value
    hip_incidence_65_male: Value
    major_incidence_65_female: Value
    major_incidence_65_male: Value
    hip_incidence_age_slope: Value
    major_incidence_age_slope: Value
    hip_rr_per_sd: Value
    major_rr_per_sd: Value
    prior_fracture_rr: Value
    hip_share_from_falls: Value
    major_share_from_falls: Value
    mortality_65_female: Value
    mortality_65_male: Value
    mortality_age_slope: Value


ROWS = rows(Params)
AGE_65 = 65.0  # years: the age the incidences, mortality and male loss rate are given at
FRACTURE_YEARS = 10
STEPS_PER_YEAR = 4  # quarterly steps: the hazards change slowly with age
HAZARD_ROWS = 4  # hip after falls, hip otherwise, major after falls, major otherwise
# BMD changes slowly: the fracture-hazard signal is refreshed weekly (the engine keeps the last
# emitted value), which keeps untrained populations cheap.
HAZARD_REFRESH_DAYS = 7
_NO_EXTERNAL = np.zeros((0, 0))  # session_external_kg when muscle emits none


@dataclass(frozen=True, eq=False)
class State:
    female: np.ndarray
    age0: FloatArray
    years_since_menopause0: FloatArray
    body_mass: FloatArray
    bmd0: FloatArray  # (3, n) baseline BMD, g/cm2
    gain: FloatArray  # (3, n) fractional gain from loading
    stimulus: FloatArray  # (2, n) smoothed weekly sum of cycles x strain^m: spine, hip
    packed: FloatArray  # the Params of init, packed for kernels (`compiled.pack`)
    prior_fracture: np.ndarray  # bool (n,); False where unknown
    hazards: FloatArray  # (4, n) `fracture_hazards` of the state's day (refresh days only)
    fall_rate_ratio: FloatArray | None = None  # from the mobility model; None: age/sex baseline
    day: int = 0
    loading: bool = False  # any loading so far; until then the mechanical part is skipped
    # The stress exponent is 4 for everyone (the registry's value has no spread): strain^4 by
    # two squarings, a fraction of a general power's cost.
    quartic: bool = False


def _peaks(p: Params, female: np.ndarray) -> FloatArray:
    return np.stack(
        [
            np.where(female, p.ls_peak_female, p.ls_peak_male),
            np.where(female, p.fn_peak_female, p.fn_peak_male),
            np.where(female, p.th_peak_female, p.th_peak_male),
        ]
    )


def _reference_sd(p: Params) -> tuple[Value, Value, Value]:
    return p.ls_reference_sd, p.fn_reference_sd, p.th_reference_sd


def _t_reference(p: Params) -> tuple[tuple[Value, Value], ...]:
    """(mean, sd) of young white women per site: the T-score reference (OUTCOMES.md)."""
    return (
        (p.ls_peak_female, p.ls_reference_sd),
        (p.fn_peak_female, p.fn_reference_sd),
        (p.th_peak_female, p.th_reference_sd),
    )


def init(ctx: Context, p: Params, signals: Signals) -> State:
    persons = ctx.persons
    female = persons.female
    age = persons.age_years
    years_after = np.maximum(age - p.reference_age, 0.0)
    spine_decline = np.where(female, p.ls_age_decline_female, p.ls_age_decline_male)
    hip_decline = np.where(female, p.hip_age_decline_female, p.hip_age_decline_male)
    decline = np.stack([spine_decline, hip_decline, hip_decline])
    sds = _reference_sd(p)
    reference = _peaks(p, female) * np.exp(-decline * years_after)
    drawn = np.stack([reference[i] + p.baseline_deviation * sds[i] for i in range(3)])
    baseline = drawn.copy()
    for i, site in enumerate(SITES):
        mean, sd = _t_reference(p)[i]
        from_t = mean + persons.t_score[site] * sd
        baseline[i] = np.where(np.isnan(persons.bmd[site]), baseline[i], persons.bmd[site])
        baseline[i] = np.where(np.isnan(persons.t_score[site]), baseline[i], from_t)
    ysm = persons.years_since_menopause
    ysm = np.where(np.isnan(ysm), age - MENOPAUSE_DEFAULT_AGE_YEARS, ysm)
    n = persons.n
    prior = persons.prior_fracture
    s = State(
        female=np.ascontiguousarray(female, dtype=np.bool_),
        age0=per_person(age, n),
        years_since_menopause0=per_person(ysm, n),
        body_mass=per_person(persons.weight_kg, n),
        bmd0=np.ascontiguousarray(np.maximum(baseline, MIN_BMD)),
        gain=np.zeros((3, n)),
        stimulus=np.zeros((2, n)),
        packed=pack(p, n),
        prior_fracture=(
            np.zeros(n, dtype=np.bool_)
            if prior is None
            else np.ascontiguousarray(prior, dtype=np.bool_)
        ),
        hazards=np.empty((HAZARD_ROWS, n)),
        quartic=bool(np.all(np.asarray(p.stress_exponent) == 4.0)),
    )
    _hazards_kernel(
        s.packed, s.female, s.age0, s.years_since_menopause0, s.bmd0, s.gain,
        s.prior_fracture, 0, s.hazards,
    )  # fmt: skip
    return s


@kernel
def _women_loss(y: float, centre: float, w: float, peak: float, late: float) -> float:
    """Integral of a woman's loss rate up to `y` years after the FMP: a Gaussian transient
    around the FMP plus a logistic switch to the late rate."""
    z = (y - centre) / w
    transient = peak * w * np.sqrt(np.pi / 2.0) * erf1(z / np.sqrt(2.0))
    return transient + late * w * softplus1(z)


@kernel
def _men_loss(age: float, rate_at_65: float, slope: float) -> float:
    """Integral of a man's loss rate up to `age`: a rate rising linearly with age from where
    it crosses zero."""
    start = AGE_65 - rate_at_65 / slope  # age where the rate is zero
    return 0.5 * slope * max(age - start, 0.0) ** 2


@kernel
def _cumulative_loss(
    packed: FloatArray, i: int, female: bool, age0: float, ysm0: float, day: int, hip: bool
) -> float:
    """Integral of the natural loss rate from enrolment to `day` at the spine or the hip
    (closed form). Age-related loss at the spine is a fraction of the hip's (DXA spine readings
    gain from degenerative change)."""
    # Both sexes worked out, one chosen: loops over persons without branches vectorize.
    years = day / DAYS_PER_YEAR
    centre = packed[ROWS.menopause_centre_years, i]
    w = packed[ROWS.menopause_width_years, i]
    spine_ratio = packed[ROWS.spine_late_ratio, i]
    if hip:
        peak = packed[ROWS.menopause_peak_rate_hip, i]
        late = packed[ROWS.late_postmenopausal_rate, i]
    else:
        peak = packed[ROWS.menopause_peak_rate_ls, i]
        late = spine_ratio * packed[ROWS.late_postmenopausal_rate, i]
    y1 = ysm0 + years
    women = _women_loss(y1, centre, w, peak, late) - _women_loss(ysm0, centre, w, peak, late)
    rate = packed[ROWS.male_rate_at_65, i]
    slope = packed[ROWS.male_rate_slope, i]
    men = _men_loss(age0 + years, rate, slope) - _men_loss(age0, rate, slope)
    if not hip:
        men = spine_ratio * men
    return (women if female else men) * packed[ROWS.loss_response, i]


@kernel
def _natural_bmd_kernel(
    packed: FloatArray,
    female: np.ndarray,
    age0: FloatArray,
    ysm0: FloatArray,
    bmd0: FloatArray,
    day: int,
    out: FloatArray,
) -> None:
    for i in range(age0.shape[0]):
        spine = _cumulative_loss(packed, i, female[i], age0[i], ysm0[i], day, False)
        hip = _cumulative_loss(packed, i, female[i], age0[i], ysm0[i], day, True)
        out[LS, i] = bmd0[LS, i] * np.exp(-spine)
        out[FN, i] = bmd0[FN, i] * np.exp(-hip)
        out[TH, i] = bmd0[TH, i] * np.exp(-hip)


def natural_bmd(s: State, p: Params) -> FloatArray:
    """BMD without training on the state's day."""
    out = np.empty_like(s.bmd0)
    _natural_bmd_kernel(
        s.packed, s.female, s.age0, s.years_since_menopause0, s.bmd0, s.day, out
    )  # fmt: skip
    return out


def bmd(s: State, p: Params) -> FloatArray:
    return natural_bmd(s, p) * (1.0 + s.gain)


@kernel
def _fracture_at_65(
    packed: FloatArray, i: int, female: bool, prior: bool, fn_bmd: float, age: float, hip: bool
) -> float:
    """The person's hip (or major) fracture hazard at age 65 excluding the fall part.

    Age/sex incidence x gradient of risk per SD of femoral neck BMD below the age/sex mean
    (normalised so the population mean hazard is the incidence) x prior fracture.
    """
    # Mean femoral neck BMD of the person's age and sex (the baseline reference). Values of
    # both sexes loaded, one chosen: no load under a branch, so loops over persons vectorize.
    peak_f, peak_m = packed[ROWS.fn_peak_female, i], packed[ROWS.fn_peak_male, i]
    decline_f = packed[ROWS.hip_age_decline_female, i]
    decline_m = packed[ROWS.hip_age_decline_male, i]
    peak = peak_f if female else peak_m
    decline = decline_f if female else decline_m
    reference = peak * exp1(-decline * max(age - packed[ROWS.reference_age, i], 0.0))
    z = (fn_bmd - reference) / packed[ROWS.fn_reference_sd, i]
    if hip:
        base_f = packed[ROWS.hip_incidence_65_female, i]
        base_m = packed[ROWS.hip_incidence_65_male, i]
        rr = packed[ROWS.hip_rr_per_sd, i]
    else:
        base_f = packed[ROWS.major_incidence_65_female, i]
        base_m = packed[ROWS.major_incidence_65_male, i]
        rr = packed[ROWS.major_rr_per_sd, i]
    base = base_f if female else base_m
    log_rr = log1(rr)
    bmd_factor = exp1(-log_rr * z - 0.5 * log_rr**2)  # mean 1 over a normal population
    prior_rr = packed[ROWS.prior_fracture_rr, i]
    return base * bmd_factor * (prior_rr if prior else 1.0)


@kernel
def _person_hazards(
    packed: FloatArray,
    i: int,
    female: bool,
    age0: float,
    ysm0: float,
    bmd0_fn: float,
    gain_fn: float,
    prior: bool,
    day: int,
    out: FloatArray,
) -> None:
    """Person i's four `fracture_hazards` on `day` into out[:, i]."""
    age = age0 + day / DAYS_PER_YEAR
    loss = _cumulative_loss(packed, i, female, age0, ysm0, day, True)
    fn_bmd = bmd0_fn * exp1(-loss) * (1.0 + gain_fn)
    hip_hazard = _fracture_at_65(packed, i, female, prior, fn_bmd, age, True) * exp1(
        packed[ROWS.hip_incidence_age_slope, i] * (age - AGE_65)
    )
    share = packed[ROWS.hip_share_from_falls, i]
    out[0, i] = hip_hazard * share
    out[1, i] = hip_hazard * (1.0 - share)
    major_hazard = _fracture_at_65(packed, i, female, prior, fn_bmd, age, False) * exp1(
        packed[ROWS.major_incidence_age_slope, i] * (age - AGE_65)
    )
    share = packed[ROWS.major_share_from_falls, i]
    out[2, i] = major_hazard * share
    out[3, i] = major_hazard * (1.0 - share)


@kernel
def _hazards_kernel(
    packed: FloatArray,
    female: np.ndarray,
    age0: FloatArray,
    ysm0: FloatArray,
    bmd0: FloatArray,
    gain: FloatArray,
    prior: np.ndarray,
    day: int,
    out: FloatArray,
) -> None:
    for i in range(age0.shape[0]):
        _person_hazards(
            packed, i, female[i], age0[i], ysm0[i], bmd0[FN, i], gain[FN, i], prior[i], day, out
        )


@kernel
def _at_65_kernel(
    packed: FloatArray,
    female: np.ndarray,
    age0: FloatArray,
    ysm0: FloatArray,
    bmd0: FloatArray,
    gain: FloatArray,
    prior: np.ndarray,
    day: int,
    hip: bool,
    out: FloatArray,
) -> None:
    for i in range(age0.shape[0]):
        age = age0[i] + day / DAYS_PER_YEAR
        loss = _cumulative_loss(packed, i, female[i], age0[i], ysm0[i], day, True)
        fn_bmd = bmd0[FN, i] * np.exp(-loss) * (1.0 + gain[FN, i])
        out[i] = _fracture_at_65(packed, i, female[i], prior[i], fn_bmd, age, hip)


@kernel
def _strain_power(x: float, m: float, quartic: bool) -> float:
    """x^m; with `quartic` (m is 4 for everyone: the flag is the same for the whole loop, so
    LLVM makes a loop of each kind rather than working out both) by two squarings."""
    squared = x * x
    return squared * squared if quartic else pow1(x, m)


@kernel
def _target(
    packed: FloatArray,
    i: int,
    stimulus: float,
    decay: float,
    m: float,
    quartic: bool,
    gain_max: float,
) -> float:
    """Equilibrium gain of a site for its smoothed stimulus: the daily stress stimulus of the
    weekly sum above the dead zone, saturating (mechanostat)."""
    weekly = 7.0 * (1.0 - decay) * stimulus
    psi = np.sqrt(np.sqrt(weekly)) if quartic else pow1(weekly, 1.0 / m)
    above = max(psi - packed[ROWS.dead_zone, i], 0.0)
    saturation = above / (above + packed[ROWS.half_saturation, i])
    return gain_max * saturation * packed[ROWS.loading_response, i]


@kernel
def _loading_kernel(
    packed: FloatArray,
    body_mass: FloatArray,
    gain: FloatArray,
    stimulus: FloatArray,
    entries: FloatArray,
    done: np.ndarray,
    external_kg: FloatArray,
    quartic: bool,
    new_gain: FloatArray,
    new_stimulus: FloatArray,
) -> None:
    """One day per person of loading: the session's strain stimulus (mechanostat) and the gain
    approaching its equilibrium. (The fracture hazards of refresh days: `_hazards_kernel`.)

    `entries` (5, E): cycles, body-mass fraction, spine load, hip load, catalogue impact;
    `external_kg` (E, n): the external load of each entry (zeros without a muscle model).
    """
    # Loops over persons without branches inside: they vectorize.
    n = gain.shape[1]
    # Sum over today's repetitions of strain^m at the spine and the hip (body weights),
    # entry by entry.
    spine = np.zeros(n)
    hip = np.zeros(n)
    for e in range(entries.shape[1]):
        cycles = entries[0, e]
        if cycles == 0:
            continue
        for i in range(n):
            m = packed[ROWS.stress_exponent, i]
            d = 1.0 if done[i] else 0.0
            # Assistance (negative external load) can at most cancel the moved body mass.
            relative = max(entries[1, e] + external_kg[e, i] / body_mass[i], 0.0)
            impact = entries[4, e] * packed[ROWS.impact_body_weights, i]
            spine[i] += d * cycles * _strain_power(entries[2, e] * relative + impact, m, quartic)
            hip[i] += d * cycles * _strain_power(entries[3, e] * relative + impact, m, quartic)
    for i in range(n):
        m = packed[ROWS.stress_exponent, i]
        decay = decay_per_day(packed[ROWS.stimulus_tau_days, i])
        stim_spine = stimulus[0, i] * decay + spine[i]
        stim_hip = stimulus[1, i] * decay + hip[i]
        new_stimulus[0, i] = stim_spine
        new_stimulus[1, i] = stim_hip
        tau = packed[ROWS.remodelling_tau_days, i]
        target = _target(packed, i, stim_spine, decay, m, quartic, packed[ROWS.gain_max_ls, i])
        new_gain[LS, i] = gain[LS, i] + (target - gain[LS, i]) / tau
        target = _target(packed, i, stim_hip, decay, m, quartic, packed[ROWS.gain_max_hip, i])
        new_gain[FN, i] = gain[FN, i] + (target - gain[FN, i]) / tau
        new_gain[TH, i] = gain[TH, i] + (target - gain[TH, i]) / tau


_NO_ENTRIES = np.zeros((5, 0))
_NO_DONE = np.zeros(0, dtype=np.bool_)


def _entries(dose: DoseDay | None) -> FloatArray:
    """The (5, E) entry matrix of `_loading_kernel` for today's plan (no columns without one)."""
    if dose is None or dose.plan is None:
        return _NO_ENTRIES
    plan = dose.plan
    cycles = plan.sets * plan.reps
    return np.ascontiguousarray(
        np.stack(
            [
                cycles,
                plan.body_mass_fraction,
                plan.spine_load,
                plan.hip_load,
                plan.impact,
            ]
        ),
        dtype=np.float64,
    )


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    trained_today = dose is not None and dose.plan is not None
    falls = signals.get("fall_rate_ratio")
    load = trained_today or s.loading
    refresh = (day + 1) % HAZARD_REFRESH_DAYS == 0
    if not (load or refresh):
        return evolve(s, day=day + 1, fall_rate_ratio=falls)
    n = s.age0.shape[0]
    gain, stimulus = (np.empty((3, n)), np.empty((2, n))) if load else (s.gain, s.stimulus)
    if trained_today:
        assert dose is not None
        entries = _entries(dose)
        done = np.ascontiguousarray(dose.done, dtype=np.bool_)
        external = signals.get("session_external_kg", _NO_EXTERNAL)
        external = np.ascontiguousarray(external, dtype=np.float64)
        if external.shape[0] < entries.shape[1]:  # no muscle model: no external loads
            external = np.zeros((entries.shape[1], n))
    else:
        entries, done, external = _NO_ENTRIES, _NO_DONE, _NO_EXTERNAL
    if load:
        _loading_kernel(
            s.packed, s.body_mass, s.gain, s.stimulus, entries, done, external, s.quartic, gain,
            stimulus,
        )  # fmt: skip
    hazards = s.hazards
    if refresh:
        hazards = np.empty((HAZARD_ROWS, n))
        _hazards_kernel(
            s.packed, s.female, s.age0, s.years_since_menopause0, s.bmd0, gain,
            s.prior_fracture, day + 1, hazards,
        )  # fmt: skip
    return evolve(
        s,
        gain=gain,
        stimulus=stimulus,
        hazards=hazards,
        day=day + 1,
        loading=load,
        fall_rate_ratio=falls,
    )


def _hazard_at_65(s: State, hip: bool) -> FloatArray:
    """The person's hip (or major) fracture hazard at age 65 today, excluding the fall part."""
    out = np.empty(s.age0.shape[0])
    _at_65_kernel(
        s.packed, s.female, s.age0, s.years_since_menopause0, s.bmd0, s.gain,
        s.prior_fracture, s.day, hip, out,
    )  # fmt: skip
    return out


def fracture_hazards(s: State, p: Params) -> FloatArray:
    """(4, n) fracture hazards per person-year today at the population's fall rate for the
    person's age and sex: hip after falls, hip otherwise, major after falls, major otherwise.
    The mobility model, which owns fall and fracture events, turns them into events."""
    out = np.empty((HAZARD_ROWS, s.age0.shape[0]))
    _hazards_kernel(
        s.packed, s.female, s.age0, s.years_since_menopause0, s.bmd0, s.gain,
        s.prior_fracture, s.day, out,
    )  # fmt: skip
    return out


def fracture_risk_10y(s: State, p: Params, kind: str) -> FloatArray:
    """Probability of a first hip (or major osteoporotic) fracture within ten years, from today.

    The hazard of `_hazard_at_65`, rising with age, with the part due to falls scaled by the
    fall-rate signal; death competes (Gompertz mortality). BMD is held at today's value.
    """
    hip = kind == "hip"
    at_65 = _hazard_at_65(s, hip)
    n = at_65.shape[0]
    falls = per_person(1.0 if s.fall_rate_ratio is None else s.fall_rate_ratio, n)
    out = np.empty(n)
    _risk_10y_kernel(s.packed, s.female, s.age0, s.day, at_65, falls, hip, out)
    return out


@kernel
def _risk_10y_kernel(
    packed: FloatArray,
    female: np.ndarray,
    age0: FloatArray,
    day: int,
    at_65: FloatArray,
    falls: FloatArray,
    hip: bool,
    out: FloatArray,
) -> None:
    # Step by step over the ten years, each step a loop over persons without branches inside
    # (such loops vectorize); each person's constants worked out first.
    n = at_65.shape[0]
    dt = 1.0 / STEPS_PER_YEAR
    slope_row = ROWS.hip_incidence_age_slope if hip else ROWS.major_incidence_age_slope
    share_row = ROWS.hip_share_from_falls if hip else ROWS.major_share_from_falls
    personal = np.empty(n)
    death0 = np.empty(n)
    start = np.empty(n)
    for i in range(n):
        share = packed[share_row, i]
        personal[i] = at_65[i] * (share * falls[i] + (1.0 - share))
        women, men = packed[ROWS.mortality_65_female, i], packed[ROWS.mortality_65_male, i]
        death0[i] = women if female[i] else men
        start[i] = age0[i] + day / DAYS_PER_YEAR
    alive = np.ones(n)
    out[:] = 0.0  # the risk so far
    for k in range(FRACTURE_YEARS * STEPS_PER_YEAR):
        for i in range(n):
            age = start[i] + (k + 0.5) * dt
            hazard = personal[i] * exp1(packed[slope_row, i] * (age - AGE_65))
            death = death0[i] * exp1(packed[ROWS.mortality_age_slope, i] * (age - AGE_65))
            total = hazard + death
            leave = 1.0 - exp1(-total * dt)
            out[i] += alive[i] * leave * hazard / total
            alive[i] *= 1.0 - leave


def emit(s: State, p: Params, wanted: frozenset[str]) -> dict[str, FloatArray]:
    if "fracture_hazards" in wanted and s.day % HAZARD_REFRESH_DAYS == 0:
        return {"fracture_hazards": s.hazards}
    return {}


OUTCOME_SITES = {f"{site}_bmd": i for i, site in enumerate(SITES)}
T_SCORE_SITES = {f"{site}_t_score": i for i, site in enumerate(SITES)}


def outcome(name: str, s: State, p: Params) -> FloatArray:
    if name == "hip_fracture_risk_10y":
        return fracture_risk_10y(s, p, "hip")
    if name == "major_fracture_risk_10y":
        return fracture_risk_10y(s, p, "major")
    if name in OUTCOME_SITES:
        return bmd(s, p)[OUTCOME_SITES[name]]
    i = T_SCORE_SITES[name]
    mean, sd = _t_reference(p)[i]
    return (bmd(s, p)[i] - mean) / sd


def reports(name: str) -> bool:
    return (
        name in OUTCOME_SITES
        or name in T_SCORE_SITES
        or name in ("hip_fracture_risk_10y", "major_fracture_risk_10y")
    )


MODEL: OrganModel[Params, State] = OrganModel(
    name="bone",
    params_type=Params,
    reads=("session_external_kg", "fall_rate_ratio"),
    writes=("fracture_hazards",),
    reports=reports,
    init=init,
    step=step,
    emit=emit,
    outcome=outcome,
    effect_parameters={
        **{
            f"{s}_bmd": ("bone.gain_max_ls" if s == "lumbar_spine" else "bone.gain_max_hip",)
            for s in SITES
        },
        **{
            f"{s}_t_score": ("bone.gain_max_ls" if s == "lumbar_spine" else "bone.gain_max_hip",)
            for s in SITES
        },
        "hip_fracture_risk_10y": ("bone.gain_max_hip", "bone.hip_rr_per_sd"),
        "major_fracture_risk_10y": ("bone.gain_max_hip", "bone.major_rr_per_sd"),
    },
)
