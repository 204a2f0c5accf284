"""Small numerical helpers shared by organ models (no physiology here).

Each helper is one scalar compiled function (callable from kernels) with an array wrapper for
numpy code, so both use the same formula.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from myotwin.compiled import kernel

FloatArray = NDArray[np.float64]

# Abramowitz & Stegun 7.1.26: |error| < 1.5e-7, plenty for integrals of loss rates.
_P = 0.3275911
_A0, _A1, _A2, _A3, _A4 = 0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429
_LOG2 = math.log(2.0)


@kernel
def erf1(x: float) -> float:
    """The error function of one number (Abramowitz & Stegun 7.1.26); 0 at 0, nan at nan."""
    sign = np.sign(x)
    ax = abs(x)
    t = 1.0 / (1.0 + _P * ax)
    poly = t * (_A0 + t * (_A1 + t * (_A2 + t * (_A3 + t * _A4))))
    return sign * (1.0 - poly * np.exp(-ax * ax))


@kernel
def softplus1(x: float) -> float:
    """log(1 + e^x) of one number without overflow (numpy's logaddexp(0, x) branches)."""
    if x == 0.0:
        return _LOG2
    if x > 0.0:
        return x + np.log1p(np.exp(-x))
    if x <= 0.0:
        return np.log1p(np.exp(x))
    return x  # nan


@kernel
def decay_per_day(tau_days: float) -> float:
    """What is left after a day of exponential decay with time constant `tau_days`."""
    return np.exp(-1.0 / tau_days)


@kernel
def daily_decay(tau_days: float, last_tau: float, last_decay: float) -> tuple[float, float]:
    """(tau_days, `decay_per_day(tau_days)`), reusing `last_decay` when `tau_days` equals
    `last_tau`. A loop over persons passes the previous person's pair (NaN at the start), so
    the exponential is worked out only where the value changes: population values are the same
    for everyone."""
    if tau_days == last_tau:
        return last_tau, last_decay
    return tau_days, decay_per_day(tau_days)


@kernel
def _erf_array(x: FloatArray, out: FloatArray) -> None:
    for i in range(x.size):
        out.flat[i] = erf1(x.flat[i])


@kernel
def _softplus_array(x: FloatArray, out: FloatArray) -> None:
    for i in range(x.size):
        out.flat[i] = softplus1(x.flat[i])


def erf(x: FloatArray) -> FloatArray:
    a = np.ascontiguousarray(x, dtype=np.float64)
    out = np.empty_like(a)
    _erf_array(a, out)
    return out


def softplus(x: FloatArray) -> FloatArray:
    """log(1 + e^x) without overflow: the integral of the logistic function."""
    a = np.ascontiguousarray(x, dtype=np.float64)
    out = np.empty_like(a)
    _softplus_array(a, out)
    return out
