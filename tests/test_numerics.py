"""The vectorizable exp, expm1, tanh, log and pow against numpy's (the C library's)."""

from __future__ import annotations

from collections.abc import Callable

import numba
import numpy as np
import pytest

from myotwin import numerics

# Not a number, infinities, signed zeros, around overflow and underflow, subnormal inputs, where
# tanh reaches 1, and both ends of the reduced argument's range.
EDGES = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 709.78, 709.5, 709.79, -745.1, -745.2])
EDGES = np.concatenate([EDGES, [-708.5, 1e-300, -1e-300, 5e-324, 22.0, -22.0, 0.34657, -0.34658]])


@numba.njit
def _over(f: Callable[[float], float], x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = f(x[i])
    return out


@pytest.mark.parametrize(
    ("ours", "theirs", "max_ulp"),
    [(numerics.exp1, np.exp, 1), (numerics.expm1_1, np.expm1, 2), (numerics.tanh1, np.tanh, 3)],
)
@pytest.mark.parametrize("width", [1e-8, 1.0, 40.0, 760.0])
def test_agrees_with_numpy_within_a_few_ulp(
    ours: Callable[[float], float], theirs: Callable[..., np.ndarray], max_ulp: int, width: float
) -> None:
    x = np.random.default_rng(int(width * 7)).uniform(-width, width, 100_000)
    with np.errstate(over="ignore"):
        expected = theirs(x)
    got = _over(ours, x)
    finite = np.isfinite(expected) & (expected != 0.0)
    ulp = np.abs(got[finite] - expected[finite]) / np.spacing(np.abs(expected[finite]))
    assert ulp.max() <= max_ulp
    assert np.array_equal(got[~finite], expected[~finite])


@pytest.mark.parametrize("log10_width", [1e-8, 0.5, 300.0])
def test_log_within_one_ulp(log10_width: float) -> None:
    x = 10.0 ** np.random.default_rng(3).uniform(-log10_width, log10_width, 100_000)
    x = np.concatenate([x, np.random.default_rng(4).uniform(0.0, 1e-307, 1_000)])  # subnormals
    expected = np.log(x)
    got = _over(numerics.log1, x)
    nonzero = expected != 0.0
    ulp = np.abs(got[nonzero] - expected[nonzero]) / np.spacing(np.abs(expected[nonzero]))
    assert ulp.max() <= 1
    assert np.array_equal(got[~nonzero], expected[~nonzero])


@numba.njit
def _pow_over(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = numerics.pow1(x[i], y[i])
    return out


def test_pow_error_grows_only_with_the_exponent_times_the_log() -> None:
    rng = np.random.default_rng(5)
    x = np.concatenate([rng.uniform(0.0, 3.0, 50_000), [0.0, 0.0, 0.0, 1.0, 2.0, np.inf]])
    y = np.concatenate([rng.uniform(-4.0, 4.0, 50_000), [2.0, 0.0, -1.0, 7.5, 0.0, 0.5]])
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = np.power(x, y)
        scale = 1.0 + np.nan_to_num(np.abs(y * np.log(x)))  # 0^0: 1
    got = _pow_over(x, y)
    finite = np.isfinite(expected) & (expected != 0.0)
    ulp = np.abs(got[finite] - expected[finite]) / np.spacing(expected[finite])
    assert (ulp <= 4.0 * scale[finite]).all()
    assert np.array_equal(got[~finite], expected[~finite])


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (numerics.exp1, np.exp),
        (numerics.expm1_1, np.expm1),
        (numerics.tanh1, np.tanh),
        (numerics.log1, np.log),
    ],
)
def test_edge_cases_match_numpy(
    ours: Callable[[float], float], theirs: Callable[..., np.ndarray]
) -> None:
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        expected = theirs(EDGES)
    got = _over(ours, EDGES)
    close = np.isclose(got, expected, rtol=4e-16, atol=0.0, equal_nan=True)
    assert close.all(), EDGES[~close]
    number = ~np.isnan(expected)
    assert np.array_equal(np.signbit(got[number]), np.signbit(expected[number]))  # -0.0 stays


def test_log1p_and_softplus_agree_with_numpy() -> None:
    rng = np.random.default_rng(6)
    x = np.concatenate([rng.uniform(-1e-9, 1e-9, 20_000), rng.uniform(-0.9, 30.0, 80_000)])
    expected = np.log1p(x)
    got = _over(numerics.log1p1, x)
    nonzero = expected != 0.0
    ulp = np.abs(got[nonzero] - expected[nonzero]) / np.spacing(np.abs(expected[nonzero]))
    assert ulp.max() <= 4
    z = np.concatenate([rng.uniform(-40.0, 40.0, 50_000), [0.0, -800.0, 800.0, np.nan]])
    with np.errstate(invalid="ignore"):  # numpy warns at nan
        expected = np.logaddexp(0.0, z)
    np.testing.assert_allclose(_over(numerics.softplus1, z), expected, rtol=1e-15)
