"""Small numerical helpers shared by organ models (no physiology here)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

# Abramowitz & Stegun 7.1.26: |error| < 1.5e-7, plenty for integrals of loss rates.
_P = 0.3275911
_A = (0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429)


def erf(x: FloatArray) -> FloatArray:
    sign = np.sign(x)
    ax = np.abs(x)
    t = 1.0 / (1.0 + _P * ax)
    poly = t * (_A[0] + t * (_A[1] + t * (_A[2] + t * (_A[3] + t * _A[4]))))
    return sign * (1.0 - poly * np.exp(-ax * ax))


def softplus(x: FloatArray) -> FloatArray:
    """log(1 + e^x) without overflow: the integral of the logistic function."""
    return np.logaddexp(0.0, x)
