from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from myotwin.catalogue import (
    CATALOGUE,
    JOINTS,
    MUSCLES,
    PATTERNS,
    REGIONS,
    Catalogue,
    Exercise,
    load_catalogue,
    normalise_name,
)

# TRIAL-SPEC "Exercise ids".
SPEC_IDS = (
    "back_squat",
    "front_squat",
    "goblet_squat",
    "mini_squat",
    "leg_press",
    "lunge",
    "walking_lunge",
    "step_up",
    "deadlift",
    "romanian_deadlift",
    "hip_extension",
    "hip_thrust",
    "hip_abduction",
    "hip_adduction",
    "knee_extension",
    "knee_flexion",
    "calf_raise",
    "bench_press",
    "chest_press",
    "push_up",
    "overhead_press",
    "shoulder_press",
    "lat_pulldown",
    "pull_up",
    "chin_up",
    "jumping_chin_up_drop_landing",
    "seated_row",
    "bent_over_row",
    "back_extension",
    "abdominal_crunch",
    "plank",
    "biceps_curl",
    "triceps_extension",
    "farmer_carry",
    "box_jump",
    "drop_jump",
    "balance_training",
    "tai_chi",
    "stretching",
    "walking",
    "cycling",
)
DURATION_IDS = frozenset(
    {"balance_training", "tai_chi", "stretching", "walking", "cycling", "plank"}
)


def test_spec_ids_present() -> None:
    assert len(SPEC_IDS) == 41
    missing = [i for i in SPEC_IDS if i not in CATALOGUE]
    assert missing == []


def test_ids_unique_snake_case_in_file_order() -> None:
    assert len(set(CATALOGUE.ids)) == len(CATALOGUE.ids) == len(CATALOGUE.exercises)
    assert CATALOGUE.ids == tuple(e.id for e in CATALOGUE.exercises)
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", i) for i in CATALOGUE.ids)


def test_exactly_six_duration_ids() -> None:
    assert CATALOGUE.duration_ids == DURATION_IDS
    assert CATALOGUE.strength_ids == frozenset(CATALOGUE.ids) - DURATION_IDS
    assert all(CATALOGUE.is_duration(i) for i in DURATION_IDS)
    assert not CATALOGUE.is_duration("leg_press")
    assert CATALOGUE.get("plank").is_duration and not CATALOGUE.get("plank").is_strength


def test_get_unknown_id_raises_clear_key_error() -> None:
    with pytest.raises(KeyError, match=r"unknown exercise id 'Leg Press'.*leg_press"):
        CATALOGUE.get("Leg Press")
    with pytest.raises(KeyError, match="unknown exercise id 'nonsense'"):
        CATALOGUE.get("nonsense")
    assert "nonsense" not in CATALOGUE


def test_every_alias_resolves_to_its_own_exercise_and_none_is_shared() -> None:
    owner: dict[str, str] = {}
    for e in CATALOGUE.exercises:
        for alias in e.aliases:
            assert CATALOGUE.resolve(alias) == e.id, alias
            key = alias.strip().casefold()
            assert owner.setdefault(key, e.id) == e.id, f"{alias!r}: {owner[key]} and {e.id}"
            other_ids = {i for i in CATALOGUE.ids if i != e.id}
            assert normalise_name(alias) not in {normalise_name(i) for i in other_ids}, alias


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("leg_press", "leg_press"),
        ("LEG_PRESS", "leg_press"),
        ("Leg Press", "leg_press"),
        ("Leg Press (Machine)", "leg_press"),
        ("beenpers", "leg_press"),
        ("  BEENPERS  ", "leg_press"),
        ("Squat (Barbell)", "back_squat"),
        ("Barbell Squat", "back_squat"),
        ("SQUAT", "back_squat"),
        ("BARBELL_BACK_SQUAT", "back_squat"),
        ("Bench Press (Barbell)", "bench_press"),
        ("Flat Barbell Bench Press", "bench_press"),
        ("Bankdrukken", "bench_press"),
        ("Lat Pulldown (Cable)", "lat_pulldown"),
        ("Seated Row (Cable)", "seated_row"),
        ("Deadlift (Barbell)", "deadlift"),
        ("Step-up", "step_up"),
        ("step up", "step_up"),
        ("Farmer's Walk", "farmer_carry"),
        ("Kniestrekking (leg extension)", "knee_extension"),
        ("Knee flexion (leg curl)", "knee_flexion"),
        ("Uitvalspas", "lunge"),
        ("Wandelen", "walking"),
        ("Tai Chi", "tai_chi"),
        ("Cycling (Indoor)", "cycling"),
    ],
)
def test_resolve(name: str, expected: str) -> None:
    assert CATALOGUE.resolve(name) == expected


