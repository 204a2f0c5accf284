"""The registry's calibrated values still hit their targets (the fit is not stale)."""

import math

import numpy as np
import pytest

from myotwin.calibration import TARGETS, _rows, arm_statistic, published_se, shipped_trial
from myotwin.evidence import registry


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.parameter)
def test_calibrated_value_reproduces_its_target(target) -> None:  # type: ignore[no-untyped-def]
    spec = shipped_trial(target.trial)
    rows = _rows(spec, target)
    goal = float(np.mean([r.value for r in rows]))
    participants = 1500
    model = arm_statistic(spec, rows, registry(), participants=participants)
    se = published_se(rows, spec.participants_per_arm, model.sd)
    # The fit used other participants: allow for their chance difference (4 standard errors of
    # this run's mean) plus half the published standard error. A stale fit misses by more.
    contrast = 2.0 if rows[0].versus is not None else 1.0
    chance = 4 * model.sd * math.sqrt(contrast / participants)
    assert abs(model.mean - goal) < 0.5 * se + chance


def test_targets_read_their_values_from_the_trial_files() -> None:
    for target in TARGETS:
        rows = _rows(shipped_trial(target.trial), target)
        assert [r.outcome for r in rows] == list(target.outcomes)
        assert registry()[target.parameter].calibrated
