"""`myotwin log import|show|map` and `simulate --log NAME` from the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from _cli import run_cli
from myotwin.inputs import TrainingLog
from myotwin.programs import log_schedule, recent_pattern, template

DATA = Path(__file__).parent / "data" / "logs"
SUMMARY_KEYS = {"source", "sessions", "sets", "reps", "volume_load_kg", "first", "last",
                "exercises", "unmapped"}  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'store.sqlite3'}"


def test_import_prints_the_summary_and_adds_nothing_twice(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["log", "import", str(DATA / "hevy_en_kg.csv"), "--db", db, "--person", "anne"]
    code, out, err = run_cli(capsys, *args, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) >= SUMMARY_KEYS
    assert (doc["source"], doc["sessions"], doc["sets"], doc["added"]) == ("hevy", 3, 6, 7)
    code, out, err = run_cli(capsys, *args, "--format", "json")
    assert code == 0 and json.loads(out)["added"] == 0
    code, out, err = run_cli(capsys, *args, "--lang", "nl")
    assert code == 0 and "Werksets" in out and "3.065,0" in out


def test_unit_option_and_inference_note(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(DATA / "strong_comma_lb.csv")
    code, out, err = run_cli(capsys, "log", "import", path, "--db", db, "--format", "json")
    assert code == 0 and "read as lb" in err and "--unit" in err
    code, out, err = run_cli(
        capsys, "log", "import", path, "--db", db, "--person", "b", "--unit", "kg",
        "--format", "json",
    )  # fmt: skip
    assert code == 0 and err == "" and json.loads(out)["volume_load_kg"] == 7120


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "the file is empty"),
        (b"Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment\n",
         "header only"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data"),
        (b"Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment\n"
         b"2022-09-01,Squat,Legs,60,kgs,-8,,,,\n", "line 2: Reps: -8 is negative"),
    ],
)  # fmt: skip
def test_bad_files_exit_2_with_one_line(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str], content: bytes, needle: str
) -> None:
    bad = tmp_path / "export.csv"
    bad.write_bytes(content)
    code, out, err = run_cli(capsys, "log", "import", str(bad), "--db", db)
    assert code == 2 and out == ""
    assert err.startswith("myotwin: ") and err.count("\n") == 1 and needle in err
    assert "export.csv" in err and "Traceback" not in err
    code, out, err = run_cli(capsys, "log", "show", "--db", db, "--format", "json")
    assert json.loads(out)["sets"] == 0  # nothing was stored


def test_import_needs_a_file_or_wger(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_cli(capsys, "log", "import", "--db", db)
    assert code == 2 and "FILE or --wger" in err
    code, _out, err = run_cli(capsys, "log", "import", "--wger", "http://127.0.0.1:9", "--db", db)
    assert code == 2 and "--token" in err


def test_show_and_map(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(capsys, "log", "import", str(DATA / "fitnotes_ios.csv"), "--db", db)
    code, out, err = run_cli(capsys, "log", "show", "--db", db, "--format", "json")
    doc = json.loads(out)
    assert (doc["sessions"], doc["sets"], doc["unmapped"]) == (2, 3, ["Lateral Raise"])
    code, out, err = run_cli(capsys, "log", "map", "Lateral Raise", "shoulder_press", "--db", db)
    assert code == 0 and "shoulder_press" in out
    code, out, err = run_cli(capsys, "log", "show", "--db", db, "--format", "json")
    assert json.loads(out)["unmapped"] == []
    code, out, err = run_cli(capsys, "log", "map", "Lateral Raise", "nonsense", "--db", db)
    assert code == 2 and "not an exercise id" in err
    code, out, err = run_cli(capsys, "log", "show", "--db", db, "--person", "nobody")
    assert code == 1 and "nobody" in err


def test_simulate_with_a_stored_log(
    tmp_path: Path, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = ["Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment"]
    start = dt.date(2026, 1, 5)
    for week in range(8):
        for day in (0, 3):
            date = start + dt.timedelta(days=7 * week + day)
            rows += [f"{date},Leg Press,Legs,80,kgs,10,,,,"] * 3
    export = tmp_path / "fitnotes.csv"
    export.write_text("\n".join(rows) + "\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "log", "import", str(export), "--db", db, "--person", "jo")
    assert code == 0, err
    sim = ["simulate", "--log", "jo", "--db", db, "--years", "0.5", "--draws", "5"]
    code, out, err = run_cli(capsys, *sim, "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["program"]["name"] == "log pattern"  # the log's weekly pattern goes on
    assert doc["program"]["sessions_per_week"] == pytest.approx(2.0)
    gained = doc["outcomes"]["lean_mass"]["series"][-1]["difference"]["mean"]
    code, out, err = run_cli(capsys, *sim, "--template", "no_program", "--format", "json")
    assert code == 0, err
    stopped = json.loads(out)["outcomes"]["lean_mass"]["series"][-1]["difference"]["mean"]
    assert gained > stopped > 0  # training stopped after the log: less gained
    code, out, err = run_cli(capsys, "simulate", "--log", "nobody", "--db", db)
    assert code == 2 and "neither a file nor a stored training log" in err


def _weeks_of_sessions(weeks: int, per_week: tuple[int, ...]) -> TrainingLog:
    start = dt.date(2026, 1, 5)
    sessions = [
        {
            "date": start + dt.timedelta(days=7 * w + d),
            "exercises": [
                {"exercise": "back_squat", "sets": [{"reps": 5, "kg": 60.0 + w}] * 3},
                {"exercise": "pull_up", "sets": [{"reps": 6, "kg": -20.0}] * 2},
                {"exercise": "plank", "sets": [{"minutes": 1.0}] * 2},
            ],
        }
        for w in range(weeks)
        for d in per_week
    ]
    return TrainingLog.model_validate({"sessions": sessions})


def test_recent_weekly_pattern() -> None:
    log = _weeks_of_sessions(10, (0, 2, 4))
    pattern = recent_pattern(log)
    assert pattern is not None and pattern.sessions_per_week == pytest.approx(3.0)
    by_id = {e.exercise: e for e in pattern.exercises}
    squat = by_id["back_squat"]
    assert (squat.sets, squat.reps) == (3, 5)
    assert squat.load is not None and squat.load.value == 67.5  # median of the last 4 weeks
    assert by_id["pull_up"].load is not None and by_id["pull_up"].load.kind == "bodyweight"
    assert by_id["plank"].minutes == pytest.approx(2.0)
    assert recent_pattern(TrainingLog()) is None


def test_a_program_follows_the_log_from_the_day_after() -> None:
    log = _weeks_of_sessions(2, (0, 3))
    plan = log_schedule(log, dt.date(2026, 1, 5), template("beginner_full_body"), days=60)
    logged = [0, 3, 7, 10]
    assert plan.days[:4].tolist() == logged and plan.logged_until == 11
    assert plan.days[4] >= 11 and plan.days.max() < 60
    assert len(log_schedule(log, dt.date(2026, 1, 5), template("no_program"), days=60).days) == 4