@pytest.mark.parametrize("junk", ["", "   ", "Squat (Barbell", "zzz", "leg press machine 2", "_"])
def test_resolve_junk_is_none(junk: str) -> None:
    assert CATALOGUE.resolve(junk) is None


def test_display_names_resolve_back_in_both_languages() -> None:
    for e in CATALOGUE.exercises:
        assert CATALOGUE.display_name(e.id) == e.name_nl
        assert CATALOGUE.display_name(e.id, "en") == e.name_en
        assert CATALOGUE.resolve(e.name_nl) == e.id
        assert CATALOGUE.resolve(e.name_en.upper()) == e.id
        assert CATALOGUE.resolve(e.id.upper()) == e.id
    assert CATALOGUE.display_name("leg_press", "nl") == "Beenpers"
    with pytest.raises(ValueError, match="language"):
        CATALOGUE.display_name("leg_press", "fr")


def test_fields_in_range() -> None:
    assert PATTERNS[0] == "knee_dominant" and PATTERNS[-1] == "flexibility" and len(PATTERNS) == 19
    assert REGIONS == ("lower", "upper", "trunk", "whole")
    for e in CATALOGUE.exercises:
        assert isinstance(e, Exercise)
        assert e.name_en.strip() and e.name_nl.strip()
        assert e.kind in ("strength", "duration")
        assert e.pattern in PATTERNS and e.region in REGIONS and e.joints in JOINTS
        assert set(e.muscles) <= set(MUSCLES)
        assert (e.joints == "none") == e.is_duration
        for value in (e.spine_load, e.hip_load, e.impact, e.balance_demand, e.body_mass_fraction):
            assert 0.0 <= value <= 1.0, e.id
        assert dict(e.bone_load) == {"spine": e.spine_load, "hip": e.hip_load}
        assert 1.0 <= e.met <= 12.0, e.id
        assert "ainsworth2011" in e.sources and "catalogue_estimate" in e.sources
        if e.is_duration:
            assert math.isnan(e.one_rm_per_kg_body_mass), e.id
        else:
            assert e.muscles, e.id
            assert 0.0 < e.one_rm_per_kg_body_mass < 3.0, e.id


def test_anchor_values_keep_their_order() -> None:
    def get(i: str) -> Exercise:
        return CATALOGUE.get(i)

    assert get("drop_jump").impact == 1.0
    assert get("drop_jump").impact > get("box_jump").impact > get("walking").impact > 0.0
    assert get("balance_training").balance_demand == 1.0
    assert (
        get("deadlift").spine_load
        > get("overhead_press").spine_load
        > get("bench_press").spine_load
    )
    assert get("back_squat").hip_load > get("leg_press").hip_load > get("knee_extension").hip_load
    assert get("leg_press").one_rm_per_kg_body_mass > get("back_squat").one_rm_per_kg_body_mass
    assert get("walking").met == 3.5


GOOD = """
[[exercise]]
id = "leg_press"
name_en = "Leg press"
name_nl = "Beenpers"
aliases = ["Leg Press (Machine)"]
kind = "strength"
pattern = "knee_dominant"
region = "lower"
joints = "multi"
muscles = ["quadriceps"]
bone_load = { spine = 0.1, hip = 0.5 }
impact = 0.0
balance_demand = 0.05
body_mass_fraction = 0.1
one_rm_per_kg_body_mass = 2.0
met = 3.5
sources = ["catalogue_estimate"]
"""

