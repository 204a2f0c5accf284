"""The muscle hub: baseline, ageing, dose-response, prior training, detraining, strength."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from myotwin.dose import Schedule
from myotwin.engine import Block, run_block
from myotwin.evidence import registry
from myotwin.inputs import Person, Program
from myotwin.persons import Persons, complete_anthropometry, person_arrays
from myotwin.physiology import muscle
from myotwin.physiology.base import Context
from myotwin.programs import schedule

YEAR = 365


def central_params() -> muscle.Params:
    """Every parameter at its central value, no between-person spread."""
    reg = registry()
    return muscle.Params(
        **{f.name: reg.value(f"muscle.{f.name}") for f in dataclasses.fields(muscle.Params)}
    )


def person(**changes: object) -> Person:
    base = dict(age_years=65, sex="female", height_cm=165, weight_kg=70, body_fat_pct=35)
    base.update(changes)
    return Person.model_validate(base)


def program(sets: int = 3, load: float = 0.75, sessions: float = 3, **extra: object) -> Program:
    names = ("leg_press", "chest_press", "knee_extension", "seated_row")
    return Program.model_validate(
        dict(
            sessions_per_week=sessions,
            exercises=[
                dict(exercise=e, sets=sets, reps=10, load={"one_rm_fraction": load}) for e in names
            ],
            **extra,
        )
    )


def run(
    who: Person,
    prog: Program | None,
    days: int,
    outcomes: tuple[str, ...],
    n: int = 1,
    record: tuple[int, ...] | None = None,
) -> dict[str, np.ndarray]:
    persons = complete_anthropometry(person_arrays(who, n), registry())
    block = Block(persons, schedule(prog, days), outcomes, record or (0, days), 5, 0, central=True)
    return run_block(block).levels


def state_for(who: Person, prog: Program | None = None) -> tuple[muscle.State, muscle.Params]:
    p = central_params()
    persons = complete_anthropometry(person_arrays(who, 1), registry())
    ctx = Context(persons, schedule(prog, 10), ("one_rm:leg_press",), registry())
    return muscle.init(ctx, p, {}), p


def test_baseline_muscle_follows_lee_2000() -> None:
    s, p = state_for(person(sex="male", age_years=40, weight_kg=80, height_cm=180))
    expected = 0.244 * 80 + 7.8 * 1.80 + 6.6 - 0.098 * 40 - 3.3
    assert muscle.skeletal_muscle_mass(s, p)[0] == pytest.approx(expected)
    assert muscle.myokine_signal(s, p)[0] == pytest.approx(1.0)
    # Lean soft tissue (the energy organ's outcome) starts from the same split of fat-free mass.
    lean = 80 * (1 - 0.35) * (1 - p.bone_mineral_fraction_of_ffm)
    who = person(sex="male", age_years=40, weight_kg=80, height_cm=180)
    assert run(who, None, 1, ("lean_mass",))["lean_mass"][0, 0] == pytest.approx(lean)


def test_untrained_loss_rises_with_age_and_is_zero_before_onset() -> None:
    young = run(person(age_years=30), None, YEAR, ("skeletal_muscle_mass",))
    old = run(person(age_years=75), None, YEAR, ("skeletal_muscle_mass",))
    y0, y1 = young["skeletal_muscle_mass"][:, 0]
    o0, o1 = old["skeletal_muscle_mass"][:, 0]
    assert y1 == pytest.approx(y0)
    # Mitchell 2012: about 0.64-0.70 %/yr in women at 75.
    assert -0.0075 < (o1 - o0) / o0 < -0.006


def test_training_grows_muscle_with_diminishing_returns() -> None:
    none = run(person(), None, 140, ("skeletal_muscle_mass",))["skeletal_muscle_mass"][1, 0]
    gains = {
        sets: run(person(), program(sets=sets), 140, ("skeletal_muscle_mass",))[
            "skeletal_muscle_mass"
        ][1, 0]
        - none
        for sets in (1, 2, 4)
    }
    assert 0 < gains[1] < gains[2] < gains[4]  # more sets help...
    assert gains[4] / 4 < gains[2] / 2 < gains[1]  # ...but each set adds less


def test_prior_training_means_smaller_gains() -> None:
    out = "skeletal_muscle_mass"

    def gain(status: str) -> float:
        with_p = run(person(training_status=status), program(), 140, (out,))[out]
        without = run(person(training_status=status), None, 140, (out,))[out]
        return float((with_p[1, 0] - with_p[0, 0]) - (without[1, 0] - without[0, 0]))

    assert 0 < gain("trained") < 0.7 * gain("untrained")


def test_gains_persist_for_months_then_fade_after_stopping() -> None:
    out = "skeletal_muscle_mass"
    days = 4 * YEAR
    record = (0, 140, 140 + 90, days)
    trained = run(person(), program(train_weeks=20), days, (out,), record=record)[out][:, 0]
    control = run(person(), None, days, (out,), record=record)[out][:, 0]
    gain_at_stop = trained[1] - control[1]
    assert gain_at_stop > 0
    assert trained[2] - control[2] > 0.5 * gain_at_stop  # three months later, most remains
    assert trained[3] - control[3] < 0.1 * gain_at_stop  # years later, nearly gone


def test_heavier_loads_build_more_strength_than_light_loads_at_equal_reps() -> None:
    out = "one_rm:leg_press"
    heavy = run(person(), program(load=0.75), 84, (out,))[out][:, 0]
    light = run(person(), program(load=0.6), 84, (out,))[out][:, 0]
    assert heavy[1] / heavy[0] > light[1] / light[0] > 1.0


def test_kg_loads_above_1rm_are_capped_and_rpe_loads_work() -> None:
    s, p = state_for(person())
    one_rm = muscle.one_rm("leg_press", s, p)[0]
    for load in ({"kg": float(3 * one_rm)}, {"rpe": 8}, {"rir": 2}):
        prog = Program.model_validate(
            dict(
                sessions_per_week=2,
                exercises=[dict(exercise="leg_press", sets=3, reps=8, load=load)],
            )
        )
        end = run(person(), prog, 56, ("one_rm:leg_press",))["one_rm:leg_press"][:, 0]
        assert np.all(np.isfinite(end)) and end[1] > end[0]


def test_strength_falls_faster_than_mass_with_age() -> None:
    out = ("skeletal_muscle_mass", "one_rm:leg_press")
    r = run(person(age_years=75), None, 2 * YEAR, out)
    mass = r["skeletal_muscle_mass"][1, 0] / r["skeletal_muscle_mass"][0, 0]
    strength = r["one_rm:leg_press"][1, 0] / r["one_rm:leg_press"][0, 0]
    assert strength < mass < 1.0


def test_no_program_and_empty_schedule_agree() -> None:
    a = run(person(), None, 100, ("lean_mass",))["lean_mass"]
    persons = complete_anthropometry(person_arrays(person(), 1), registry())
    b = run_block(Block(persons, Schedule.none(), ("lean_mass",), (0, 100), 5, 0, True)).levels
    np.testing.assert_array_equal(a, b["lean_mass"])


def test_blocks_do_not_change_numbers() -> None:
    who = complete_anthropometry(person_arrays(person(), 40), registry())
    plan = schedule(program(), 60)
    outs = ("lean_mass", "one_rm:leg_press")
    whole = run_block(Block(who, plan, outs, (0, 60), 9, 1)).levels
    halves = [
        run_block(Block(who.take(slice(a, b)), plan, outs, (0, 60), 9, 1)).levels
        for a, b in ((0, 13), (13, 40))
    ]
    for name in outs:
        np.testing.assert_array_equal(
            whole[name], np.concatenate([h[name] for h in halves], axis=1)
        )


def test_persons_blank_take_roundtrip() -> None:
    p = Persons.blank(5)
    sub = p.take(np.array([1, 3]))
    assert sub.n == 2 and sub.bmd["lumbar_spine"].shape == (2,)
