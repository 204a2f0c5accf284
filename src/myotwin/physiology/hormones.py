"""Hormones: acute session curves (GH, testosterone, cortisol, IL-6) and resting levels.

Impulse-response curves, not a mechanistic endocrine model (parameters in the registry, module
`hormones`):

- **Acute response.** During a session each concentration rises toward resting + amplitude and
  reaches it at the end of the session; afterwards the excess decays with the hormone's
  half-life (GH and testosterone back near rest within about an hour, cortisol slower, IL-6 over
  hours). The amplitude grows with the session's work (repetitions x fraction of 1RM x share of
  muscle mass involved, from the muscle hub) and saturates; testosterone rises in men, little in
  women (Kraemer 1991).
- **Rest intervals.** At the same work, shorter rests between sets raise growth hormone and, less
  so, cortisol (Kraemer 1990; Kraemer & Ratamess 2005; de Salles 2009): their amplitudes are
  multiplied by (rest / 90 s)^-exponent, with the session's set-weighted rest held inside the
  studied range (30-300 s). Exponents from Rahimi 2010 (GH 64 % higher with 60 s than 120 s) and
  Buresh 2009 (post-session cortisol 963 vs 629 nmol/L with 1 vs 2.5 min). Testosterone (mixed
  findings: Rahimi 2010 against Villanueva 2012) and IL-6 do not depend on rest. At the default
  rest (`inputs.DEFAULT_REST_SECONDS`, 90 s) the factor is 1, so programs without a rest interval
  keep the calibrated response (McCall 1999's rest interval is not in the sources at hand).
- **IL-6** has two compartments, the structure of Morettini 2017 (PLoS One e0181224): the
  working muscle's release, with adipose tissue's basal release holding plasma at rest, and
  plasma, cleared within minutes. Morettini's equations and values were not in the sources at hand
  (abstract only), so the values are ours: the clearance from Steensberg 2000 (at 5 h of knee
  extension the muscle released half the plasma content per minute), the release rising with
  the session like the other hormones and falling after it with a half-life of hours, so plasma
  IL-6 peaks just after the session and stays raised for hours (Ostrowski 1998, 1999).
- **Resting levels** depend on age and sex only: training changes neither resting testosterone
  (Hayes & Elliott 2019) nor resting cortisol (McCall 1999: the same fall in the control group).
- **No hormone-driven growth.** Nothing in the muscle hub reads these curves (West 2009, 2010;
  West & Phillips 2012): this module writes no signal.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from myotwin.dose import DoseDay
from myotwin.inputs import DEFAULT_REST_SECONDS
from myotwin.physiology.base import (
    Context,
    FloatArray,
    OrganModel,
    Signals,
    Value,
    evolve,
)

HORMONES = ("growth_hormone", "testosterone", "cortisol", "il6")
IL6 = HORMONES.index("il6")
PEAK_PREFIX = "session_peak:"
# Minutes after the session's end searched for the peak: plasma IL-6 lags its release by a few
# minutes; the other hormones peak at the end itself.
PEAK_SEARCH_MIN = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0, 30.0])


@dataclass(frozen=True)
class Params:
    gh_rest: Value
    gh_amplitude: Value
    gh_half_life_min: Value
    testosterone_rest_male: Value
    testosterone_rest_female: Value
    testosterone_age_decline: Value
    testosterone_decline_onset: Value
    testosterone_amplitude_male: Value
    testosterone_female_ratio: Value
    testosterone_half_life_min: Value
    cortisol_rest: Value
    cortisol_amplitude: Value
    cortisol_half_life_min: Value
    il6_rest: Value
    il6_amplitude: Value
    il6_half_life_min: Value
    il6_clearance_per_min: Value
    work_half_saturation: Value
    rise_tau_min: Value
    acute_response: Value
    gh_rest_exponent: Value
    cortisol_rest_exponent: Value
    rest_effect_min_s: Value
    rest_effect_max_s: Value


@dataclass(frozen=True, eq=False)
class State:
    female: np.ndarray
    age0: FloatArray
    session_minutes: float = 0.0
    peak_today: FloatArray | None = None  # (4, n): today's session peaks (NaN: no session)
    day: int = 0


def init(ctx: Context, p: Params, signals: Signals) -> State:
    return State(female=ctx.persons.female, age0=ctx.persons.age_years)


def resting(s: State, p: Params) -> FloatArray:
    """(4, n) morning resting concentrations on the state's day."""
    age = s.age0 + s.day / 365.25
    years_past = np.maximum(age - p.testosterone_decline_onset, 0.0)
    testosterone = np.where(
        s.female,
        p.testosterone_rest_female,
        p.testosterone_rest_male * np.exp(-p.testosterone_age_decline * years_past),
    )
    n = s.age0.shape[0]
    ones = np.ones(n)
    return np.stack([ones * p.gh_rest, testosterone, ones * p.cortisol_rest, ones * p.il6_rest])


