"""The trial file contract (TRIAL-SPEC.md): shipped files load, every contract error is named."""

from __future__ import annotations

import copy
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from myotwin.inputs import InputError
from myotwin.trial.spec import (
    Published,
    SexMix,
    TrialSpec,
    TrialSpecError,
    load_trial,
    parse_trial,
    with_overrides,
)

TRIALS = sorted(
    Path(str(p))
    for p in resources.files("myotwin").joinpath("data", "trials").iterdir()
    if p.name.endswith(".toml")
)

Data = dict[str, Any]


def base() -> Data:
    """A valid two-arm trial touching every outcome kind."""
    return {
        "name": "test trial",
        "weeks": 12,
        "participants_per_arm": 20,
        "seed": 1,
        "control": "control",
        "outcomes": [
            "lumbar_spine_bmd",
            "falls",
            "fallers",
            "balance",
            "session_peak:growth_hormone",
        ],
        "population": {
            "sex": "female",
            "age_years": {"mean": 65, "sd": 5, "min": 55, "max": 80},
        },
        "arms": [
            {
                "name": "rt",
                "sessions_per_week": 2,
                "exercises": [
                    {
                        "exercise": "deadlift",
                        "sets": 3,
                        "reps": 5,
                        "load": {"one_rm_fraction": 0.8},
                    },
                    {"exercise": "balance_training", "minutes": 10},
                ],
            },
            {"name": "control", "sessions_per_week": 0},
        ],
        "published": [
            {
                "arm": "rt",
                "versus": "control",
                "outcome": "lumbar_spine_bmd",
                "statistic": "pct_change_diff",
                "value": 2.0,
                "lo95": 1.0,
                "hi95": 3.0,
                "sd": 2.5,
            },
            {"arm": "control", "outcome": "falls", "statistic": "rate", "value": 0.8},
            {
                "arm": "rt",
                "versus": "control",
                "outcome": "falls",
                "statistic": "rate_ratio",
                "value": 0.8,
                "lo95": 0.6,
                "hi95": 1.1,
            },
        ],
    }


def error_of(data: Data) -> str:
    with pytest.raises(TrialSpecError) as info:
        parse_trial(data)
    message = str(info.value)
    assert "\n" not in message
    return message


# --------------------------------------------------------------------------------------------
# Valid files


@pytest.mark.parametrize("path", TRIALS, ids=[p.stem for p in TRIALS])
def test_shipped_trials_load(path: Path) -> None:
    spec = load_trial(path)
    assert spec.arms and spec.outcomes
    assert spec.control_arm in {arm.name for arm in spec.arms}
    assert spec.days == int(7 * spec.weeks + 0.5)


def test_there_are_shipped_trials() -> None:
    assert len(TRIALS) >= 10


def test_base_is_valid_and_normalised() -> None:
    spec = parse_trial(base())
    assert isinstance(spec, TrialSpec)
    assert spec.replicates == 200  # default
    assert spec.days == 84
    age = spec.population.age_years
    assert (age.mean, age.sd, age.low, age.high) == (65, 5, 55, 80)
    assert spec.population.female_fraction == 1.0
    assert spec.population.energy_balance.stable
    rt = spec.arm("rt")
    assert rt.exercises[0].load is not None
    assert (rt.exercises[0].load.kind, rt.exercises[0].load.value) == ("one_rm_fraction", 0.8)
    assert rt.exercises[1].is_duration
    assert rt.session_minutes == 3 * 2 + 10
    assert spec.train_days("rt") == spec.days
    assert [o.kind for o in spec.outcome_info()] == ["level", "rate", "proportion", "level", "peak"]
    assert spec.published[0].is_contrast and not spec.published[1].is_contrast


def test_distributions_are_clipped_to_the_allowed_range() -> None:
    data = base()
    data["population"]["age_years"] = {"mean": 65, "sd": 30, "min": 0}
    data["population"]["height_cm"] = 160
    data["population"]["sex"] = {"female": 0.4}
    spec = parse_trial(data)
    age = spec.population.age_years
    assert (age.low, age.high) == (18, 105)
    height = spec.population.height_cm
    assert height is not None and height.fixed and height.mean == 160
    assert spec.population.sex == SexMix(female=0.4)
    assert spec.population.female_fraction == 0.4


