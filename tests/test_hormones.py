"""Hormones: acute curves, resting levels, and the null tests (no hormone-driven growth)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from myotwin import physiology
from myotwin.cli import main
from myotwin.engine import PEAK_WINDOW_DAYS, Block, Simulation, run_block
from myotwin.evidence import registry
from myotwin.inputs import DEFAULT_REST_SECONDS, Person, Program
from myotwin.persons import complete_anthropometry, person_arrays
from myotwin.physiology import hormones
from myotwin.physiology.base import Draw, draw_params
from myotwin.programs import schedule, template
from myotwin.session import session_curves

MAN = Person(age_years=22, sex="male", height_cm=178, weight_kg=78)
WOMAN = Person(age_years=22, sex="female", height_cm=166, weight_kg=62)


def program(
    sets: int = 3,
    exercises: tuple[str, ...] = ("back_squat", "leg_press", "bench_press", "seated_row"),
    **extra: object,
) -> Program:
    entries = [
        dict(exercise=e, sets=sets, reps=10, load={"one_rm_fraction": 0.75}) for e in exercises
    ]
    return Program.model_validate(dict(sessions_per_week=3, exercises=entries, **extra))


def peaks(rest_seconds: float) -> dict[str, float]:
    """Each hormone's rise above its pre-session level (a grid that hits the session's end)."""
    c = session_curves(MAN, program(rest_seconds=rest_seconds), every_min=0.5)
    return {name: float(v.max() - v[0]) for name, v in c.values.items()}


def test_shorter_rests_raise_gh_and_less_so_cortisol_at_the_same_volume() -> None:
    short, default, long = (peaks(r) for r in (60, 90, 180))
    assert short["growth_hormone"] > default["growth_hormone"] > long["growth_hormone"]
    assert short["cortisol"] > default["cortisol"] > long["cortisol"]
    gh_ratio = short["growth_hormone"] / long["growth_hormone"]
    cortisol_ratio = short["cortisol"] / long["cortisol"]
    assert gh_ratio > cortisol_ratio > 1.0  # GH depends more on rest (Kraemer 1990)
    # No rest effect at the same work. Plasma IL-6 lags its release by a few minutes, and a
    # longer session (longer rests) has a flatter release at its end: a small shape effect.
    assert short["testosterone"] == pytest.approx(long["testosterone"])
    assert short["il6"] == pytest.approx(long["il6"], rel=0.03)


def test_absent_rest_is_the_default_rest_and_outside_the_studied_range_is_flat() -> None:
    absent = session_curves(MAN, program())
    explicit = session_curves(MAN, program(rest_seconds=DEFAULT_REST_SECONDS))
    for name in absent.values:
        np.testing.assert_array_equal(absent.values[name], explicit.values[name])
    assert absent.session_minutes == explicit.session_minutes
    # Beyond 300 s (the longest studied rest) the amplitude stops falling.
    a, b = (peaks(r) for r in (300, 600))
    assert a["growth_hormone"] == pytest.approx(b["growth_hormone"])


def test_longer_rests_make_longer_sessions() -> None:
    assert program(rest_seconds=180).session_minutes > program().session_minutes
    c = session_curves(MAN, program(rest_seconds=180))
    assert c.session_minutes == program(rest_seconds=180).session_minutes


def test_gh_is_back_near_rest_within_an_hour_and_il6_later() -> None:
    c = session_curves(MAN, program())
    end = int(np.searchsorted(c.minutes, c.session_minutes))
    hour_after = int(np.searchsorted(c.minutes, c.session_minutes + 60))
    for name, limit in (("growth_hormone", 0.2), ("testosterone", 0.2)):
        v = c.values[name]
        assert v[end] > v[0]
        assert v[hour_after] - v[0] < limit * (v[end] - v[0]), name
    il6 = c.values["il6"]
    assert il6[hour_after] - il6[0] > 0.5 * (il6[end] - il6[0])  # IL-6 clears more slowly


def _il6_params(**changes: float) -> hormones.Params:
    """The central parameter values (no draws), with some changed."""
    persons = complete_anthropometry(person_arrays(MAN, 1), registry())
    p = draw_params("hormones", hormones.Params, Draw(registry(), 0, 0, persons, True, True))
    return replace(p, **changes)


def test_il6_two_compartment_solution_matches_a_fine_numerical_integration() -> None:
    p = _il6_params()
    session, k = 50.0, float(p.il6_clearance_per_min)
    a, b = 1.0 / float(p.rise_tau_min), np.log(2.0) / float(p.il6_half_life_min)
    dt = 0.005
    t = np.arange(0.0, 400.0, dt)
    norm = 1.0 - np.exp(-a * session)
    release = np.where(
        t <= session, (1.0 - np.exp(-a * t)) / norm, np.exp(-b * np.maximum(t - session, 0.0))
    )
    u = np.zeros_like(t)
    for i in range(1, t.size):  # du/dt = k (release - u), trapezoidal
        u[i] = (u[i - 1] * (1 - 0.5 * k * dt) + 0.5 * k * dt * (release[i] + release[i - 1])) / (
            1 + 0.5 * k * dt
        )
    check = np.arange(0, t.size, 2000)
    exact = hormones._il6_shape(p, t[check][None, :], session)[0]
    np.testing.assert_allclose(exact, u[check], atol=1e-4)


def test_il6_plasma_lags_the_muscle_release_more_when_clearance_is_slower() -> None:
    minutes = 50.0 + np.arange(0.0, 120.0, 0.25)
    peak_times = []
    for k in (2.0, 0.5, 0.1):
        shape = hormones._il6_shape(_il6_params(il6_clearance_per_min=k), minutes[None, :], 50.0)
        peak_times.append(float(minutes[int(np.argmax(shape[0]))]))
        assert 0.0 < shape.max() <= 1.0  # never above the release that feeds it
    assert peak_times[0] <= peak_times[1] < peak_times[2]
    assert peak_times[1] - 50.0 < 15.0  # with the fitted clearance: within minutes of the end


def test_session_peaks_are_the_curve_maxima() -> None:
    p = _il6_params()
    state = hormones.State(female=np.array([False, True]), age0=np.array([22.0, 60.0]))
    work = np.array([40.0, 90.0])
    fine = hormones.curves(state, p, work, 45.0, np.arange(0.0, 240.0, 0.05))
    np.testing.assert_allclose(
        hormones.peaks(state, p, work, 45.0, DEFAULT_REST_SECONDS), fine.max(axis=2), rtol=1e-3
    )


def test_testosterone_rises_in_men_little_in_women() -> None:
    man, woman = session_curves(MAN, program()), session_curves(WOMAN, program())
    rise_man = man.values["testosterone"].max() - man.values["testosterone"][0]
    rise_woman = woman.values["testosterone"].max() - woman.values["testosterone"][0]
    assert rise_man > 0.05 * man.values["testosterone"][0]  # a modest rise in men (nmol/L)
    assert rise_woman < 0.2 * rise_man  # little in women (Kraemer 1991)


def test_bigger_sessions_give_bigger_responses_with_diminishing_returns() -> None:
    peaks = [session_curves(MAN, program(sets=s)).values["growth_hormone"].max() for s in (1, 3, 6)]
    assert peaks[0] < peaks[1] < peaks[2]
    assert peaks[2] - peaks[1] < 1.5 * (peaks[1] - peaks[0])


def test_resting_levels_do_not_change_with_training() -> None:
    outs = ("resting_testosterone", "resting_cortisol")
    older = Person(age_years=68, sex="male", height_cm=175, weight_kg=82)
    persons = complete_anthropometry(person_arrays(older, 5), registry())
    trained = run_block(Block(persons, schedule(program(), 84), outs, (0, 84), 1, 0)).levels
    untrained = run_block(Block(persons, schedule(None, 84), outs, (0, 84), 1, 0)).levels
    for name in outs:
        np.testing.assert_array_equal(trained[name], untrained[name])


def test_switching_hormones_off_leaves_muscle_gain_unchanged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    outs = ("lean_mass", "skeletal_muscle_mass", "one_rm:leg_press")
    persons = complete_anthropometry(person_arrays(MAN, 20), registry())
    block = Block(persons, schedule(program(), 120), outs, (0, 120), 4, 0)
    with_hormones = run_block(block).levels
    without = {k: v for k, v in physiology.ORGANS.items() if k != "hormones"}
    monkeypatch.setattr(physiology, "ORGANS", without)
    monkeypatch.setattr("myotwin.engine.ORGANS", without)
    without_hormones = run_block(block).levels
    for name in outs:
        np.testing.assert_array_equal(with_hormones[name], without_hormones[name])


def test_session_command_json_and_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    figure = tmp_path / "session.png"
    with pytest.raises(SystemExit) as exc:
        main(
            [
                "session",
                "--template",
                "machine_circuit_older",
                "--format",
                "json",
                "--plot",
                str(figure),
            ]
        )
    assert exc.value.code in (0, None)
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "myotwin.session/1"
    assert set(doc["hormones"]) == {"growth_hormone", "testosterone", "cortisol", "il6"}
    assert figure.stat().st_size > 10_000 and figure.read_bytes()[:4] == b"\x89PNG"


def test_session_command_rejects_a_program_without_sessions(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["session", "--template", "no_program"])
    assert exc.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1


def test_templates_all_have_a_typical_session() -> None:
    c = session_curves(MAN, template("bone_high_intensity"))
    assert c.values["growth_hormone"].max() > c.values["growth_hormone"][0]


def test_peaks_are_computed_only_when_a_session_peak_is_wanted() -> None:
    persons = complete_anthropometry(person_arrays(MAN, 3), registry())
    plan = schedule(program(), 7)
    first = int(plan.days[0])
    today: dict[int, np.ndarray | None] = {}
    for outs in (("resting_testosterone",), ("resting_testosterone", "session_peak:il6")):
        sim = Simulation(Block(persons, plan, outs, (0, 7), 0, 0), registry())
        for day in range(first + 1):
            sim.advance(day)
        today[len(outs)] = sim.states["hormones"].peak_today
    assert today[1] is None
    assert today[2] is not None and np.isfinite(today[2][hormones.IL6]).any()


def test_peaks_are_computed_only_in_the_week_whose_peaks_are_read() -> None:
    persons = complete_anthropometry(person_arrays(MAN, 3), registry())
    last = 60
    plan = schedule(program(), last)
    outs = ("session_peak:il6",)
    sim = Simulation(Block(persons, plan, outs, (0, last), 0, 0), registry())
    assert sim.peaks_from == last - PEAK_WINDOW_DAYS
    computed = {}
    for day in range(last):
        sim.advance(day)
        computed[day] = sim.states["hormones"].peak_today is not None
    sessions = {int(d) for d in plan.days if d < last}
    window = {d for d in sessions if d >= last - PEAK_WINDOW_DAYS}
    assert {d for d, yes in computed.items() if yes} == window
    assert sessions - window  # sessions before the window were skipped
