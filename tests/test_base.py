"""`evolve`: the organs' cheap `dataclasses.replace`."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pytest

from myotwin.physiology.base import evolve


@dataclass(frozen=True, eq=False)
class _State:
    a: np.ndarray
    b: np.ndarray | None = None
    day: int = 0


def test_evolve_matches_replace_and_leaves_the_original_alone() -> None:
    s = _State(np.arange(3.0))
    new = evolve(s, b=np.ones(3), day=4)
    ref = replace(s, b=np.ones(3), day=4)
    assert type(new) is _State
    assert new.a is s.a and new.day == ref.day == 4
    assert np.array_equal(new.b, ref.b)
    assert s.b is None and s.day == 0
    with pytest.raises(AttributeError):
        new.day = 5  # type: ignore[misc]


def test_evolve_rejects_unknown_fields() -> None:
    with pytest.raises(TypeError):
        evolve(_State(np.zeros(1)), c=1)
