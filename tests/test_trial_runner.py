"""`myotwin trial` and `run_trial` against the contract of TRIAL-SPEC.md.

Small trials written to tmp_path keep this file fast; the shipped calibration trials run with
4 replicates of 4 participants per arm. A schema checker (`check_document`) holds the result
document to the shape the contract gives, so it applies unchanged as organ models arrive.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from _cli import run_cli
from myotwin.engine import executor, modelled
from myotwin.outcomes import lookup
from myotwin.trial import runner
from myotwin.trial.runner import run_trial
from myotwin.trial.spec import TrialSpec, load_trial, with_overrides

REPO = Path(__file__).parents[1]
SHIPPED = REPO / "src" / "myotwin" / "data" / "trials"
SHARED = Path(__file__).parents[2] / "shared" / "trials"
SHIPPED_FILES = sorted(SHIPPED.glob("*.toml"))

OUTCOMES = ["lean_mass", "one_rm:leg_press", "hba1c", "falls", "session_peak:growth_hormone"]

# The small trial of the brief: 2 arms, 8 participants, 6 replicates, 6 weeks.
SMALL = """
name = "small"
weeks = 6
participants_per_arm = 8
replicates = 6
seed = 2
control = "control"
outcomes = ["lean_mass", "one_rm:leg_press", "hba1c", "falls", "session_peak:growth_hormone"]

[population]
sex = { female = 0.5 }
age_years = { mean = 65, sd = 6, min = 55, max = 80 }

[[arms]]
name = "training"
sessions_per_week = 3

  [[arms.exercises]]
  exercise = "leg_press"
  sets = 3
  reps = 10
  load = { one_rm_fraction = 0.75 }

[[arms]]
name = "control"
sessions_per_week = 0

[[published]]
arm = "training"
versus = "control"
outcome = "lean_mass"
statistic = "change_diff"
value = 0.5

[[published]]
arm = "training"
outcome = "hba1c"
statistic = "change"
value = -0.3

[[published]]
arm = "training"
versus = "control"
outcome = "falls"
statistic = "rate_ratio"
value = 0.8
lo95 = 0.6
hi95 = 1.05

[[published]]
arm = "training"
outcome = "session_peak:growth_hormone"
statistic = "peak"
value = 6.0
sd = 4.0

