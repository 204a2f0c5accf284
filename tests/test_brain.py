"""Brain and mood: latent states, their kinetics and what they must not do."""

from __future__ import annotations

import numpy as np
import pytest

from myotwin.engine import Block, run_block
from myotwin.evidence import registry
from myotwin.inputs import Person, Program
from myotwin.persons import complete_anthropometry, person_arrays
from myotwin.programs import schedule

YEAR = 365
OUTS = (
    "hippocampal_volume",
    "global_cognition",
    "executive_function",
    "depressive_symptoms",
    "anxiety_symptoms",
    "sleep_quality",
)


def person(**changes: object) -> Person:
    base = dict(age_years=72, sex="female", height_cm=163, weight_kg=68)
    base.update(changes)
    return Person.model_validate(base)


def prt(sets: int = 3, sessions: float = 2.5, load: float = 0.8, **extra: object) -> Program:
    names = ("leg_press", "chest_press", "seated_row", "knee_extension")
    entries = [dict(exercise=e, sets=sets, reps=8, load={"one_rm_fraction": load}) for e in names]
    return Program.model_validate(dict(sessions_per_week=sessions, exercises=entries, **extra))


def sham() -> Program:
    return Program.model_validate(
        dict(sessions_per_week=2.5, exercises=[dict(exercise="stretching", minutes=45)])
    )


def run(
    prog: Program | None,
    days: int,
    record: tuple[int, ...] | None = None,
    who: Person | None = None,
) -> dict[str, np.ndarray]:
    persons = complete_anthropometry(person_arrays(who or person(), 1), registry())
    block = Block(persons, schedule(prog, days), OUTS, record or (0, days), 2, 0, central=True)
    return {k: v[:, 0] for k, v in run_block(block).levels.items()}


def effect(prog: Program | None, days: int, name: str) -> float:
    trained, control = run(prog, days), run(None, days)
    return float((trained[name][1] - trained[name][0]) - (control[name][1] - control[name][0]))


def test_untrained_hippocampus_shrinks_faster_with_age() -> None:
    young = run(None, YEAR, who=person(age_years=62))["hippocampal_volume"]
    old = run(None, YEAR, who=person(age_years=82))["hippocampal_volume"]
    assert 0 < 1 - young[1] / young[0] < 1 - old[1] / old[0]


def test_training_slows_atrophy_but_never_grows_the_hippocampus() -> None:
    record = tuple(range(0, 2 * YEAR + 1, 30))
    trained = run(prt(), 2 * YEAR, record)["hippocampal_volume"]
    control = run(None, 2 * YEAR, record)["hippocampal_volume"]
    assert np.all(np.diff(trained) <= 0)  # no growth (Erickson's +2 % was aerobic)
    assert trained[-1] > control[-1]  # but less atrophy


def test_training_improves_cognition_and_mood() -> None:
    assert effect(prt(), 26 * 7, "global_cognition") > 0
    assert effect(prt(), 26 * 7, "executive_function") > 0
    assert effect(prt(), 12 * 7, "depressive_symptoms") < 0  # higher is worse
    assert effect(prt(), 12 * 7, "anxiety_symptoms") < 0


def test_sham_exercise_does_nothing() -> None:
    for name in OUTS:
        assert effect(sham(), 26 * 7, name) == pytest.approx(0.0, abs=1e-12)


def test_mood_benefit_is_not_moderated_by_volume() -> None:
    # Gordon 2018: no moderation by volume. One set per exercise does about what three do.
    one, three = (
        effect(prt(sets=1), 12 * 7, "depressive_symptoms"),
        effect(prt(sets=3), 12 * 7, "depressive_symptoms"),
    )
    assert one == pytest.approx(three, rel=0.05)


def test_heavier_training_does_more_for_cognition() -> None:
    assert effect(prt(load=0.8), 26 * 7, "global_cognition") > effect(
        prt(load=0.5), 26 * 7, "global_cognition"
    )


def test_effects_persist_for_months_after_stopping_then_fade() -> None:
    stop = 26 * 7
    record = (0, stop, stop + 90, stop + 3 * YEAR)
    trained = run(prt(train_weeks=26), stop + 3 * YEAR, record)
    control = run(None, stop + 3 * YEAR, record)
    for name in ("global_cognition", "hippocampal_volume"):
        benefit = trained[name] - control[name]
        assert benefit[1] > 0
        assert benefit[2] > 0.7 * benefit[1]  # three months on, most of it remains
        if name == "global_cognition":
            assert benefit[3] < 0.2 * benefit[1]  # years later it has faded
    mood = control["depressive_symptoms"] - trained["depressive_symptoms"]
    assert mood[1] > 0 and mood[3] < 0.05 * mood[1]


def test_mci_lowers_baseline_cognition() -> None:
    normal = run(None, 1)["global_cognition"][0]
    mci = run(None, 1, who=person(cognition="mci"))["global_cognition"][0]
    assert mci < normal - 0.5
