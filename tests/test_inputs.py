"""Person, program and training-log inputs: valid files load; a bad field gives one named line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from myotwin.inputs import (
    DEFAULT_REST_SECONDS,
    MENOPAUSE_DEFAULT_AGE_YEARS,
    STABLE,
    EnergyBalance,
    InputError,
    Load,
    Person,
    Program,
    TrainingLog,
    load_person,
    load_program,
    load_training_log,
    parse_input,
    set_minutes,
    validation_error_line,
    weeks_to_days,
)

PERSON = """
name = "Anne"
age_years = 62
sex = "female"
height_cm = 166
weight_kg = 71
body_fat_pct = 36
menopause = "post"
years_since_menopause = 10
femoral_neck_t_score = -1.8
lumbar_spine_bmd = 0.9
diabetes = "prediabetes"
hba1c_pct = 6.0
training_status = "untrained"
cognition = "normal"
fell_last_year = true
prior_fracture = false
energy_balance = { deficit_kcal_per_day = 300 }
"""

PROGRAM = """
name = "bone"
weeks = 26
train_weeks = 20
sessions_per_week = 2.5
adherence = 0.9
progression = { load_percent_per_week = 1.5 }

[[exercises]]
exercise = "deadlift"
sets = 5
reps = 5
load = { one_rm_fraction = 0.85 }

[[exercises]]
exercise = "push_up"
sets = 3
reps = 10
load = "bodyweight"

[[exercises]]
exercise = "goblet_squat"
sets = 3
reps = 12
load = { kg = 16 }

[[exercises]]
exercise = "walking"
minutes = 15
"""

LOG = """
[[sessions]]
date = 2024-03-04

  [[sessions.exercises]]
  exercise = "back_squat"
  sets = [{ reps = 5, kg = 60, rpe = 8 }, { reps = 5, kg = 60 }]

  [[sessions.exercises]]
  exercise = "plank"
  sets = [{ minutes = 0.5 }]

[[sessions]]
date = 2024-03-01

  [[sessions.exercises]]
  exercise = "pull_up"
  sets = [{ reps = 6 }]
