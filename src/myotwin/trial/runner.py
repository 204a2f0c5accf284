"""Run an in-silico parallel-group trial exactly as TRIAL-SPEC.md says.

Replicate r draws the population parameters once (shared by every arm); arm a enrols its own
participants, keyed by (seed, r, a, participant); outcomes are measured at baseline and on day D
with test-retest error; statistics are computed per replicate and summarised over replicates.
Arms are split into blocks of replicates for the executor; the keyed streams make the split
irrelevant to the numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from myotwin.engine import Block, Executor, SerialExecutor, modelled, run_block
from myotwin.evidence import Registry, registry
from myotwin.inputs import MENOPAUSE_DEFAULT_AGE_YEARS, Distribution, EnergyBalance
from myotwin.outcomes import ONE_RM_PREFIX, lookup
from myotwin.persons import DIABETES, SITES, Persons, complete_anthropometry
from myotwin.physiology.base import DAYS_PER_YEAR
from myotwin.programs import schedule
from myotwin.streams import normals, stream_keys, uniforms
from myotwin.trial import stats
from myotwin.trial.spec import PopulationSpec, TrialSpec

SCHEMA = "myotwin.trial-result/1"
REPLICATES_PER_BLOCK = 25
MAX_REDRAWS = 1000  # truncation limits narrower than this many redraws fall back to clipping

Progress = Callable[[int], None]
Samples = stats.LevelSamples | stats.PeakSamples | stats.RateSamples | stats.ProportionSamples


def _arm_statistics(samples: Samples) -> dict[str, Any]:
    if isinstance(samples, stats.LevelSamples):
        return stats.level_arm(samples)
    if isinstance(samples, stats.PeakSamples):
        return stats.peak_arm(samples)
    if isinstance(samples, stats.RateSamples):
        return stats.rate_arm(samples)
    return stats.proportion_arm(samples)


def _contrast(arm: Samples, control: Samples, n: int) -> dict[str, Any]:
    if isinstance(arm, stats.LevelSamples) and isinstance(control, stats.LevelSamples):
        return stats.level_contrast(arm, control, n)
    if isinstance(arm, stats.RateSamples) and isinstance(control, stats.RateSamples):
        return stats.rate_contrast(arm, control)
    if isinstance(arm, stats.ProportionSamples) and isinstance(control, stats.ProportionSamples):
        return stats.proportion_contrast(arm, control)
    raise TypeError(f"no contrast between {type(arm).__name__} and {type(control).__name__}")


def _draw(dist: Distribution | None, keys: np.ndarray, ids: np.ndarray, n: int) -> np.ndarray:
    """Truncated normal draws: redrawn (next counter of the same stream) until inside limits."""
    if dist is None:
        return np.full(n, np.nan)
    if dist.fixed:
        return np.full(n, dist.mean)
    values = np.full(n, np.nan)
    pending = np.ones(n, np.bool_)
    for attempt in range(MAX_REDRAWS):
        z = normals(keys[pending], ids[pending], attempt)
        candidate = dist.mean + dist.sd * z
        ok = (candidate >= dist.low) & (candidate <= dist.high)
        idx = np.flatnonzero(pending)
        values[idx[ok]] = candidate[ok]
        pending[idx[ok]] = False
        if not pending.any():
            return values
    values[pending] = np.clip(dist.mean, dist.low, dist.high)
    return values


def draw_participants(
    pop: PopulationSpec,
    n: int,
    replicates: int,
    seed: int,
    group: int,
    energy_balance: EnergyBalance | None = None,
) -> Persons:
    """R x n participants of one arm (replicate-major), drawn from the population keys.

    Their intake follows `energy_balance`, the arm's override, else the population's.
    """
    total = replicates * n
    rep = np.repeat(np.arange(replicates, dtype=np.int64), n)
    ids = np.tile(np.arange(n, dtype=np.int64), replicates)

    def keys(name: str) -> np.ndarray:
        return stream_keys(seed, rep, group, f"population:{name}")

    return draw_baseline(
        pop,
        keys,
        ids,
        rep,
        age=_draw(pop.age_years, keys("age_years"), ids, total),
        female=uniforms(keys("sex"), ids, 0) < pop.female_fraction,
        diabetes=np.full(total, DIABETES.index(pop.diabetes), np.int64),
        energy_balance=energy_balance or pop.energy_balance,
    )


def draw_baseline(
    pop: PopulationSpec,
    keys: Callable[[str], np.ndarray],
    ids: np.ndarray,
    replicate: np.ndarray,
    *,
    age: np.ndarray,
    female: np.ndarray,
    diabetes: np.ndarray,
    energy_balance: EnergyBalance,
) -> Persons:
    """Persons of the given age, sex and diabetes status, every other baseline value drawn from
    the population keys (`keys(name)`: the streams of key `name`). Trials and population runs
    draw their persons here; they differ in where age, sex and diabetes come from."""
    n = len(ids)

    def dist(name: str) -> np.ndarray:
        return _draw(getattr(pop, name), keys(name), ids, n)

    def fraction(name: str, p: float | None) -> np.ndarray:
        if p is None:
            return np.zeros(n, np.bool_)
        return uniforms(keys(name), ids, 0) < p

    years_since = dist("years_since_menopause")
    # Without a distribution, years since menopause follow from age (median age at menopause).
    years_since = np.where(np.isnan(years_since), age - MENOPAUSE_DEFAULT_AGE_YEARS, years_since)
    if pop.menopause == "post":
        post = np.ones(n, np.bool_)
    elif pop.menopause == "pre":
        post = np.zeros(n, np.bool_)
    else:
        post = years_since >= 0

    p = Persons.blank(n).with_intake(energy_balance)
    return p.replace(
        ids=ids,
        replicate=replicate,
        age_years=age,
        female=female,
        height_cm=dist("height_cm"),
        weight_kg=dist("weight_kg"),
        body_fat_pct=dist("body_fat_pct"),
        trained=np.full(n, pop.training_status == "trained"),
        menopause_post=post & female,
        years_since_menopause=np.where(female, years_since, np.nan),
        diabetes=diabetes,
        hba1c_pct=dist("hba1c_pct"),
        mci=np.full(n, pop.cognition == "mci"),
        fell_last_year=fraction("fall_history", pop.fall_history),
        prior_fracture=fraction("prior_fracture", pop.prior_fracture),
        t_score={s: dist(f"{s}_t_score") for s in SITES},
    )


def measure(
    true: np.ndarray,
    outcome: str,
    day: int,
    persons: Persons,
    seed: int,
    group: int,
    reg: Registry,
) -> np.ndarray:
    """Measured values: true value plus the outcome's test-retest error (keyed per day)."""
    key = "one_rm" if outcome.startswith(ONE_RM_PREFIX) else outcome
    error = reg.measurement.get(key)
    if error is None or (error.sd == 0 and error.cv == 0):
        return true
    z = normals(
        stream_keys(seed, persons.replicate, group, f"measure:{outcome}:{day}"), persons.ids, 0
    )
    return error.apply(true, z)


