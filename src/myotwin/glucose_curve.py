"""`myotwin glucose-day`: a person's 24-hour plasma glucose on the standard day, with and
without a training session (the minute meal model, median responder, central parameters)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from myotwin.engine import Block, Simulation
from myotwin.evidence import registry
from myotwin.figures import CURVE, figure, shade_session
from myotwin.inputs import InputError, Person, Program
from myotwin.persons import complete_anthropometry, person_arrays
from myotwin.physiology import glucose as gl
from myotwin.physiology import glucose_day as gd
from myotwin.physiology import meal_model as mm
from myotwin.programs import schedule

DAY_START_HOUR = 7  # the standard day starts fasting at 07:00


@dataclass(frozen=True)
class GlucoseDay:
    minutes: np.ndarray  # minutes after 07:00, 0..1440
    without: np.ndarray  # mmol/L
    with_session: np.ndarray  # mmol/L
    session_start_min: float
    session_minutes: float


def glucose_day(person: Person, program: Program) -> GlucoseDay:
    """The day of the program's first session, and the same day without it."""
    if program.sessions_per_week == 0:
        raise InputError("program: has no sessions, so there is no session day to show")
    if not any(e.minutes is None for e in program.exercises):
        raise InputError("program: has no strength exercises, so no session to show")
    reg = registry()
    persons = complete_anthropometry(person_arrays(person, 1), reg)
    plan = schedule(program.model_copy(update={"adherence": 1.0}), 7)
    block = Block(persons, plan, ("hba1c",), (0, 1), 0, 0, central=True)
    sim = Simulation(block, reg, typical=True)
    first = int(plan.days[0])
    for day in range(first):
        sim.advance(day)
    state: gl.State = sim.states["glucose"]
    p: gl.Params = sim.params["glucose"]
    sensitivity = gl.morning_sensitivity(state)
    sim.advance(first)  # the session: its work and intensity from the muscle hub
    work = sim.signals["session_work"]
    intensity = sim.signals["session_intensity"]
    saturation = work / (work + p.work_half)
    drive = p.session_hr_rise_bpm * intensity / p.intensity_reference * saturation
    session_min = float(plan.plans[0].minutes)

    bw = reg.value("glucose_meal.reference_body_mass_kg")
    params = mm.params_for(reg, gd.position(reg, state.status), bw, state.gb)
    x = mm.simulate(
        params,
        mm.basal_state(params, 1),
        mm.Inputs(cho_g_per_min=gd.meal_minutes(reg, gd.WARMUP_DAYS), sensitivity=sensitivity),
        record=False,
    ).final
    meals = gd.meal_minutes(reg, 1)
    plain = mm.simulate(params, x, mm.Inputs(cho_g_per_min=meals, sensitivity=sensitivity))
    trained = mm.simulate(
        params,
        x,
        mm.Inputs(
            cho_g_per_min=meals,
            session=gd.session_minutes(reg, session_min),
            session_drive_bpm=drive,
            acute_gain=p.acute_gain * saturation,
            sensitivity=sensitivity,
        ),
    )
    return GlucoseDay(
        minutes=np.arange(mm.MINUTES_PER_DAY + 1, dtype=np.float64),
        without=plain.glucose[:, 0] / gl.MG_DL_PER_MMOL_L,
        with_session=trained.glucose[:, 0] / gl.MG_DL_PER_MMOL_L,
        session_start_min=reg.value("glucose_meal.session_minute"),
        session_minutes=session_min,
    )


def clock(minute: float | np.integer) -> str:
    total = int(minute) + DAY_START_HOUR * 60
    return f"{(total // 60) % 24:02d}:{total % 60:02d}"


def plot(curves: GlucoseDay, path: str, lang: str) -> None:
    """Write both curves as a figure (PNG, SVG or PDF by the file's extension)."""
    words = {
        "nl": ("zonder training", "met training", "training", "tijd", "glucose (mmol/L)"),
        "en": ("without a session", "with a session", "session", "time", "glucose (mmol/L)"),
    }[lang]
    with figure(path, figsize=(9, 4)) as ax:
        ax.plot(curves.minutes, curves.without, color="#7a7a7a", label=words[0])
        ax.plot(curves.minutes, curves.with_session, color=CURVE, label=words[1])
        shade_session(ax, curves.session_start_min, curves.session_minutes, words[2])
        ticks = np.arange(0, mm.MINUTES_PER_DAY + 1, 180)
        ax.set_xticks(ticks, [clock(m) for m in ticks])
        ax.set_xlabel(words[3])
        ax.set_ylabel(words[4])
        ax.legend(loc="upper right")
