"""Energy balance and body composition: Hall parity, invariants, intake scenarios, RMR."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from myotwin.dose import Entry, LoadKind, Schedule, SessionPlan
from myotwin.engine import Block, Simulation, run_block
from myotwin.evidence import Registry, registry
from myotwin.inputs import InputError, Person, Program, parse_input
from myotwin.persons import complete_anthropometry, person_arrays
from myotwin.physiology import energy
from myotwin.physiology.base import Context
from myotwin.programs import schedule
from myotwin.simulate import simulate
from myotwin.trial.spec import load_trial
from myotwin.trial.validate import validate

YEAR = 365
TRIALS = Path(__file__).parent / "trials"


def central() -> energy.Params:
    reg = registry()
    return energy.Params(
        **{f.name: reg.value(f"energy.{f.name}") for f in dataclasses.fields(energy.Params)}
    )


def person(**changes: object) -> Person:
    base: dict[str, object] = dict(
        age_years=50, sex="male", height_cm=178, weight_kg=82, body_fat_pct=25
    )
    base.update(changes)
    return Person.model_validate(base)


def program(sessions: float = 3) -> Program:
    names = ("leg_press", "chest_press", "knee_extension", "seated_row", "lat_pulldown")
    return Program.model_validate(
        dict(
            sessions_per_week=sessions,
            exercises=[
                dict(exercise=e, sets=3, reps=10, load={"one_rm_fraction": 0.75}) for e in names
            ],
        )
    )


def with_value(key: str, value: float) -> Registry:
    reg = registry()
    params = dict(reg.parameters)
    params[key] = dataclasses.replace(params[key], value=value)
    return Registry(params, reg.measurement, reg.references)


def run(
    who: Person,
    prog: Program | None,
    days: int,
    outcomes: tuple[str, ...],
    record: tuple[int, ...] | None = None,
    reg: Registry | None = None,
) -> dict[str, np.ndarray]:
    reg = reg or registry()
    persons = complete_anthropometry(person_arrays(who, 1), reg)
    block = Block(persons, schedule(prog, days), outcomes, record or (0, days), 3, 0, central=True)
    return {k: v[:, 0] for k, v in run_block(block, reg).levels.items()}


# ------------------------------------------------------------------ parity with Hall's model

CASES = [  # sex, weight kg, height cm, age, body fat %, intake change kcal/day
    ("male", 80.0, 180.0, 40.0, 22.0, -500.0),
    ("female", 70.0, 165.0, 50.0, 35.0, -500.0),
    ("male", 100.0, 175.0, 45.0, 30.0, -300.0),
    ("female", 65.0, 160.0, 60.0, 33.0, 300.0),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0]}-{c[1]:.0f}kg-{c[5]:+.0f}kcal")
def test_matches_hall_model_without_training(case: tuple[str, ...]) -> None:
    """One year of a fixed intake change, side by side with the bw kernel (hallmodel)."""
    hallmodel = pytest.importorskip(
        "hallmodel", reason="hallmodel (test dependency, cp311 wheel) is not installed"
    )
    sex, bw, ht, age, fat_pct, change = case
    fat = bw * float(fat_pct) / 100.0
    ref = hallmodel.adult_weight(
        bw=bw,
        ht=float(ht) / 100.0,
        age=age,
        sex=sex,
        fat=fat,
        EIchange=np.full((1, YEAR + 1), change),
        days=YEAR,
    )
    intake0 = float(ref["Energy_Intake"][0, 0])
    who = Person(
        age_years=age,
        sex=sex,
        height_cm=ht,
        weight_kg=bw,
        body_fat_pct=fat_pct,
        energy_balance={"intake_kcal_per_day": intake0 + float(change)},
    )
    days = (0, 91, 182, YEAR)
    mine = run(who, None, YEAR, ("body_mass", "fat_mass", "tdee"), days)
    # The same baseline: Hall's intake is PAL x Mifflin-St Jeor, so is ours.
    assert mine["tdee"][0] == pytest.approx(intake0, rel=1e-9)
    for name, theirs in (("body_mass", "Body_Weight"), ("fat_mass", "Fat_Mass")):
        hall = ref[theirs][0, list(days)]
        assert abs(hall[-1] - hall[0]) > 5.0  # a real change to compare
        np.testing.assert_allclose(mine[name], hall, atol=0.5)


# ------------------------------------------------------------------ invariants


def test_one_year_of_intake_following_need_keeps_weight_stable() -> None:
    out = run(person(age_years=50), None, YEAR, ("body_mass", "fat_mass", "lean_mass"))
    assert abs(out["body_mass"][1] - out["body_mass"][0]) < 0.5
    # What little changes is ageing muscle turned into fat of the same energy.
    assert out["lean_mass"][1] < out["lean_mass"][0]
    assert out["fat_mass"][1] > out["fat_mass"][0]


@pytest.mark.parametrize(
    "balance", [{"deficit_kcal_per_day": 600}, {"deficit_kcal_per_day": -400}, "stable"]
)
def test_mass_and_energy_balance_close_every_day(balance: object) -> None:
    who = person(energy_balance=balance)
    persons = complete_anthropometry(person_arrays(who, 1), registry())
    outs = ("body_mass", "fat_mass", "lean_mass", "skeletal_muscle_mass")
    sim = Simulation(
        Block(persons, schedule(program(), 120), outs, (0, 120), 1, 0, True), registry()
    )
    p = sim.params["energy"]
    s0 = sim.states["energy"]
    taken = 0.0
    for day in range(120):
        sim.advance(day)
        s = sim.states["energy"]
        taken += float(s.intake[0] - s.expenditure[0])
        # Mass: body = fat + lean soft tissue + bone mineral, and every part is accounted for.
        bw = energy.body_mass(s, p)
        assert bw == pytest.approx(s.fat + energy.lean_mass(s, p) + s.bone_mineral)
    stored = (
        p.fat_energy_density * (s.fat - s0.fat)
        + p.lean_energy_density * (s.other_lean + s.muscle - s0.muscle)
        + p.glycogen_energy_density * (s.glycogen - s0.glycogen)
    )[0]
    # Energy: what was eaten and not spent is what the tissues stored (within 1 %).
    assert stored == pytest.approx(taken, rel=0.01, abs=200.0)


def test_stable_intake_pays_for_muscle_with_fat_and_deficit_goes_through_forbes() -> None:
    who = person(age_years=35)
    stable = run(who, program(), 140, ("skeletal_muscle_mass", "fat_mass", "body_mass"))
    p = central()
    gained = stable["skeletal_muscle_mass"][1] - stable["skeletal_muscle_mass"][0]
    assert gained > 0.5
    lost_fat = stable["fat_mass"][0] - stable["fat_mass"][1]
    assert lost_fat == pytest.approx(gained * p.lean_energy_density / p.fat_energy_density, 0.2)

    # A deficit without training: other lean tissue goes with fat along Forbes' curve,
    # d(lean)/d(fat) = 10.4 / F (about half for 20 kg of fat), plus glycogen and its water.
    # Muscle is the hub's and does not take part.
    outs = ("fat_mass", "lean_mass", "skeletal_muscle_mass")
    deficit = run(person(energy_balance={"deficit_kcal_per_day": 500}), None, 84, outs)
    untrained = run(person(), None, 84, outs)
    fat_loss = deficit["fat_mass"][0] - deficit["fat_mass"][1]
    lean_loss = deficit["lean_mass"][0] - deficit["lean_mass"][1]
    np.testing.assert_allclose(deficit["skeletal_muscle_mass"], untrained["skeletal_muscle_mass"])
    forbes = p.forbes_constant / deficit["fat_mass"][0]
    assert fat_loss > 3.0
    assert forbes * fat_loss < lean_loss < forbes * fat_loss + 1.0


def test_fixed_intake_makes_training_cost_fat() -> None:
    """With a fixed intake nothing pays for the sessions, so training loses fat."""
    who = person(energy_balance={"intake_kcal_per_day": 2400})
    ds = simulate(who, program(), years=0.5, draws=8, outcomes=("fat_mass", "tdee"))
    end = ds.isel(day=-1)
    assert bool(
        (
            end["fat_mass"].sel(scenario="training") < end["fat_mass"].sel(scenario="no_training")
        ).all()
    )
    assert bool(
        (end["tdee"].sel(scenario="training") > end["tdee"].sel(scenario="no_training")).all()
    )


# ------------------------------------------------------------------ RMR


def test_tissue_price_of_muscle_is_elias_and_age_adjusted() -> None:
    p = central()
    for age, price in ((35.0, 13.0), (60.0, 12.6)):
        persons = complete_anthropometry(person_arrays(person(age_years=age), 1), registry())
        ctx = Context(persons, Schedule.none(), ("rmr",), registry())
        s = energy.init(ctx, p, {"skeletal_muscle_mass": np.array([30.0])})
        dynamic = s.dynamic.copy()
        dynamic[energy.MUSCLE] += 1.0
        more = dataclasses.replace(s, dynamic=dynamic)
        assert energy.rmr(more, p)[0] - energy.rmr(s, p)[0] == pytest.approx(price)


def test_without_the_session_elevation_rmr_rises_only_by_tissue() -> None:
    """About 13 kcal/day per kg of muscle gained: far from the +96 kcal/day trials measure."""
    reg = with_value("energy.post_session_rmr", 0.0)
    out = run(person(age_years=30), program(), 140, ("rmr", "skeletal_muscle_mass"), reg=reg)
    gained = out["skeletal_muscle_mass"][1] - out["skeletal_muscle_mass"][0]
    rise = out["rmr"][1] - out["rmr"][0]
    assert gained > 0.5
    assert 11.0 < rise / gained < 16.0  # the tissue price, plus a little adaptive thermogenesis


def test_session_elevation_decays_over_days() -> None:
    """RMR is up a day or two after the last session and back near the tissue term a week on."""
    prog = program().model_copy(update={"train_weeks": 8.0})
    record = (0, 54, 55, 56, 57, 63, 70)  # the last session falls on day 53
    out = run(person(age_years=30), prog, 70, ("rmr",), record)
    rmr = dict(zip(record, out["rmr"], strict=True))
    assert rmr[54] > rmr[55] > rmr[56] > rmr[57] > rmr[63] > rmr[0]
    tissue = rmr[70] - rmr[0]  # two weeks on: the muscle gained, little else
    assert 0 < tissue < 20.0
    assert rmr[55] - rmr[70] > 2 * tissue  # a day and a half on, the elevation dominates


def test_session_energy_cost_uses_catalogue_mets() -> None:
    plan = SessionPlan(
        (Entry("leg_press", 3, 10, LoadKind.ONE_RM_FRACTION, 0.7), Entry("walking", minutes=20.0)),
        minutes=26.0,
    )
    mets = plan.met
    expected = ((mets[0] - 1.0) * 6.0 + (mets[1] - 1.0) * 20.0) / 60.0
    assert energy.session_met_hours(plan) == pytest.approx(expected)
    longer = SessionPlan(plan.entries, minutes=52.0)  # the same work spread over more minutes
    assert energy.session_met_hours(longer) == pytest.approx(2 * expected)


# ------------------------------------------------------------------ intake scenarios and trials


def test_person_intake_forms_and_errors() -> None:
    fixed = parse_input(
        Person, dict(age_years=40, sex="male", energy_balance={"intake_kcal_per_day": 2100})
    )
    assert fixed.energy_balance.intake_kcal_per_day == 2100  # type: ignore[union-attr]
    with pytest.raises(
        InputError, match=r"^energy_balance.intake_kcal_per_day: 100 is out of range"
    ):
        parse_input(
            Person, dict(age_years=40, sex="male", energy_balance={"intake_kcal_per_day": 100})
        )
    with pytest.raises(InputError, match=r"^energy_balance.deficit_kcal_per_day: unknown key"):
        parse_input(
            Person,
            dict(
                age_years=40,
                sex="male",
                energy_balance={"intake_kcal_per_day": 2100, "deficit_kcal_per_day": 5},
            ),
        )


def test_fixed_intake_is_not_a_trial_key() -> None:
    text = (TRIALS / "rmr_resistance_training.toml").read_text("utf-8")
    bad = text.replace(
        'energy_balance = "stable"', "energy_balance = { intake_kcal_per_day = 2000 }"
    )
    with pytest.raises(InputError, match=r"population\.energy_balance"):
        load_trial(bad)


TRIAL = """
name = "diet arms"
weeks = 8
participants_per_arm = 20
replicates = 20
seed = 2
control = "control"
outcomes = ["body_mass", "fat_mass", "lean_mass"]