def rest_factors(p: Params, rest_seconds: float) -> tuple[Value, Value]:
    """Amplitude factors of GH and cortisol for a session's rest between sets (1 at 90 s)."""
    rest = np.clip(rest_seconds, p.rest_effect_min_s, p.rest_effect_max_s)
    ratio = rest / DEFAULT_REST_SECONDS
    return ratio ** (-p.gh_rest_exponent), ratio ** (-p.cortisol_rest_exponent)


def amplitudes(
    s: State, p: Params, work: FloatArray, rest_seconds: float = DEFAULT_REST_SECONDS
) -> FloatArray:
    """(4, n) rise above rest at the end of a session of the given work and rest interval."""
    drive = work / (work + p.work_half_saturation) * p.acute_response
    testosterone = p.testosterone_amplitude_male * np.where(
        s.female, p.testosterone_female_ratio, 1.0
    )
    gh_factor, cortisol_factor = rest_factors(p, rest_seconds)
    return np.stack(
        [
            p.gh_amplitude * gh_factor * drive,
            testosterone * drive,
            p.cortisol_amplitude * cortisol_factor * drive,
            p.il6_amplitude * drive,
        ]
    )


def half_lives(p: Params) -> tuple[Value, Value, Value]:
    """Half-lives of GH, testosterone and cortisol, whose excess decays as one exponential."""
    return p.gh_half_life_min, p.testosterone_half_life_min, p.cortisol_half_life_min


def _relax(k: Value, a: Value, t: FloatArray) -> FloatArray:
    """Response u of du/dt = k (e^(-a t) - u), u(0) = 0: k (e^(-a t) - e^(-k t)) / (k - a)."""
    x = (k - a) * t
    safe = np.where(np.abs(x) > 1e-12, x, 1.0)
    ratio = np.where(np.abs(x) > 1e-12, -np.expm1(-x) / safe, 1.0)  # (1 - e^-x) / x
    return k * t * np.exp(-a * t) * ratio


def _il6_shape(p: Params, t: FloatArray, session_min: float) -> FloatArray:
    """Plasma IL-6 excess over rest per unit amplitude: the plasma compartment (clearance k)
    following the muscle's release, which rises like the other hormones during the session
    (reaching 1 at its end) and decays with the IL-6 half-life afterwards."""
    k = np.reshape(p.il6_clearance_per_min, (-1, 1))
    a = 1.0 / np.reshape(p.rise_tau_min, (-1, 1))
    b = np.log(2.0) / np.reshape(p.il6_half_life_min, (-1, 1))
    norm = -np.expm1(-a * session_min)

    def during(tt: FloatArray) -> FloatArray:
        return (-np.expm1(-k * tt) - _relax(k, a, tt)) / norm

    after = np.maximum(t - session_min, 0.0)
    at_end = during(np.full_like(t, session_min))
    return np.where(
        t <= session_min,
        during(np.minimum(t, session_min)),
        at_end * np.exp(-k * after) + _relax(k, b, after),
    )


