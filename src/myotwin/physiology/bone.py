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

from dataclasses import dataclass, replace

import numpy as np

from myotwin.dose import DoseDay
from myotwin.inputs import MENOPAUSE_DEFAULT_AGE_YEARS
from myotwin.numerics import erf, softplus
from myotwin.physiology.base import Context, FloatArray, OrganModel, Signals, Value

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
    male_spine_ratio: Value
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


@dataclass(frozen=True, eq=False)
class State:
    female: np.ndarray
    age0: FloatArray
    years_since_menopause0: FloatArray
    body_mass: FloatArray
    bmd0: FloatArray  # (3, n) baseline BMD, g/cm2
    gain: FloatArray  # (3, n) fractional gain from loading
    stimulus: FloatArray  # (2, n) smoothed weekly sum of cycles x strain^m: spine, hip
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
    )


def _cumulative_loss(s: State, p: Params, day: int) -> FloatArray:
    """Integral of the natural loss rate from enrolment to `day`, per site (closed form).

    Women: a Gaussian transient around the FMP plus a logistic switch to the late rate.
    Men: a rate rising linearly with age from where it crosses zero.
    """
    years = day / DAYS_PER_YEAR
    w = p.menopause_width_years

    def women(y: FloatArray, peak: Value) -> FloatArray:
        z = (y - p.menopause_centre_years) / w
        transient = peak * w * np.sqrt(np.pi / 2.0) * erf(z / np.sqrt(2.0))
        return transient + p.late_postmenopausal_rate * w * softplus(z)

    def men(age: FloatArray) -> FloatArray:
        start = 65.0 - p.male_rate_at_65 / p.male_rate_slope  # age where the rate is zero
        return 0.5 * p.male_rate_slope * np.maximum(age - start, 0.0) ** 2

    y0 = s.years_since_menopause0
    women_spine = women(y0 + years, p.menopause_peak_rate_ls) - women(y0, p.menopause_peak_rate_ls)
    women_hip = women(y0 + years, p.menopause_peak_rate_hip) - women(y0, p.menopause_peak_rate_hip)
    men_hip = men(s.age0 + years) - men(s.age0)
    spine = np.where(s.female, women_spine, p.male_spine_ratio * men_hip)
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
        relative = plan.body_mass_fraction[i] + external / s.body_mass
        for site, load in ((0, plan.spine_load[i]), (1, plan.hip_load[i])):
            strain = load * relative + impact[i]
            out[site] += done * cycles * strain**p.stress_exponent
    return out


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    trained_today = dose is not None and dose.plan is not None
    if not (trained_today or s.loading):
        return replace(s, day=day + 1)
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
    return replace(s, gain=gain, stimulus=stimulus, day=day + 1, loading=True)


def bmd(s: State, p: Params) -> FloatArray:
    return natural_bmd(s, p) * (1.0 + s.gain)


def emit(s: State, p: Params, wanted: frozenset[str]) -> dict[str, FloatArray]:
    return {}


OUTCOME_SITES = {f"{site}_bmd": i for i, site in enumerate(SITES)}
T_SCORE_SITES = {f"{site}_t_score": i for i, site in enumerate(SITES)}


def outcome(name: str, s: State, p: Params) -> FloatArray:
    if name in OUTCOME_SITES:
        return bmd(s, p)[OUTCOME_SITES[name]]
    i = T_SCORE_SITES[name]
    mean, sd = _t_reference(p)[i]
    return (bmd(s, p)[i] - mean) / sd


def reports(name: str) -> bool:
    return name in OUTCOME_SITES or name in T_SCORE_SITES


MODEL: OrganModel[Params, State] = OrganModel(
    name="bone",
    params_type=Params,
    reads=("session_external_kg",),
    writes=(),
    reports=reports,
    init=init,
    step=step,
    emit=emit,
    outcome=outcome,
)
