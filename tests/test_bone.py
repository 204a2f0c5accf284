"""Bone: baseline, natural history, mechanostat response and its invariants."""

from __future__ import annotations

import numpy as np
import pytest

from myotwin.engine import Block, run_block
from myotwin.evidence import registry
from myotwin.inputs import Person, Program
from myotwin.persons import complete_anthropometry, person_arrays
from myotwin.programs import schedule

YEAR = 365
SITES = ("lumbar_spine_bmd", "femoral_neck_bmd", "total_hip_bmd")


def person(**changes: object) -> Person:
    base = dict(age_years=60, sex="female", height_cm=163, weight_kg=65, years_since_menopause=8)
    base.update(changes)
    return Person.model_validate(base)


def heavy(impact: bool = True, sessions: float = 2, load: float = 0.85, **extra: object) -> Program:
    lifts = [
        dict(exercise=e, sets=5, reps=5, load={"one_rm_fraction": load})
        for e in ("deadlift", "back_squat", "overhead_press")
    ]
    if impact:
        lifts.append(dict(exercise="drop_jump", sets=5, reps=5, load="bodyweight"))
    return Program.model_validate(dict(sessions_per_week=sessions, exercises=lifts, **extra))


def run(
    who: Person,
    prog: Program | None,
    days: int,
    record: tuple[int, ...] | None = None,
    n: int = 1,
    outcomes: tuple[str, ...] = SITES,
) -> dict[str, np.ndarray]:
    persons = complete_anthropometry(person_arrays(who, n), registry())
    block = Block(persons, schedule(prog, days), outcomes, record or (0, days), 3, 0, central=True)
    return run_block(block).levels


def test_baseline_from_t_score_and_t_score_round_trip() -> None:
    who = person(femoral_neck_t_score=-2.0, lumbar_spine_bmd=0.9)
    out = run(
        who, None, 1, outcomes=("femoral_neck_bmd", "femoral_neck_t_score", "lumbar_spine_bmd")
    )
    reg = registry()
    fn = reg.value("bone.fn_peak_female") - 2.0 * reg.value("bone.fn_reference_sd")
    assert out["femoral_neck_bmd"][0, 0] == pytest.approx(fn)
    assert out["femoral_neck_t_score"][0, 0] == pytest.approx(-2.0)
    assert out["lumbar_spine_bmd"][0, 0] == pytest.approx(0.9)


def test_reference_baseline_falls_with_age() -> None:
    young = run(person(age_years=35, years_since_menopause=None, menopause="pre"), None, 1, n=400)
    old = run(person(age_years=75, years_since_menopause=24), None, 1, n=400)
    assert old["femoral_neck_bmd"][0].mean() < young["femoral_neck_bmd"][0].mean() - 0.1


