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


def test_write_registry_adds_the_uncertainty_of_a_first_fit(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from myotwin.calibration import Fit, Target, write_registry
    from myotwin.evidence import Spread

    path = tmp_path / "parameters.toml"
    path.write_text('[m.a]\nvalue = 1.0\nunit = "kg"\ncitation = "x"\n\n[m.b]\nvalue = 2.0\n')
    fit = Fit(Target("m.a", "t", ("o",)), 1.5, Spread("lognormal", cv=0.25), 1.0, 1.0)
    write_registry([fit], path)
    text = path.read_text()
    assert 'value = 1.5\nuncertainty = { kind = "lognormal", cv = 0.2500 }\nunit = "kg"\n' in text
    assert text.endswith("[m.b]\nvalue = 2.0\n")
