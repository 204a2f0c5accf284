"""Small numerical helpers shared by organ models (no physiology here).

Each helper is one scalar compiled function (callable from kernels) with an array wrapper for
numpy code, so both use the same formula.

`exp1`, `expm1_1`, `tanh1`, `log1`, `log1p1` and `pow1` are the C library's functions written
out in arithmetic: a call into the C library keeps LLVM from vectorizing the loop over persons
around it, and these compile to a few vector instructions instead. They agree with numpy's to
1 unit in the last place (exp, log), 2 (expm1), 3 (tanh) and 4 (log1p), edge cases (inf, nan,
overflow, subnormal results) included (tests/test_numerics.py); pow1 as its docstring says.
`erf1`, `softplus1` and `decay_per_day` are built on them, so they vectorize too.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, cast

import numpy as np
from numba.core import types
from numba.extending import intrinsic
from numpy.typing import NDArray

from myotwin.compiled import fused_kernel, kernel

FloatArray = NDArray[np.float64]

# Abramowitz & Stegun 7.1.26: |error| < 1.5e-7, plenty for integrals of loss rates.
_P = 0.3275911
_A0, _A1, _A2, _A3, _A4 = 0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429


# exp by Cody and Waite's argument reduction: x = k ln2 + r with |r| <= ln2 / 2, ln2 split so
# that k * _LN2_HI is exact (fdlibm's split), exp(r) - 1 from its Taylor series to r^13 (the
# first term left out is below 5e-18 relative), and 2^k put into the exponent bits directly.
_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_T2, _T3, _T4, _T5, _T6, _T7, _T8, _T9, _T10, _T11, _T12, _T13 = (
    1.0 / math.factorial(k) for k in range(2, 14)
)
# Beyond these, exp is 0 or inf in float64 (and 2^k below stays within two normal halves).
_EXP_LOW, _EXP_HIGH = -746.0, 710.0
_EXPONENT_BIAS, _MANTISSA_BITS = 1023, 52


def _float_from_bits_typing(typingctx, bits):  # type: ignore[no-untyped-def]
    signature = types.float64(types.int64)

    def codegen(context, builder, sig, args):  # type: ignore[no-untyped-def]
        return builder.bitcast(args[0], context.get_value_type(types.float64))

    return signature, codegen


def _bits_of_float_typing(typingctx, x):  # type: ignore[no-untyped-def]
    signature = types.int64(types.float64)

    def codegen(context, builder, sig, args):  # type: ignore[no-untyped-def]
        return builder.bitcast(args[0], context.get_value_type(types.int64))

    return signature, codegen


# The float64 whose IEEE bit pattern is the int64 argument, and back: reinterpretations, no call.
_float_from_bits = cast(Callable[[Any], float], intrinsic(_float_from_bits_typing))
_bits_of_float = cast(Callable[[float], Any], intrinsic(_bits_of_float_typing))


@fused_kernel
def _reduce(x: float) -> tuple[float, float]:
    """(k, r) with x = k ln2 + r, |r| <= ln2 / 2; x clamped above to where exp is finite, and
    0 below where it is 0 (and for nan): the caller gives those their value. Working them out
    would go through subnormal numbers, which cost the CPU a hundred cycles each."""
    clamped = min(x, _EXP_HIGH) if x >= _EXP_LOW else 0.0
    k = np.floor(clamped * _LOG2E + 0.5)
    return k, (clamped - k * _LN2_HI) - k * _LN2_LO


@fused_kernel
def _expm1_reduced(r: float) -> float:
    """exp(r) - 1 for |r| <= ln2 / 2. The polynomial by Estrin's scheme (pairs, then pairs of
    pairs): the same terms as Horner's rule with a third of its chain of dependent steps."""
    r2 = r * r
    r4 = r2 * r2
    low = (_T2 + _T3 * r) + (_T4 + _T5 * r) * r2
    middle = (_T6 + _T7 * r) + (_T8 + _T9 * r) * r2
    high = (_T10 + _T11 * r) + (_T12 + _T13 * r) * r2
    return r + r2 * ((low + middle * r4) + high * (r4 * r4))


@kernel
def _two_to(k: float) -> tuple[float, float]:
    """2^k for a whole number k in [-1076, 1024], as two factors that are normal numbers
    (their product is 2^k rounded once, also where 2^k itself is subnormal or infinite)."""
    whole = np.int64(k)
    half = whole >> 1
    first = _float_from_bits((half + _EXPONENT_BIAS) << _MANTISSA_BITS)
    second = _float_from_bits((whole - half + _EXPONENT_BIAS) << _MANTISSA_BITS)
    return first, second


@fused_kernel
def exp1(x: float) -> float:
    """e^x of one number, vectorizable (see the module's docstring)."""
    k, r = _reduce(x)
    first, second = _two_to(k)
    y = ((1.0 + _expm1_reduced(r)) * first) * second
    y = 0.0 if x < _EXP_LOW else y
    return x if x != x else y