@pytest.mark.parametrize("sex", ["female", "male"])
def test_untrained_bmd_declines_monotonically_after_50(sex: str) -> None:
    extra = {} if sex == "male" else {"years_since_menopause": 1}
    who = (
        person(age_years=52, sex=sex, **extra)
        if sex == "female"
        else Person(age_years=52, sex="male")
    )
    record = tuple(range(0, 30 * YEAR + 1, YEAR // 2))
    out = run(who, None, 30 * YEAR, record)
    for site in SITES:
        steps = np.diff(out[site][:, 0])
        assert np.all(steps <= 0), site  # never a gain without training
        assert out[site][-1, 0] < out[site][0, 0], site  # and a real loss over 30 years
    assert out["femoral_neck_bmd"][-1, 0] < 0.97 * out["femoral_neck_bmd"][0, 0]


def test_women_lose_fastest_around_menopause() -> None:
    record = tuple(range(0, 10 * YEAR + 1, YEAR))
    out = run(
        person(age_years=46, years_since_menopause=-5, menopause="pre"), None, 10 * YEAR, record
    )
    yearly = -np.diff(out["lumbar_spine_bmd"][:, 0]) / out["lumbar_spine_bmd"][:-1, 0]
    peak_year = int(np.argmax(yearly))
    assert 4 <= peak_year <= 6  # the year around the final menstrual period
    assert yearly[peak_year] > 3 * yearly[0]


def test_more_loading_never_gives_less_bmd() -> None:
    ends = []
    for load, sessions in ((0.5, 1), (0.7, 2), (0.85, 2), (0.85, 3)):
        out = run(person(), heavy(load=load, sessions=sessions), YEAR)
        ends.append([out[s][1, 0] for s in SITES])
    ends_arr = np.array(ends)
    assert np.all(np.diff(ends_arr, axis=0) >= -1e-12)
    assert ends_arr[-1, 0] > ends_arr[0, 0]


def test_impact_adds_to_resistance_training() -> None:
    # Zhao 2015: resistance training alone gives smaller gains than combined with impact.
    none = run(person(), None, 35 * 7)
    with_impact = run(person(), heavy(impact=True), 35 * 7)
    without = run(person(), heavy(impact=False), 35 * 7)
    for site in ("lumbar_spine_bmd", "femoral_neck_bmd"):
        gain_impact = with_impact[site][1, 0] - none[site][1, 0]
        gain_plain = without[site][1, 0] - none[site][1, 0]
        assert gain_impact > gain_plain >= 0


def test_spine_responds_more_than_femoral_neck() -> None:
    none = run(person(), None, YEAR)
    trained = run(person(), heavy(), YEAR)
    rel = {s: trained[s][1, 0] / none[s][1, 0] - 1 for s in SITES}
    assert rel["lumbar_spine_bmd"] > rel["femoral_neck_bmd"] > 0


def test_gain_is_lost_after_training_stops() -> None:
    record = (0, 52 * 7, 52 * 7 + 3 * YEAR)
    none = run(person(), None, 4 * YEAR, record)
    trained = run(person(), heavy(train_weeks=52), 4 * YEAR, record)
    gain_at_stop = trained["lumbar_spine_bmd"][1, 0] - none["lumbar_spine_bmd"][1, 0]
    gain_later = trained["lumbar_spine_bmd"][2, 0] - none["lumbar_spine_bmd"][2, 0]
    assert gain_at_stop > 0 and 0 <= gain_later < 0.2 * gain_at_stop


def test_bmd_stays_physiological_over_40_years() -> None:
    # Bounds: the T-score range the trial contract accepts as input (-6..4).
    reg = registry()
    bounds = {
        s: (
            reg.value(f"bone.{k}_peak_female") - 6 * reg.value(f"bone.{k}_reference_sd"),
            reg.value(f"bone.{k}_peak_female") + 4 * reg.value(f"bone.{k}_reference_sd"),
        )
        for s, k in zip(SITES, ("ls", "fn", "th"), strict=True)
    }
    record = tuple(range(0, 40 * YEAR + 1, YEAR))
    for who in (
        person(age_years=50, years_since_menopause=-1, menopause="pre"),
        Person(age_years=60, sex="male"),
    ):
        for prog in (None, heavy(sessions=3)):
            out = run(who, prog, 40 * YEAR, record, n=200)
            for site in SITES:
                values = out[site]
                assert np.all(np.isfinite(values))
                lo, hi = bounds[site]
                assert values.min() > lo and values.max() < hi, site


def _risks(who: Person) -> tuple[float, float]:
    out = run(who, None, 1, outcomes=("hip_fracture_risk_10y", "major_fracture_risk_10y"))
    return float(out["hip_fracture_risk_10y"][0, 0]), float(out["major_fracture_risk_10y"][0, 0])


def test_fracture_risk_rises_with_low_bmd_age_and_prior_fracture() -> None:
    base = _risks(person(age_years=65, femoral_neck_t_score=-1.0))
    low_bmd = _risks(person(age_years=65, femoral_neck_t_score=-3.0))
    older = _risks(person(age_years=80, years_since_menopause=29, femoral_neck_t_score=-1.0))
    prior = _risks(person(age_years=65, femoral_neck_t_score=-1.0, prior_fracture=True))
    for worse in (low_bmd, older, prior):
        assert worse[0] > base[0] and worse[1] > base[1]
    for hip, major in (base, low_bmd, older, prior):
        assert 0 < hip < major < 1  # hip fractures are a subset of major fractures


def test_hip_fracture_gradient_follows_the_cited_relative_risk() -> None:
    # Far from saturation, one SD lower femoral neck BMD multiplies the 10-year risk by about
    # the gradient of risk (2.6 per SD, Marshall 1996).
    a = _risks(person(age_years=55, years_since_menopause=4, femoral_neck_t_score=0.0))[0]
    b = _risks(person(age_years=55, years_since_menopause=4, femoral_neck_t_score=-1.0))[0]
    assert b / a == pytest.approx(registry().value("bone.hip_rr_per_sd"), rel=0.05)


def test_training_lowers_fracture_risk() -> None:
    who = person(age_years=70, years_since_menopause=20, femoral_neck_t_score=-2.5)
    outs = ("hip_fracture_risk_10y",)
    none = run(who, None, YEAR, outcomes=outs)["hip_fracture_risk_10y"][1, 0]
    trained = run(who, heavy(), YEAR, outcomes=outs)["hip_fracture_risk_10y"][1, 0]
    assert trained < none