SECOND = GOOD.replace('"leg_press"', '"knee_extension"').replace("Leg press", "Leg extension")
SECOND = SECOND.replace("Beenpers", "Kniestrekking").replace("Leg Press (Machine)", "LEG_EXTENSION")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exercises.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loader_accepts_a_good_file(tmp_path: Path) -> None:
    catalogue = load_catalogue(_write(tmp_path, GOOD + SECOND))
    assert isinstance(catalogue, Catalogue)
    assert catalogue.ids == ("leg_press", "knee_extension")
    assert catalogue.resolve("leg extension") == "knee_extension"


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (GOOD.replace("impact = 0.0", "impact = 1.5"), "'leg_press'.*'impact'"),
        (GOOD.replace("impact = 0.0", 'impact = "high"'), "'leg_press'.*'impact'"),
        (GOOD.replace("hip = 0.5", "hip = -0.1"), "'leg_press'.*'bone_load.hip'"),
        (GOOD.replace("bone_load = { spine = 0.1, hip = 0.5 }", ""), "'bone_load'"),
        (GOOD.replace('"knee_dominant"', '"squatty"'), "'leg_press'.*'pattern'"),
        (GOOD.replace('region = "lower"', 'region = "legs"'), "'region'"),
        (GOOD.replace('["quadriceps"]', '["quads"]'), "'muscles'"),
        (GOOD.replace('kind = "strength"', 'kind = "cardio"'), "'kind'"),
        (GOOD.replace('joints = "multi"', 'joints = "none"'), "'joints'"),
        (GOOD.replace("one_rm_per_kg_body_mass = 2.0", ""), "'one_rm_per_kg_body_mass'"),
        (GOOD.replace("one_rm_per_kg_body_mass = 2.0", "one_rm_per_kg_body_mass = 0"), "positive"),
        (GOOD.replace("met = 3.5", "met = 0.5"), "'met'"),
        (GOOD.replace('name_nl = "Beenpers"', ""), "'name_nl'"),
        (GOOD.replace('id = "leg_press"', 'id = "Leg Press"'), "snake_case"),
        (GOOD.replace("met = 3.5", "met = 3.5\ncolour = 1"), "'colour'.*unknown field"),
        (GOOD + GOOD, "'leg_press'.*duplicate id"),
        (GOOD + SECOND.replace('"LEG_EXTENSION"', '"leg press (machine)"'), "'knee_extension'"),
        (
            GOOD + SECOND.replace('"LEG_EXTENSION"', '"LEG_PRESS"'),
            "already names exercise 'leg_press'",
        ),
        (GOOD + SECOND.replace("Leg extension", "LEG PRESS"), "'name_en'"),
        ("[[exercise]]\nid = 3\n", "'#1'"),
        ("exercise = []\n", "non-empty"),
        ("this is not toml", "exercises.toml"),
    ],
)
def test_loader_rejects_a_bad_catalogue(tmp_path: Path, broken: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_catalogue(_write(tmp_path, broken))


def test_duration_exercise_must_not_have_a_one_rm(tmp_path: Path) -> None:
    duration = (
        GOOD.replace('kind = "strength"', 'kind = "duration"')
        .replace('joints = "multi"', 'joints = "none"')
        .replace('pattern = "knee_dominant"', 'pattern = "aerobic"')
    )
    with pytest.raises(ValueError, match=r"'one_rm_per_kg_body_mass'.*omit"):
        load_catalogue(_write(tmp_path, duration))
    ok = load_catalogue(_write(tmp_path, duration.replace("one_rm_per_kg_body_mass = 2.0", "")))
    assert ok.duration_ids == {"leg_press"}
    assert math.isnan(ok.get("leg_press").one_rm_per_kg_body_mass)
