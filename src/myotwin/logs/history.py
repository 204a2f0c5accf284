"""Stored logs: importing parsed sets into the store, mapping names, and the simulation's view.

Exercise names are resolved when read, not when stored: the user's own mappings
(`myotwin log map`) first, then the catalogue's names and aliases (English and Dutch), then the
name without its equipment in parentheses. So a mapping made later applies to every set
already stored, and the stored sets stay exactly as the app wrote them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from myotwin.catalogue import CATALOGUE, normalise_name
from myotwin.inputs import LoggedExercise, LoggedSession, LoggedSet, TrainingLog
from myotwin.logs.records import LogImportError, ParsedLog, SetRecord, summarise
from myotwin.store import Store

SCHEMA = "myotwin.log/1"
_EQUIPMENT = re.compile(r"\s*\([^)]*\)\s*$")


class Resolver:
    """Exercise name → catalogue id (None: unmapped)."""

    def __init__(self, user: Mapping[str, str] | None = None) -> None:
        self.user = {normalise_name(k): v for k, v in (user or {}).items()}

    def __call__(self, name: str) -> str | None:
        key = normalise_name(name)
        if key in self.user:
            return self.user[key]
        found = CATALOGUE.resolve(name)
        if found is None:
            bare = _EQUIPMENT.sub("", name)
            found = CATALOGUE.resolve(bare) if bare and bare != name else None
        return found


def resolver(store: Store) -> Resolver:
    return Resolver(store.exercise_names())


def map_name(store: Store, name: str, exercise_id: str) -> None:
    """Remember that `name` (as an app writes it) is the catalogue's `exercise_id`."""
    if exercise_id not in CATALOGUE:
        hint = CATALOGUE.resolve(exercise_id)
        more = f"; did you mean {hint!r}?" if hint else " (see `myotwin exercises`)"
        raise LogImportError(f"{exercise_id!r} is not an exercise id{more}")
    if not normalise_name(name):
        raise LogImportError("the exercise name is empty")
    store.map_exercise_name(normalise_name(name), exercise_id)


def import_log(store: Store, person: str, parsed: ParsedLog, label: str) -> dict[str, Any]:
    """Store `parsed` for `person` (one transaction; sets stored before are skipped).

    Returns the import summary with `added`, the number of sets newly stored, and `notes`.
    """
    summary = summarise(parsed.source, parsed.sets, resolver(store))
    meta = {"schema": SCHEMA, "source": parsed.source, "file": label}
    _, added = store.add_log_entries(
        person, parsed.source, meta, [s.to_json() for s in parsed.sets]
    )
    return {**summary, "added": added, "notes": list(parsed.notes)}


def stored_sets(store: Store, person: str) -> list[SetRecord]:
    """Every set stored for `person`, in time order (then file order)."""
    sets: list[SetRecord] = []
    for log in store.list_logs(person):
        data = log["data"]
        if data.get("schema") != SCHEMA:
            continue
        sets.extend(SetRecord.from_json(e) for e in data.get("entries", ()))
    return sorted(sets, key=lambda s: (s.start, s.source, s.line))


def show(store: Store, person: str) -> dict[str, Any]:
    """A stored log's summary: the import summary over all sources plus sets per exercise."""
    sets = stored_sets(store, person)
    resolve = resolver(store)
    sources = sorted({s.source for s in sets})
    doc = summarise(",".join(sources), sets, resolve)
    per_exercise: dict[str, dict[str, Any]] = {}
    for s in sets:
        if not s.working:
            continue
        row = per_exercise.setdefault(
            s.exercise, {"exercise": s.exercise, "id": resolve(s.exercise), "sets": 0, "reps": 0}
        )
        row["sets"] += 1
        row["reps"] += s.reps or 0
    return {"person": person, **doc, "sources": sources, "by_exercise": list(per_exercise.values())}


def training_log(sets: Iterable[SetRecord], resolve: Resolver) -> tuple[TrainingLog, int]:
    """The working sets as a `TrainingLog` (one session per date); and how many sets could not
    be simulated (unmapped names, a duration exercise without seconds, a strength set without
    repetitions).

    The load is the external load; the model adds the moved share of the person's body mass
    (catalogue `body_mass_fraction`), so a bodyweight set carries no kg and an assisted set
    carries the assistance as a negative load.
    """
    by_date: dict[dt.date, dict[str, list[LoggedSet]]] = defaultdict(lambda: defaultdict(list))
    skipped = 0
    for s in sets:
        if not s.working:
            continue
        exercise_id = resolve(s.exercise)
        if exercise_id is None:
            skipped += 1
            continue
        logged = _logged_set(s, CATALOGUE.is_duration(exercise_id))
        if logged is None:
            skipped += 1
            continue
        by_date[s.date][exercise_id].append(logged)
    sessions = [
        LoggedSession(
            date=day,
            exercises=[LoggedExercise(exercise=e, sets=sets_) for e, sets_ in exercises.items()],
        )
        for day, exercises in sorted(by_date.items())
    ]
    return TrainingLog(sessions=sessions), skipped


def _logged_set(s: SetRecord, duration: bool) -> LoggedSet | None:
    rpe = s.rpe if s.rpe is not None and s.rpe >= 1 else None
    if duration:
        if not s.seconds:
            return None
        return LoggedSet(minutes=min(s.seconds / 60.0, 240.0), rpe=rpe)
    if not s.reps:
        return None
    kg = s.weight_kg
    if kg is not None and s.assisted:
        kg = -kg
    return LoggedSet(reps=s.reps, kg=kg, rpe=rpe)
