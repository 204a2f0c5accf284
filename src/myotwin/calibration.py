"""Calibration: fit named registry parameters to published rows of the shipped trial files.

Each `Target` names one parameter, the trial file and the published rows it is fitted to (their
mean). The fit runs the trial's arm with population parameters at their centre and many
participants (so chance plays no part), and solves for the parameter by bisection. Its
uncertainty is the published row's own uncertainty carried back through the model's elasticity.
`scripts/calibrate.py` runs this and writes the registry; nothing is tuned by hand.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from myotwin.engine import Block, run_block
from myotwin.evidence import Registry, Spread, registry
from myotwin.persons import complete_anthropometry
from myotwin.programs import schedule
from myotwin.trial.runner import DAYS_PER_YEAR, draw_participants, measure
from myotwin.trial.spec import Published, TrialSpec, load_trial
from myotwin.trial.stats import hedges_j

FIT_PARTICIPANTS = 4000
FIT_SEED = 12345
Z95 = 1.96


@dataclass(frozen=True)
class Target:
    parameter: str
    trial: str  # stem of a shipped trial file
    outcomes: tuple[str, ...]  # published rows (same arm, statistic) whose mean is the target
    statistic: str | None = None  # pick the row with this statistic when an outcome has several
    spread: str = "lognormal"  # form of the fitted uncertainty
    arm: str | None = None  # pick the row of this arm when an outcome has several


# In dependency order: each fit runs on top of the ones before it. Mass before strength (strength
# rides on it); natural bone loss before the loading gains measured against it. The women's late
# rate and the menopause transient overlap in the Melton cohort, so they are fitted twice.
_MUSCLE: tuple[Target, ...] = (
    Target("muscle.hypertrophy_rate", "lean_mass_older_adults", ("lean_mass",)),
    Target("muscle.neural_ceiling_lower", "strength_older_adults", ("one_rm:leg_press",)),
    Target(
        "muscle.neural_ceiling_upper",
        "strength_older_adults",
        ("one_rm:chest_press", "one_rm:lat_pulldown"),
    ),
    Target(
        "muscle.neural_ceiling_single_joint", "strength_older_adults", ("one_rm:knee_extension",)
    ),
    # RMR rides on the muscle gained: after the hub.
    Target("energy.post_session_rmr", "rmr_resistance_training", ("rmr",)),
)
_BONE_NATURAL: tuple[Target, ...] = (
    Target("bone.late_postmenopausal_rate", "natural_history_women", ("femoral_neck_bmd",)),
    Target("bone.menopause_peak_rate_ls", "menopause_transition", ("lumbar_spine_bmd",)),
    Target("bone.menopause_peak_rate_hip", "menopause_transition", ("femoral_neck_bmd",)),
)
TARGETS: tuple[Target, ...] = (
    *_MUSCLE,
    *_BONE_NATURAL,
    *_BONE_NATURAL,
    Target("bone.male_rate_at_65", "natural_history_men", ("femoral_neck_bmd",), "pct_change"),
    Target("bone.gain_max_ls", "liftmor", ("lumbar_spine_bmd",)),
    Target("bone.gain_max_hip", "liftmor", ("femoral_neck_bmd",)),
    Target("brain.atrophy_rate_at_73", "hippocampus_aging", ("hippocampal_volume",)),
    Target("brain.cognition_gain", "smart_mci", ("global_cognition",)),
    Target("brain.depression_gain", "depression_anxiety", ("depressive_symptoms",)),
    Target("brain.anxiety_gain", "depression_anxiety", ("anxiety_symptoms",)),
    Target("hormones.gh_amplitude", "hormones_acute", ("session_peak:growth_hormone",)),
    Target("mobility.gait_strength_exponent", "gait_speed_older_adults", ("gait_speed",)),
    Target("mobility.chair_strength_exponent", "gait_speed_older_adults", ("chair_rise_time",)),
    # The fall rate before its spread between persons (the spread keeps the mean rate), then
    # the training effect on top of both.
    Target("mobility.fall_rate", "falls_balance_strength", ("falls",), "rate"),
    Target("mobility.fall_frailty_cv", "falls_balance_strength", ("fallers",)),
    Target(
        "mobility.fall_balance_coef",
        "falls_balance_strength",
        ("falls",),
        "rate_ratio",
        arm="balance_only",
    ),
    # Both published HbA1c contrasts (Jansson 2022, Umpierre 2011): their mean is the target.
    Target("glucose.training_sensitivity_gain", "hba1c_type2", ("hba1c", "hba1c")),
)


# Trial files of the project's own tests (not shipped in the package): calibration runs from a
# checkout of the project, where they sit beside the package.
PROJECT_TRIALS = Path(__file__).resolve().parents[2] / "tests" / "trials"


def shipped_trial(stem: str) -> TrialSpec:
    """A calibration trial: shipped with the package, else one of the project's test trials."""
    shipped = resources.files("myotwin.data").joinpath(f"trials/{stem}.toml")
    if shipped.is_file():
        return load_trial(shipped.read_text("utf-8"))
    return load_trial(PROJECT_TRIALS / f"{stem}.toml")


