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
def basis_at(u: float, v: float, e: float, out: FloatArray) -> None:
    """The polynomial basis at one point into `out` (FEATURES,): cubic in (u, v), the session
    dose times a quadratic. The one definition, for the fit and for the daily surrogate."""
    out[0] = 1.0
    out[1] = u
    out[2] = v
    out[3] = u * u
    out[4] = u * v
    out[5] = v * v
    out[6] = u * u * u  # products, not `**`: a power is a library call, slow in daily loops
    out[7] = u * u * v
    out[8] = u * v * v
    out[9] = v * v * v
    out[10] = e
    for k in range(5):  # e x the constant-free quadratic terms
        out[11 + k] = e * out[1 + k]
    out[16] = e * e


@kernel
def basis_for(row: FloatArray, gb: float, m: float, dose: float, out: FloatArray) -> None:
    """The basis of one person's inputs, scaled by a status's `row` of the table: Gb to [-1, 1]
    over its range, log insulin action, the dose as a fraction of the fitted maximum."""
    lo, hi = row[GB_LO], row[GB_HI]
    u = (_clip(gb, lo, hi) - 0.5 * (lo + hi)) / (0.5 * (hi - lo))
    v = np.log(_clip(m, row[M_LO], row[M_HI]))
    e = _clip(dose, 0.0, row[DOSE_MAX]) / row[DOSE_MAX]
    basis_at(u, v, e, out)


@kernel
def surrogate_at(
    table: FloatArray, status: int, gb: float, m: float, dose: float, basis: FloatArray
) -> tuple[float, float]:
    """(24-h mean, fasting) glucose in mg/dL of one person; `basis` is (FEATURES,) scratch."""
    row = table[status]
    basis_for(row, gb, m, dose, basis)
    mean = 0.0
    fasting = 0.0
    for k in range(FEATURES):
        mean += row[MEAN + k] * basis[k]
        fasting += row[FASTING + k] * basis[k]
    return mean, fasting


@kernel
def _daily(
    table: FloatArray, status: IntArray, gb: FloatArray, m: FloatArray, dose: FloatArray
) -> tuple[FloatArray, FloatArray]:
    n = gb.shape[0]
    mean = np.empty(n)
    fasting = np.empty(n)
    basis = np.empty(FEATURES)
    for i in range(n):
        mean[i], fasting[i] = surrogate_at(table, status[i], gb[i], m[i], dose[i], basis)
    return mean, fasting


@kernel
def _basis_matrix(row: FloatArray, gb: FloatArray, m: FloatArray, dose: FloatArray) -> FloatArray:
    n = gb.shape[0]
    out = np.empty((FEATURES, n))
    basis = np.empty(FEATURES)
    for i in range(n):
        basis_for(row, gb[i], m[i], dose[i], basis)
        out[:, i] = basis
    return out


@kernel
def _features(u: FloatArray, v: FloatArray, e: FloatArray) -> FloatArray:
    n = u.shape[0]
    out = np.empty((FEATURES, n))
    basis = np.empty(FEATURES)
    for i in range(n):
        basis_at(u[i], v[i], e[i], basis)
        out[:, i] = basis
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
    return _basis_matrix(_row(fit), gb, m, dose)


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


def daily_glucose(
    status: np.ndarray, gb: FloatArray, m: FloatArray, dose: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """(24-h mean, fasting) plasma glucose in mg/dL from the surrogate, per person."""
    shape = np.broadcast_shapes(np.shape(status), np.shape(gb), np.shape(m), np.shape(dose))
    who = np.ascontiguousarray(np.broadcast_to(status, shape), dtype=np.int64).ravel()
    gb, m, dose = _per_person(np.broadcast_to(gb, shape), m, dose)
    mean, fasting = _daily(surrogate_table(), who, gb, m, dose)
    return mean.reshape(shape), fasting.reshape(shape)


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
