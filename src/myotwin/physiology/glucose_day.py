"""The standard day of the minute model, and its daily surrogate.

A standard day starts fasting at 07:00 with three meals (registry, module `glucose_meal`) and,
on training days, a session in the afternoon. The daily engine cannot afford 1,440 minute steps
per person-day, so it reads a **surrogate**: for each parameter set (normal, prediabetes,
type 2) a polynomial fitted by least squares to the minute model's periodic day, mapping

    (fasting basal glucose Gb, insulin-action multiplier m, session dose e) -> 24-h mean glucose
                                                                            and fasting glucose

with `e` = heart-rate-equivalent rise x session minutes (bpm x min). `scripts/fit_glucose.py`
runs the fit and writes the coefficients, their input ranges and the largest error found on a
check set to `data/glucose_surrogate.toml`; a test re-runs the minute model at random inputs
and checks the stated error bound.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from myotwin.evidence import Registry
from myotwin.physiology import meal_model as mm
from myotwin.physiology.base import FloatArray

STATUSES = ("none", "prediabetes", "type2")  # as persons.DIABETES
WARMUP_DAYS = 2  # days run before the measured one, so the day is periodic
SURROGATE_FILE = "glucose_surrogate.toml"


def position(reg: Registry, status: np.ndarray | int) -> FloatArray:
    """Place of each status on the normal (0) -> type 2 (1) parameter axis."""
    pos = np.array([0.0, reg.value("glucose.prediabetes_position"), 1.0])
    return pos[np.asarray(status, dtype=np.int64)]


def meal_minutes(reg: Registry, days: int = 1) -> FloatArray:
    """(1440 x days,) carbohydrate eaten in each minute of `days` standard days."""
    m = reg.module("glucose_meal")
    rate = m["eat_rate_g_per_min"].value
    day = np.zeros(mm.MINUTES_PER_DAY)
    for start, grams in (
        (0.0, m["breakfast_g"].value),
        (m["lunch_minute"].value, m["lunch_g"].value),
        (m["dinner_minute"].value, m["dinner_g"].value),
    ):
        t = int(start)
        left = grams
        while left > 0:
            day[t] = min(rate, left)
            left -= day[t]
            t += 1
    return np.tile(day, days)


def session_minutes(reg: Registry, minutes: float, days: int = 1) -> np.ndarray:
    """(1440 x days,) bool: the session's minutes on the last of `days` days."""
    out = np.zeros(mm.MINUTES_PER_DAY * days, np.bool_)
    if minutes > 0:
        start = (days - 1) * mm.MINUTES_PER_DAY + int(reg.value("glucose_meal.session_minute"))
        out[start : start + round(minutes)] = True
    return out


def periodic_day(
    reg: Registry,
    status: FloatArray,
    gb: FloatArray,
    sensitivity: FloatArray,
    dose_bpm_min: FloatArray,
    *,
    session_min: float = 60.0,
    record: bool = False,
) -> mm.Trajectory:
    """The minute model's standard day after `WARMUP_DAYS` identical days without a session;
    the session (dose spread over `session_min` minutes) is on the measured day. Persons start
    from their basal state; `sensitivity` is held over the whole run."""
    bw = reg.value("glucose_meal.reference_body_mass_kg")
    p = mm.params_for(reg, position(reg, status), bw, gb)
    n = np.asarray(gb).shape[0]
    days = WARMUP_DAYS + 1
    x0 = mm.basal_state(p, n)
    drive = np.asarray(dose_bpm_min, dtype=np.float64) / session_min
    inputs = mm.Inputs(
        cho_g_per_min=meal_minutes(reg, days),
        session=session_minutes(reg, session_min, days),
        session_drive_bpm=drive,
        sensitivity=sensitivity,
    )
    warm = mm.Inputs(cho_g_per_min=inputs.cho_g_per_min[: WARMUP_DAYS * mm.MINUTES_PER_DAY])
    warm = mm.Inputs(cho_g_per_min=warm.cho_g_per_min, sensitivity=sensitivity)
    x = mm.simulate(p, x0, warm, record=False).final
    day = mm.Inputs(
        cho_g_per_min=meal_minutes(reg, 1),
        session=session_minutes(reg, session_min, 1),
        session_drive_bpm=drive,
        sensitivity=sensitivity,
    )
    return mm.simulate(p, x, day, record=record)


# ---------------------------------------------------------------- the surrogate


FEATURES = 17  # rows of `features`


def features(u: FloatArray, v: FloatArray, e: FloatArray) -> FloatArray:
    """(F, n) polynomial basis: cubic in (u, v), the session dose times a quadratic."""
    poly = [u, v, u * u, u * v, v * v, u**3, u * u * v, u * v * v, v**3]
    basis = np.empty((FEATURES, *np.shape(u)))
    basis[0] = 1.0
    basis[1:10] = poly
    basis[10] = e
    for i, q in enumerate(poly[:5]):
        basis[11 + i] = e * q
    basis[16] = e * e
    return basis


@dataclass(frozen=True)
class Fit:
    """Surrogate of one status: inputs are scaled to u, v, e before the basis."""

    gb_range: tuple[float, float]
    m_range: tuple[float, float]
    dose_max: float
    mean: tuple[float, ...]
    fasting: tuple[float, ...]
    max_error_mean: float  # mg/dL on the check set
    max_error_fasting: float


def _scaled(fit: Fit, gb: FloatArray, m: FloatArray, dose: FloatArray) -> FloatArray:
    lo, hi = fit.gb_range
    u = (np.clip(gb, lo, hi) - 0.5 * (lo + hi)) / (0.5 * (hi - lo))
    mlo, mhi = fit.m_range
    v = np.log(np.clip(m, mlo, mhi))
    e = np.clip(dose, 0.0, fit.dose_max) / fit.dose_max
    return features(u, v, e)


