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

Compiled (`myotwin.compiled`): each formula is one scalar kernel; a session day's peaks are one
loop over persons (the IL-6 peak search was the costliest organ work of a day), and the numpy
functions (`curves`, `peaks`, `resting`, `amplitudes`) call the same kernels. Peaks are computed
only when a session-peak outcome is wanted, and only on the days whose peaks are read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from myotwin.compiled import kernel, pack, per_person, rows
from myotwin.dose import BoolArray, DoseDay
from myotwin.inputs import DEFAULT_REST_SECONDS
from myotwin.physiology.base import (
    DAYS_PER_YEAR,
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
    # Session days from which peaks are computed (`Context.peaks_from`); None: no session-peak
    # outcome is wanted.
    peaks_from: int | None = 0
    packed: FloatArray | None = None  # the Params of init, packed for the kernels


ROWS = rows(Params)


def init(ctx: Context, p: Params, signals: Signals) -> State:
    female = ctx.persons.female
    return State(
        female=female,
        age0=ctx.persons.age_years,
        peaks_from=(
            ctx.peaks_from if any(name in _PEAK_OUTCOMES for name in ctx.outcomes) else None
        ),
        packed=pack(p, female.shape[0]),
    )


# Scalar formulas: the one definition of each, called by the per-person kernels below.


@kernel
def _testosterone_rest(
    female: bool, age: float, male: float, female_rest: float, decline: float, onset: float
) -> float:
    """Resting testosterone: constant in women, falling exponentially past `onset` in men."""
    if female:
        return female_rest
    return male * math.exp(-decline * max(age - onset, 0.0))


@kernel
def _rest_factor(rest_seconds: float, lo: float, hi: float, exponent: float) -> float:
    """Amplitude factor for the rest between sets, held inside the studied range (1 at 90 s)."""
    ratio = min(max(rest_seconds, lo), hi) / DEFAULT_REST_SECONDS
    return ratio ** (-exponent)


@kernel
def _drive(work: float, half_saturation: float, acute_response: float) -> float:
    """Saturating drive of a session's work."""
    return work / (work + half_saturation) * acute_response


@kernel
def _relax(k: float, a: float, t: float) -> float:
    """Response u of du/dt = k (e^(-a t) - u), u(0) = 0: k (e^(-a t) - e^(-k t)) / (k - a)."""
    x = (k - a) * t
    ratio = -math.expm1(-x) / x if abs(x) > 1e-12 else 1.0  # (1 - e^-x) / x
    return k * t * math.exp(-a * t) * ratio


@kernel
def _il6_during(k: float, a: float, norm: float, t: float) -> float:
    """IL-6 plasma shape `t` minutes into the session (the release rising to 1 at its end)."""
    return (-math.expm1(-k * t) - _relax(k, a, t)) / norm


@kernel
def _il6_after(at_end: float, k: float, b: float, after: float) -> float:
    """IL-6 plasma shape `after` minutes past the session's end, from `at_end` there."""
    return at_end * math.exp(-k * after) + _relax(k, b, after)


@kernel
def _il6_rates(
    k: float, rise_tau: float, half_life: float, session_min: float
) -> tuple[float, float, float, float]:
    """A session's IL-6 constants: the release's rise and fall rates, the rise's normaliser and
    the plasma shape at the session's end."""
    a = 1.0 / rise_tau
    norm = -math.expm1(-a * session_min)
    return a, math.log(2.0) / half_life, norm, _il6_during(k, a, norm, session_min)


@kernel
def _il6_from(
    k: float, a: float, b: float, norm: float, at_end: float, t: float, session_min: float
) -> float:
    """The IL-6 shape at `t` from the session's constants (`_il6_rates`)."""
    if t <= session_min:
        return _il6_during(k, a, norm, t)
    return _il6_after(at_end, k, b, t - session_min)


@kernel
def _il6_at(k: float, rise_tau: float, half_life: float, t: float, session_min: float) -> float:
    """Plasma IL-6 excess over rest per unit amplitude: the plasma compartment (clearance k)
    following the muscle's release, which rises like the other hormones during the session
    (reaching 1 at its end) and decays with the IL-6 half-life afterwards."""
    a, b, norm, at_end = _il6_rates(k, rise_tau, half_life, session_min)
    return _il6_from(k, a, b, norm, at_end, t, session_min)


@kernel
def _il6_extremes(
    k: float, rise_tau: float, half_life: float, session_min: float, search: FloatArray
) -> tuple[float, float]:
    """Lowest and highest IL-6 shape over `search` minutes after the session's end."""
    a, b, norm, at_end = _il6_rates(k, rise_tau, half_life, session_min)
    lo, hi = np.inf, -np.inf
    for j in range(search.shape[0]):
        shape = _il6_from(k, a, b, norm, at_end, session_min + search[j], session_min)
        lo, hi = min(lo, shape), max(hi, shape)
    return lo, hi


# Per-person loops.


@kernel
def _levels(
    packed: FloatArray,
    female: BoolArray,
    age0: FloatArray,
    day: int,
    work: FloatArray,
    rest_seconds: float,
    rest: FloatArray,
    amp: FloatArray,
) -> None:
    """(4, n) resting levels on `day` into `rest`; with `work` (n,), the rise above rest at the
    end of a session of that work and rest interval into `amp`."""
    p = packed
    for i in range(age0.shape[0]):
        age = age0[i] + day / DAYS_PER_YEAR
        rest[0, i] = p[ROWS.gh_rest, i]
        rest[1, i] = _testosterone_rest(
            female[i],
            age,
            p[ROWS.testosterone_rest_male, i],
            p[ROWS.testosterone_rest_female, i],
            p[ROWS.testosterone_age_decline, i],
            p[ROWS.testosterone_decline_onset, i],
        )
        rest[2, i] = p[ROWS.cortisol_rest, i]
        rest[3, i] = p[ROWS.il6_rest, i]
        if work.shape[0] == 0:
            continue
        lo, hi = p[ROWS.rest_effect_min_s, i], p[ROWS.rest_effect_max_s, i]
        gh_factor = _rest_factor(rest_seconds, lo, hi, p[ROWS.gh_rest_exponent, i])
        cortisol_factor = _rest_factor(rest_seconds, lo, hi, p[ROWS.cortisol_rest_exponent, i])
        drive = _drive(work[i], p[ROWS.work_half_saturation, i], p[ROWS.acute_response, i])
        ratio = p[ROWS.testosterone_female_ratio, i] if female[i] else 1.0
        amp[0, i] = p[ROWS.gh_amplitude, i] * gh_factor * drive
        amp[1, i] = p[ROWS.testosterone_amplitude_male, i] * ratio * drive
        amp[2, i] = p[ROWS.cortisol_amplitude, i] * cortisol_factor * drive
        amp[3, i] = p[ROWS.il6_amplitude, i] * drive


@kernel
def _peaks(
    packed: FloatArray,
    session_min: float,
    search: FloatArray,
    done: BoolArray,
    peak: FloatArray,
) -> None:
    """`peak` holds (rest, amp) stacked, (8, n); its first 4 rows become the session peaks:
    rest + amplitude at the session's end, IL-6 the highest over `search` minutes after it.
    NaN for persons who did not do the session."""
    p = packed
    last_k = last_tau = last_half = np.nan  # IL-6 parameters of the last search
    lo = hi = np.nan
    for i in range(peak.shape[1]):
        if not done[i]:
            for h in range(4):
                peak[h, i] = np.nan
            continue
        rest, amp = peak[IL6, i], peak[4 + IL6, i]
        for h in range(4):
            peak[h, i] = peak[h, i] + peak[4 + h, i]
        k, tau = p[ROWS.il6_clearance_per_min, i], p[ROWS.rise_tau_min, i]
        half = p[ROWS.il6_half_life_min, i]
        if not (k == last_k and tau == last_tau and half == last_half):  # new values: search again
            lo, hi = _il6_extremes(k, tau, half, session_min, search)
            last_k, last_tau, last_half = k, tau, half
        # rest + amp * shape is monotone in the shape (so is IEEE rounding): its grid maximum
        # is at the shape's highest value (lowest if amp < 0), bit for bit.
        peak[IL6, i] = rest + amp * (hi if amp >= 0.0 else lo)


@kernel
def _il6_grid(
    k: FloatArray, tau: FloatArray, half: FloatArray, t: FloatArray, session_min: float
) -> FloatArray:
    """`_il6_at` over broadcast (n, m) arrays."""
    out = np.empty(t.shape)
    for i in range(t.shape[0]):
        for j in range(t.shape[1]):
            out[i, j] = _il6_at(k[i, j], tau[i, j], half[i, j], t[i, j], session_min)
    return out


def _packed(s: State, p: Params) -> FloatArray:
    return s.packed if s.packed is not None else pack(p, s.age0.shape[0])


_NO_WORK = np.zeros(0)


def resting(s: State, p: Params) -> FloatArray:
    """(4, n) morning resting concentrations on the state's day."""
    n = s.age0.shape[0]
    rest = np.empty((len(HORMONES), n))
    _levels(pack(p, n), s.female, s.age0, s.day, _NO_WORK, 0.0, rest, rest)
    return rest


def amplitudes(
    s: State, p: Params, work: FloatArray, rest_seconds: float = DEFAULT_REST_SECONDS
) -> FloatArray:
    """(4, n) rise above rest at the end of a session of the given work and rest interval."""
    return _levels_of(s, pack(p, s.age0.shape[0]), work, rest_seconds)[4:]


def _levels_of(s: State, packed: FloatArray, work: FloatArray, rest_seconds: float) -> FloatArray:
    """(8, n): resting levels (rows 0-3) and amplitudes (rows 4-7)."""
    n = s.age0.shape[0]
    out = np.empty((2 * len(HORMONES), n))
    work = per_person(work, n)
    _levels(packed, s.female, s.age0, s.day, work, float(rest_seconds), out[:4], out[4:])
    return out


def half_lives(p: Params) -> tuple[Value, Value, Value]:
    """Half-lives of GH, testosterone and cortisol, whose excess decays as one exponential."""
    return p.gh_half_life_min, p.testosterone_half_life_min, p.cortisol_half_life_min


def _il6_shape(p: Params, t: FloatArray, session_min: float) -> FloatArray:
    """`_il6_at` for every person (rows) at minutes `t` ((1, m) or (n, m))."""
    k, tau, half = (
        np.reshape(np.asarray(v, dtype=np.float64), (-1, 1))
        for v in (p.il6_clearance_per_min, p.rise_tau_min, p.il6_half_life_min)
    )
    k, tau, half, tt = (
        np.ascontiguousarray(x) for x in np.broadcast_arrays(k, tau, half, np.asarray(t, float))
    )
    return _il6_grid(k, tau, half, tt, float(session_min))


def curves(
    s: State,
    p: Params,
    work: FloatArray,
    session_min: float,
    minutes: FloatArray,
    rest_seconds: float = DEFAULT_REST_SECONDS,
) -> FloatArray:
    """(4, n, t) concentrations at `minutes` after the start of one session."""
    levels = _levels_of(s, pack(p, s.age0.shape[0]), work, rest_seconds)
    rest, amp = levels[:4], levels[4:]
    t = minutes[None, :]
    rise = (1.0 - np.exp(-t / p.rise_tau_min)) / (1.0 - np.exp(-session_min / p.rise_tau_min))
    out = np.empty((len(HORMONES), rest.shape[1], minutes.shape[0]))
    for i, half_life in enumerate(half_lives(p)):
        decay = 2.0 ** (-(t - session_min) / np.reshape(half_life, (-1, 1)))
        shape = np.where(t <= session_min, rise, decay)
        out[i] = rest[i][:, None] + amp[i][:, None] * shape
    out[3] = rest[3][:, None] + amp[3][:, None] * _il6_shape(p, t, session_min)
    return out


def _peaks_of(
    s: State,
    packed: FloatArray,
    work: FloatArray,
    session_min: float,
    rest_seconds: float,
    done: BoolArray,
) -> FloatArray:
    levels = _levels_of(s, packed, work, rest_seconds)
    _peaks(packed, float(session_min), PEAK_SEARCH_MIN, done, levels)
    return levels[:4]


def peaks(
    s: State, p: Params, work: FloatArray, session_min: float, rest_seconds: float
) -> FloatArray:
    """(4, n) highest concentrations: at the session's end, IL-6 a few minutes later.

    GH, testosterone and cortisol peak at the session's end, at rest + amplitude: their
    amplitudes are >= 0 (positive parameters times a saturating drive of work >= 0) and their
    shape in `curves` is exactly 1 there and below 1 after, so this is the grid maximum, bit for
    bit. IL-6 keeps searching `PEAK_SEARCH_MIN`.
    """
    n = s.age0.shape[0]
    return _peaks_of(s, pack(p, n), work, session_min, rest_seconds, np.ones(n, np.bool_))


def step(s: State, signals: Signals, dose: DoseDay | None, p: Params, day: int) -> State:
    if s.peaks_from is None or day < s.peaks_from or dose is None or dose.plan is None:
        return evolve(s, day=day + 1, peak_today=None)
    if not dose.plan.has_strength:
        return evolve(s, day=day + 1, peak_today=None)
    work = signals.get("session_work")
    if work is None:
        return evolve(s, day=day + 1, peak_today=None)
    today = evolve(s, day=day)
    plan = dose.plan
    peak = _peaks_of(today, _packed(s, p), work, plan.minutes, plan.mean_rest_seconds, dose.done)
    return evolve(s, day=day + 1, peak_today=peak, session_minutes=plan.minutes)


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
