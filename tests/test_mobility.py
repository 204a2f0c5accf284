"""Mobility: function, balance, falls and fractures, and the event machinery they use."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from myotwin.engine import Block, BlockResult, run_block
from myotwin.evidence import registry
from myotwin.inputs import Person, Program
from myotwin.persons import complete_anthropometry, person_arrays
from myotwin.programs import schedule

YEAR = 365


def person(**changes: object) -> Person:
    base = dict(age_years=76, sex="female", height_cm=162, weight_kg=70, years_since_menopause=25)
    base.update(changes)
    return Person.model_validate(base)


def balance_program(minutes: float) -> Program | None:
    if minutes == 0:
        return None
    return Program.model_validate(
        dict(
            sessions_per_week=3,
            exercises=[dict(exercise="balance_training", minutes=minutes)],
        )
    )


def resistance_program() -> Program:
    lifts = [
        dict(exercise=e, sets=3, reps=10, load={"one_rm_fraction": 0.7})
        for e in ("leg_press", "knee_extension", "knee_flexion", "hip_abduction")
    ]
    return Program.model_validate(dict(sessions_per_week=3, exercises=lifts))


def run(
    who: Person,
    prog: Program | None,
    outcomes: tuple[str, ...],
    days: int = YEAR,
    n: int = 1,
    seed: int = 3,
    group: int = 0,
) -> BlockResult:
    persons = complete_anthropometry(person_arrays(who, n), registry())
    block = Block(persons, schedule(prog, days), outcomes, (0, days), seed, group, central=True)
    return run_block(block)


def test_more_balance_training_never_raises_the_fall_rate() -> None:
    rates = [
        run(person(), balance_program(m), ("falls",), n=50).levels["falls"][-1]
        for m in (0, 10, 20, 40, 60)
    ]
    for fewer, more in itertools.pairwise(rates):
        assert np.all(more <= fewer + 1e-12)
    assert rates[-1].mean() < 0.85 * rates[0].mean()  # and it does lower it


def test_falls_benefit_runs_through_balance_not_strength_alone() -> None:
    """Balance work lowers the expected fall rate clearly; resistance alone hardly."""
    none = run(person(), None, ("falls", "gait_speed"), n=200).levels
    balance = run(person(), balance_program(40), ("falls",), n=200).levels
    resistance = run(person(), resistance_program(), ("falls", "gait_speed"), n=200).levels
    ratio_balance = balance["falls"][-1].mean() / none["falls"][-1].mean()
    ratio_resistance = resistance["falls"][-1].mean() / none["falls"][-1].mean()
    assert ratio_balance < 0.8
    assert 0.87 < ratio_resistance < 1.0
    # Resistance does improve function: gait speed rises against no training.
    assert (resistance["gait_speed"][-1] - none["gait_speed"][-1]).mean() > 0.03


def test_strength_gain_speeds_gait_and_chair_rise() -> None:
    out = ("gait_speed", "chair_rise_time")
    trained = run(person(), resistance_program(), out, days=84, n=100).levels
    untrained = run(person(), None, out, days=84, n=100).levels
    assert np.all(trained["gait_speed"][-1] > untrained["gait_speed"][-1])
    assert np.all(trained["chair_rise_time"][-1] < untrained["chair_rise_time"][-1])


def test_function_declines_with_age_without_training() -> None:
    outcomes = ("gait_speed", "chair_rise_time", "balance")
    levels = run(person(), None, outcomes, days=5 * YEAR).levels
    gait, chair, bal = (levels[k] for k in ("gait_speed", "chair_rise_time", "balance"))
    assert gait[-1, 0] < gait[0, 0]
    assert chair[-1, 0] > chair[0, 0]
    assert bal[-1, 0] < bal[0, 0]


def test_lower_bmd_never_lowers_fracture_risk() -> None:
    outcomes = ("hip_fractures", "major_fractures")
    by_t_score = [
        run(person(femoral_neck_t_score=t), None, outcomes, days=30).levels
        for t in (0.0, -1.0, -2.0, -3.0)
    ]
    for name in outcomes:
        risks = [levels[name][-1, 0] for levels in by_t_score]
        assert all(b > a for a, b in itertools.pairwise(risks)), name


def test_balance_training_lowers_ten_year_hip_fracture_risk_through_the_fall_signal() -> None:
    """The bone model reads the mobility model's fall-rate ratio: fewer falls, fewer fractures
    even where the program does not load bone."""
    untrained = run(person(), None, ("hip_fracture_risk_10y",), n=20).levels
    trained = run(person(), balance_program(40), ("hip_fracture_risk_10y",), n=20).levels
    assert np.all(trained["hip_fracture_risk_10y"][-1] < untrained["hip_fracture_risk_10y"][-1])


def test_fall_events_follow_the_rate() -> None:
    result = run(person(), None, ("falls", "fallers"), n=4000)
    years = YEAR / 365.25
    expected = result.levels["falls"].mean()
    observed = result.events["falls"].sum() / (4000 * years)
    assert observed == pytest.approx(expected, rel=0.08)
    np.testing.assert_array_equal(result.events["fallers"], result.events["falls"])


def test_scenarios_share_event_streams_and_arms_do_not() -> None:
    """Same group (the scenarios of `simulate`): training removes falls, never adds one."""
    control = run(person(), None, ("falls",), n=500).events["falls"]
    trained = run(person(), balance_program(40), ("falls",), n=500).events["falls"]
    assert np.all(trained <= control)
    assert trained.sum() < control.sum()
    other_arm = run(person(), None, ("falls",), n=500, group=1).events["falls"]
    assert not np.array_equal(other_arm, control)


def test_fractures_are_counted_and_rarer_than_falls() -> None:
    result = run(
        person(femoral_neck_t_score=-2.5),
        None,
        ("falls", "hip_fractures", "major_fractures"),
        n=4000,
    )
    falls = result.events["falls"].sum()
    hips = result.events["hip_fractures"].sum()
    majors = result.events["major_fractures"].sum()
    assert 0 < hips < majors < falls
    # About 1 % of falls end in a hip fracture (Boonen 1996); osteoporotic bone more.
    assert 0.002 < hips / falls < 0.05