[[published]]
arm = "training"
outcome = "one_rm:leg_press"
statistic = "pct_change"
value = 15
"""


def strict_json(text: str) -> Any:
    """json.loads that refuses NaN and Infinity (the contract forbids them)."""

    def refuse(name: str) -> Any:
        raise ValueError(f"non-finite number {name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def assert_one_line_error(code: int, out: str, err: str, key: str) -> None:
    assert code == 2, (code, err)
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert "Traceback" not in err
    assert key in err, (key, err)


@pytest.fixture
def small_file(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# A schema checker for myotwin.trial-result/1

STAT4 = {"mean", "sd", "lo95", "hi95"}
STAT3 = {"mean", "lo95", "hi95"}


def _number_or_none(value: Any, where: str) -> None:
    if value is None:
        return
    assert isinstance(value, int | float) and not isinstance(value, bool), where
    assert math.isfinite(value), where


def _check_stat(stat: Any, keys: set[str], where: str, *, nullable: bool = False) -> None:
    if stat is None and nullable:
        return
    assert isinstance(stat, dict), where
    assert set(stat) == keys, (where, sorted(stat))
    for key, value in stat.items():
        _number_or_none(value, f"{where}.{key}")
    if stat.get("sd") is not None:
        assert stat["sd"] >= 0, where
    lo, mean, hi = stat.get("lo95"), stat.get("mean"), stat.get("hi95")
    if lo is not None and hi is not None:
        assert lo <= hi, where
        # With at most 40 replicates the replicate mean lies between the linear 2.5th and
        # 97.5th percentiles (the tests below use 4 to 30).
        if mean is not None:
            assert lo - 1e-9 * abs(lo) <= mean <= hi + 1e-9 * abs(hi), where


ARM_KEYS = {
    "level": {"baseline", "change", "pct_change"},
    "rate": {"rate", "events"},
    "proportion": {"proportion"},
    "peak": {"peak", "resting"},
}
CONTRAST_KEYS = {
    "level": {"change_diff", "pct_change_diff", "smd"},
    "rate": {"rate_ratio"},
    "proportion": {"risk_ratio"},
}


def _check_arm_outcome(name: str, result: Any, where: str) -> bool:
    """Checks one arms.<arm>.<outcome> block; True when the outcome is modelled."""
    info = lookup(name)
    assert isinstance(result, dict), where
    assert result["kind"] == info.kind, where
    assert result["unit"] == info.unit, where
    if "status" in result:
        assert result == {"kind": info.kind, "unit": info.unit, "status": "not_modelled"}, where
        assert not modelled(name), f"{where}: {name} is modelled but reported not_modelled"
        return False
    assert modelled(name), f"{where}: {name} is not modelled but has statistics"
    keys = set(ARM_KEYS[info.kind])
    if info.kind == "level" and info.sd_units:
        keys.discard("pct_change")  # no percent change of an SD-unit outcome
    assert set(result) - {"kind", "unit"} == keys, (where, sorted(result))
    if info.kind == "level":
        _check_stat(result["baseline"], {"mean", "sd"}, f"{where}.baseline")
        for stat in keys - {"baseline"}:
            _check_stat(result[stat], STAT4, f"{where}.{stat}")
    elif info.kind == "rate":
        _check_stat(result["rate"], STAT3, f"{where}.rate")
        _check_stat(result["events"], {"mean"}, f"{where}.events")
    elif info.kind == "proportion":
        _check_stat(result["proportion"], STAT3, f"{where}.proportion")
    else:
        _check_stat(result["peak"], STAT4, f"{where}.peak", nullable=True)
        _check_stat(result["resting"], {"mean"}, f"{where}.resting")
    return True


def check_document(doc: dict[str, Any], spec: TrialSpec) -> None:
    """Asserts that `doc` is the result of `spec` in the shape TRIAL-SPEC gives."""
    top = ["schema", "trial", "weeks", "participants_per_arm", "replicates", "seed", "arms"]
    top.append("contrasts")
    if spec.published:
        top.append("validation")
    assert list(doc) == top
    assert doc["schema"] == "myotwin.trial-result/1"
    assert doc["trial"] == spec.name
    assert doc["weeks"] == spec.weeks
    assert doc["participants_per_arm"] == spec.participants_per_arm
    assert doc["replicates"] == spec.replicates
    assert doc["seed"] == spec.seed

    # arms: every arm, in file order, holding exactly the requested outcomes, in order.
    assert list(doc["arms"]) == [arm.name for arm in spec.arms]
    is_modelled: dict[str, bool] = {}
    for arm, block in doc["arms"].items():
        assert list(block) == spec.outcomes, arm
        for name in spec.outcomes:
            here = _check_arm_outcome(name, block[name], f"arms.{arm}.{name}")
            assert is_modelled.setdefault(name, here) == here, f"{name}: modelled in some arms only"

    # contrasts: (non-control arm, modelled non-peak outcome), arm-major.
    control = spec.control_arm
    expected = [
        (arm.name, name)
        for arm in spec.arms
        if arm.name != control and len(spec.arms) > 1
        for name in spec.outcomes
        if is_modelled[name] and lookup(name).kind != "peak"
    ]
    assert [(c["arm"], c["outcome"]) for c in doc["contrasts"]] == expected
    for c in doc["contrasts"]:
        info = lookup(c["outcome"])
        keys = set(CONTRAST_KEYS[info.kind])
        if info.sd_units:
            keys.discard("pct_change_diff")
        where = f"contrast {c['arm']}/{c['outcome']}"
        assert c["versus"] == control, where
        assert set(c) == {"arm", "versus", "outcome"} | keys, where
        for stat in keys:
            _check_stat(c[stat], STAT3, f"{where}.{stat}")
            if stat in ("rate_ratio", "risk_ratio") and c[stat]["mean"] is not None:
                assert c[stat]["mean"] > 0, where

    # validation: one row per [[published]] entry, in file order.
    if not spec.published:
        return
    assert len(doc["validation"]) == len(spec.published)
    for i, (row, pub) in enumerate(zip(doc["validation"], spec.published, strict=True)):
        where = f"validation.{i}"
        assert list(row) == [
            "arm", "versus", "outcome", "statistic", "published",
            "model", "chance_width", "agrees", "sharp",
        ], where  # fmt: skip
        assert (row["arm"], row["versus"], row["outcome"], row["statistic"]) == (
            pub.arm,
            pub.versus,
            pub.outcome,
            pub.statistic,
        ), where
        assert row["published"] == pub.value, where
        if not is_modelled[pub.outcome]:
            assert row["model"] is None, where
            assert row["chance_width"] is None, where
            assert row["agrees"] is False, where
            assert row["sharp"] is None, where
            continue
        _check_stat(row["model"], STAT3, f"{where}.model", nullable=True)
        _number_or_none(row["chance_width"], f"{where}.chance_width")
        assert isinstance(row["agrees"], bool), where
        assert isinstance(row["sharp"], bool), where
        model = row["model"]
        inside = (
            model is not None
            and model["lo95"] is not None
            and model["hi95"] is not None
            and model["lo95"] <= pub.value <= model["hi95"]
        )
        assert row["agrees"] == inside, where


# --------------------------------------------------------------------------------------------
# The small trial through the command line


def test_small_trial_json(capsys: pytest.CaptureFixture[str], small_file: Path) -> None:
    code, out, err = run_cli(capsys, "trial", str(small_file), "--format", "json")
    assert code == 0, err
    assert err == ""  # no progress bar or notes when stderr is not a terminal
    doc = strict_json(out)
    spec = load_trial(small_file)
    check_document(doc, spec)

    assert doc["schema"] == "myotwin.trial-result/1"
    for arm in ("training", "control"):
        assert list(doc["arms"][arm]) == OUTCOMES
        # The muscle hub reports these two.
        assert "status" not in doc["arms"][arm]["lean_mass"]
        assert "status" not in doc["arms"][arm]["one_rm:leg_press"]
        for name in ("hba1c", "falls", "session_peak:growth_hormone"):
            if not modelled(name):
                info = lookup(name)
                assert doc["arms"][arm][name] == {
                    "kind": info.kind,
                    "unit": info.unit,
                    "status": "not_modelled",
                }
    outcomes = [c["outcome"] for c in doc["contrasts"]]
    assert outcomes[:2] == ["lean_mass", "one_rm:leg_press"]
    assert "session_peak:growth_hormone" not in outcomes
    for name in ("hba1c", "falls"):
        assert (name in outcomes) == modelled(name)
    # The training arm's own 1RM gain (a strength program trains the tested lift).
    leg_press = doc["arms"]["training"]["one_rm:leg_press"]
    assert (
        leg_press["change"]["mean"] > doc["arms"]["control"]["one_rm:leg_press"]["change"]["mean"]
    )
    # hba1c's published row is not modelled: model null, agrees false, sharp null.
    hba1c_row = doc["validation"][1]
    assert hba1c_row["outcome"] == "hba1c"
    if not modelled("hba1c"):
        assert hba1c_row["model"] is None
        assert hba1c_row["agrees"] is False
        assert hba1c_row["sharp"] is None


def test_small_trial_table(
    capsys: pytest.CaptureFixture[str], small_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from myotwin.physiology import ORGANS

    # Every outcome has a model now: take glucose out to see the not-modelled note.
    monkeypatch.delitem(ORGANS, "glucose")
    code, out, err = run_cli(capsys, "trial", str(small_file), "--lang", "en")
    assert code == 0, err
    assert "small" in out and "training" in out and "lean_mass" in out
    assert "not modelled yet" in out
    code, out, err = run_cli(capsys, "trial", str(small_file), "--lang", "nl")
    assert code == 0, err
    assert "nog niet gemodelleerd" in out


def test_contrasts_are_arm_major(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Three arms with the control in the middle: contrasts run arm by arm, the control skipped.
    text = SMALL.replace("replicates = 6", "replicates = 3").replace(
        '[[arms]]\nname = "control"\nsessions_per_week = 0\n',
        '[[arms]]\nname = "control"\nsessions_per_week = 0\n\n'
        '[[arms]]\nname = "twice"\nsessions_per_week = 2\n\n'
        '  [[arms.exercises]]\n  exercise = "chest_press"\n  sets = 2\n  reps = 10\n'
        "  load = { rpe = 7 }\n",
    )
    path = tmp_path / "three.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run_cli(capsys, "trial", str(path), "--format", "json")
    assert code == 0, err
    doc = strict_json(out)
    check_document(doc, load_trial(path))
    pairs = [(c["arm"], c["outcome"]) for c in doc["contrasts"]]
    per_arm = [o for o in OUTCOMES if modelled(o) and lookup(o).kind != "peak"]
    assert per_arm[:2] == ["lean_mass", "one_rm:leg_press"]
    assert pairs == [("training", o) for o in per_arm] + [("twice", o) for o in per_arm]
    assert all(c["versus"] == "control" for c in doc["contrasts"])


# --------------------------------------------------------------------------------------------
# Reproducibility


def test_json_is_byte_identical_across_runs_and_executors(
    capsys: pytest.CaptureFixture[str], small_file: Path
) -> None:
    # 30 replicates: two blocks per arm, so the process pool has four blocks to share out.
    args = ("trial", str(small_file), "--format", "json", "--replicates", "30")
    outputs = []
    for workers in ("1", "1", "2"):
        code, out, err = run_cli(capsys, *args, "--workers", workers)
        assert code == 0, err
        outputs.append(out)
    assert outputs[0] == outputs[1], "two serial runs differ"
    assert outputs[0] == outputs[2], "--workers 2 differs from --workers 1"
    assert strict_json(outputs[0])["replicates"] == 30


def test_block_split_does_not_change_numbers(
    small_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Random streams are keyed by replicate, arm, participant and module, never by block.
    spec = with_overrides(load_trial(small_file), replicates=10)
    whole = json.dumps(run_trial(spec), allow_nan=False)
    monkeypatch.setattr(runner, "REPLICATES_PER_BLOCK", 3)
    assert runner.block_count(spec) == 2 * 4
    split = json.dumps(run_trial(spec, executor("serial")), allow_nan=False)
    assert split == whole


# --------------------------------------------------------------------------------------------
# Overrides


def test_overrides_appear_in_the_output(
    capsys: pytest.CaptureFixture[str], small_file: Path
) -> None:
    code, out, err = run_cli(
        capsys, "trial", str(small_file), "--format", "json",
        "--replicates", "3", "--seed", "11", "--participants", "5",
    )  # fmt: skip
    assert code == 0, err
    doc = strict_json(out)
    assert (doc["replicates"], doc["seed"], doc["participants_per_arm"]) == (3, 11, 5)
    check_document(doc, with_overrides(load_trial(small_file), 3, 11, 5))


def test_participants_override_changes_the_numbers(small_file: Path) -> None:
    base = load_trial(small_file)
    a = run_trial(with_overrides(base, replicates=3, participants=4))
    b = run_trial(with_overrides(base, replicates=3, participants=12))
    assert a["arms"]["control"]["lean_mass"] != b["arms"]["control"]["lean_mass"]


def test_seed_changes_the_numbers(small_file: Path) -> None:
    """Different seeds are different trials (TRIAL-SPEC: streams keyed by seed, replicate, ...).

    Seeds 0..3 with 4 replicates must not give the same replicates in another order: numbers
    are compared to 6 significant digits, so that a permutation of the same replicates (equal
    up to the rounding of sums) counts as the same result.
    """
    base = load_trial(small_file)
    results = set()
    for seed in range(4):
        doc = run_trial(with_overrides(base, replicates=4, seed=seed))
        results.add(json.dumps(_rounded(doc["arms"]["control"]["lean_mass"])))
    assert len(results) == 4, "different seeds gave the same result"


def _rounded(value: Any) -> Any:
    """Every number of a JSON value to 6 significant digits."""
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, float):
        return float(f"{value:.6g}")
    return value


@pytest.mark.parametrize(
    ("option", "value", "key"),
    [
        ("--replicates", "0", "replicates"),
        ("--replicates", "10001", "replicates"),
        ("--participants", "0", "participants_per_arm"),
        ("--participants", "100001", "participants_per_arm"),
        ("--seed", "-1", "seed"),
    ],
)
def test_out_of_range_override(
    capsys: pytest.CaptureFixture[str], small_file: Path, option: str, value: str, key: str
) -> None:
    code, out, err = run_cli(capsys, "trial", str(small_file), "--format", "json", option, value)
    assert_one_line_error(code, out, err, key)


# --------------------------------------------------------------------------------------------
# Contract errors through the command line

CONTRACT = """
name = "contract"
weeks = 4
participants_per_arm = 3
replicates = 2
seed = 0
control = "control"
outcomes = ["lean_mass", "balance"]

