"""Keyed random streams: every random number is a pure function of where it is used.

A number is addressed by (seed, replicate, group, module) -> a stream key, then by
(person id, counter) within that stream. `group` is the trial arm position, or 0 for the
scenarios of `simulate` and population runs (common random numbers). Because nothing depends on
how persons are split into blocks or on which worker runs a block, a run gives the same numbers
however it is split. The mixing function is SplitMix64's finaliser (Steele, Lea & Flood 2014),
applied to the combined counters.
"""

from __future__ import annotations

import zlib

import numpy as np
from numpy.typing import NDArray

U64 = np.uint64
_GOLDEN = U64(0x9E3779B97F4A7C15)
_M1 = U64(0xBF58476D1CE4E5B9)
_M2 = U64(0x94D049BB133111EB)
_TWO_POW_53 = float(2**53)

UIntArray = NDArray[np.uint64]
FloatArray = NDArray[np.float64]


def _mix(x: UIntArray) -> UIntArray:
    with np.errstate(over="ignore"):
        z = x + _GOLDEN
        z = (z ^ (z >> U64(30))) * _M1
        z = (z ^ (z >> U64(27))) * _M2
        return z ^ (z >> U64(31))


def name_id(name: str) -> int:
    """A stable 32-bit id for a module or parameter name (independent of Python's hash seed)."""
    return zlib.crc32(name.encode())


def stream_key(seed: int, replicate: int, group: int, module: str) -> int:
    """The key of one stream; different (seed, replicate, group, module) give unrelated keys."""
    # Mix before each combination: a plain XOR of two parts would make (seed 1, replicate 0)
    # the same stream as (seed 0, replicate 1).
    z = _mix(np.array([seed], dtype=U64))
    for part in (replicate, group, name_id(module)):
        z = _mix(z ^ np.array([part], dtype=U64))
    return int(_mix(z)[0])


def stream_keys(seed: int, replicates: NDArray[np.int64], group: int, module: str) -> UIntArray:
    """`stream_key` for an array of replicates at once."""
    z = _mix(_mix(np.full(replicates.shape, seed, dtype=U64)) ^ replicates.astype(U64))
    z = _mix(z ^ U64(group))
    z = _mix(z ^ U64(name_id(module)))
    return _mix(z)


def uniforms(keys: UIntArray | int, persons: NDArray[np.int64], counter: int) -> FloatArray:
    """Uniform(0, 1) numbers, one per person, for draw number `counter` of each person's stream."""
    k = np.asarray(keys, dtype=U64)
    z = _mix(k ^ _mix(persons.astype(U64) ^ (U64(counter) << U64(40))))
    # 53 high bits -> a double in (0, 1): never exactly 0, so logs are safe.
    return ((z >> U64(11)).astype(np.float64) + 0.5) / _TWO_POW_53


def normals(keys: UIntArray | int, persons: NDArray[np.int64], counter: int) -> FloatArray:
    """Standard normal numbers (Box-Muller on two keyed uniforms)."""
    u1 = uniforms(keys, persons, 2 * counter)
    u2 = uniforms(keys, persons, 2 * counter + 1)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
