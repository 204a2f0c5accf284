"""`myotwin session`: the intraday hormone curves of one training session."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from myotwin.engine import Block, Simulation
from myotwin.evidence import registry
from myotwin.figures import CURVE, figure, shade_session
from myotwin.inputs import InputError, Person, Program
from myotwin.outcomes import lookup
from myotwin.persons import complete_anthropometry, person_arrays
from myotwin.physiology import hormones
from myotwin.programs import schedule

HORMONE_OUTCOMES = tuple(f"session_peak:{h}" for h in hormones.HORMONES)


@dataclass(frozen=True)
class SessionCurves:
    minutes: np.ndarray  # minutes after the start of the session
    session_minutes: float
    values: dict[str, np.ndarray]  # hormone -> concentration per minute
    units: dict[str, str]


def session_curves(
    person: Person, program: Program, *, until_min: float = 180.0, every_min: float = 5.0
) -> SessionCurves:
    """The first session of `program` for a median responder with central parameters."""
    if program.sessions_per_week == 0:
        raise InputError("program: has no sessions, so there is no session to show")
    if not any(e.minutes is None for e in program.exercises):
        raise InputError("program: has no strength exercises, so no hormone response to show")
    reg = registry()
    persons = complete_anthropometry(person_arrays(person, 1), reg)
    plan = schedule(program.model_copy(update={"adherence": 1.0}), 7)
    peaks = tuple(hormones.PEAK_PREFIX + h for h in hormones.HORMONES)  # the organs they need
    block = Block(persons, plan, peaks, (0, 1), 0, 0, central=True)
    sim = Simulation(block, reg, typical=True)
    first = int(plan.days[0])
    for day in range(first + 1):
        sim.advance(day)
    work = sim.signals["session_work"]
    state = sim.states["hormones"]
    session_min = plan.plans[0].minutes
    minutes = np.arange(0.0, until_min + every_min / 2, every_min)
    at_session = hormones.State(state.female, state.age0, day=first)
    rest_s = plan.plans[0].mean_rest_seconds
    curves = hormones.curves(at_session, sim.params["hormones"], work, session_min, minutes, rest_s)
    return SessionCurves(
        minutes=minutes,
        session_minutes=session_min,
        values={h: curves[i, 0] for i, h in enumerate(hormones.HORMONES)},
        units={h: lookup(f"session_peak:{h}").unit for h in hormones.HORMONES},
    )


def plot(curves: SessionCurves, path: str, lang: str) -> None:
    """Write the curves as a figure (PNG, SVG or PDF by the file's extension)."""
    titles = {
        "nl": {
            "growth_hormone": "Groeihormoon",
            "testosterone": "Testosteron",
            "cortisol": "Cortisol",
            "il6": "IL-6",
            "x": "minuten na de start",
            "session": "training",
        },
        "en": {
            "growth_hormone": "Growth hormone",
            "testosterone": "Testosterone",
            "cortisol": "Cortisol",
            "il6": "IL-6",
            "x": "minutes after the start",
            "session": "session",
        },
    }[lang]
    with figure(path, 2, 2, figsize=(9, 6), sharex=True) as axes:
        for ax, name in zip(axes.flat, hormones.HORMONES, strict=True):
            ax.plot(curves.minutes, curves.values[name], color=CURVE)
            shade_session(ax, 0, curves.session_minutes, titles["session"])
            ax.set_title(f"{titles[name]} ({curves.units[name]})")
            ax.set_xlabel(titles["x"])
        axes.flat[0].legend(loc="upper right")
