"""The vectorizable exp, expm1 and tanh against numpy's (the C library's) to a few ulp."""

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


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(numerics.exp1, np.exp), (numerics.expm1_1, np.expm1), (numerics.tanh1, np.tanh)],
)
def test_edge_cases_match_numpy(
    ours: Callable[[float], float], theirs: Callable[..., np.ndarray]
) -> None:
    with np.errstate(over="ignore"):
        expected = theirs(EDGES)
    got = _over(ours, EDGES)
    close = np.isclose(got, expected, rtol=4e-16, atol=0.0, equal_nan=True)
    assert close.all(), EDGES[~close]
    assert np.array_equal(np.signbit(got), np.signbit(expected))  # -0.0 stays -0.0
