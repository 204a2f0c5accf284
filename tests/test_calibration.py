"""The registry's calibrated values still hit their targets (the fit is not stale)."""

import numpy as np
import pytest

from myotwin.calibration import TARGETS, _published_se, _rows, arm_statistic, shipped_trial
from myotwin.evidence import registry


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.parameter)
def test_calibrated_value_reproduces_its_target(target) -> None:  # type: ignore[no-untyped-def]
    spec = shipped_trial(target.trial)
    rows = _rows(spec, target.outcomes)
    goal = float(np.mean([r.value for r in rows]))
    model = arm_statistic(spec, rows, registry(), participants=1500)
    # Within a fifth of the published standard error: a stale fit misses by far more.
    assert abs(model - goal) < 0.2 * _published_se(rows) + 0.02 * abs(goal)


def test_targets_read_their_values_from_the_trial_files() -> None:
    for target in TARGETS:
        rows = _rows(shipped_trial(target.trial), target.outcomes)
        assert [r.outcome for r in rows] == list(target.outcomes)
        assert registry()[target.parameter].calibrated