"""


def write(tmp_path: Path, text: str, name: str = "file.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(model: type[BaseModel], data: dict[str, Any]) -> str:
    with pytest.raises(InputError) as info:
        parse_input(model, data)
    message = str(info.value)
    assert "\n" not in message
    return message


# --------------------------------------------------------------------------------------------
# Person


def test_person_file_loads(tmp_path: Path) -> None:
    person = load_person(write(tmp_path, PERSON))
    assert person.name == "Anne"
    assert person.age_years == 62 and person.sex == "female"
    assert person.menopause == "post" and person.years_since_menopause == 10
    assert person.femoral_neck_t_score == -1.8 and person.femoral_neck_bmd is None
    assert person.lumbar_spine_bmd == 0.9
    assert person.fell_last_year and not person.prior_fracture
    assert person.energy_balance == EnergyBalance(deficit_kcal_per_day=300)


def test_person_minimal_defaults() -> None:
    person = Person(age_years=40, sex="male")
    assert person.height_cm is None and person.weight_kg is None and person.body_fat_pct is None
    assert person.menopause is None
    assert person.diabetes == "none" and person.training_status == "untrained"
    assert person.cognition == "normal" and not person.fell_last_year
    assert person.energy_balance == STABLE and person.energy_balance.stable


def test_menopause_default_by_age() -> None:
    threshold = MENOPAUSE_DEFAULT_AGE_YEARS
    assert Person(age_years=threshold - 1, sex="female").menopause == "pre"
    assert Person(age_years=threshold, sex="female").menopause == "post"


def test_menopause_default_from_years_since_menopause() -> None:
    assert Person(age_years=60, sex="female", years_since_menopause=-2).menopause == "pre"
    assert Person(age_years=45, sex="female", years_since_menopause=1).menopause == "post"


def test_person_energy_balance_stable_word() -> None:
    person = parse_input(Person, {"age_years": 30, "sex": "male", "energy_balance": "stable"})
    assert person.energy_balance == STABLE


PERSON_BASE: dict[str, Any] = {"age_years": 62, "sex": "female"}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("age_years", 17, "age_years: 17 is out of range 18..105"),
        ("age_years", 106, "age_years: 106 is out of range 18..105"),
        ("height_cm", 250, "height_cm: 250 is out of range 120..230"),
        ("weight_kg", 20, "weight_kg: 20 is out of range 30..300"),
        ("body_fat_pct", 80, "body_fat_pct: 80 is out of range 3..70"),
        ("years_since_menopause", 61, "years_since_menopause: 61 is out of range -20..60"),
        ("lumbar_spine_t_score", -7, "lumbar_spine_t_score: -7 is out of range -6..4"),
        ("femoral_neck_t_score", 4.5, "femoral_neck_t_score: 4.5 is out of range -6..4"),
        ("total_hip_t_score", -6.5, "total_hip_t_score: -6.5 is out of range -6..4"),
        ("lumbar_spine_bmd", 0.1, "lumbar_spine_bmd: 0.1 is out of range 0.2..2.0"),
        ("femoral_neck_bmd", 2.5, "femoral_neck_bmd: 2.5 is out of range 0.2..2.0"),
        ("total_hip_bmd", 0, "total_hip_bmd: 0 is out of range 0.2..2.0"),
        ("hba1c_pct", 20, "hba1c_pct: 20 is out of range 3.5..18"),
        ("sex", "x", 'sex: "x" is not one of "female" or "male"'),
        ("menopause", "peri", 'menopause: "peri" is not one of "pre" or "post"'),
        ("diabetes", "type1", 'diabetes: "type1" is not one of "none", "prediabetes" or "type2"'),
        ("training_status", "elite", 'training_status: "elite" is not one of'),
        ("cognition", "dementia", 'cognition: "dementia" is not one of "normal" or "mci"'),
        ("fell_last_year", 1, "fell_last_year: 1 is not true or false"),
        ("prior_fracture", "no", 'prior_fracture: "no" is not true or false'),
        ("age_years", "62", 'age_years: "62" is not a number'),
        ("name", 3, "name: 3 is not text"),
        (
            "energy_balance",
            {"deficit_kcal_per_day": -1600},
            "energy_balance.deficit_kcal_per_day: -1600 is out of range -1500..1500",
        ),
        (
            "energy_balance",
            {"surplus": 100},
            "energy_balance.surplus: unknown key",
        ),
        ("fall_history", 0.3, "fall_history: unknown key"),
    ],
)
def test_person_bad_field(field: str, value: Any, message: str) -> None:
    assert error_of(Person, {**PERSON_BASE, field: value}).startswith(message)


def test_person_missing_required() -> None:
    assert error_of(Person, {"sex": "female"}) == "age_years: required key is missing"


@pytest.mark.parametrize("key", ["menopause", "years_since_menopause"])
def test_menopause_keys_for_men(key: str) -> None:
    value = "post" if key == "menopause" else 5
    message = error_of(Person, {"age_years": 60, "sex": "male", key: value})
    assert message == f'{key}: {key} is for women only (sex = "male")'


def test_menopause_status_contradicting_years() -> None:
    data = {**PERSON_BASE, "menopause": "pre", "years_since_menopause": 3}
    assert error_of(Person, data).startswith(
        'years_since_menopause: 3 contradicts menopause = "pre"'
    )


@pytest.mark.parametrize("site", ["lumbar_spine", "femoral_neck", "total_hip"])
def test_t_score_and_bmd_of_one_site(site: str) -> None:
    data = {**PERSON_BASE, f"{site}_t_score": -1.0, f"{site}_bmd": 0.8}
    assert error_of(Person, data) == f"{site}_bmd: give {site}_t_score or {site}_bmd, not both"


def test_t_score_and_bmd_of_different_sites_are_fine() -> None:
    person = Person(age_years=60, sex="female", lumbar_spine_t_score=-1, total_hip_bmd=0.8)
    assert person.total_hip_bmd == 0.8


def test_person_file_errors(tmp_path: Path) -> None:
    bad = write(tmp_path, PERSON.replace("age_years = 62", "age_years = 120"))
    with pytest.raises(InputError, match=r"^age_years: 120 is out of range 18\.\.105$") as info:
        load_person(bad)
    assert info.value.key == "age_years"
    with pytest.raises(InputError, match=r"^\S+: cannot read: "):
        load_person(write(tmp_path, "age_years = = 3", "broken.toml"))
    absent = tmp_path / "absent.toml"
    with pytest.raises(InputError, match=rf"^{absent}: cannot read: No such file"):
        load_person(absent)


def test_validation_error_line_is_the_helper_for_raw_pydantic_errors() -> None:
    with pytest.raises(ValidationError) as info:
        Person.model_validate({"age_years": 62, "sex": "female", "height_cm": 300})
    assert validation_error_line(info.value) == "height_cm: 300 is out of range 120..230"


# --------------------------------------------------------------------------------------------
# Program


def test_program_file_loads(tmp_path: Path) -> None:
    program = load_program(write(tmp_path, PROGRAM))
    assert program.name == "bone" and program.weeks == 26 and program.train_weeks == 20
    assert program.sessions_per_week == 2.5 and program.adherence == 0.9
    assert program.progression is not None and program.progression.load_percent_per_week == 1.5
    loads = [e.load for e in program.exercises]
    assert loads[0] == Load(kind="one_rm_fraction", value=0.85)
    assert loads[1] == Load(kind="bodyweight")
    assert loads[2] == Load(kind="kg", value=16)
    assert loads[3] is None and program.exercises[3].is_duration
    # Default minutes: about 2 per set plus the duration entries.
    assert program.session_minutes == 2 * (5 + 3 + 3) + 15
    assert program.train_days() == weeks_to_days(20) == 140
    assert program.energy_balance is None  # inherits the person's


def test_program_defaults() -> None:
    program = Program(sessions_per_week=0)
    assert program.name == "program" and program.exercises == []
    assert program.adherence == 1.0 and program.weeks is None and program.progression is None
    assert program.session_minutes == 0.0
    assert program.train_days(weeks=10) == 70
    with pytest.raises(ValueError, match="needs weeks"):
        program.train_days()


def test_minutes_per_session_overrides_the_default() -> None:
    data = {
        "sessions_per_week": 3,
        "minutes_per_session": 45,
        "exercises": [{"exercise": "walking", "minutes": 30}],
    }
    assert parse_input(Program, data).session_minutes == 45


def test_rest_between_sets_sets_the_session_length() -> None:
    program = parse_input(Program, _program())
    assert program.session_minutes == 3 * 2.0 + 20  # 90 s rest by default: 2 minutes a set
    assert program.rest_for(program.exercises[0]) == DEFAULT_REST_SECONDS
    short = parse_input(Program, _program(rest_seconds=30))
    assert short.session_minutes == 3 * (0.5 + 0.5) + 20
    own = parse_input(Program, _entry(0, rest_seconds=180) | {"rest_seconds": 30})
    assert own.rest_for(own.exercises[0]) == 180  # the exercise's own rest wins
    assert own.session_minutes == 3 * set_minutes(180) + 20 == 3 * 3.5 + 20


def test_load_rpe_and_rir() -> None:
    data = {
        "sessions_per_week": 1,
        "exercises": [
            {"exercise": "leg_press", "sets": 3, "reps": 10, "load": {"rpe": 7.5}},
            {"exercise": "leg_press", "sets": 3, "reps": 10, "load": {"rir": 0}},
        ],
    }
    program = parse_input(Program, data)
    assert [e.load for e in program.exercises] == [
        Load(kind="rpe", value=7.5),
        Load(kind="rir", value=0),
    ]


def _program(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "sessions_per_week": 2,
        "exercises": [
            {"exercise": "deadlift", "sets": 3, "reps": 5, "load": {"one_rm_fraction": 0.8}},
            {"exercise": "tai_chi", "minutes": 20},
        ],
    }
    data.update(changes)
    return data


def _entry(index: int, **changes: Any) -> dict[str, Any]:
    data = _program()
    data["exercises"][index] = {**data["exercises"][index], **changes}
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_program(sessions_per_week=14.5), "sessions_per_week: 14.5 is out of range 0..14"),
        (_program(minutes_per_session=241), "minutes_per_session: 241 is out of range 1..240"),
        (_program(adherence=-0.1), "adherence: -0.1 is out of range 0..1"),
        (_program(weeks=0.5), "weeks: 0.5 is out of range 1..1040"),
        (_program(train_weeks=-1), "train_weeks: -1 must be > 0"),
        (_program(weeks=10, train_weeks=11), "train_weeks: 11 is more than weeks (10)"),
        (
            _program(progression={"load_percent_per_week": 11}),
            "progression.load_percent_per_week: 11 is out of range 0..10",
        ),
        (_program(progression={"percent": 1}), "progression.percent: unknown key"),
        (_program(energy_balance="lean"), 'energy_balance: "lean" is not "stable"'),
        (_program(intensity="high"), "intensity: unknown key"),
        (
            _program(sessions_per_week=0),
            "exercises: 2 exercise(s) given with sessions_per_week = 0",
        ),
        (_program(exercises=[]), "exercises: sessions_per_week = 2 but no exercises"),
        (_entry(0, sets=25), "exercises.0.sets: 25 is out of range 1..20"),
        (_entry(0, reps=101), "exercises.0.reps: 101 is out of range 1..100"),
        (
            _entry(0, load={"one_rm_fraction": 0.1}),
            "exercises.0.load.one_rm_fraction: 0.1 is out of range 0.2..1.0",
        ),
        (_entry(0, load={"rpe": 0}), "exercises.0.load.rpe: 0 is out of range 1..10"),
        (_entry(0, load={"rir": 11}), "exercises.0.load.rir: 11 is out of range 0..10"),
        (_entry(0, load={"kg": 501}), "exercises.0.load.kg: 501 is out of range 0..500"),
        (_entry(0, load={"kg": "heavy"}), 'exercises.0.load.kg: "heavy" is not a number'),
        (_entry(0, load={}), "exercises.0.load: {}: give exactly one of"),
        (_entry(0, load="light"), 'exercises.0.load: "light" is not a load'),
        (_entry(0, load={"pct": 80}), "exercises.0.load.pct: unknown key"),
        (_entry(0, exercise="squat"), 'exercises.0.exercise: unknown exercise "squat"'),
        (_entry(0, minutes=5), 'exercises.0.minutes: "deadlift" takes sets, reps and load'),
        (_entry(1, reps=5), 'exercises.1.reps: "tai_chi" is a duration exercise'),
        (_entry(1, minutes=0.5), "exercises.1.minutes: 0.5 is out of range 1..240"),
        (_program(rest_seconds=10), "rest_seconds: 10 is out of range 15..600"),
        (_entry(0, rest_seconds=601), "exercises.0.rest_seconds: 601 is out of range 15..600"),
        (_entry(0, rest_seconds="long"), 'exercises.0.rest_seconds: "long" is not a number'),
        (
            _entry(1, rest_seconds=60),
            'exercises.1.rest_seconds: "tai_chi" is a duration exercise: it has no sets',
        ),
    ],
)
def test_program_bad_field(data: dict[str, Any], message: str) -> None:
    assert error_of(Program, data).startswith(message)


def test_program_file_error_names_the_entry(tmp_path: Path) -> None:
    path = write(tmp_path, PROGRAM.replace("sets = 3\nreps = 12", "sets = 30\nreps = 12"))
    with pytest.raises(InputError, match=r"^exercises\.2\.sets: 30 is out of range 1\.\.20$"):
        load_program(path)


def test_load_model_alone() -> None:
    with pytest.raises(ValidationError):
        Load(kind="rpe")
    with pytest.raises(ValidationError):
        Load(kind="bodyweight", value=3)
    assert Load(kind="kg", value=0).value == 0


# --------------------------------------------------------------------------------------------
# Training log


def test_training_log_file_loads(tmp_path: Path) -> None:
    log = load_training_log(write(tmp_path, LOG))
    assert [s.date for s in log.sessions] == [dt.date(2024, 3, 4), dt.date(2024, 3, 1)]
    squat = log.sessions[0].exercises[0]
    assert squat.exercise == "back_squat" and len(squat.sets) == 2
    assert squat.sets[0].kg == 60 and squat.sets[0].rpe == 8 and squat.sets[1].rpe is None
    assert log.sessions[0].exercises[1].sets[0].minutes == 0.5
    assert log.sessions[1].exercises[0].sets[0].kg is None  # body weight
    assert [s.date for s in log.sorted().sessions] == [dt.date(2024, 3, 1), dt.date(2024, 3, 4)]


def test_training_log_accepts_iso_dates_from_importers() -> None:
    data = {
        "sessions": [
            {
                "date": "2024-01-02",
                "exercises": [{"exercise": "walking", "sets": [{"minutes": 30}]}],
            }
        ]
    }
    assert parse_input(TrainingLog, data).sessions[0].date == dt.date(2024, 1, 2)


def _log(exercise: str, performed: dict[str, Any], date: Any = "2024-01-02") -> dict[str, Any]:
    return {
        "sessions": [{"date": date, "exercises": [{"exercise": exercise, "sets": [performed]}]}]
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_log("back_squat", {"reps": 0}), "sessions.0.exercises.0.sets.0.reps: 0 is out of range"),
        # negative kg is assistance (an assisted pull-up), down to -500
        (_log("back_squat", {"reps": 5, "kg": -501}), "sessions.0.exercises.0.sets.0.kg: -501 is"),
        (_log("back_squat", {"reps": 5, "rpe": 11}), "sessions.0.exercises.0.sets.0.rpe: 11 is"),
        (_log("back_squat", {"kg": 50}), "sessions.0.exercises.0.sets.0.reps: required key"),
        (_log("back_squat", {"reps": 5, "minutes": 1}), "sessions.0.exercises.0.sets.0.minutes:"),
        (_log("walking", {"reps": 5}), "sessions.0.exercises.0.sets.0.reps: "),
        (_log("walking", {}), "sessions.0.exercises.0.sets.0.minutes: required key"),
        (_log("walking", {"minutes": 0}), "sessions.0.exercises.0.sets.0.minutes: 0 is out"),
        (
            _log("rowing", {"minutes": 5}),
            'sessions.0.exercises.0.exercise: unknown exercise "rowing"',
        ),
        (_log("walking", {"minutes": 5}, date="2024-13-01"), "sessions.0.date: "),
        (_log("walking", {"minutes": 5, "sets": 2}), "sessions.0.exercises.0.sets.0.sets: unknown"),
        ({"sessions": [{"date": "2024-01-02", "exercises": []}]}, "sessions.0.exercises: at least"),
    ],
)
def test_training_log_bad_field(data: dict[str, Any], message: str) -> None:
    assert error_of(TrainingLog, data).startswith(message)


# --------------------------------------------------------------------------------------------
# Errors


def test_input_error_is_one_line_value_error() -> None:
    error = InputError("a\nb", key="x")
    assert str(error) == "a b" and error.key == "x"
    assert isinstance(error, ValueError)


def test_weeks_to_days_rounds_half_up() -> None:
    assert weeks_to_days(35) == 245
    assert weeks_to_days(0.5) == 4  # floor(3.5 + 0.5)
    assert weeks_to_days(4.6) == 32  # floor(32.2 + 0.5)