def _arm_blocks(
    spec: TrialSpec, group: int, persons: Persons, names: tuple[str, ...]
) -> list[Block]:
    arm = spec.arms[group]
    plan = schedule(arm, spec.days)
    n = spec.participants_per_arm
    blocks = []
    for start in range(0, spec.replicates, REPLICATES_PER_BLOCK):
        stop = min(start + REPLICATES_PER_BLOCK, spec.replicates)
        subset = persons.take(slice(start * n, stop * n))
        blocks.append(Block(subset, plan, names, (0, spec.days), spec.seed, group))
    return blocks


def block_count(spec: TrialSpec) -> int:
    """How many blocks `run_trial` hands to the executor (for progress bars)."""
    return len(spec.arms) * -(-spec.replicates // REPLICATES_PER_BLOCK)


def run_trial(
    spec: TrialSpec, executor: Executor | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """The trial's result document (schema myotwin.trial-result/1)."""
    reg = registry()
    infos = spec.outcome_info()
    modelled_infos = [o for o in infos if modelled(o.name)]
    names = tuple(o.name for o in modelled_infos)
    n, reps = spec.participants_per_arm, spec.replicates
    years = spec.days / DAYS_PER_YEAR

    participants = [
        complete_anthropometry(
            draw_participants(
                spec.population, n, reps, spec.seed, group, spec.arms[group].energy_balance
            ),
            reg,
        )
        for group in range(len(spec.arms))
    ]
    blocks: list[Block] = []
    owners: list[int] = []
    for group, persons in enumerate(participants):
        arm_blocks = _arm_blocks(spec, group, persons, names)
        blocks.extend(arm_blocks)
        owners.extend([group] * len(arm_blocks))

    results = (executor or SerialExecutor()).map(run_block, blocks, progress)

    samples: list[dict[str, Samples]] = []
    for group, persons in enumerate(participants):
        mine = [r for r, owner in zip(results, owners, strict=True) if owner == group]
        alive = np.concatenate([r.alive for r in mine]).reshape(reps, n)
        arm_samples: dict[str, Samples] = {}
        for info in modelled_infos:
            name = info.name
            if info.kind == "peak":
                arm_samples[name] = stats.PeakSamples(
                    np.concatenate([r.peaks[name][0] for r in mine]).reshape(reps, n),
                    np.concatenate([r.peaks[name][1] for r in mine]).reshape(reps, n),
                )
            elif info.kind in ("rate", "proportion"):
                # Nobody dies in this version, so every participant is at risk for T years.
                count = np.concatenate([r.events[name] for r in mine]).reshape(reps, n)
                arm_samples[name] = (
                    stats.RateSamples(count, np.full((reps, n), years))
                    if info.kind == "rate"
                    else stats.ProportionSamples(count > 0)
                )
            else:
                true = np.concatenate([r.levels[name] for r in mine], axis=1)  # (2, R*n)
                base = measure(true[0], name, 0, persons, spec.seed, group, reg)
                end = measure(true[1], name, spec.days, persons, spec.seed, group, reg)
                arm_samples[name] = stats.LevelSamples(
                    base.reshape(reps, n), end.reshape(reps, n), alive, lookup(name).sd_units
                )
        samples.append(arm_samples)

    arms: dict[str, Any] = {}
    for group, arm in enumerate(spec.arms):
        block: dict[str, Any] = {}
        for info in infos:
            head = {"kind": info.kind, "unit": info.unit}
            if info.name in samples[group]:
                block[info.name] = {**head, **_arm_statistics(samples[group][info.name])}
            else:
                block[info.name] = {**head, "status": "not_modelled"}
        arms[arm.name] = block

    control = spec.control_arm
    control_group = [a.name for a in spec.arms].index(control)
    contrasts: list[dict[str, Any]] = []
    if len(spec.arms) > 1:
        for group, arm in enumerate(spec.arms):
            if arm.name == control:
                continue
            for info in infos:
                if info.kind == "peak" or info.name not in samples[group]:
                    continue
                contrast = _contrast(
                    samples[group][info.name], samples[control_group][info.name], n
                )
                contrasts.append(
                    {"arm": arm.name, "versus": control, "outcome": info.name, **contrast}
                )

    document: dict[str, Any] = {
        "schema": SCHEMA,
        "trial": spec.name,
        "weeks": spec.weeks,
        "participants_per_arm": n,
        "replicates": reps,
        "seed": spec.seed,
        "arms": arms,
        "contrasts": contrasts,
    }
    if spec.published:
        document["validation"] = validation_rows(spec, arms, contrasts)
    return document


def validation_rows(
    spec: TrialSpec, arms: dict[str, Any], contrasts: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    years = spec.days / DAYS_PER_YEAR
    n = spec.participants_per_arm
    rows = []
    for pub in spec.published:
        arm_result = arms[pub.arm][pub.outcome]
        modelled_outcome = "status" not in arm_result
        model: dict[str, Any] | None = None
        sd_arm = sd_control = e_arm = e_control = None
        if modelled_outcome:
            if pub.versus is None:
                model = arm_result.get(pub.statistic)
            else:
                control_result = arms[pub.versus][pub.outcome]
                match = next(
                    c for c in contrasts if c["arm"] == pub.arm and c["outcome"] == pub.outcome
                )
                model = match.get(pub.statistic)
                sd_control = stats.model_sd(pub.statistic, control_result)
                e_control = stats.expected_events(control_result, n)
            sd_arm = stats.model_sd(pub.statistic, arm_result)
            e_arm = stats.expected_events(arm_result, n)
        row = stats.validation_row(
            pub.statistic,
            pub.value,
            model,
            n=n,
            years=years,
            published_lo95=pub.lo95,
            published_hi95=pub.hi95,
            published_sd=pub.sd,
            sd_arm=sd_arm,
            sd_control=sd_control,
            expected_arm=e_arm,
            expected_control=e_control,
        )
        rows.append(
            {
                "arm": pub.arm,
                "versus": pub.versus,
                "outcome": pub.outcome,
                "statistic": pub.statistic,
                "published": pub.value,
                **row,
            }
        )
    return rows