[population]
sex = "female"
age_years = { mean = 45, sd = 5 }
weight_kg = { mean = 80, sd = 8 }
energy_balance = { deficit_kcal_per_day = 300 }

[[arms]]
name = "diet"
sessions_per_week = 0
energy_balance = { deficit_kcal_per_day = 700 }

[[arms]]
name = "control"
sessions_per_week = 0
"""


def test_trial_honours_population_and_arm_energy_balance() -> None:
    from myotwin.trial.runner import run_trial

    doc = run_trial(load_trial(TRIAL))
    diet = doc["arms"]["diet"]["body_mass"]["change"]["mean"]
    control = doc["arms"]["control"]["body_mass"]["change"]["mean"]
    assert control < -1.0  # the population's 300 kcal/day deficit
    # The arm's 700 kcal/day: about 400 x 56 kcal more lost, at 4,000-9,400 kcal per kg.
    extra = control - diet
    assert 400 * 56 / 9441 < extra < 400 * 56 / 4000


@pytest.mark.slow
def test_rmr_trial_is_reproduced() -> None:
    summary = validate(TRIALS)
    (trial,) = [t for t in summary.trials if t.file == "rmr_resistance_training.toml"]
    assert trial.error is None and trial.in_sample
    (row,) = trial.rows
    assert row["outcome"] == "rmr" and row["statistic"] == "change_diff"
    assert row["agrees"] is True, row
    assert row["sharp"] is True, row