@fused_kernel
def expm1_1(x: float) -> float:
    """e^x - 1 of one number, accurate near 0, vectorizable."""
    k, r = _reduce(x)
    first, second = _two_to(k)
    p = _expm1_reduced(r)
    scale = first * second  # inf at k = 1024, so the large-k form keeps the halves apart
    small_k = scale * p + (scale - 1.0)  # exact at k = 0: no cancellation near x = 0
    large_k = ((1.0 + p) * first) * second - 1.0
    y = small_k if k < 2.0 else large_k
    y = -1.0 if x < _EXP_LOW else y
    return x if x == 0.0 or x != x else y  # keeps the sign of zero, and nan


@fused_kernel
def tanh1(x: float) -> float:
    """tanh of one number, vectorizable: -u / (2 + u) with u = e^(-2|x|) - 1, signed."""
    u = expm1_1(-2.0 * abs(x))
    return np.copysign(-u / (2.0 + u), x)


# log: x = 2^e m with sqrt(1/2) <= m < sqrt(2), log(m) = log(1 + f) = 2 atanh(s) with
# s = f / (2 + f), written as f - f^2/2 + s (f^2/2 + R) (fdlibm's arrangement, which rounds
# well) and R = sum 2 z^j / (2j + 1), z = s^2 <= 0.0295, from its Taylor series to z^11 (the
# first term left out is below 1e-18 relative).
_R1, _R2, _R3, _R4, _R5, _R6, _R7, _R8, _R9, _R10, _R11 = (2.0 / (2 * j + 1) for j in range(1, 12))
_SQRT2 = math.sqrt(2.0)
_SMALLEST_NORMAL = 2.2250738585072014e-308
_SUBNORMAL_SCALE, _SUBNORMAL_BITS = 2.0**54, 54
_MANTISSA_MASK = (1 << _MANTISSA_BITS) - 1
_ONE_BITS = _EXPONENT_BIAS << _MANTISSA_BITS  # the bit pattern of 1.0


@fused_kernel
def log1(x: float) -> float:
    """Natural log of one number, vectorizable; -inf at 0, nan below 0 and at nan."""
    subnormal = x < _SMALLEST_NORMAL
    scaled = x * _SUBNORMAL_SCALE if subnormal else x
    bits = _bits_of_float(scaled)
    e = ((bits >> _MANTISSA_BITS) & 0x7FF) - _EXPONENT_BIAS - (_SUBNORMAL_BITS if subnormal else 0)
    m = _float_from_bits((bits & _MANTISSA_MASK) | _ONE_BITS)  # in [1, 2)
    above_sqrt2 = m > _SQRT2
    m = m * 0.5 if above_sqrt2 else m
    k = float(e + 1) if above_sqrt2 else float(e)
    f = m - 1.0
    s = f / (2.0 + f)
    z = s * s
    z2 = z * z
    z4 = z2 * z2
    low = (_R1 + _R2 * z) + (_R3 + _R4 * z) * z2  # Estrin's scheme, as in `_expm1_reduced`
    middle = (_R5 + _R6 * z) + (_R7 + _R8 * z) * z2
    high = (_R9 + _R10 * z) + _R11 * z2
    r = z * ((low + middle * z4) + high * (z4 * z4))
    half_f2 = 0.5 * f * f
    y = k * _LN2_HI + (f - (half_f2 - (s * (half_f2 + r) + k * _LN2_LO)))
    y = -np.inf if x == 0.0 else y
    y = np.nan if x < 0.0 else y
    return x if x != x or x == np.inf else y


@fused_kernel
def pow1(x: float, y: float) -> float:
    """x^y for x >= 0 as e^(y log x), vectorizable. Its relative error is a few units in the
    last place times (1 + |y log x|): fine for ratios near 1 raised to modest exponents, which
    is what the models raise; 1 at y = 0, as the C library's."""
    power = exp1(y * log1(x))  # worked out whatever y: a branch around it stops vectorizing
    return 1.0 if y == 0.0 else power


@kernel
def erf1(x: float) -> float:
    """The error function of one number (Abramowitz & Stegun 7.1.26); 0 at 0, nan at nan."""
    sign = np.sign(x)
    ax = abs(x)
    t = 1.0 / (1.0 + _P * ax)
    poly = t * (_A0 + t * (_A1 + t * (_A2 + t * (_A3 + t * _A4))))
    return sign * (1.0 - poly * exp1(-ax * ax))


@kernel
def log1p1(x: float) -> float:
    """log(1 + x) of one number, accurate near 0, vectorizable: log(w) x / (w - 1) with
    w = 1 + x rounded corrects the rounding of w (Goldberg's trick); x itself where w is 1."""
    w = 1.0 + x
    corrected = log1(w) * (x / (w - 1.0))
    return x if w == 1.0 else corrected


@kernel
def softplus1(x: float) -> float:
    """log(1 + e^x) of one number without overflow, vectorizable: max(x, 0) + log(1 + e^-|x|)
    (nan at nan)."""
    return max(x, 0.0) + log1p1(exp1(-abs(x)))


@kernel
def decay_per_day(tau_days: float) -> float:
    """What is left after a day of exponential decay with time constant `tau_days`."""
    return exp1(-1.0 / tau_days)


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