def _rows(spec: TrialSpec, target: Target) -> list[Published]:
    rows = [
        p
        for p in spec.published
        if p.outcome in target.outcomes
        and target.statistic in (None, p.statistic)
        and target.arm in (None, p.arm)
    ]
    if (
        len(rows) != len(target.outcomes)
        or len({(p.arm, p.versus, p.statistic) for p in rows}) != 1
    ):
        raise ValueError(
            f"{spec.name}: need one row of one arm and statistic for each of {target.outcomes}"
        )
    return rows


def with_value(reg: Registry, key: str, value: float) -> Registry:
    params = dict(reg.parameters)
    params[key] = dataclasses.replace(params[key], value=value)
    return Registry(params, reg.measurement, reg.references)


@dataclass(frozen=True)
class Simulated:
    mean: float  # the rows' statistic (true values), averaged over the rows
    sd: float  # within-arm SD of the per-participant statistic (pooled over arms for contrasts)


def _per_participant(
    spec: TrialSpec,
    arm: str,
    names: Sequence[str],
    statistic: str,
    reg: Registry,
    participants: int,
) -> dict[str, np.ndarray]:
    """Per-participant change (or % change) of each outcome; measured values for an smd,
    whose denominator is the spread of measured change."""
    arm_index = [a.name for a in spec.arms].index(arm)
    persons = complete_anthropometry(
        draw_participants(
            spec.population,
            participants,
            1,
            FIT_SEED,
            arm_index,
            spec.arms[arm_index].energy_balance,
        ),
        reg,
    )
    plan = schedule(spec.arms[arm_index], spec.days)
    block = Block(persons, plan, tuple(names), (0, spec.days), FIT_SEED, arm_index, central=True)
    result = run_block(block, reg)
    out = {}
    for name in names:
        if statistic in ("rate", "rate_ratio"):  # events per person-year
            out[name] = result.events[name] / (spec.days / DAYS_PER_YEAR)
            continue
        if statistic in ("proportion", "risk_ratio"):
            out[name] = (result.events[name] > 0).astype(np.float64)
            continue
        if statistic == "peak":  # participants with a session in the last week
            peak = result.peaks[name][0]
            out[name] = peak[~np.isnan(peak)]
            continue
        base, end = result.levels[name]
        if statistic == "smd":
            base = measure(base, name, 0, persons, FIT_SEED, arm_index, reg)
            end = measure(end, name, spec.days, persons, FIT_SEED, arm_index, reg)
        out[name] = 100.0 * (end - base) / base if statistic.startswith("pct_") else end - base
    return out


def arm_statistic(
    spec: TrialSpec, rows: Sequence[Published], reg: Registry, participants: int
) -> Simulated:
    """The rows' statistic with population parameters at their centre and many participants."""
    names = [p.outcome for p in rows]
    statistic = rows[0].statistic
    arm = _per_participant(spec, rows[0].arm, names, statistic, reg, participants)
    if rows[0].versus is None:
        return Simulated(
            float(np.mean([arm[n].mean() for n in names])),
            float(np.mean([arm[n].std(ddof=1) for n in names])),
        )
    control = _per_participant(spec, rows[0].versus, names, statistic, reg, participants)
    pooled = [np.sqrt((arm[n].var(ddof=1) + control[n].var(ddof=1)) / 2) for n in names]
    if statistic in ("rate_ratio", "risk_ratio"):  # published with an interval: no SD needed
        return Simulated(float(np.mean([arm[n].mean() / control[n].mean() for n in names])), 0.0)
    diffs = [arm[n].mean() - control[n].mean() for n in names]
    if statistic == "smd":  # as the trial reports it: Hedges' g at the file's arm size
        j = hedges_j(spec.participants_per_arm)
        diffs = [j * d / s for d, s in zip(diffs, pooled, strict=True)]
        pooled = [1.0 for _ in names]
    return Simulated(float(np.mean(diffs)), float(np.mean(pooled)))


def _bisect(f: Callable[[float], float], lo: float, hi: float, steps: int = 40) -> float:
    """Root of a monotone `f` on [lo, hi] (on the log scale when both are positive)."""
    log = lo > 0
    a, b = (math.log(lo), math.log(hi)) if log else (lo, hi)
    fa = f(math.exp(a) if log else a)
    for _ in range(steps):
        m = 0.5 * (a + b)
        fm = f(math.exp(m) if log else m)
        if (fm > 0) == (fa > 0):
            a, fa = m, fm
        else:
            b = m
    m = 0.5 * (a + b)
    return math.exp(m) if log else m


