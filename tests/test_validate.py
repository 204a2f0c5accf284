"""`myotwin validate`: every trial file of a folder set beside its published results."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from _cli import run_cli
from myotwin.trial.runner import run_trial
from myotwin.trial.spec import TrialSpecError, load_trial
from myotwin.trial.validate import ValidationSummary, validate

LAST_LINE = re.compile(r"^(\d+) of (\d+) published results agree \((\d+) of them sharp\)$")
SHIPPED = Path(__file__).parents[1] / "src" / "myotwin" / "data" / "trials"

GOOD = """
name = "good trial"
weeks = 6
participants_per_arm = 8
replicates = 6
seed = 4
control = "control"
outcomes = ["lean_mass", "hba1c"]

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
value = 0.2

[[published]]
arm = "training"
outcome = "hba1c"
statistic = "change"
value = -0.3
"""

# Valid TOML that breaks the contract (unknown outcome), with two published rows.
BROKEN = """
name = "broken trial"
weeks = 6
participants_per_arm = 8
outcomes = ["lean_mas"]

[population]
sex = "female"
age_years = 60

[[arms]]
name = "only"
sessions_per_week = 0

[[published]]
arm = "only"
outcome = "lean_mas"
statistic = "change"
value = 0.1

[[published]]
arm = "only"
outcome = "lean_mas"
statistic = "pct_change"
value = 0.2
"""


@pytest.fixture(autouse=True)
def _wide_english_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("COLUMNS", "250")  # error lines and rows stay on one line


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    trials = tmp_path / "trials"
    trials.mkdir()
    (trials / "good.toml").write_text(GOOD, encoding="utf-8")
    (trials / "broken.toml").write_text(BROKEN, encoding="utf-8")
    (trials / "notes.txt").write_text("not a trial file\n", encoding="utf-8")
    return trials


def _good_rows() -> list[dict[str, object]]:
    return run_trial(load_trial(GOOD))["validation"]


def _broken_error() -> str:
    with pytest.raises(TrialSpecError) as info:
        load_trial(BROKEN)
    return str(info.value)


def test_validate_folder(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out, err = run_cli(capsys, "validate", str(folder))
    assert code == 0, err
    lines = out.splitlines()
    match = LAST_LINE.match(lines[-1])
    assert match, lines[-1]
    agree, total, sharp = (int(g) for g in match.groups())
    rows = _good_rows()
    # Two rows of the good file plus the broken file's two rows, which count as not agreeing.
    assert total == len(rows) + 2 == 4
    assert agree == sum(1 for r in rows if r["agrees"])
    assert sharp == sum(1 for r in rows if r["agrees"] and r["sharp"])
    assert sharp <= agree <= total
    # The broken file is listed with its error.
    error = _broken_error()
    assert "outcomes.0" in error
    listed = [ln for ln in lines if "broken.toml" in ln]
    assert len(listed) == 1, out
    assert error in listed[0]
    # The good file's rows are shown (one row per published result).
    assert sum(1 for ln in lines if ln.lstrip().startswith("good")) >= len(rows)
    assert "notes" not in out  # only *.toml files are trial files


def test_last_line_is_never_localised(capsys: pytest.CaptureFixture[str], folder: Path) -> None:
    code, out_nl, err = run_cli(capsys, "validate", str(folder), "--lang", "nl")
    assert code == 0, err
    assert "gepubliceerd" in out_nl  # the table is Dutch ...
    last_nl = out_nl.splitlines()[-1]
    assert LAST_LINE.match(last_nl), last_nl  # ... the closing line is not
    code, out_en, _ = run_cli(capsys, "validate", str(folder), "--lang", "en")
    assert code == 0
    assert out_en.splitlines()[-1] == last_nl


def test_validate_api_on_folder(folder: Path) -> None:
    summary = validate(folder)
    assert isinstance(summary, ValidationSummary)
    assert [t.file for t in summary.trials] == ["broken.toml", "good.toml"]
    broken, good = summary.trials
    assert broken.error == _broken_error()
    assert broken.published_rows == 2
    assert broken.rows == []
    assert broken.in_sample is False
    assert good.error is None
    assert good.trial == "good trial"
    assert good.in_sample is False
    assert good.rows == _good_rows()
    assert summary.total == 4
    assert LAST_LINE.match(summary.last_line)
    # hba1c is not modelled yet: its row never agrees.
    (hba1c,) = [r for r in good.rows if r["outcome"] == "hba1c"]
    if hba1c["model"] is None:
        assert hba1c["agrees"] is False and hba1c["sharp"] is None


def test_unparsable_file_is_listed(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "syntax.toml").write_text("weeks = = 4\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "validate", str(tmp_path))
    assert code == 0, err
    assert any("syntax.toml" in ln for ln in out.splitlines()), out
    assert out.splitlines()[-1] == "0 of 0 published results agree (0 of them sharp)"


def test_empty_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "validate", str(tmp_path))
    assert code == 0, err
    assert out.splitlines()[-1] == "0 of 0 published results agree (0 of them sharp)"


def test_not_a_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, err = run_cli(capsys, "validate", str(tmp_path / "absent"))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and "absent" in err and "Traceback" not in err


# --------------------------------------------------------------------------------------------
# The shipped calibration trials at full size


@pytest.fixture(scope="module")
def shipped() -> ValidationSummary:
    return validate(workers=2)  # same numbers as serial (streams never depend on the executor)


def _published_rows(path: Path) -> int:
    return len(tomllib.loads(path.read_text(encoding="utf-8")).get("published", []))


@pytest.mark.slow
def test_shipped_trials_all_run(shipped: ValidationSummary) -> None:
    files = sorted(SHIPPED.glob("*.toml"))
    assert [t.file for t in shipped.trials] == [f.name for f in files]
    for outcome in shipped.trials:
        assert outcome.error is None, (outcome.file, outcome.error)  # every one must run
    assert shipped.total == sum(_published_rows(f) for f in files)
    assert LAST_LINE.match(shipped.last_line)


@pytest.mark.slow
def test_peterson_rows_are_reproduced(shipped: ValidationSummary) -> None:
    by_file = {t.file: t for t in shipped.trials}
    lean = by_file["lean_mass_older_adults.toml"]
    strength = by_file["strength_older_adults.toml"]
    assert lean.in_sample and strength.in_sample

    (lean_row,) = [r for r in lean.rows if r["outcome"] == "lean_mass"]
    assert (lean_row["arm"], lean_row["statistic"]) == ("resistance_training", "change")
    assert lean_row["agrees"] is True, lean_row
    assert lean_row["sharp"] is True, lean_row

    one_rm = [r for r in strength.rows if r["outcome"].startswith("one_rm:")]
    assert sorted(r["outcome"] for r in one_rm) == [
        "one_rm:chest_press",
        "one_rm:knee_extension",
        "one_rm:lat_pulldown",
        "one_rm:leg_press",
    ]
    for row in one_rm:
        assert row["statistic"] == "pct_change"
        assert row["agrees"] is True, row
        assert row["sharp"] is True, row


@pytest.mark.slow
def test_hba1c_rows_are_reproduced(shipped: ValidationSummary) -> None:
    by_file = {t.file: t for t in shipped.trials}
    hba1c = by_file["hba1c_type2.toml"]
    assert hba1c.in_sample
    rows = [r for r in hba1c.rows if r["outcome"] == "hba1c"]
    assert [r["published"] for r in rows] == [-0.39, -0.57]
    for row in rows:
        assert row["agrees"] is True, row
        assert row["sharp"] is True, row
