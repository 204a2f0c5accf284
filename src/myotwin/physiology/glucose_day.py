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
from numpy.typing import NDArray

from myotwin.compiled import kernel
from myotwin.evidence import Registry
from myotwin.numerics import log1
from myotwin.physiology import meal_model as mm
from myotwin.physiology.base import FloatArray

IntArray = NDArray[np.int64]

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


FEATURES = 17  # length of the polynomial basis
# Columns of a status's row in `surrogate_table`: the input ranges, then the coefficients.
GB_LO, GB_HI, M_LO, M_HI, DOSE_MAX = range(5)
MEAN = 5  # FEATURES coefficients of the 24-h mean from here
FASTING = MEAN + FEATURES  # and of fasting glucose from here
TABLE_COLUMNS = FASTING + FEATURES


@kernel
def _clip(x: float, lo: float, hi: float) -> float:
    """np.clip of one value (NaN stays NaN)."""
    if x < lo:
        return lo
    if x > hi:
        return hi
    return x


@kernel
def basis_values(u: float, v: float, e: float) -> tuple[float, ...]:
    """The polynomial basis at one point (FEATURES values): cubic in (u, v), the session dose
    times a quadratic. The one definition, for the fit and for the daily surrogate; a tuple,
    so a loop over persons keeps it in registers (and vectorizes)."""
    uu, uv, vv = u * u, u * v, v * v
    # Products, not `**`: a power is a library call, slow in daily loops.
    cubic = (uu * u, uu * v, uv * v, vv * v)
    return (1.0, u, v, uu, uv, vv, *cubic, e, e * u, e * v, e * uu, e * uv, e * vv, e * e)


@kernel
def basis_at(u: float, v: float, e: float, out: FloatArray) -> None:
    """`basis_values` into `out` (FEATURES,)."""
    values = basis_values(u, v, e)
    for k in range(FEATURES):
        out[k] = values[k]


@kernel
def scaled_inputs(
    coefs: FloatArray, i: int, gb: float, m: float, dose: float
) -> tuple[float, float, float]:
    """Person `i`'s inputs scaled by their column of `coefs` (`person_table`): Gb to [-1, 1]
    over its range, log insulin action, the dose as a fraction of the fitted maximum."""
    lo, hi = coefs[GB_LO, i], coefs[GB_HI, i]
    u = (_clip(gb, lo, hi) - 0.5 * (lo + hi)) / (0.5 * (hi - lo))
    v = log1(_clip(m, coefs[M_LO, i], coefs[M_HI, i]))
    dose_max = coefs[DOSE_MAX, i]
    e = _clip(dose, 0.0, dose_max) / dose_max
    return u, v, e


@kernel
def surrogate_at(
    coefs: FloatArray, i: int, gb: float, m: float, dose: float
) -> tuple[float, float]:
    """(24-h mean, fasting) glucose in mg/dL of person `i` (`coefs`: `person_table`)."""
    basis = basis_values(*scaled_inputs(coefs, i, gb, m, dose))
    return _dot(coefs, i, MEAN, basis), _dot(coefs, i, FASTING, basis)


@kernel
def _dot(coefs: FloatArray, i: int, start: int, basis: tuple[float, ...]) -> float:
    """Person `i`'s coefficients coefs[start:start + FEATURES, i] times `basis`, summed in
    order. Written out term by term: a tuple indexed in a loop becomes a switch, which stops
    the loop over persons from vectorizing."""
    b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13, b14, b15, b16 = basis
    total = 0.0
    total += coefs[start, i] * b0
    total += coefs[start + 1, i] * b1
    total += coefs[start + 2, i] * b2
    total += coefs[start + 3, i] * b3
    total += coefs[start + 4, i] * b4
    total += coefs[start + 5, i] * b5
    total += coefs[start + 6, i] * b6
    total += coefs[start + 7, i] * b7
    total += coefs[start + 8, i] * b8
    total += coefs[start + 9, i] * b9
    total += coefs[start + 10, i] * b10
    total += coefs[start + 11, i] * b11
    total += coefs[start + 12, i] * b12
    total += coefs[start + 13, i] * b13
    total += coefs[start + 14, i] * b14
    total += coefs[start + 15, i] * b15
    total += coefs[start + 16, i] * b16
    return total


@kernel
def _daily(
    coefs: FloatArray, gb: FloatArray, m: FloatArray, dose: FloatArray
) -> tuple[FloatArray, FloatArray]:
    n = gb.shape[0]
    mean = np.empty(n)
    fasting = np.empty(n)
    for i in range(n):
        mean[i], fasting[i] = surrogate_at(coefs, i, gb[i], m[i], dose[i])
    return mean, fasting


