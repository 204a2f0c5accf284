"""The evidence registry: complete, cited, and drawn the way TRIAL-SPEC says."""

import math

import numpy as np
import pytest

from myotwin.evidence import Spread, parse_registry, registry
from myotwin.persons import Persons
from myotwin.physiology import ORGANS
from myotwin.physiology.base import Draw


def test_every_organ_parameter_is_in_the_registry_with_unit_and_citation() -> None:
    reg = registry()
    for organ in ORGANS.values():
        for key in organ.parameter_keys:
            p = reg[key]
            assert p.unit, key
            assert p.citation in reg.references, key
            assert p.certainty in ("high", "moderate", "low"), key


def test_every_registry_parameter_is_used_by_a_model_or_the_input_layer() -> None:
    reg = registry()
    used = {k for organ in ORGANS.values() for k in organ.parameter_keys}
    for key, p in reg.parameters.items():
        assert key in used or p.module == "anthropometry", f"{key} is not used by any model"


def test_calibrated_parameters_cite_a_shipped_or_project_test_trial() -> None:
    from myotwin.calibration import PROJECT_TRIALS
    from myotwin.trial.validate import shipped_trials

    files = [*shipped_trials(), *PROJECT_TRIALS.glob("*.toml")]
    stems = {f.name.removesuffix(".toml") for f in files}
    calibrated = [p for p in registry().parameters.values() if p.calibrated]
    assert calibrated
    for p in calibrated:
        assert p.citation.startswith("trial:") and p.citation[6:] in stems, p.key
        assert not p.uncertainty.is_fixed, f"{p.key}: a fitted value has an uncertainty"


def test_missing_citation_is_rejected() -> None:
    raw = {"m": {"x": {"value": 1, "unit": "1", "citation": "nobody", "certainty": "low"}}}
    with pytest.raises(ValueError, match="nobody"):
        parse_registry(raw, {})


def test_spreads() -> None:
    assert Spread("normal", sd=2.0).apply(10.0, 1.5) == pytest.approx(13.0)
    sigma = math.sqrt(math.log1p(0.25))
    assert Spread("lognormal", cv=0.5).apply(2.0, 1.0) == pytest.approx(2.0 * math.exp(sigma))
    with pytest.raises(ValueError):
        Spread("normal", sd=0.0)


def test_population_values_are_shared_within_a_replicate_and_differ_between() -> None:
    from myotwin.physiology.muscle import Params

    n = 400
    persons = Persons.blank(n).replace(replicate=np.repeat(np.arange(4), n // 4))
    params = ORGANS["muscle"].params(Draw(registry(), 1, 0, persons))
    assert isinstance(params, Params)
    rate = np.asarray(params.hypertrophy_rate)
    per_rep = [np.unique(rate[persons.replicate == r]) for r in range(4)]
    assert all(len(v) == 1 for v in per_rep)  # one value per replicate
    assert len({float(v[0]) for v in per_rep}) == 4  # drawn anew per replicate
    # Between-person parameters differ within a replicate and do not depend on the arm's
    # population draw (group changes persons' deviations, not population values).
    resp = np.asarray(params.hypertrophy_response)
    assert len(np.unique(resp[:100])) == 100
    other_arm = ORGANS["muscle"].params(Draw(registry(), 1, 1, persons))
    np.testing.assert_array_equal(np.asarray(other_arm.hypertrophy_rate), rate)
    assert not np.array_equal(np.asarray(other_arm.hypertrophy_response), resp)


def test_central_draw_fixes_population_values() -> None:
    persons = Persons.blank(10).replace(replicate=np.arange(10))
    params = ORGANS["muscle"].params(Draw(registry(), 1, 0, persons, central=True))
    assert params.hypertrophy_rate == registry().value("muscle.hypertrophy_rate")


def test_effect_parameters_exist_and_weak_effects_are_flagged() -> None:
    from myotwin.physiology import effect_certainty

    reg = registry()
    for organ in ORGANS.values():
        for outcome, keys in organ.effect_parameters.items():
            assert organ.reports(outcome), outcome
            for key in keys:
                assert key in reg.parameters, key
    assert effect_certainty("sleep_quality") == "low"
    assert effect_certainty("myokine_signal") == "low"
    assert effect_certainty("lean_mass") == "moderate"
    assert effect_certainty("hba1c") == "low"  # the acute post-session rise is an assumption
