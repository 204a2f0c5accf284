"""The exercise catalogue: exercises, their names in apps and their loading properties.

The data live in `data/exercises.toml` (fields, units and sources are described in its header);
this module loads and validates them once, as `CATALOGUE`. Names are matched case-insensitively
after `normalise_name` (case folded, "_" and "-" as spaces, apostrophes dropped, whitespace
collapsed), so "Squat (Barbell)", "SQUAT" and "squat" all find their exercise.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

Kind = Literal["strength", "duration"]

KINDS: tuple[str, ...] = ("strength", "duration")
PATTERNS: tuple[str, ...] = (
    "knee_dominant",
    "hip_dominant",
    "knee_extension",
    "knee_flexion",
    "hip_abduction",
    "hip_adduction",
    "calf",
    "horizontal_push",
    "vertical_push",
    "vertical_pull",
    "horizontal_pull",
    "elbow_flexion",
    "elbow_extension",
    "trunk",
    "carry",
    "jump",
    "balance",
    "aerobic",
    "flexibility",
)
REGIONS: tuple[str, ...] = ("lower", "upper", "trunk", "whole")
JOINTS: tuple[str, ...] = ("multi", "single", "none")
MUSCLES: tuple[str, ...] = (
    "quadriceps",
    "hamstrings",
    "gluteals",
    "adductors",
    "abductors",
    "calves",
    "erector_spinae",
    "abdominals",
    "pectorals",
    "deltoids",
    "latissimus",
    "trapezius_rhomboids",
    "biceps",
    "triceps",
    "forearms",
)
LANGUAGES: tuple[str, ...] = ("nl", "en")

_ID_RE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_FIELDS = frozenset(
    {
        "id",
        "name_en",
        "name_nl",
        "aliases",
        "kind",
        "pattern",
        "region",
        "joints",
        "muscles",
        "bone_load",
        "impact",
        "balance_demand",
        "body_mass_fraction",
        "one_rm_per_kg_body_mass",
        "met",
        "sources",
    }
)
_DEFAULT_RESOURCE = "data/exercises.toml"


def normalise_name(name: str) -> str:
    """The form in which names are compared: case folded, "_"/"-" as spaces, no apostrophes."""
    folded = name.casefold().replace("'", "").replace("\u2019", "")
    return " ".join(re.sub(r"[_\-\u2010-\u2013]", " ", folded).split())


@dataclass(frozen=True)
class Exercise:
    """One catalogue exercise (units and meaning of each field: header of exercises.toml).

    The bone load table `{spine, hip}` of the file is held as the two floats `spine_load` and
    `hip_load` (also readable as the mapping `bone_load`). `one_rm_per_kg_body_mass` is NaN for
    duration exercises, which have no 1RM.
    """

    id: str
    name_en: str
    name_nl: str
    aliases: tuple[str, ...]
    kind: Kind
    pattern: str
    region: str
    joints: str
    muscles: tuple[str, ...]
    spine_load: float
    hip_load: float
    impact: float
    balance_demand: float
    body_mass_fraction: float
    one_rm_per_kg_body_mass: float
    met: float
    sources: tuple[str, ...]

    @property
    def is_duration(self) -> bool:
        return self.kind == "duration"

    @property
    def is_strength(self) -> bool:
        return self.kind == "strength"

    @property
    def bone_load(self) -> Mapping[str, float]:
        return MappingProxyType({"spine": self.spine_load, "hip": self.hip_load})

    def name(self, lang: str = "nl") -> str:
        return self.name_nl if _language(lang) == "nl" else self.name_en


class Catalogue:
    """The exercises, indexed by id and by every normalised name (id, display names, aliases)."""

    def __init__(self, exercises: tuple[Exercise, ...]) -> None:
        self.exercises = exercises
        self.ids: tuple[str, ...] = tuple(e.id for e in exercises)
        self.strength_ids: frozenset[str] = frozenset(e.id for e in exercises if e.is_strength)
        self.duration_ids: frozenset[str] = frozenset(e.id for e in exercises if e.is_duration)
        self._by_id: dict[str, Exercise] = {}
        self._by_name: dict[str, str] = {}
        for e in exercises:
            if e.id in self._by_id:
                raise ValueError(f"exercise {e.id!r}: field 'id': duplicate id")
            self._by_id[e.id] = e
            self._by_name[normalise_name(e.id)] = e.id
        for e in exercises:
            named = [("name_en", e.name_en), ("name_nl", e.name_nl)]
            for field, name in [*named, *(("aliases", a) for a in e.aliases)]:
                key = normalise_name(name)
                owner = self._by_name.setdefault(key, e.id)
                if owner != e.id:
                    raise ValueError(
                        f"exercise {e.id!r}: field {field!r}: name {name!r} already names "
                        f"exercise {owner!r} (names are compared as {key!r})"
                    )

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self._by_id

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self.exercises)

    def __len__(self) -> int:
        return len(self.exercises)

    def get(self, exercise_id: str) -> Exercise:
        try:
            return self._by_id[exercise_id]
        except KeyError:
            hint = self.resolve(exercise_id) if isinstance(exercise_id, str) else None
            more = f"; did you mean {hint!r}?" if hint else " (see CATALOGUE.ids)"
            raise KeyError(f"unknown exercise id {exercise_id!r}{more}") from None

    def is_duration(self, exercise_id: str) -> bool:
        return self.get(exercise_id).is_duration

    def resolve(self, name: str) -> str | None:
        """The id named by an id, English or Dutch display name or app alias; None if unknown."""
        return self._by_name.get(normalise_name(name))

    def display_name(self, exercise_id: str, lang: str = "nl") -> str:
        return self.get(exercise_id).name(lang)


def _language(lang: str) -> str:
    primary = lang.replace("-", "_").split("_")[0].lower()
    if primary not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; expected one of {LANGUAGES}")
    return primary


def _exercise(raw: Mapping[str, Any], index: int) -> Exercise:
    label = raw.get("id") if isinstance(raw.get("id"), str) else f"#{index + 1}"

    def fail(field: str, message: str) -> ValueError:
        return ValueError(f"exercise {label!r}: field {field!r}: {message}")

    def text(field: str) -> str:
        value = raw.get(field)
        if not isinstance(value, str) or not value.strip():
            raise fail(field, f"expected a non-empty string, got {value!r}")
        return value

    def texts(field: str, vocabulary: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = raw.get(field)
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(field, f"expected a list of non-empty strings, got {value!r}")
        if vocabulary is not None:
            unknown = [v for v in value if v not in vocabulary]
            if unknown:
                raise fail(field, f"unknown value(s) {unknown}; expected some of {vocabulary}")
            if len(set(value)) != len(value):
                raise fail(field, f"duplicate values in {value}")
        return tuple(cast(list[str], value))

    def choice(field: str, vocabulary: tuple[str, ...]) -> str:
        value = text(field)
        if value not in vocabulary:
            raise fail(field, f"{value!r} is not one of {vocabulary}")
        return value

    def number(field: str, value: object, lo: float, hi: float = math.inf) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise fail(field, f"expected a number, got {value!r}")
        if not lo <= value <= hi:
            raise fail(field, f"{value!r} is outside [{lo}, {hi}]")
        return float(value)

    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise fail(unknown[0], "unknown field (typo?)")
    exercise_id = text("id")
    if not _ID_RE.fullmatch(exercise_id):
        raise fail("id", f"{exercise_id!r} is not English snake_case")
    kind = cast(Kind, choice("kind", KINDS))
    joints = choice("joints", JOINTS)
    if (joints == "none") != (kind == "duration"):
        raise fail("joints", f"{joints!r}: 'none' is for duration exercises and only for them")
    muscles = texts("muscles", MUSCLES)
    if kind == "strength" and not muscles:
        raise fail("muscles", "a strength exercise needs at least one muscle group")
    bone = raw.get("bone_load")
    if not isinstance(bone, dict) or set(bone) != {"spine", "hip"}:
        raise fail("bone_load", f"expected a table {{ spine = x, hip = y }}, got {bone!r}")
    one_rm = raw.get("one_rm_per_kg_body_mass")
    if kind == "strength":
        if one_rm is None:
            raise fail("one_rm_per_kg_body_mass", "required for a strength exercise")
        one_rm_value = number("one_rm_per_kg_body_mass", one_rm, 0.0)
        if one_rm_value <= 0.0:
            raise fail("one_rm_per_kg_body_mass", "must be positive")
    elif one_rm is not None:
        raise fail("one_rm_per_kg_body_mass", "a duration exercise has no 1RM; omit the field")
    else:
        one_rm_value = math.nan
    sources = texts("sources")
    if not sources:
        raise fail("sources", "cite at least one source key")
    return Exercise(
        id=exercise_id,
        name_en=text("name_en"),
        name_nl=text("name_nl"),
        aliases=texts("aliases"),
        kind=kind,
        pattern=choice("pattern", PATTERNS),
        region=choice("region", REGIONS),
        joints=joints,
        muscles=muscles,
        spine_load=number("bone_load.spine", bone["spine"], 0.0, 1.0),
        hip_load=number("bone_load.hip", bone["hip"], 0.0, 1.0),
        impact=number("impact", raw.get("impact"), 0.0, 1.0),
        balance_demand=number("balance_demand", raw.get("balance_demand"), 0.0, 1.0),
        body_mass_fraction=number("body_mass_fraction", raw.get("body_mass_fraction"), 0.0, 1.0),
        one_rm_per_kg_body_mass=one_rm_value,
        # 1 MET is resting metabolic rate by definition: no activity is below it.
        met=number("met", raw.get("met"), 1.0),
        sources=sources,
    )


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Load and validate a catalogue file (default: the package's `data/exercises.toml`).

    Raises ValueError naming the exercise and the field for any invalid entry.
    """
    if path is None:
        where = f"myotwin/{_DEFAULT_RESOURCE}"
        raw_bytes = resources.files("myotwin").joinpath(_DEFAULT_RESOURCE).read_bytes()
    else:
        where = str(path)
        raw_bytes = Path(path).read_bytes()
    try:
        data = tomllib.loads(raw_bytes.decode("utf-8"))
        entries = data.get("exercise")
        if set(data) != {"exercise"} or not isinstance(entries, list) or not entries:
            raise ValueError("expected only a non-empty array of [[exercise]] tables")
        for i, raw in enumerate(entries):
            if not isinstance(raw, dict):
                raise ValueError(f"exercise #{i + 1}: expected a table, got {raw!r}")
        return Catalogue(tuple(_exercise(raw, i) for i, raw in enumerate(entries)))
    except ValueError as error:  # tomllib.TOMLDecodeError is a ValueError
        raise ValueError(f"{where}: {error}") from error


CATALOGUE: Catalogue = load_catalogue()