@dataclass(frozen=True)
class Fit:
    target: Target
    value: float
    spread: Spread
    published: float
    model: float


def fit(target: Target, reg: Registry, participants: int = FIT_PARTICIPANTS) -> Fit:
    spec = shipped_trial(target.trial)
    rows = _rows(spec, target)
    goal = float(np.mean([p.value for p in rows]))
    current = reg[target.parameter].value

    def miss(value: float) -> float:
        reg_v = with_value(reg, target.parameter, value)
        return arm_statistic(spec, rows, reg_v, participants).mean - goal

    if target.spread == "lognormal":
        lo, hi = current / 20.0, current * 20.0
    else:
        lo, hi = current - 1.0, current + 1.0
    value = _bisect(miss, lo, hi)
    simulated = arm_statistic(spec, rows, with_value(reg, target.parameter, value), participants)

    # The published row's standard error, carried back through the local slope of the model.
    se = published_se(rows, spec.participants_per_arm, simulated.sd, spec.days / DAYS_PER_YEAR)
    h = 0.05 * abs(value) if value != 0 else 0.01
    slope = (miss(value + h) - miss(value - h)) / (2 * h)
    sd = se / abs(slope) if slope != 0 else 0.0
    spread = (
        Spread("lognormal", cv=sd / value)
        if target.spread == "lognormal"
        else Spread("normal", sd=sd)
    )
    return Fit(target, value, spread, goal, simulated.mean)


def published_se(rows: Sequence[Published], n: int, model_sd: float, years: float = 1.0) -> float:
    """Standard error of the mean of the rows.

    From the paper's 95 % interval; else from its within-arm `sd` (SE = sd / sqrt(n), times
    sqrt(2) for a contrast); else what chance alone gives a trial of the file's size (pooled
    estimates and cohorts that publish a mean without either): for a rate or a proportion as
    TRIAL-SPEC's chance width has it (Poisson, binomial; `years` of follow-up), otherwise with
    the model's within-arm SD.
    """
    ses = []
    for row in rows:
        contrast = 2.0 if row.versus is not None else 1.0
        if row.lo95 is not None and row.hi95 is not None:
            ses.append((row.hi95 - row.lo95) / (2 * Z95))
        elif row.sd is not None:
            ses.append(row.sd * math.sqrt(contrast / n))
        elif row.statistic == "rate":
            ses.append(math.sqrt(row.value / (n * years)))
        elif row.statistic == "proportion":
            ses.append(math.sqrt(row.value * (1.0 - row.value) / n))
        else:
            ses.append(model_sd * math.sqrt(contrast / n))
    return float(math.sqrt(sum(s * s for s in ses)) / len(ses))


def calibrate(reg: Registry | None = None, only: Sequence[str] = ()) -> list[Fit]:
    """Fit every target in order, each on top of the previous fits; with `only`, just the
    targets whose parameter starts with one of those prefixes (e.g. "bone.")."""
    reg = reg or registry()
    fits = []
    for target in TARGETS:
        if only and not target.parameter.startswith(tuple(only)):
            continue
        result = fit(target, reg)
        fits.append(result)
        params = dict(reg.parameters)
        params[target.parameter] = dataclasses.replace(
            params[target.parameter], value=result.value, uncertainty=result.spread
        )
        reg = Registry(params, reg.measurement, reg.references)
    return fits


def write_registry(fits: Sequence[Fit], path: Path) -> None:
    """Rewrite the fitted parameters' value and uncertainty lines in parameters.toml."""
    text = path.read_text("utf-8")
    for f in fits:
        module, name = f.target.parameter.split(".", 1)
        header = f"[{module}.{name}]"
        start = text.index(header)
        end = text.find("\n[", start + 1)
        end = len(text) if end < 0 else end
        block = text[start:end]
        spread = (
            f'{{ kind = "lognormal", cv = {f.spread.cv:.4f} }}'
            if f.spread.kind == "lognormal"
            else f'{{ kind = "normal", sd = {f.spread.sd:.4f} }}'
        )
        block = re.sub(r"(?m)^value = .*$", f"value = {f.value:.6g}", block)
        if re.search(r"(?m)^uncertainty = ", block):
            block = re.sub(r"(?m)^uncertainty = .*$", f"uncertainty = {spread}", block)
        else:  # first fit: the line goes under the value
            block = re.sub(r"(?m)^(value = .*)$", rf"\1\nuncertainty = {spread}", block)
        text = text[:start] + block + text[end:]
    path.write_text(text, "utf-8")