[population]
sex = "female"
age_years = { mean = 60, sd = 5 }
menopause = "post"

[[arms]]
name = "training"
sessions_per_week = 2

  [[arms.exercises]]
  exercise = "leg_press"
  sets = 3
  reps = 10
  load = { one_rm_fraction = 0.7 }

[[arms]]
name = "control"
sessions_per_week = 0

[[published]]
arm = "training"
versus = "control"
outcome = "lean_mass"
statistic = "change_diff"
value = 0.5
"""

# id: (text replaced, replacement, the key stderr must name)
CONTRACT_ERRORS = {
    "unknown key": ('name = "contract"', 'name = "contract"\ncolour = "red"', "colour"),
    "unknown exercise": ('"leg_press"', '"leg_pres"', "arms.0.exercises.0.exercise"),
    "unknown outcome": ('"balance"]', '"balans"]', "outcomes.1"),
    "one_rm of a duration id": ('"balance"]', '"balance", "one_rm:plank"]', "outcomes.2"),
    "statistic not fitting the kind": (
        'statistic = "change_diff"',
        'statistic = "rate_ratio"',
        "published.0.statistic",
    ),
    "pct_change of an SD outcome": (
        'outcome = "lean_mass"\nstatistic = "change_diff"',
        'outcome = "balance"\nstatistic = "pct_change_diff"',
        "published.0.statistic",
    ),
    "out-of-range weeks": ("weeks = 4", "weeks = 2000", "weeks"),
    "out-of-range sets": ("sets = 3", "sets = 25", "arms.0.exercises.0.sets"),
    "missing control": ('control = "control"\n', "", "control"),
    "versus other than control": (
        'versus = "control"',
        'versus = "training"',
        "published.0.versus",
    ),
    "published outcome not requested": (
        'outcomes = ["lean_mass", "balance"]',
        'outcomes = ["balance"]',
        "published.0.outcome",
    ),
    "exercises with zero sessions": (
        "sessions_per_week = 2",
        "sessions_per_week = 0",
        "arms.0.exercises",
    ),
    "menopause for men": ('sex = "female"', 'sex = "male"', "population.menopause"),
    "lo95 without hi95": ("value = 0.5", "value = 0.5\nlo95 = 0.1", "published.0.lo95"),
    "sd on an smd row": (
        'statistic = "change_diff"',
        'statistic = "smd"\nsd = 1.0',
        "published.0.sd",
    ),
}


def test_contract_base_is_valid(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # The control case: without the mutations below, the file runs.
    path = tmp_path / "base.toml"
    path.write_text(CONTRACT, encoding="utf-8")
    code, out, err = run_cli(capsys, "trial", str(path), "--format", "json")
    assert code == 0, err
    check_document(strict_json(out), load_trial(path))


@pytest.mark.parametrize("case", list(CONTRACT_ERRORS), ids=list(CONTRACT_ERRORS))
def test_contract_error(capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str) -> None:
    old, new, key = CONTRACT_ERRORS[case]
    assert CONTRACT.count(old) == 1, old
    path = tmp_path / "broken.toml"
    path.write_text(CONTRACT.replace(old, new), encoding="utf-8")
    for fmt in ("json", "table"):
        code, out, err = run_cli(capsys, "trial", str(path), "--format", fmt)
        assert_one_line_error(code, out, err, key)
        assert err.startswith(f"myotwin: {key}:"), err  # the key leads the message


def test_unreadable_trial_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "trial", str(tmp_path / "absent.toml"), "--format", "json")
    assert_one_line_error(code, out, err, "absent.toml")
    path = tmp_path / "syntax.toml"
    path.write_text("weeks = = 4\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "trial", str(path), "--format", "json")
    assert_one_line_error(code, out, err, "syntax.toml")


# --------------------------------------------------------------------------------------------
# Every shipped trial runs and has the contract's shape


def test_trials_are_shipped() -> None:
    assert len(SHIPPED_FILES) >= 10
    assert {"lean_mass_older_adults.toml", "strength_older_adults.toml"} <= {
        f.name for f in SHIPPED_FILES
    }


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=[f.stem for f in SHIPPED_FILES])
def test_shipped_trial_runs_small(path: Path) -> None:
    spec = with_overrides(load_trial(path), replicates=4, participants=4)
    doc = run_trial(spec)
    check_document(doc, spec)
    json.dumps(doc, allow_nan=False)  # raises on NaN or Infinity


def test_shipped_trials_equal_shared_trials() -> None:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} does not exist (no shared folder beside the project)")
    shared = sorted(SHARED.glob("*.toml"))
    assert [f.name for f in SHIPPED_FILES] == [f.name for f in shared]
    for mine, theirs in zip(SHIPPED_FILES, shared, strict=True):
        assert mine.read_bytes() == theirs.read_bytes(), f"{mine.name} differs from {theirs}"


# --------------------------------------------------------------------------------------------
# Statistical sanity

SANITY = """
name = "sanity"
weeks = 20
participants_per_arm = 40
replicates = 20
seed = 5
control = "control"
outcomes = ["lean_mass"]