def curves(
    s: State,
    p: Params,
    work: FloatArray,
    session_min: float,
    minutes: FloatArray,
    rest_seconds: float = DEFAULT_REST_SECONDS,
) -> FloatArray:
    """(4, n, t) concentrations at `minutes` after the start of one session."""
    rest, amp = resting(s, p), amplitudes(s, p, work, rest_seconds)
    t = minutes[None, :]
    rise = (1.0 - np.exp(-t / p.rise_tau_min)) / (1.0 - np.exp(-session_min / p.rise_tau_min))
    out = np.empty((len(HORMONES), rest.shape[1], minutes.shape[0]))
    for i, half_life in enumerate(half_lives(p)):
        decay = 2.0 ** (-(t - session_min) / np.reshape(half_life, (-1, 1)))
        shape = np.where(t <= session_min, rise, decay)
        out[i] = rest[i][:, None] + amp[i][:, None] * shape
    out[3] = rest[3][:, None] + amp[3][:, None] * _il6_shape(p, t, session_min)
    return out


def peaks(
    s: State, p: Params, work: FloatArray, session_min: float, rest_seconds: float
) -> FloatArray:
    """(4, n) highest concentrations: at the session's end, IL-6 a few minutes later.

    GH, testosterone and cortisol peak at the session's end, at rest + amplitude: their
    amplitudes are >= 0 (positive parameters times a saturating drive of work >= 0) and their
    shape in `curves` is exactly 1 there and below 1 after, so this is the grid maximum, bit for
    bit. IL-6 keeps searching `PEAK_SEARCH_MIN`.
    """
    rest, amp = resting(s, p), amplitudes(s, p, work, rest_seconds)
    peak = rest + amp
    t = (session_min + PEAK_SEARCH_MIN)[None, :]
    peak[IL6] = (rest[IL6][:, None] + amp[IL6][:, None] * _il6_shape(p, t, session_min)).max(axis=1)
    return peak


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    if dose is None or dose.plan is None or not bool(dose.plan.strength.any()):
        return evolve(s, day=day + 1, peak_today=None)
    work = signals.get("session_work")
    if work is None:
        return evolve(s, day=day + 1, peak_today=None)
    today = evolve(s, day=day)
    peak = peaks(today, p, work, dose.plan.minutes, dose.plan.mean_rest_seconds)
    peak = np.where(dose.done[None, :], peak, np.nan)
    return evolve(s, day=day + 1, peak_today=peak, session_minutes=dose.plan.minutes)


def emit(s: State, p: Params, wanted: frozenset[str]) -> dict[str, FloatArray]:
    return {}


_REST_OUTCOMES = {"resting_testosterone": 1, "resting_cortisol": 2}
_PEAK_OUTCOMES = {f"{PEAK_PREFIX}{h}": i for i, h in enumerate(HORMONES)}


def outcome(name: str, s: State, p: Params) -> FloatArray:
    """Levels; for a session-peak outcome its morning resting concentration."""
    index = _REST_OUTCOMES.get(name, _PEAK_OUTCOMES.get(name))
    if index is None:
        raise KeyError(name)
    return resting(s, p)[index]


def session_peak(name: str, s: State, p: Params) -> FloatArray:
    if s.peak_today is None:
        return np.full(s.age0.shape[0], np.nan)
    return s.peak_today[_PEAK_OUTCOMES[name]]


MODEL: OrganModel[Params, State] = OrganModel(
    name="hormones",
    params_type=Params,
    reads=("session_work",),
    writes=(),
    reports=lambda name: name in _REST_OUTCOMES or name in _PEAK_OUTCOMES,
    init=init,
    step=step,
    emit=emit,
    outcome=outcome,
    session_peak=session_peak,
)
