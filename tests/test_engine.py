"""The engine steps only the organs a run needs, and that changes no number."""

from __future__ import annotations

import numpy as np

from myotwin.engine import Block, Simulation, modelled, needed_organs, run_block
from myotwin.evidence import registry
from myotwin.inputs import Person
from myotwin.outcomes import OUTCOMES
from myotwin.persons import complete_anthropometry, person_arrays
from myotwin.physiology import ORGANS
from myotwin.programs import schedule, template


def _names(outcomes: tuple[str, ...]) -> set[str]:
    return {m.name for m in needed_organs(list(ORGANS.values()), outcomes)}


def test_needed_organs_follow_the_signals_read() -> None:
    # Glucose reads muscle mass and session work (muscle) and fat mass (energy).
    assert _names(("hba1c",)) == {"glucose", "muscle", "energy"}
    # Bone reads the fall rate (mobility), which reads strength (muscle) and bone's hazards.
    assert _names(("lumbar_spine_bmd",)) == {"bone", "mobility", "muscle"}
    assert _names(()) == set()
    every = tuple(o for o in OUTCOMES if modelled(o))
    assert _names(every) == set(ORGANS)


def test_leaving_organs_out_changes_no_number() -> None:
    reg = registry()
    who = Person(age_years=64, sex="female", height_cm=163, weight_kg=68, diabetes="type2")
    persons = complete_anthropometry(person_arrays(who, 40), reg)
    plan = schedule(template("machine_circuit_older"), 60)
    every = tuple(o for o in OUTCOMES if modelled(o))
    alone = ("hba1c", "lumbar_spine_bmd", "falls")
    full = run_block(Block(persons, plan, every, (0, 30, 60), 3, 0), reg)
    part = run_block(Block(persons, plan, alone, (0, 30, 60), 3, 0), reg)
    assert Simulation(Block(persons, plan, alone, (0,), 3, 0), reg).states.keys() < set(ORGANS)
    for name in alone:
        np.testing.assert_array_equal(part.levels[name], full.levels[name])
    np.testing.assert_array_equal(part.events["falls"], full.events["falls"])


WARM_CHECK = """
import numba, sys
from myotwin import engine, numerics, streams
from myotwin.inputs import Person
from myotwin.physiology import ORGANS, glucose_day
from myotwin.programs import templates
from myotwin.simulate import simulate

modules = [sys.modules[m.init.__module__] for m in ORGANS.values()]
modules += [numerics, streams, glucose_day]

def signatures():
    return {
        f"{m.__name__}.{k}": len(v.signatures)
        for m in modules
        for k, v in vars(m).items()
        if isinstance(v, numba.core.registry.CPUDispatcher)
    }

engine.warm_up()
before = signatures()
who = Person(age_years=62, sex="female", height_cm=166, weight_kg=71, menopause="post")
simulate(who, templates()["beginner_full_body"].program, years=0.1, draws=7)
after = signatures()
print({k: (before.get(k), v) for k, v in after.items() if before.get(k) != v})
"""


def test_warm_up_loads_every_kernel_a_projection_uses() -> None:
    # A fresh process: in this one, earlier tests may have loaded the kernels already.
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", WARM_CHECK], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "{}", done.stdout
