"""The `myotwin` command line: simulate output formats, locale, bad input, templates, --save.

Every command runs in-process through `myotwin.cli.main`, with standard output and standard error
captured by capsys and the exit status taken from SystemExit.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from _cli import run_cli
from myotwin import store as store_module
from myotwin.cli import main
from myotwin.i18n import MESSAGES
from myotwin.store import ENV_VAR, Store

# Small runs: one year, 20 draws (the runtime of this file is a few seconds).
SIM = ("simulate", "--years", "1", "--draws", "20", "--seed", "3")
TEMPLATES = (
    "no_program",
    "beginner_full_body",
    "bone_high_intensity",
    "balance_strength_falls",
    "machine_circuit_older",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """English locale, no database from the environment, never the real user data folder."""
    for var in ("LC_ALL", "LC_MESSAGES", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.delenv(ENV_VAR, raising=False)
    data_dir = tmp_path / "user-data" / "myotwin"
    monkeypatch.setattr(store_module.platformdirs, "user_data_dir", lambda *a, **k: str(data_dir))


def strict_json(text: str) -> Any:
    """json.loads that refuses NaN and Infinity (the contract forbids them)."""

    def refuse(name: str) -> Any:
        raise ValueError(f"non-finite number {name} in JSON output")

    return json.loads(text, parse_constant=refuse)


# --------------------------------------------------------------------------------------------
# simulate --format json


@pytest.fixture(scope="module")
def simulate_json() -> tuple[str, str]:
    """Standard output of the same `simulate --format json` run twice (module-wide)."""
    outputs = []
    for _ in range(2):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            try:
                main([*SIM, "--format", "json"])
            except SystemExit as exc:
                assert exc.code in (0, None)
        outputs.append(buffer.getvalue())
    return outputs[0], outputs[1]


def test_simulate_json_is_byte_identical_across_runs(simulate_json: tuple[str, str]) -> None:
    first, second = simulate_json
    assert first  # something was printed
    assert first == second


def test_simulate_json_document(simulate_json: tuple[str, str]) -> None:
    doc = strict_json(simulate_json[0])
    assert doc["schema"] == "myotwin.simulate/1"
    assert doc["seed"] == 3
    assert doc["draws"] == 20
    assert doc["years"] == 1.0
    assert doc["program"]["name"] == "beginner_full_body"  # the default program
    assert {"skeletal_muscle_mass", "lean_mass"} <= set(doc["outcomes"])
    end = math.floor(1 * 365.25 + 0.5)  # 365
    for name, block in doc["outcomes"].items():
        assert isinstance(block["unit"], str) and block["unit"], name
        days = [row["day"] for row in block["series"]]
        assert days == sorted(set(days)), f"{name}: days not strictly increasing"
        assert {0, 91, 365} <= set(days), name
        assert days[-1] == end and all(0 <= d <= end for d in days), name
        for row in block["series"]:
            for scenario in ("training", "no_training", "difference"):
                s = row[scenario]
                assert set(s) == {"mean", "lo95", "hi95"}
                assert s["lo95"] <= s["hi95"], (name, row["day"], scenario)
            # The mean is linear: mean(training - no_training) = mean(training) - mean(no_training).
            expected = row["training"]["mean"] - row["no_training"]["mean"]
            assert row["difference"]["mean"] == pytest.approx(expected, rel=1e-9, abs=1e-9)
        first = block["series"][0]
        assert first["day"] == 0
        # Common random numbers: on day 0 both scenarios are the same person, draw for draw.
        assert first["difference"] == {"mean": 0.0, "lo95": 0.0, "hi95": 0.0}, name
        assert first["training"] == first["no_training"], name


def test_simulate_default_program_gains_lean_mass(simulate_json: tuple[str, str]) -> None:
    doc = strict_json(simulate_json[0])
    last = doc["outcomes"]["lean_mass"]["series"][-1]
    assert last["day"] == 365
    assert last["difference"]["mean"] > 0
    assert last["training"]["mean"] > last["no_training"]["mean"]


# --------------------------------------------------------------------------------------------
# simulate --format csv


def test_simulate_csv_header_and_dot_decimals(capsys: pytest.CaptureFixture[str]) -> None:
    code, out_nl, err = run_cli(capsys, *SIM, "--format", "csv", "--lang", "nl")
    assert code == 0, err
    lines = out_nl.splitlines()
    assert lines[0] == "outcome,unit,day,scenario,mean,lo95,hi95"
    rows = list(csv.reader(io.StringIO(out_nl)))[1:]
    assert rows, "no data rows"
    for row in rows:
        assert len(row) == 7, row  # a decimal comma would add columns
        outcome, unit, day, scenario, *numbers = row
        assert outcome and unit
        assert int(day) >= 0
        assert scenario in ("training", "no_training", "difference")
        for text in numbers:
            assert "," not in text
            assert math.isfinite(float(text)), row
    # Never localised: the Dutch output is the English output, byte for byte.
    code, out_en, _ = run_cli(capsys, *SIM, "--format", "csv", "--lang", "en")
    assert code == 0
    assert out_nl == out_en


def test_simulate_csv_matches_json(
    capsys: pytest.CaptureFixture[str], simulate_json: tuple[str, str]
) -> None:
    doc = strict_json(simulate_json[0])
    code, out, _ = run_cli(capsys, *SIM, "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    expected = sum(len(b["series"]) * 3 for b in doc["outcomes"].values())
    assert len(rows) == expected
    for row in rows:
        block = doc["outcomes"][row["outcome"]]
        assert row["unit"] == block["unit"]
        (cell,) = [r[row["scenario"]] for r in block["series"] if r["day"] == int(row["day"])]
        for key in ("mean", "lo95", "hi95"):
            assert float(row[key]) == cell[key]


# --------------------------------------------------------------------------------------------
# simulate table (localised)


def _table_line(out: str, outcome: str) -> str:
    (line,) = [ln for ln in out.splitlines() if re.search(rf"\b{re.escape(outcome)}\s", ln)]
    return line


def test_simulate_table_in_dutch(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, *SIM, "--lang", "nl")
    assert code == 0, err
    for header in ("Met training", "Zonder training", "Verschil", "Uitkomst"):
        assert header in out
    assert "With training" not in out
    assert "trekkingen" in out and "3 maanden" in out
    line = _table_line(out, "lean_mass")
    # Decimal commas: `43,6 (43,4 – 44,0)`, and no decimal point.
    assert re.search(r"\d+,\d+ \(-?\d+,\d+ – -?\d+,\d+\)", line), line
    assert not re.search(r"\d\.\d", line), line


def test_simulate_table_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, *SIM, "--lang", "en")
    assert code == 0, err
    for header in ("With training", "Without training", "Difference", "Outcome"):
        assert header in out
    assert "Met training" not in out
    assert "draws" in out and "3 months" in out
    line = _table_line(out, "lean_mass")
    assert re.search(r"\d+\.\d+ \(-?\d+\.\d+ – -?\d+\.\d+\)", line), line
    assert not re.search(r"\d,\d", line), line


# --------------------------------------------------------------------------------------------
# Locale of the help text


def _word(key: str, lang: str) -> str:
    """A long word of a help message, unlikely to be broken by line wrapping."""
    return max(MESSAGES[key][lang].split(), key=len).strip(".,:;()")  # type: ignore[index]


@pytest.mark.parametrize(
    ("lang_env", "shown", "hidden"),
    [("nl_NL.UTF-8", "nl", "en"), ("en_US.UTF-8", "en", "nl")],
)
def test_help_follows_the_locale(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    lang_env: str,
    shown: str,
    hidden: str,
) -> None:
    monkeypatch.setenv("LANG", lang_env)
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0
    assert _word("app_help", shown) in out
    assert _word("app_help", hidden) not in out
    code, out, _ = run_cli(capsys, "simulate", "--help")
    assert code == 0
    assert _word("simulate_help", shown) in out
    assert _word("simulate_help", hidden) not in out


def test_dutch_help_words_are_dutch() -> None:
    # Guards the locale test above against a word both languages share.
    assert _word("app_help", "nl") == "krachttraining"


def test_lang_option_overrides_the_locale(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "nl_NL.UTF-8")
    code, out, _ = run_cli(capsys, *SIM, "--lang", "en")
    assert code == 0
    assert "With training" in out and "Met training" not in out
    code, out, _ = run_cli(capsys, *SIM)
    assert code == 0
    assert "Met training" in out


def test_lc_all_wins_over_lang(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("LC_ALL", "nl_NL.UTF-8")
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0
    assert "krachttraining" in out


# --------------------------------------------------------------------------------------------
# Bad input: exit status 2, one line on stderr naming the field, nothing on stdout


@pytest.fixture
def bad_files(tmp_path: Path) -> dict[str, Path]:
    person = tmp_path / "old.toml"
    person.write_text('age_years = 300\nsex = "female"\n', encoding="utf-8")
    program = tmp_path / "prog.toml"
    program.write_text(
        "sessions_per_week = 2\n\n[[exercises]]\n"
        'exercise = "bogus_lift"\nsets = 3\nreps = 10\nload = { rpe = 7 }\n',
        encoding="utf-8",
    )
    invalid = tmp_path / "invalid.toml"
    invalid.write_text("age_years = = 3\n", encoding="utf-8")
    good_program = tmp_path / "good_prog.toml"
    good_program.write_text(
        "sessions_per_week = 2\n\n[[exercises]]\n"
        'exercise = "leg_press"\nsets = 3\nreps = 10\nload = { rpe = 7 }\n',
        encoding="utf-8",
    )
    return {
        "person": person,
        "program": program,
        "invalid": invalid,
        "missing": tmp_path / "missing.toml",
        "good_program": good_program,
    }


BAD_INPUT = {
    # id: (arguments with {file} placeholders, words stderr must name)
    "person age 300": (["{person}"], ["age_years", "300"]),
    "unknown exercise": (["--program", "{program}"], ["exercise", "bogus_lift"]),
    "invalid toml": (["{invalid}"], ["invalid.toml"]),
    "unreadable file": (["{missing}"], ["missing.toml"]),
    "unreadable program": (["--program", "{missing}"], ["missing.toml"]),
    "unknown template": (["--template", "nonsense"], ["--template", "nonsense"]),
    "program and template": (
        ["--program", "{good_program}", "--template", "no_program"],
        ["--program", "--template"],
    ),
    "zero draws": (["--draws", "0"], ["--draws"]),
    "too many draws": (["--draws", "10001"], ["--draws"]),
    "zero years": (["--years", "0"], ["--years"]),
}


def _fill(args: list[str], files: dict[str, Path]) -> list[str]:
    return [a.format(**{k: str(v) for k, v in files.items()}) for a in args]


def assert_one_line_error(code: int, out: str, err: str, *names: str) -> None:
    assert code == 2, (code, err)
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert "Traceback" not in err
    for name in names:
        assert name in err, (name, err)


@pytest.mark.parametrize("case", list(BAD_INPUT), ids=list(BAD_INPUT))
@pytest.mark.parametrize("fmt", ["json", "table"])
def test_bad_input(
    capsys: pytest.CaptureFixture[str], bad_files: dict[str, Path], case: str, fmt: str
) -> None:
    args, names = BAD_INPUT[case]
    code, out, err = run_cli(
        capsys, "simulate", "--years", "1", "--draws", "5", "--format", fmt, *_fill(args, bad_files)
    )
    assert_one_line_error(code, out, err, *names)


def test_good_program_file_runs(
    capsys: pytest.CaptureFixture[str], bad_files: dict[str, Path]
) -> None:
    # The control case of "program and template": the program file alone is fine.
    code, out, err = run_cli(
        capsys, *SIM, "--format", "json", "--program", str(bad_files["good_program"])
    )
    assert code == 0, err
    doc = strict_json(out)
    assert [e["exercise"] for e in doc["program"]["exercises"]] == ["leg_press"]
    assert "one_rm:leg_press" in doc["outcomes"]


# --------------------------------------------------------------------------------------------
# templates


def test_templates_lists_the_builtin_programs(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "templates")
    assert code == 0, err
    names = {line.split()[0] for line in out.splitlines() if line.strip()}
    for name in TEMPLATES:
        assert name in names, (name, out)


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_listed_template_simulates(capsys: pytest.CaptureFixture[str], template: str) -> None:
    code, out, err = run_cli(
        capsys, "simulate", "--years", "0.5", "--draws", "3", "--format", "json",
        "--template", template,
    )  # fmt: skip
    assert code == 0, err
    doc = strict_json(out)
    assert "lean_mass" in doc["outcomes"]
    if template == "no_program":
        # No program: both scenarios are the same life, draw for draw, every day.
        assert doc["program"] is None or doc["program"]["sessions_per_week"] == 0
        for name, block in doc["outcomes"].items():
            for row in block["series"]:
                assert row["difference"] == {"mean": 0.0, "lo95": 0.0, "hi95": 0.0}, name
    else:
        assert doc["program"]["name"] == template
        assert doc["outcomes"]["lean_mass"]["series"][-1]["difference"]["mean"] > 0


# --------------------------------------------------------------------------------------------
# --save


def test_save_stores_person_and_run(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    code, out, err = run_cli(
        capsys, "simulate", "--years", "1", "--draws", "5", "--format", "json",
        "--save", "anne", "--db", url,
    )  # fmt: skip
    assert code == 0, err
    doc = strict_json(out)
    assert err.count("\n") == 1 and "anne" in err  # the "saved" note, on stderr only
    with Store(url) as store:
        assert store.list_people() == ["anne"]
        person = store.get_person("anne")
        assert person is not None
        assert person == doc["person"]
        assert person["age_years"] == 62 and person["sex"] == "female"
        assert store.list_programs() == ["beginner_full_body"]
        runs = store.list_runs(person="anne")
        assert len(runs) == 1
        run = runs[0]
        assert run["kind"] == "simulate"
        assert run["input"] == {"person": "anne", "program": "beginner_full_body"}
        stored = store.get_run(run["id"])
        assert stored is not None
        assert stored["result"] == doc  # the stored result is the printed document


def test_bad_input_with_save_stores_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, bad_files: dict[str, Path]
) -> None:
    db = tmp_path / "x.sqlite3"
    url = f"sqlite:///{db}"
    code, out, err = run_cli(
        capsys, "simulate", str(bad_files["person"]), "--years", "1", "--draws", "5",
        "--save", "old", "--db", url,
    )  # fmt: skip
    assert_one_line_error(code, out, err, "age_years")
    if db.exists():
        with Store(url) as store:
            assert store.list_people() == []
            assert store.list_programs() == []
            assert store.list_runs() == []