@cache
def surrogates() -> dict[str, Fit]:
    with resources.files("myotwin.data").joinpath(SURROGATE_FILE).open("rb") as fh:
        raw = tomllib.load(fh)
    return {
        s: Fit(
            gb_range=tuple(raw[s]["gb_range"]),
            m_range=tuple(raw[s]["m_range"]),
            dose_max=float(raw[s]["dose_max"]),
            mean=tuple(raw[s]["mean"]),
            fasting=tuple(raw[s]["fasting"]),
            max_error_mean=float(raw[s]["max_error_mean"]),
            max_error_fasting=float(raw[s]["max_error_fasting"]),
        )
        for s in STATUSES
    }


def daily_glucose(
    status: np.ndarray, gb: FloatArray, m: FloatArray, dose: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """(24-h mean, fasting) plasma glucose in mg/dL from the surrogate, per person."""
    status = np.asarray(status, dtype=np.int64)
    if status.size and status.ndim == 1 and (status == status[0]).all():
        # One status for everyone (the draws of one person): no selection needed.
        return _surrogate(STATUSES[int(status[0])], gb, m, dose)
    mean = np.empty(status.shape)
    fasting = np.empty(status.shape)
    for i, name in enumerate(STATUSES):
        who = status == i
        if who.any():
            mean[who], fasting[who] = _surrogate(name, gb[who], m[who], dose[who])
    return mean, fasting


def _surrogate(
    name: str, gb: FloatArray, m: FloatArray, dose: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """(24-h mean, fasting) of persons who all have diabetes status `name`."""
    basis = _scaled(surrogates()[name], gb, m, dose)
    c_mean, c_fasting = _coefficients()[name]
    return c_mean @ basis, c_fasting @ basis


@cache
def _coefficients() -> dict[str, tuple[FloatArray, FloatArray]]:
    """Each status's surrogate coefficients (mean, fasting) as arrays, converted once."""
    return {name: (np.asarray(f.mean), np.asarray(f.fasting)) for name, f in surrogates().items()}


def basal_glucose_for(status: np.ndarray, mean_glucose: FloatArray) -> FloatArray:
    """Gb at which the surrogate's untrained day (m = 1, no session) has this mean glucose:
    bisection on the fitted range (the mean rises with Gb)."""
    fits = surrogates()
    status = np.asarray(status, dtype=np.int64)
    lo = np.array([fits[s].gb_range[0] for s in STATUSES])[status]
    hi = np.array([fits[s].gb_range[1] for s in STATUSES])[status]
    one, zero = np.ones(status.shape), np.zeros(status.shape)
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        below = daily_glucose(status, mid, one, zero)[0] < mean_glucose
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)


# ---------------------------------------------------------------- fitting (scripts/fit_glucose.py)

# Input ranges of the fit, per status: fasting basal glucose (mg/dL) wide enough for HbA1c
# 4-6.4 % (none, prediabetes) and 5.5-14 % (type 2); insulin action x0.6 to x3.5.
FIT_RANGES: dict[str, tuple[tuple[float, float], tuple[float, float], float]] = {
    "none": ((60.0, 130.0), (0.6, 3.5), 3000.0),
    "prediabetes": ((70.0, 150.0), (0.6, 3.5), 3000.0),
    "type2": ((80.0, 320.0), (0.6, 3.5), 3000.0),
}


def grid(status: str, k: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    (glo, ghi), (mlo, mhi), dmax = FIT_RANGES[status]
    g, m, e = np.meshgrid(
        np.linspace(glo, ghi, k),
        np.exp(np.linspace(np.log(mlo), np.log(mhi), k)),
        np.linspace(0.0, dmax, 3),
        indexing="ij",
    )
    return g.ravel(), m.ravel(), e.ravel()


def random_inputs(status: str, n: int, seed: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    (glo, ghi), (mlo, mhi), dmax = FIT_RANGES[status]
    rng = np.random.default_rng(seed)
    return (
        rng.uniform(glo, ghi, n),
        np.exp(rng.uniform(np.log(mlo), np.log(mhi), n)),
        rng.uniform(0.0, dmax, n) * (rng.uniform(size=n) < 0.7),
    )


def minute_model_day(
    reg: Registry, status: str, gb: FloatArray, m: FloatArray, dose: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """(mean, fasting) of the minute model's periodic standard day."""
    s = np.full(gb.shape, STATUSES.index(status))
    tr = periodic_day(reg, s, gb, m, dose, record=True)
    return tr.glucose[1:].mean(axis=0), tr.glucose[0]


def fit_status(reg: Registry, status: str, k: int = 9) -> Fit:
    (glo, ghi), (mlo, mhi), dmax = FIT_RANGES[status]
    gb, m, dose = grid(status, k)
    mean, fasting = minute_model_day(reg, status, gb, m, dose)
    proto = Fit((glo, ghi), (mlo, mhi), dmax, (), (), 0.0, 0.0)
    basis = _scaled(proto, gb, m, dose)
    c_mean = np.linalg.lstsq(basis.T, mean, rcond=None)[0]
    c_fast = np.linalg.lstsq(basis.T, fasting, rcond=None)[0]
    cg, cm, cd = random_inputs(status, 200, 7)
    t_mean, t_fast = minute_model_day(reg, status, cg, cm, cd)
    check = _scaled(proto, cg, cm, cd)
    err_mean = float(np.max(np.abs(c_mean @ check - t_mean)))
    err_fast = float(np.max(np.abs(c_fast @ check - t_fast)))
    return Fit(
        (glo, ghi),
        (mlo, mhi),
        dmax,
        tuple(float(c) for c in c_mean),
        tuple(float(c) for c in c_fast),
        err_mean,
        err_fast,
    )
