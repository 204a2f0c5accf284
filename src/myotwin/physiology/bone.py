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

from myotwin.dose import DoseDay
from myotwin.inputs import MENOPAUSE_DEFAULT_AGE_YEARS
from myotwin.numerics import erf, softplus
from myotwin.physiology.base import (
    Context,
    FloatArray,
    OrganModel,
    Signals,
    Value,
    evolve,
)

DAYS_PER_YEAR = 365.25
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


@dataclass(frozen=True, eq=False)
class State:
    female: np.ndarray
    age0: FloatArray
    years_since_menopause0: FloatArray
    body_mass: FloatArray
    bmd0: FloatArray  # (3, n) baseline BMD, g/cm2
    gain: FloatArray  # (3, n) fractional gain from loading
    stimulus: FloatArray  # (2, n) smoothed weekly sum of cycles x strain^m: spine, hip
    prior_fracture: np.ndarray | None = None
    fall_rate_ratio: FloatArray | None = None  # from the mobility model; None: age/sex baseline
    day: int = 0
    loading: bool = False  # any loading so far; until then the mechanical part is skipped


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
    return State(
        female=female,
        age0=age,
        years_since_menopause0=ysm,
        body_mass=persons.weight_kg,
        bmd0=np.maximum(baseline, MIN_BMD),
        gain=np.zeros((3, n)),
        stimulus=np.zeros((2, n)),
        prior_fracture=persons.prior_fracture,
    )


def _cumulative_loss(s: State, p: Params, day: int) -> FloatArray:
    """Integral of the natural loss rate from enrolment to `day`, per site (closed form).

    Women: a Gaussian transient around the FMP plus a logistic switch to the late rate.
    Men: a rate rising linearly with age from where it crosses zero. Age-related loss at the
    spine is a fraction of the hip's (DXA spine readings gain from degenerative change).
    """
    years = day / DAYS_PER_YEAR
    w = p.menopause_width_years

    def women(y: FloatArray, peak: Value, late: Value) -> FloatArray:
        z = (y - p.menopause_centre_years) / w
        transient = peak * w * np.sqrt(np.pi / 2.0) * erf(z / np.sqrt(2.0))
        return transient + late * w * softplus(z)

    def men(age: FloatArray) -> FloatArray:
        start = 65.0 - p.male_rate_at_65 / p.male_rate_slope  # age where the rate is zero
        return 0.5 * p.male_rate_slope * np.maximum(age - start, 0.0) ** 2

    y0, y1 = s.years_since_menopause0, s.years_since_menopause0 + years
    spine_args = (p.menopause_peak_rate_ls, p.spine_late_ratio * p.late_postmenopausal_rate)
    hip_args = (p.menopause_peak_rate_hip, p.late_postmenopausal_rate)
    women_spine = women(y1, *spine_args) - women(y0, *spine_args)
    women_hip = women(y1, *hip_args) - women(y0, *hip_args)
    men_hip = men(s.age0 + years) - men(s.age0)
    spine = np.where(s.female, women_spine, p.spine_late_ratio * men_hip)
    hip = np.where(s.female, women_hip, men_hip)
    return np.stack([spine, hip, hip]) * p.loss_response


def natural_bmd(s: State, p: Params) -> FloatArray:
    """BMD without training on the state's day."""
    return s.bmd0 * np.exp(-_cumulative_loss(s, p, s.day))


def _session_stimulus(s: State, dose: DoseDay, external_kg: FloatArray, p: Params) -> FloatArray:
    """Sum over today's repetitions of strain^m at the spine and the hip (body-weight units)."""
    plan = dose.plan
    assert plan is not None
    n = s.body_mass.shape[0]
    out = np.zeros((2, n))
    done = dose.done.astype(np.float64)
    impact = plan.impact * p.impact_body_weights
    for i in range(len(plan.exercise_ids)):
        cycles = plan.sets[i] * plan.reps[i]
        if cycles == 0:
            continue
        external = external_kg[i] if external_kg.shape[0] > i else 0.0
        # Assistance (negative external load) can at most cancel the moved body mass.
        relative = np.maximum(plan.body_mass_fraction[i] + external / s.body_mass, 0.0)
        for site, load in ((0, plan.spine_load[i]), (1, plan.hip_load[i])):
            strain = load * relative + impact[i]
            out[site] += done * cycles * strain**p.stress_exponent
    return out


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    trained_today = dose is not None and dose.plan is not None
    falls = signals.get("fall_rate_ratio")
    if not (trained_today or s.loading):
        return evolve(s, day=day + 1, fall_rate_ratio=falls)
    decay = np.exp(-1.0 / p.stimulus_tau_days)
    stimulus = s.stimulus * decay
    if trained_today:
        assert dose is not None
        external = signals.get("session_external_kg", np.zeros((0, s.body_mass.shape[0])))
        stimulus = stimulus + _session_stimulus(s, dose, external, p)
    weekly = 7.0 * (1.0 - decay) * stimulus
    psi = (
        np.sqrt(np.sqrt(weekly))
        if p.stress_exponent == 4.0
        else weekly ** (1.0 / p.stress_exponent)
    )
    above = np.maximum(psi - p.dead_zone, 0.0)
    saturation = above / (above + p.half_saturation)
    response = np.stack([p.gain_max_ls * saturation[0], p.gain_max_hip * saturation[1]])
    target = (response * p.loading_response)[[0, 1, 1]]
    gain = s.gain + (target - s.gain) / p.remodelling_tau_days
    return evolve(s, gain=gain, stimulus=stimulus, day=day + 1, loading=True, fall_rate_ratio=falls)


