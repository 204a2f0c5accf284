"""The compiled-kernel helpers: packed parameters, their rows, and per-person arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from myotwin.compiled import kernel, pack, per_person, rows


@dataclass(frozen=True)
class _Params:
    rate: float | np.ndarray
    scale: float | np.ndarray


_ROWS = rows(_Params)


@kernel
def _scaled(packed: np.ndarray, x: np.ndarray) -> np.ndarray:
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = packed[_ROWS.scale, i] * x[i] / packed[_ROWS.rate, i]
    return out


def test_pack_repeats_scalars_and_keeps_per_person_values() -> None:
    packed = pack(_Params(rate=2.0, scale=np.array([1.0, 2.0, 3.0])), 3)
    assert packed.shape == (2, 3) and packed.flags.c_contiguous  # a row per parameter
    assert packed[_ROWS.rate].tolist() == [2.0, 2.0, 2.0]
    assert packed[_ROWS.scale].tolist() == [1.0, 2.0, 3.0]


def test_rows_follow_field_order() -> None:
    assert (_ROWS.rate, _ROWS.scale) == (0, 1)


def test_kernel_reads_parameters_by_name() -> None:
    packed = pack(_Params(rate=np.array([1.0, 2.0, 4.0]), scale=3.0), 3)
    x = np.array([1.0, 1.0, 2.0])
    assert np.allclose(_scaled(packed, x), 3.0 * x / packed[_ROWS.rate])


def test_kernel_divides_like_numpy() -> None:
    packed = pack(_Params(rate=0.0, scale=1.0), 2)
    out = _scaled(packed, np.array([1.0, 0.0]))
    assert out[0] == np.inf and np.isnan(out[1])


def test_per_person_broadcasts_and_rejects_wrong_lengths() -> None:
    assert per_person(1.5, 3).tolist() == [1.5, 1.5, 1.5]
    assert per_person(np.array([1.0, 2.0]), 2).flags.c_contiguous
    with pytest.raises(ValueError):
        per_person(np.array([1.0, 2.0]), 3)