@kernel
def _basis_matrix(coefs: FloatArray, gb: FloatArray, m: FloatArray, dose: FloatArray) -> FloatArray:
    """(FEATURES, n) basis of the inputs scaled by the one column of `coefs`."""
    n = gb.shape[0]
    out = np.empty((FEATURES, n))
    for i in range(n):
        basis_at(*scaled_inputs(coefs, 0, gb[i], m[i], dose[i]), out[:, i])
    return out


@kernel
def _features(u: FloatArray, v: FloatArray, e: FloatArray) -> FloatArray:
    n = u.shape[0]
    out = np.empty((FEATURES, n))
    for i in range(n):
        basis_at(u[i], v[i], e[i], out[:, i])
    return out


def features(u: FloatArray, v: FloatArray, e: FloatArray) -> FloatArray:
    """(FEATURES, n) polynomial basis of (n,) scaled inputs (`basis_at` per point)."""
    u, v, e = (np.ascontiguousarray(x, dtype=np.float64).ravel() for x in (u, v, e))
    return _features(u, v, e)


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


def _row(fit: Fit) -> FloatArray:
    """A fit as a row of the table (coefficients zero where the fit has none yet)."""
    row = np.zeros(TABLE_COLUMNS)
    row[[GB_LO, GB_HI, M_LO, M_HI, DOSE_MAX]] = (*fit.gb_range, *fit.m_range, fit.dose_max)
    row[MEAN : MEAN + len(fit.mean)] = fit.mean
    row[FASTING : FASTING + len(fit.fasting)] = fit.fasting
    return row


def _scaled(fit: Fit, gb: FloatArray, m: FloatArray, dose: FloatArray) -> FloatArray:
    """(FEATURES, n) basis of the inputs scaled by the fit's ranges."""
    gb, m, dose = _per_person(gb, m, dose)
    return _basis_matrix(_row(fit)[:, np.newaxis].copy(), gb, m, dose)


def _per_person(*values: FloatArray) -> tuple[FloatArray, ...]:
    return tuple(
        np.ascontiguousarray(x, dtype=np.float64).ravel() for x in np.broadcast_arrays(*values)
    )


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


@cache
def surrogate_table() -> FloatArray:
    """(statuses, TABLE_COLUMNS): each status's input ranges and coefficients, for kernels."""
    table = np.stack([_row(surrogates()[s]) for s in STATUSES])
    table.flags.writeable = False
    return table


def person_table(status: IntArray) -> FloatArray:
    """(TABLE_COLUMNS, n): each person's row of `surrogate_table` (by their status), stored
    as a column, so that a loop over persons reads it without looking it up per person."""
    return np.ascontiguousarray(surrogate_table()[status].T)


def surrogate_glucose(
    coefs: FloatArray, gb: FloatArray, m: FloatArray, dose: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """`daily_glucose` of persons whose `person_table` is `coefs`, with (n,) inputs."""
    return _daily(coefs, *_per_person(gb, m, dose))


def daily_glucose(
    status: np.ndarray, gb: FloatArray, m: FloatArray, dose: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """(24-h mean, fasting) plasma glucose in mg/dL from the surrogate, per person."""
    shape = np.broadcast_shapes(np.shape(status), np.shape(gb), np.shape(m), np.shape(dose))
    coefs = person_table(_statuses(status, shape))
    mean, fasting = surrogate_glucose(coefs, np.broadcast_to(gb, shape), m, dose)
    return mean.reshape(shape), fasting.reshape(shape)


def _statuses(status: np.ndarray | int, shape: tuple[int, ...]) -> IntArray:
    """Statuses broadcast to `shape`, flattened: one per person."""
    return np.ascontiguousarray(np.broadcast_to(status, shape), dtype=np.int64).ravel()


def basal_glucose_for(status: np.ndarray, mean_glucose: FloatArray) -> FloatArray:
    """Gb at which the surrogate's untrained day (m = 1, no session) has this mean glucose:
    bisection on the fitted range (the mean rises with Gb)."""
    shape = np.broadcast_shapes(np.shape(status), np.shape(mean_glucose))
    coefs = person_table(_statuses(status, shape))
    target = np.broadcast_to(mean_glucose, shape).ravel()
    lo, hi = coefs[GB_LO], coefs[GB_HI]  # each person's fitted range
    one, zero = np.ones(target.shape), np.zeros(target.shape)
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        below = _daily(coefs, mid, one, zero)[0] < target
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return (0.5 * (lo + hi)).reshape(shape)


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