def bmd(s: State, p: Params) -> FloatArray:
    return natural_bmd(s, p) * (1.0 + s.gain)


def _reference_fn(s: State, p: Params, age: FloatArray) -> FloatArray:
    """Mean femoral neck BMD of the person's age and sex (the baseline reference)."""
    peak = np.where(s.female, p.fn_peak_female, p.fn_peak_male)
    decline = np.where(s.female, p.hip_age_decline_female, p.hip_age_decline_male)
    return peak * np.exp(-decline * np.maximum(age - p.reference_age, 0.0))


FRACTURE_YEARS = 10
STEPS_PER_YEAR = 4  # quarterly steps: the hazards change slowly with age


def _fracture_terms(s: State, p: Params, kind: str) -> tuple[FloatArray, Value, Value]:
    """(the person's hazard at age 65 excluding the fall part, age slope, share from falls).

    Age/sex incidence x gradient of risk per SD of femoral neck BMD below the age/sex mean
    (normalised so the population mean hazard is the incidence) x prior fracture.
    """
    age = s.age0 + s.day / DAYS_PER_YEAR
    z = (bmd(s, p)[FN] - _reference_fn(s, p, age)) / p.fn_reference_sd
    if kind == "hip":
        base = np.where(s.female, p.hip_incidence_65_female, p.hip_incidence_65_male)
        slope, rr, share = p.hip_incidence_age_slope, p.hip_rr_per_sd, p.hip_share_from_falls
    else:
        base = np.where(s.female, p.major_incidence_65_female, p.major_incidence_65_male)
        slope, rr, share = p.major_incidence_age_slope, p.major_rr_per_sd, p.major_share_from_falls
    log_rr = np.log(rr)
    bmd_factor = np.exp(-log_rr * z - 0.5 * log_rr**2)  # mean 1 over a normal population
    prior = (
        np.where(s.prior_fracture, p.prior_fracture_rr, 1.0)
        if s.prior_fracture is not None
        else 1.0
    )
    return base * bmd_factor * prior, slope, share


def fracture_hazards(s: State, p: Params) -> FloatArray:
    """(4, n) fracture hazards per person-year today at the population's fall rate for the
    person's age and sex: hip after falls, hip otherwise, major after falls, major otherwise.
    The mobility model, which owns fall and fracture events, turns them into events."""
    age = s.age0 + s.day / DAYS_PER_YEAR
    rows = []
    for kind in ("hip", "major"):
        at_65, slope, share = _fracture_terms(s, p, kind)
        hazard = at_65 * np.exp(slope * (age - 65.0))
        rows += [hazard * share, hazard * (1.0 - share)]
    return np.stack(rows)


def fracture_risk_10y(s: State, p: Params, kind: str) -> FloatArray:
    """Probability of a first hip (or major osteoporotic) fracture within ten years, from today.

    The hazard of `_fracture_terms`, rising with age, with the part due to falls scaled by the
    fall-rate signal; death competes (Gompertz mortality). BMD is held at today's value.
    """
    age0 = s.age0 + s.day / DAYS_PER_YEAR
    at_65, slope, share = _fracture_terms(s, p, kind)
    falls = 1.0 if s.fall_rate_ratio is None else s.fall_rate_ratio
    personal = at_65 * (share * falls + (1.0 - share))
    death0 = np.where(s.female, p.mortality_65_female, p.mortality_65_male)
    dt = 1.0 / STEPS_PER_YEAR
    alive = np.ones_like(at_65)
    risk = np.zeros_like(at_65)
    for k in range(FRACTURE_YEARS * STEPS_PER_YEAR):
        age = age0 + (k + 0.5) * dt
        hazard = personal * np.exp(slope * (age - 65.0))
        death = death0 * np.exp(p.mortality_age_slope * (age - 65.0))
        total = hazard + death
        leave = 1.0 - np.exp(-total * dt)
        risk += alive * leave * hazard / total
        alive *= 1.0 - leave
    return risk


# BMD changes slowly: the fracture-hazard signal is refreshed weekly (the engine keeps the last
# emitted value), which keeps untrained populations cheap.
HAZARD_REFRESH_DAYS = 7


def emit(s: State, p: Params, wanted: frozenset[str]) -> dict[str, FloatArray]:
    if "fracture_hazards" in wanted and s.day % HAZARD_REFRESH_DAYS == 0:
        return {"fracture_hazards": fracture_hazards(s, p)}
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
