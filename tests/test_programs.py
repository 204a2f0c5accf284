"""Programs, templates and logs become schedules as TRIAL-SPEC "Time" says."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from myotwin import streams
from myotwin.dose import done_mask, planned_days
from myotwin.inputs import SET_MINUTES, Person, Program, TrainingLog
from myotwin.programs import log_schedule, schedule, session_plan, templates
from myotwin.simulate import simulate


def test_planned_days_follow_the_spec_formula() -> None:
    for spw in (1, 2, 2.5, 3, 7, 14):
        days = planned_days(spw, 70)
        expected = sorted(
            {math.floor(k * 7 / spw) for k in range(200) if math.floor(k * 7 / spw) < 70}
        )
        assert days.tolist() == expected


def test_training_stops_after_train_weeks() -> None:
    prog = Program.model_validate(
        dict(
            sessions_per_week=3,
            train_weeks=2,
            exercises=[dict(exercise="leg_press", sets=3, reps=10, load={"rpe": 8})],
        )
    )
    plan = schedule(prog, 100)
    assert plan.days.max() < 14 and len(plan.days) == 6


def test_adherence_skips_sessions_at_the_stated_rate() -> None:
    persons = np.arange(20_000, dtype=np.int64)
    keys = streams.stream_keys(0, np.zeros(20_000, np.int64), 0, "adherence")
    prog = Program.model_validate(
        dict(
            sessions_per_week=2,
            adherence=0.8,
            exercises=[dict(exercise="leg_press", sets=3, reps=10, load={"rpe": 8})],
        )
    )
    done = done_mask(schedule(prog, 7), 0, keys, persons)
    assert abs(done.mean() - 0.8) < 5 * math.sqrt(0.16 / 20_000)


def test_default_session_minutes() -> None:
    prog = Program.model_validate(
        dict(
            sessions_per_week=2,
            exercises=[
                dict(exercise="leg_press", sets=3, reps=10, load={"rpe": 8}),
                dict(exercise="balance_training", minutes=10),
            ],
        )
    )
    assert session_plan(prog).minutes == 3 * SET_MINUTES + 10


def test_every_template_is_valid_and_named() -> None:
    found = templates()
    for name in (
        "no_program",
        "beginner_full_body",
        "bone_high_intensity",
        "balance_strength_falls",
        "machine_circuit_older",
    ):
        assert name in found
        assert found[name].title("nl") and found[name].title("en")


def test_a_logged_history_trains_like_a_program() -> None:
    start = dt.date(2026, 1, 5)
    sessions = [
        dict(
            date=start + dt.timedelta(days=d),
            exercises=[
                dict(exercise="leg_press", sets=[dict(reps=10, kg=60.0)] * 3),
                dict(exercise="push_up", sets=[dict(reps=10)] * 2),
            ],
        )
        for d in range(0, 120, 3)
    ]
    log = TrainingLog.model_validate(dict(sessions=sessions))
    plan = log_schedule(log, start)
    assert plan.days.tolist() == list(range(0, 120, 3))
    person = Person(age_years=60, sex="male", height_cm=180, weight_kg=80)
    ds = simulate(person, log=log, start=start, years=0.5, draws=20, outcomes=("lean_mass",))
    diff = ds["lean_mass"].sel(scenario="training") - ds["lean_mass"].sel(scenario="no_training")
    assert float(diff.isel(day=-1).mean()) > 0


def test_simulate_command_takes_a_training_log(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from _cli import run_cli

    log = tmp_path / "log.toml"
    log.write_text(
        "\n".join(
            f"[[sessions]]\ndate = 2026-01-{day:02d}\n  [[sessions.exercises]]\n"
            '  exercise = "leg_press"\n'
            "  sets = [{ reps = 10, kg = 60.0 }, { reps = 10, kg = 60.0 }]\n"
            for day in range(1, 29, 3)
        ),
        encoding="utf-8",
    )
    code, out, err = run_cli(
        capsys, "simulate", "--log", str(log), "--years", "0.5", "--draws", "10", "--format", "json"
    )
    assert code == 0, err
    doc = json.loads(out)
    last = doc["outcomes"]["lean_mass"]["series"][-1]
    assert last["difference"]["mean"] > 0
    code, out, err = run_cli(capsys, "simulate", "--log", str(tmp_path / "none.toml"))
    assert code == 2 and out == "" and "--log" in err
