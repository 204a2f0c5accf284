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
from myotwin.trial.runner import draw_participants
from myotwin.trial.spec import Published, TrialSpec, load_trial

FIT_PARTICIPANTS = 4000
FIT_SEED = 12345
Z95 = 1.96


@dataclass(frozen=True)
class Target:
    parameter: str
    trial: str  # stem of a shipped trial file
    outcomes: tuple[str, ...]  # published rows (same arm and statistic) whose mean is the target
    spread: str = "lognormal"  # form of the fitted uncertainty


# In dependency order: mass first (strength rides on it), then the neural ceilings.
TARGETS: tuple[Target, ...] = (
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
)


def shipped_trial(stem: str) -> TrialSpec:
    text = resources.files("myotwin.data").joinpath(f"trials/{stem}.toml").read_text("utf-8")
    return load_trial(text)


def _rows(spec: TrialSpec, outcomes: Sequence[str]) -> list[Published]:
    rows = [p for p in spec.published if p.outcome in outcomes and p.versus is None]
    if len(rows) != len(outcomes) or len({(p.arm, p.statistic) for p in rows}) != 1:
        raise ValueError(f"{spec.name}: need one per-arm row of one arm for each of {outcomes}")
    return rows


def with_value(reg: Registry, key: str, value: float) -> Registry:
    params = dict(reg.parameters)
    params[key] = dataclasses.replace(params[key], value=value)
    return Registry(params, reg.measurement, reg.references)


def arm_statistic(
    spec: TrialSpec, rows: Sequence[Published], reg: Registry, participants: int
) -> float:
    """Mean over participants of the rows' statistic (true values), averaged over the rows."""
    arm_index = [a.name for a in spec.arms].index(rows[0].arm)
    persons = complete_anthropometry(
        draw_participants(spec.population, participants, 1, FIT_SEED, arm_index), reg
    )
    names = tuple(p.outcome for p in rows)
    block = Block(
        persons,
        schedule(spec.arms[arm_index], spec.days),
        names,
        (0, spec.days),
        FIT_SEED,
        arm_index,
        central=True,
    )
    result = run_block(block, reg)
    values = []
    for name in names:
        base, end = result.levels[name]
        change = end - base
        values.append(
            float(np.mean(100.0 * change / base if rows[0].statistic == "pct_change" else change))
        )
    return float(np.mean(values))


def _bisect(f: Callable[[float], float], lo: float, hi: float, steps: int = 40) -> float:
    """Root of an increasing `f` on [lo, hi] (on the log scale when both are positive)."""
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
    rows = _rows(spec, target.outcomes)
    goal = float(np.mean([p.value for p in rows]))
    current = reg[target.parameter].value

    def miss(value: float) -> float:
        return (
            arm_statistic(spec, rows, with_value(reg, target.parameter, value), participants) - goal
        )

    if target.spread == "lognormal":
        lo, hi = current / 20.0, current * 20.0
    else:
        lo, hi = current - 1.0, current + 1.0
    value = _bisect(miss, lo, hi)
    model = miss(value) + goal

    # The published row's standard error, carried back through the local slope of the model.
    se = _published_se(rows)
    h = 0.05 * abs(value) if value != 0 else 0.01
    slope = (miss(value + h) - miss(value - h)) / (2 * h)
    sd = se / abs(slope) if slope != 0 else 0.0
    spread = (
        Spread("lognormal", cv=sd / value)
        if target.spread == "lognormal"
        else Spread("normal", sd=sd)
    )
    return Fit(target, value, spread, goal, model)


def _published_se(rows: Sequence[Published]) -> float:
    """SE of the mean of the rows: from their 95 % intervals, else from their `sd`-free spread.

    Rows without an interval (pooled percentages given as "29 +/- 2" with SE or SD unclear) are
    given the conservative reading that the +/- is an SE, written in the trial file's source.
    """
    ses = []
    for row in rows:
        if row.lo95 is not None and row.hi95 is not None:
            ses.append((row.hi95 - row.lo95) / (2 * Z95))
        else:
            ses.append(_plus_minus(row))
    return float(math.sqrt(sum(s * s for s in ses)) / len(ses))


def _plus_minus(row: Published) -> float:
    match = re.search(r"\+/-\s*([0-9.]+)", row.source or "")
    if match is None:
        raise ValueError(f"{row.outcome}: no interval and no '+/-' in the source to size the fit")
    return float(match.group(1))


def calibrate(reg: Registry | None = None) -> list[Fit]:
    """Fit every target in order, each on top of the previous fits."""
    reg = reg or registry()
    fits = []
    for target in TARGETS:
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
        block = re.sub(r"(?m)^uncertainty = .*$", f"uncertainty = {spread}", block)
        text = text[:start] + block + text[end:]
    path.write_text(text, "utf-8")
