"""Compiled organ kernels: numba with the project's settings, and parameters packed for them.

Each organ's daily step is one compiled loop over persons (`kernel`), so a day costs a few
function calls rather than hundreds of small numpy operations. The organ modules keep their
readable structure: a kernel reads a person's parameters by name from the packed matrix,
`p[ROWS.name, i]`, where `ROWS = rows(Params)` is a module-level constant. Helpers called
inside a per-person loop take plain numbers, not arrays: an array argument costs tens of
nanoseconds per call.

Kernels run without fastmath, so they give IEEE results; transcendental functions come from a
different library than numpy's (or from `numerics`, where a loop should vectorize), so results
agree with the numpy formulation to rounding (about 1e-15 relative), not always bit for bit.
Random numbers are exact all the same: the keyed streams are integer arithmetic, and a kernel
that draws calls `streams.uniform1`, the code the array functions run too.
"""

from __future__ import annotations

import dataclasses
import os
from collections import namedtuple
from collections.abc import Callable
from typing import Any, TypeVar, cast

import llvmlite.binding as llvm

# AVX-512 chips whose clock drops under 512-bit work: LLVM's 256-bit preference suits them.
_CLOCK_LIMITED_AVX512 = frozenset({"skylake-avx512", "cascadelake", "cooperlake", "knl", "knm"})


def _use_full_vector_width() -> None:
    """On a CPU with AVX-512, let LLVM vectorize the kernels with 512-bit registers: its
    default for these CPUs keeps to 256 bits, for the older ones' sake. Here that takes some
    15 % off the model's daily work (benchmarks/engine.py), with the same numbers (each
    person's arithmetic is the same whatever the width). Numba compiles for the features in
    NUMBA_CPU_FEATURES when set, so a value the user has set stays. Before numba is imported:
    it reads the variable then."""
    if "NUMBA_CPU_FEATURES" in os.environ or llvm.get_host_cpu_name() in _CLOCK_LIMITED_AVX512:
        return
    llvm.initialize_native_target()
    features = llvm.get_host_cpu_features().flatten()
    if "+avx512f" in features.split(","):
        os.environ["NUMBA_CPU_FEATURES"] = features + ",-prefer-256-bit"


_use_full_vector_width()

import numba  # noqa: E402  (after the CPU features are chosen)
import numpy as np  # noqa: E402
from numpy.typing import NDArray  # noqa: E402

FloatArray = NDArray[np.float64]
F = TypeVar("F", bound=Callable[..., Any])


# A kernel's loop over persons reads and writes many rows of several matrices; LLVM
# vectorizes it only after checking at run time that the rows written do not overlap the rows
# read, and by default it gives up beyond a handful of such checks. They cost a few
# comparisons per call, not per person, so allow many.
llvm.set_option("", "-vectorize-memory-check-threshold=4096")
llvm.set_option("", "-runtime-memory-check-threshold=4096")
llvm.set_option("", "-memory-check-merge-threshold=4096")
# A loop vectorizes only when every helper it calls is inlined into it, and LLVM's default
# budget (225) leaves helpers such as `numerics.exp1` out of a large loop body. (Compiling
# every kernel from scratch takes about 18 s instead of 15.)
llvm.set_option("", "-inline-threshold=20000")


def kernel(fn: F) -> F:
    """Compile `fn` with numba: IEEE arithmetic (no fastmath), numpy's division semantics
    (x / 0 is inf or nan, not an exception), cached on disk, and without the GIL."""
    return cast(F, numba.njit(cache=True, nogil=True, error_model="numpy")(fn))


def fused_kernel(fn: F) -> F:
    """A `kernel` whose multiply-adds may be fused (one rounding instead of two): for the
    polynomials of `numerics`, which are then both faster and at least as accurate. Nothing
    else is relaxed; the flags stay with its instructions where it is inlined."""
    compile_ = numba.njit(cache=True, nogil=True, error_model="numpy", fastmath={"contract"})
    return cast(F, compile_(fn))


def rows(params_type: type[Any]) -> Any:
    """Row numbers of a Params dataclass's fields in its `pack`ed matrix, as a namedtuple
    (a compile-time constant inside kernels)."""
    names = [f.name for f in dataclasses.fields(params_type)]
    return namedtuple(f"{params_type.__name__}Rows", names)(*range(len(names)))


def pack(params: Any, n: int) -> FloatArray:
    """Every field of a Params dataclass as one row of a (fields, n) float64 matrix; scalars
    (population values) are repeated over the n persons. Row by row (C order): a vectorized loop
    over persons loads each parameter of several neighbouring persons at once. (The engine's
    chunks of persons are not a power of two long, where the rows would collide in the cache.)"""
    fields = dataclasses.fields(params)
    out = np.empty((len(fields), n))
    for row, f in enumerate(fields):
        out[row] = getattr(params, f.name)
    return out


def per_person(value: float | FloatArray, n: int) -> FloatArray:
    """A scalar or (n,) value as a contiguous float64 array over persons."""
    return np.ascontiguousarray(np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)))
