"""Programs, templates and logs as schedules: the bridge from validated inputs to the dose layer."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from importlib import resources

import numpy as np

from myotwin.dose import Entry, LoadKind, Schedule, SessionPlan, program_schedule
from myotwin.inputs import (
    DEFAULT_REST_SECONDS,
    SET_MINUTES,
    ExerciseEntry,
    InputError,
    LoggedSet,
    Program,
    TrainingLog,
    weeks_to_days,
)

_LOAD_KINDS = {
    "one_rm_fraction": LoadKind.ONE_RM_FRACTION,
    "rpe": LoadKind.RPE,
    "rir": LoadKind.RIR,
    "kg": LoadKind.KG,
    "bodyweight": LoadKind.BODYWEIGHT,
}


def entry(e: ExerciseEntry, rest_seconds: float = DEFAULT_REST_SECONDS) -> Entry:
    if e.minutes is not None:
        return Entry(e.exercise, minutes=e.minutes)
    assert e.sets is not None and e.reps is not None and e.load is not None
    return Entry(
        e.exercise,
        sets=e.sets,
        reps=e.reps,
        load_kind=_LOAD_KINDS[e.load.kind],
        load_value=float(e.load.value or 0.0),
        rest_seconds=rest_seconds,
    )


def session_plan(program: Program) -> SessionPlan:
    entries = tuple(entry(e, program.rest_for(e)) for e in program.exercises)
    return SessionPlan(entries, float(program.session_minutes))


def schedule(program: Program | None, days: int) -> Schedule:
    """The schedule of `program` over `days` days (training stops after `train_weeks`)."""
    if program is None or program.sessions_per_week == 0:
        return Schedule.none()
    train_days = days if program.train_weeks is None else weeks_to_days(program.train_weeks)
    progression = program.progression.load_percent_per_week if program.progression else 0.0
    return program_schedule(
        session_plan(program),
        program.sessions_per_week,
        min(train_days, days),
        program.adherence,
        progression,
    )


def log_schedule(
    log: TrainingLog, start: dt.date, then: Program | None = None, days: int = 0
) -> Schedule:
    """Logged sessions as a schedule whose day 0 is `start`; every logged session was done.

    With `then`, that program follows from the day after the last logged session until day
    `days` (its adherence applies to its own sessions only).
    """
    logged = _logged_schedule(log, start)
    if then is None or then.sessions_per_week == 0:
        return logged
    offset = int(logged.days.max()) + 1 if logged.days.size else 0
    rest = schedule(then, max(days - offset, 0))
    return Schedule(
        np.concatenate([logged.days, rest.days + offset]),
        logged.plans + rest.plans,
        np.concatenate([logged.progression, rest.progression]),
        rest.adherence,
        logged_until=offset,
    )


def recent_pattern(log: TrainingLog, weeks: int = 4) -> Program | None:
    """The log's recent weekly pattern as a program: its last `weeks` weeks (or fewer, for a
    shorter log) averaged into sessions per week and a typical session.

    Each exercise keeps its sets per session (rounded; one done in under half the sessions is
    left out), its median repetitions and median load in kg (body weight when none is given,
    or when it was assisted), or its mean minutes. None if the log is empty.
    """
    if not log.sessions:
        return None
    ordered = sorted(log.sessions, key=lambda s: s.date)
    last = ordered[-1].date
    window = min(7 * weeks, (last - ordered[0].date).days + 7)
    recent = [s for s in ordered if (last - s.date).days < window]
    per_week = min(len(recent) * 7.0 / window, 14.0)
    sets_of: dict[str, list[LoggedSet]] = {}
    for session in recent:
        for ex in session.exercises:
            sets_of.setdefault(ex.exercise, []).extend(ex.sets)
    exercises = []
    for exercise, done in sets_of.items():
        if all(s.minutes is not None for s in done):
            minutes = sum(s.minutes or 0.0 for s in done) / len(recent)
            exercises.append({"exercise": exercise, "minutes": min(max(minutes, 1.0), 240.0)})
            continue
        strength = [s for s in done if s.reps is not None]
        count = round(len(strength) / len(recent))
        if count < 1:
            continue
        reps = int(np.median([s.reps for s in strength]))
        loads = [s.kg for s in strength if s.kg is not None and s.kg > 0]
        load: object = {"kg": min(float(np.median(loads)), 500.0)} if loads else "bodyweight"
        exercises.append(
            {
                "exercise": exercise,
                "sets": min(count, 20),
                "reps": min(max(reps, 1), 100),
                "load": load,
            }
        )
    if not exercises:
        return None
    return Program.model_validate(
        {"name": "log pattern", "sessions_per_week": per_week, "exercises": exercises}
    )


def _logged_schedule(log: TrainingLog, start: dt.date) -> Schedule:
    days: list[int] = []
    plans: list[SessionPlan] = []
    for session in sorted(log.sessions, key=lambda s: s.date):
        day = (session.date - start).days
        if day < 0:
            continue
        entries: list[Entry] = []
        for ex in session.exercises:
            for s in ex.sets:
                if s.minutes is not None:
                    entries.append(Entry(ex.exercise, minutes=s.minutes))
                elif s.kg is None:
                    entries.append(Entry(ex.exercise, 1, s.reps or 1, LoadKind.BODYWEIGHT))
                else:
                    entries.append(Entry(ex.exercise, 1, s.reps or 1, LoadKind.KG, s.kg))
        minutes = sum(e.sets * SET_MINUTES + e.minutes for e in entries)
        days.append(day)
        plans.append(SessionPlan(tuple(entries), minutes))
    return Schedule(np.array(days, np.int64), tuple(plans), np.ones(len(days)))


@dataclass(frozen=True)
class Template:
    name: str
    title_en: str
    title_nl: str
    program: Program

    def title(self, lang: str) -> str:
        return self.title_nl if lang == "nl" else self.title_en


def templates() -> dict[str, Template]:
    """The built-in programs (data/templates/*.toml), by name."""
    found: dict[str, Template] = {}
    folder = resources.files("myotwin.data").joinpath("templates")
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if not item.name.endswith(".toml"):
            continue
        raw = tomllib.loads(item.read_text(encoding="utf-8"))
        title_en = raw.pop("title_en")
        title_nl = raw.pop("title_nl")
        program = Program.model_validate(raw)
        found[program.name] = Template(program.name, title_en, title_nl, program)
    return found


def template(name: str) -> Program:
    found = templates()
    if name not in found:
        raise InputError(f"--template: unknown template {name!r}; choose from {', '.join(found)}")
    return found[name].program
