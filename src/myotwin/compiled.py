"""Compiled organ kernels: numba with the project's settings, and parameters packed for them.

Each organ's daily step is one compiled loop over persons (`kernel`), so a day costs a few
function calls rather than hundreds of small numpy operations. The organ modules keep their
readable structure: a kernel reads a person's parameters by name from the packed matrix,
`p[ROWS.name, i]`, where `ROWS = rows(Params)` is a module-level constant. Helpers called
inside a per-person loop take plain numbers, not arrays: an array argument costs tens of
nanoseconds per call.

Kernels run without fastmath, so they give IEEE results; transcendental functions come from a
different library than numpy's, so results agree with the numpy formulation to rounding
(about 1e-15 relative), not always bit for bit. Random numbers are exact all the same: the
keyed streams are integer arithmetic, and a kernel that draws calls `streams.uniform1`, the
code the array functions run too.
"""

from __future__ import annotations

import dataclasses
from collections import namedtuple
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
F = TypeVar("F", bound=Callable[..., Any])


def kernel(fn: F) -> F:
    """Compile `fn` with numba: IEEE arithmetic (no fastmath), numpy's division semantics
    (x / 0 is inf or nan, not an exception), cached on disk, and without the GIL."""
    return cast(F, numba.njit(cache=True, nogil=True, error_model="numpy")(fn))


def rows(params_type: type[Any]) -> Any:
    """Row numbers of a Params dataclass's fields in its `pack`ed matrix, as a namedtuple
    (a compile-time constant inside kernels)."""
    names = [f.name for f in dataclasses.fields(params_type)]
    return namedtuple(f"{params_type.__name__}Rows", names)(*range(len(names)))


def pack(params: Any, n: int) -> FloatArray:
    """Every field of a Params dataclass as one row of a (fields, n) float64 matrix; scalars
    (population values) are repeated over the n persons. Stored person by person (Fortran
    order): a loop over persons reads each person's parameters from one place in memory, where
    rows of a power-of-two length would collide in the cache."""
    fields = dataclasses.fields(params)
    out = np.empty((len(fields), n), order="F")
    for row, f in enumerate(fields):
        out[row] = getattr(params, f.name)
    return out


def per_person(value: float | FloatArray, n: int) -> FloatArray:
    """A scalar or (n,) value as a contiguous float64 array over persons."""
    return np.ascontiguousarray(np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)))