[population]
sex = { female = 0.5 }
age_years = { mean = 30, sd = 4, min = 22, max = 38 }

[[arms]]
name = "training"
sessions_per_week = 3

  [[arms.exercises]]
  exercise = "leg_press"
  sets = 3
  reps = 10
  load = { one_rm_fraction = 0.75 }

  [[arms.exercises]]
  exercise = "chest_press"
  sets = 3
  reps = 10
  load = { one_rm_fraction = 0.75 }

[[arms]]
name = "control"
sessions_per_week = 0
"""


def test_untrained_control_does_not_change_and_training_gains() -> None:
    """An untrained control's mean lean-mass change is 0 within 4 standard errors.

    The population is young (22-38 y) because in older adults the model has a real age-related
    loss (about -0.05 kg in 20 weeks at 67 y), which is not noise. The standard error of the
    mean over n participants x R replicates is sd / sqrt(n R), sd the reported within-arm SD.
    """
    spec = load_trial(SANITY)
    doc = run_trial(spec)
    check_document(doc, spec)
    n, reps = spec.participants_per_arm, spec.replicates
    control = doc["arms"]["control"]["lean_mass"]["change"]
    training = doc["arms"]["training"]["lean_mass"]["change"]
    se_control = control["sd"] / math.sqrt(n * reps)
    assert control["sd"] > 0
    assert abs(control["mean"]) < 4 * se_control, (control, se_control)
    se_diff = math.hypot(control["sd"], training["sd"]) / math.sqrt(n * reps)
    assert training["mean"] - control["mean"] > 4 * se_diff, (training, control)
    (contrast,) = doc["contrasts"]
    assert contrast["change_diff"]["mean"] == pytest.approx(training["mean"] - control["mean"])
    assert contrast["smd"]["mean"] > 0


def test_older_untrained_control_does_not_gain() -> None:
    # No training, no gain: in older adults the control may lose lean mass but never gains.
    spec = load_trial(
        SANITY.replace("age_years = { mean = 30, sd = 4, min = 22, max = 38 }", "age_years = 70")
    )
    doc = run_trial(spec)
    control = doc["arms"]["control"]["lean_mass"]["change"]
    n, reps = spec.participants_per_arm, spec.replicates
    assert control["mean"] < 4 * control["sd"] / math.sqrt(n * reps), control
