"""Keyed random streams: every random number is a pure function of where it is used.

A number is addressed by (seed, replicate, group, module) -> a stream key, then by
(person id, counter) within that stream. `group` is the trial arm position, or 0 for the
scenarios of `simulate` and population runs (common random numbers). Because nothing depends on
how persons are split into blocks or on which worker runs a block, a run gives the same numbers
however it is split. The mixing function is SplitMix64's finaliser (Steele, Lea & Flood 2014),
applied to the combined counters. It is compiled once for one number (`uniform1`), which
kernels call to draw inside their per-person loops; the array functions loop over the same
scalar code, so both give the same bits.
"""

from __future__ import annotations

import zlib

import numpy as np
from numpy.typing import NDArray

from myotwin.compiled import kernel

U64 = np.uint64
_GOLDEN = U64(0x9E3779B97F4A7C15)
_M1 = U64(0xBF58476D1CE4E5B9)
_M2 = U64(0x94D049BB133111EB)
_TWO_POW_53 = float(2**53)

UIntArray = NDArray[np.uint64]
FloatArray = NDArray[np.float64]


# The mixing is written once, for one uint64 (`_mix1`, `uniform1`); the array functions below
# loop over it in compiled code, so kernels can draw per person and get the numpy API's bits.
# Every integer in these kernels is cast to np.uint64: numba turns int64 op uint64 into float64.


@kernel
def _mix1(x: np.uint64) -> np.uint64:
    """SplitMix64's finaliser of one uint64 (arithmetic wraps modulo 2**64)."""
    z = U64(x) + _GOLDEN
    z = (z ^ (z >> U64(30))) * _M1
    z = (z ^ (z >> U64(27))) * _M2
    return z ^ (z >> U64(31))


@kernel
def uniform1(key: np.uint64, person: int, counter: int) -> float:
    """Uniform(0, 1) number `counter` of `person`'s stream `key`: one element of `uniforms`,
    for use inside kernels."""
    z = _mix1(U64(key) ^ _mix1(U64(person) ^ (U64(counter) << U64(40))))
    # 53 high bits -> a double in (0, 1): never exactly 0, so logs are safe.
    return (float(z >> U64(11)) + 0.5) / _TWO_POW_53


@kernel
def _mix_array(x: UIntArray) -> UIntArray:
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = _mix1(x[i])
    return out


@kernel
def _uniform_array(keys: UIntArray, persons: NDArray[np.int64], counter: int) -> FloatArray:
    """`uniform1` per person; `keys` has one key per person or one for all."""
    n = persons.shape[0]
    per_person = keys.shape[0] != 1
    out = np.empty(n)
    for i in range(n):
        out[i] = uniform1(keys[i if per_person else 0], persons[i], counter)
    return out


def _mix(x: UIntArray) -> UIntArray:
    flat = np.ascontiguousarray(x, dtype=U64).reshape(-1)
    mixed: UIntArray = _mix_array(flat).reshape(np.shape(x))
    return mixed


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
    p = np.asarray(persons)
    if p.ndim != 1 or not (k.ndim == 0 or k.shape == p.shape):
        k, p = np.broadcast_arrays(k, p)  # the general case: any shapes numpy broadcasts
        flat: FloatArray = uniforms(k.reshape(-1), p.reshape(-1), counter)
        return flat.reshape(k.shape)
    # uint64 persons keep their bits as int64 (the kernel casts them back).
    u: FloatArray = _uniform_array(k.reshape(-1), p.astype(np.int64, copy=False), counter)
    return u


def normals(keys: UIntArray | int, persons: NDArray[np.int64], counter: int) -> FloatArray:
    """Standard normal numbers (Box-Muller on two keyed uniforms)."""
    u1 = uniforms(keys, persons, 2 * counter)
    u2 = uniforms(keys, persons, 2 * counter + 1)
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