def test_single_arm_needs_no_control() -> None:
    data = base()
    del data["control"]
    data["arms"] = data["arms"][1:]
    data["published"] = [data["published"][1]]
    spec = parse_trial(data)
    assert spec.control is None and spec.control_arm == "control"


def test_train_weeks_and_days() -> None:
    data = base()
    data["weeks"] = 26
    data["arms"][0]["train_weeks"] = 10.5
    spec = parse_trial(data)
    assert spec.days == 182
    assert spec.train_days("rt") == 74  # floor(7 * 10.5 + 0.5)
    assert spec.train_days(spec.arms[1]) == 182


def test_load_trial_from_text_and_file(tmp_path: Path) -> None:
    text = TRIALS[0].read_text(encoding="utf-8")
    from_text = load_trial(text)
    path = tmp_path / "trial.toml"
    path.write_text(text, encoding="utf-8")
    assert load_trial(path) == from_text == load_trial(str(path))


def test_overrides_replace_and_revalidate() -> None:
    spec = parse_trial(base())
    changed = with_overrides(spec, replicates=7, seed=3, participants=2)
    assert (changed.replicates, changed.seed, changed.participants_per_arm) == (7, 3, 2)
    assert changed.arms == spec.arms and changed.population == spec.population
    assert with_overrides(spec) == spec
    with pytest.raises(TrialSpecError, match=r"^replicates: 0 is out of range 1\.\.10000$"):
        with_overrides(spec, replicates=0)
    with pytest.raises(TrialSpecError, match=r"^participants_per_arm: 200000 is out of range"):
        with_overrides(spec, participants=200_000)
    with pytest.raises(TrialSpecError, match=r"^seed: -1 must be >= 0$"):
        with_overrides(spec, seed=-1)


# --------------------------------------------------------------------------------------------
# Unreadable files


def test_invalid_toml(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("name = \nweeks = 3\n", encoding="utf-8")
    with pytest.raises(TrialSpecError, match=rf"^{path}: cannot read: "):
        load_trial(path)
    with pytest.raises(TrialSpecError, match=r"^<text>: cannot read: "):
        load_trial("name = \nweeks = 3\n")


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(TrialSpecError, match=rf"^{path}: cannot read: No such file"):
        load_trial(path)


def test_trial_spec_error_is_an_input_error() -> None:
    assert issubclass(TrialSpecError, InputError)
    assert issubclass(TrialSpecError, ValueError)


# --------------------------------------------------------------------------------------------
# One case per contract error; each message names the key path


def _set(path: str, value: Any) -> Callable[[Data], None]:
    """A mutation setting the dotted `path` (list indices as numbers) to `value`."""

    def mutate(data: Data) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _delete(path: str) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        *parents, last = path.split(".")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return mutate


def _add_published(row: Data) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        data["published"].append(row)

    return mutate


def _both(*mutations: Callable[[Data], None]) -> Callable[[Data], None]:
    def mutate(data: Data) -> None:
        for m in mutations:
            m(data)

    return mutate


CASES: list[tuple[str, Callable[[Data], None], str, str]] = [
    # (id, mutation, exact key path, a fragment of the reason)
    ("unknown_top_key", _set("foo", 1), "foo", "unknown key"),
    ("unknown_population_key", _set("population.foo", 1), "population.foo", "unknown key"),
    ("unknown_arm_key", _set("arms.0.intensity", 1), "arms.0.intensity", "unknown key"),
    ("arm_weeks", _set("arms.0.weeks", 12), "arms.0.weeks", "unknown key"),
    ("arm_progression", _set("arms.0.progression", {}), "arms.0.progression", "unknown key"),
    ("arm_rest", _set("arms.0.rest_seconds", 60), "arms.0.rest_seconds", "unknown key"),
    (
        "exercise_rest",
        _set("arms.0.exercises.0.rest_seconds", 60),
        "arms.0.exercises.0.rest_seconds",
        "unknown key",
    ),
    (
        "unknown_distribution_key",
        _set("population.age_years.median", 60),
        "population.age_years.median",
        "unknown key",
    ),
    (
        "unknown_load_key",
        _set("arms.0.exercises.0.load", {"percent": 80}),
        "arms.0.exercises.0.load.percent",
        "unknown key",
    ),
    (
        "unknown_exercise",
        _set("arms.0.exercises.0.exercise", "squat"),
        "arms.0.exercises.0.exercise",
        'unknown exercise "squat"',
    ),
    (
        "unknown_outcome",
        _set("outcomes.1", "vo2max"),
        "outcomes.1",
        "unknown outcome 'vo2max'",
    ),
    (
        "one_rm_of_duration_id",
        _set("outcomes.1", "one_rm:walking"),
        "outcomes.1",
        "unknown outcome 'one_rm:walking'",
    ),
    ("duplicate_outcome", _set("outcomes.1", "lumbar_spine_bmd"), "outcomes.1", "listed twice"),
    ("no_outcomes", _set("outcomes", []), "outcomes", "at least one outcome"),
    (
        "statistic_not_fitting_kind",
        _set("published.1.statistic", "proportion"),
        "published.1.statistic",
        'does not fit "falls", a rate outcome',
    ),
    (
        "contrast_on_peak",
        _add_published(
            {
                "arm": "rt",
                "versus": "control",
                "outcome": "session_peak:growth_hormone",
                "statistic": "change_diff",
                "value": 1.0,
            }
        ),
        "published.3.statistic",
        "a peak outcome",
    ),
    (
        "unknown_statistic",
        _set("published.1.statistic", "mean"),
        "published.1.statistic",
        '"mean" is not one of',
    ),
    (
        "pct_change_of_sd_outcome",
        _add_published(
            {"arm": "rt", "outcome": "balance", "statistic": "pct_change", "value": 5.0}
        ),
        "published.3.statistic",
        "SD units",
    ),
    (
        "pct_change_diff_of_sd_outcome",
        _add_published(
            {
                "arm": "rt",
                "versus": "control",
                "outcome": "balance",
                "statistic": "pct_change_diff",
                "value": 5.0,
            }
        ),
        "published.3.statistic",
        "SD units",
    ),
    ("weeks_out_of_range", _set("weeks", 2000), "weeks", "2000 is out of range 1..1040"),
    (
        "participants_out_of_range",
        _set("participants_per_arm", 0),
        "participants_per_arm",
        "0 is out of range 1..100000",
    ),
    ("replicates_out_of_range", _set("replicates", 20000), "replicates", "1..10000"),
    ("negative_seed", _set("seed", -3), "seed", "-3 must be >= 0"),
    (
        "sets_out_of_range",
        _set("arms.0.exercises.0.sets", 25),
        "arms.0.exercises.0.sets",
        "25 is out of range 1..20",
    ),
    (
        "reps_out_of_range",
        _set("arms.0.exercises.0.reps", 0),
        "arms.0.exercises.0.reps",
        "0 is out of range 1..100",
    ),
    (
        "load_out_of_range",
        _set("arms.0.exercises.0.load", {"one_rm_fraction": 1.2}),
        "arms.0.exercises.0.load.one_rm_fraction",
        "1.2 is out of range 0.2..1.0",
    ),
    (
        "rpe_out_of_range",
        _set("arms.0.exercises.0.load", {"rpe": 11}),
        "arms.0.exercises.0.load.rpe",
        "11 is out of range 1..10",
    ),
    (
        "two_loads",
        _set("arms.0.exercises.0.load", {"rpe": 8, "kg": 20}),
        "arms.0.exercises.0.load",
        "exactly one of",
    ),
    (
        "minutes_out_of_range",
        _set("arms.0.exercises.1.minutes", 300),
        "arms.0.exercises.1.minutes",
        "300 is out of range 1..240",
    ),
    (
        "sessions_out_of_range",
        _set("arms.0.sessions_per_week", 15),
        "arms.0.sessions_per_week",
        "15 is out of range 0..14",
    ),
    ("adherence_out_of_range", _set("arms.0.adherence", 1.1), "arms.0.adherence", "0..1"),
    (
        "minutes_per_session_out_of_range",
        _set("arms.0.minutes_per_session", 0),
        "arms.0.minutes_per_session",
        "0 is out of range 1..240",
    ),
    (
        "deficit_out_of_range",
        _set("arms.0.energy_balance", {"deficit_kcal_per_day": 2000}),
        "arms.0.energy_balance.deficit_kcal_per_day",
        "2000 is out of range -1500..1500",
    ),
    (
        "energy_balance_word",
        _set("population.energy_balance", "deficit"),
        "population.energy_balance",
        '"deficit" is not "stable"',
    ),
    ("train_weeks_zero", _set("arms.0.train_weeks", 0), "arms.0.train_weeks", "must be > 0"),
    (
        "train_weeks_past_weeks",
        _set("arms.0.train_weeks", 13),
        "arms.0.train_weeks",
        "13 is more than the trial's weeks (12)",
    ),
    (
        "fixed_age_out_of_range",
        _set("population.age_years", 110),
        "population.age_years",
        "110 is out of range 18..105",
    ),
    (
        "negative_sd",
        _set("population.age_years", {"mean": 60, "sd": -1}),
        "population.age_years.sd",
        "-1 must be >= 0",
    ),
    (
        "min_above_max",
        _set("population.age_years", {"mean": 60, "sd": 5, "min": 70, "max": 65}),
        "population.age_years.min",
        "70 is more than max (65)",
    ),
    (
        "min_above_allowed_range",
        _set("population.age_years", {"mean": 60, "sd": 5, "min": 110}),
        "population.age_years.min",
        "110 is out of range 18..105",
    ),
    (
        "distribution_without_sd",
        _set("population.age_years", {"mean": 60}),
        "population.age_years.sd",
        "required key is missing",
    ),
    (
        "mean_far_outside_limits",
        _set("population.age_years", {"mean": 200, "sd": 5}),
        "population.age_years.mean",
        "almost no values",
    ),
    (
        "fraction_out_of_range",
        _set("population.fall_history", 1.5),
        "population.fall_history",
        "1.5 is out of range 0..1",
    ),
    (
        "female_fraction_out_of_range",
        _set("population.sex", {"female": 1.5}),
        "population.sex.female",
        "1.5 is out of range 0..1",
    ),
    ("bad_sex", _set("population.sex", "other"), "population.sex", '"other" is not "female"'),
    ("missing_sex", _delete("population.sex"), "population.sex", "required key is missing"),
    (
        "bad_choice",
        _set("population.diabetes", "type1"),
        "population.diabetes",
        '"type1" is not one of "none", "prediabetes" or "type2"',
    ),
    ("weeks_as_text", _set("weeks", "12"), "weeks", '"12" is not a number'),
    ("weeks_as_nan", _set("weeks", float("nan")), "weeks", "nan is not a finite number"),
    ("sets_as_float", _set("arms.0.exercises.0.sets", 3.5), "arms.0.exercises.0.sets", "whole"),
    ("missing_control", _delete("control"), "control", "required key is missing"),
    ("control_names_no_arm", _set("control", "placebo"), "control", '"placebo" names no arm'),
    (
        "single_arm_control_names_no_arm",
        _both(_set("arms", [{"name": "control", "sessions_per_week": 0}]), _set("control", "x")),
        "control",
        '"x" names no arm',
    ),
    ("no_arms", _set("arms", []), "arms", "at least one arm"),
    ("duplicate_arm_name", _set("arms.1.name", "rt"), "arms.1.name", '"rt" is the name of arms.0'),
    (
        "versus_other_than_control",
        _set("published.0.versus", "placebo"),
        "published.0.versus",
        '"placebo" is not the control arm ("control")',
    ),
    (
        "contrast_of_control_with_itself",
        _set("published.2.arm", "control"),
        "published.2.arm",
        "is the control arm",
    ),
    ("published_arm_names_no_arm", _set("published.1.arm", "x"), "published.1.arm", "no arm"),
    (
        "published_outcome_not_requested",
        _set("published.0.outcome", "femoral_neck_bmd"),
        "published.0.outcome",
        '"femoral_neck_bmd" is not in outcomes',
    ),
    (
        "contrast_without_versus",
        _delete("published.2.versus"),
        "published.2.versus",
        "contrast statistic",
    ),
    (
        "per_arm_statistic_with_versus",
        _set("published.1.versus", "control"),
        "published.1.versus",
        "per-arm statistic",
    ),
    (
        "exercises_with_zero_sessions",
        _set("arms.1.exercises", [{"exercise": "walking", "minutes": 30}]),
        "arms.1.exercises",
        "sessions_per_week = 0",
    ),
    (
        "sessions_without_exercises",
        _set("arms.0.exercises", []),
        "arms.0.exercises",
        "no exercises",
    ),
    (
        "menopause_for_men",
        _both(_set("population.sex", "male"), _set("population.menopause", "post")),
        "population.menopause",
        "women only",
    ),
    (
        "years_since_menopause_for_men",
        _both(_set("population.sex", "male"), _set("population.years_since_menopause", 5)),
        "population.years_since_menopause",
        "women only",
    ),
    (
        "years_since_menopause_contradicting_status",
        _both(
            _set("population.menopause", "pre"),
            _set("population.years_since_menopause", {"mean": 10, "sd": 2, "min": 1}),
        ),
        "population.years_since_menopause",
        'contradicts menopause = "pre"',
    ),
    ("lo95_without_hi95", _set("published.1.lo95", 0.5), "published.1.lo95", "without hi95"),
    ("hi95_without_lo95", _delete("published.0.lo95"), "published.0.hi95", "without lo95"),
    ("lo95_above_value", _set("published.0.lo95", 2.5), "published.0.lo95", "above value (2)"),
    ("hi95_below_value", _set("published.0.hi95", 1.5), "published.0.hi95", "below value (2)"),
    (
        "non_positive_lo95_on_ratio",
        _set("published.2.lo95", 0.0),
        "published.2.lo95",
        "must be > 0 for a ratio",
    ),
    ("sd_on_rate_row", _set("published.1.sd", 1.0), "published.1.sd", 'on a "rate" row'),
    ("sd_on_smd_row", _set("published.0.statistic", "smd"), "published.0.sd", 'on a "smd" row'),
    ("non_positive_sd", _set("published.0.sd", 0), "published.0.sd", "0 must be > 0"),
    (
        "duration_id_with_sets",
        _set("arms.0.exercises.1.sets", 3),
        "arms.0.exercises.1.sets",
        '"balance_training" is a duration exercise',
    ),
    (
        "strength_id_with_minutes",
        _set("arms.0.exercises.0.minutes", 10),
        "arms.0.exercises.0.minutes",
        '"deadlift" takes sets, reps and load, not minutes',
    ),
    (
        "duration_id_without_minutes",
        _delete("arms.0.exercises.1.minutes"),
        "arms.0.exercises.1.minutes",
        "required key is missing",
    ),
    (
        "strength_id_without_load",
        _delete("arms.0.exercises.0.load"),
        "arms.0.exercises.0.load",
        "required key is missing",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "key", "reason"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_contract_error_names_the_key(
    mutate: Callable[[Data], None], key: str, reason: str
) -> None:
    data = copy.deepcopy(base())
    mutate(data)
    message = error_of(data)
    assert message.startswith(f"{key}: "), message
    assert reason in message, message
    with pytest.raises(TrialSpecError) as info:
        parse_trial(data)
    assert info.value.key == key


def test_unknown_key_is_reported_before_a_missing_one() -> None:
    data = base()
    data["nmae"] = data.pop("name")
    assert error_of(data) == "nmae: unknown key"


def test_error_from_a_file_names_the_key(tmp_path: Path) -> None:
    text = TRIALS[0].read_text(encoding="utf-8") + '\n[[published]]\narm = "nobody"\n'
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TrialSpecError) as info:
        load_trial(path)
    assert str(info.value).startswith("published.")
    assert info.value.key is not None and info.value.key.startswith("published.")


def test_published_model_checks_alone() -> None:
    row = Published(arm="a", outcome="falls", statistic="rate", value=0.5)
    assert not row.is_contrast
