"""The numbers of a report, read from a `simulate` Dataset; no language, no formatting.

Everything shown is a `Summary` (mean and 95 % interval over draws, `simulate.summarise`) of the
Dataset, so a test can check the page against the Result. Verdicts and the ranking of key points
follow the thresholds of `content.MEANINGFUL`, never a per-claim rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import xarray as xr

from myotwin.evidence import Reference, registry
from myotwin.outcomes import ONE_RM_PREFIX, lookup
from myotwin.physiology import effect_certainty, reporting_organ
from myotwin.report import content
from myotwin.simulate import DAYS_PER_YEAR, Summary, summarise, summarise_columns

Verdict = Literal["supported", "partly", "not_supported", "not_assessed"]
REPORT_YEARS = (1, 5)  # time points besides the horizon


def pattern(outcome: str) -> str:
    """The table key of `outcome`: `one_rm:*` for every 1RM."""
    return content.ONE_RM_PATTERN if outcome.startswith(ONE_RM_PREFIX) else outcome


@dataclass(frozen=True)
class Point:
    day: int
    years: float
    training: Summary
    no_training: Summary
    difference: Summary

    @property
    def credible(self) -> int:
        """+1 or -1 when the difference's 95 % interval lies above or below zero, else 0."""
        if self.difference.lo95 > 0:
            return 1
        if self.difference.hi95 < 0:
            return -1
        return 0


@dataclass(frozen=True)
class Band:
    mean: np.ndarray
    lo95: np.ndarray
    hi95: np.ndarray


@dataclass(frozen=True)
class OutcomeResult:
    name: str
    unit: str
    system: str
    baseline: float  # mean on day 0 (both scenarios start equal)
    points: tuple[Point, ...]  # 1 year, 5 years, the horizon (those within the horizon)
    certainty: str | None  # of the training effect, None when not graded
    higher_is_better: bool | None
    days: np.ndarray
    bands: dict[str, Band]  # scenario -> daily mean and 95 % band (plots)

    @property
    def horizon(self) -> Point:
        return self.points[-1]

    def meaningful(self) -> float | None:
        """The smallest difference worth calling an effect, in data units."""
        t = content.MEANINGFUL.get(pattern(self.name))
        if t is None:
            return None
        if t.kind == "relative":
            return t.value / 100 * abs(self.horizon.no_training.mean)
        return t.value

    def score(self) -> float:
        """The horizon difference in multiples of its meaningful size (key-point ranking)."""
        size = self.meaningful()
        mean = abs(self.horizon.difference.mean)
        return mean / size if size else 0.0


@dataclass(frozen=True)
class SystemResult:
    system: content.System
    outcomes: tuple[OutcomeResult, ...]  # empty: not modelled yet

    @property
    def certainty(self) -> str | None:
        """The lowest graded certainty among this system's outcomes."""
        order = ("low", "moderate", "high")
        found = [o.certainty for o in self.outcomes if o.certainty is not None]
        return min(found, key=order.index) if found else None


@dataclass(frozen=True)
class Check:
    """One outcome tested against a claim at the horizon."""

    outcome: OutcomeResult
    direction: int
    credible: bool  # the 95 % interval of the difference lies on the claimed side of zero
    opposite: bool  # ... or on the other side
    large: bool | None  # at least the meaningful size (None: no threshold)
    kept: bool | None  # maintain claims: with training it ends no worse than today
    certain: bool  # evidence certainty moderate or high

    @property
    def threshold(self) -> content.Threshold | None:
        return content.MEANINGFUL.get(pattern(self.outcome.name))

    @property
    def verdict(self) -> Verdict:
        if not self.credible:
            return "not_supported"
        if self.large is False or self.kept is False or not self.certain:
            return "partly"
        return "supported"


@dataclass(frozen=True)
class ClaimResult:
    claim: content.Claim
    checks: tuple[Check, ...]
    not_modelled: tuple[str, ...]

    @property
    def verdict(self) -> Verdict:
        verdicts = {c.verdict for c in self.checks}
        if not verdicts:
            return "not_assessed"
        if verdicts == {"supported"}:
            return "supported"
        if verdicts == {"not_supported"}:
            return "not_supported"
        return "partly"


@dataclass(frozen=True)
class ReportData:
    person: dict[str, object]
    program: dict[str, object] | None
    program_label: str
    years: float
    draws: int
    seed: int
    version: str
    outcomes: dict[str, OutcomeResult]
    systems: tuple[SystemResult, ...]
    key_points: tuple[OutcomeResult, ...]
    claims: tuple[ClaimResult, ...]
    references: tuple[Reference, ...]
    parameter_count: int
    low_certainty: tuple[str, ...] = field(default=())


def _outcome(ds: xr.Dataset, name: str, report_days: list[int]) -> OutcomeResult:
    var = ds[name].transpose("scenario", "draw", "day")
    days = ds["day"].values.astype(int)
    # Plain positional indexing: label lookups through xarray cost more than the statistics.
    scenarios = [str(s) for s in ds["scenario"].values]
    values = {s: var.values[scenarios.index(s)] for s in ("training", "no_training")}
    bands = {s: Band(*summarise_columns(v)) for s, v in values.items()}
    column = {int(d): i for i, d in enumerate(days)}
    points = []
    for day in report_days:
        trained = values["training"][:, column[day]]
        untrained = values["no_training"][:, column[day]]
        points.append(
            Point(
                day,
                day / DAYS_PER_YEAR,
                summarise(trained),
                summarise(untrained),
                summarise(trained - untrained),
            )
        )
    info = lookup(name)
    return OutcomeResult(
        name=name,
        unit=str(var.attrs.get("unit", info.unit)),
        system=info.system,
        baseline=float(bands["no_training"].mean[0]),
        points=tuple(points),
        certainty=effect_certainty(name),
        higher_is_better=info.higher_is_better,
        days=days,
        bands=bands,
    )


def _report_days(ds: xr.Dataset) -> list[int]:
    days = [int(d) for d in ds["day"].values]
    horizon = days[-1]
    wanted = [round(y * DAYS_PER_YEAR) for y in REPORT_YEARS]
    return sorted({d for d in wanted if d < horizon and d in days} | {horizon})


def _matches(candidate: str, outcome: str) -> bool:
    return candidate == pattern(outcome)


def _expand(candidates: tuple[str, ...], outcomes: dict[str, OutcomeResult]) -> list[str]:
    """The outcomes of `outcomes` named by `candidates`, in the candidates' order."""
    return [n for c in candidates for n in outcomes if _matches(c, n)]


def _check(o: OutcomeResult, direction: int, maintain: bool) -> Check:
    h = o.horizon
    size = o.meaningful()
    return Check(
        outcome=o,
        direction=direction,
        credible=h.credible == direction,
        opposite=h.credible == -direction,
        large=None if size is None else direction * h.difference.mean >= size,
        kept=(direction * (h.training.mean - o.baseline) >= 0) if maintain else None,
        certain=o.certainty in ("moderate", "high"),
    )


def _claim(claim: content.Claim, outcomes: dict[str, OutcomeResult]) -> ClaimResult:
    checks: list[Check] = []
    missing: list[str] = []
    for candidate, direction in claim.tests:
        names = _expand((candidate,), outcomes)
        if not names:
            if candidate != content.ONE_RM_PATTERN and reporting_organ(candidate) is None:
                missing.append(candidate)
            continue
        checks.extend(_check(outcomes[n], direction, claim.maintain) for n in names)
    return ClaimResult(claim, tuple(checks), tuple(missing))


def _key_points(outcomes: dict[str, OutcomeResult]) -> tuple[OutcomeResult, ...]:
    """At most one outcome per group, the largest differences first."""
    best: list[OutcomeResult] = []
    for group in content.KEY_POINT_GROUPS:
        members = [outcomes[n] for n in _expand(group, outcomes)]
        if members:
            best.append(max(members, key=OutcomeResult.score))
    best.sort(key=OutcomeResult.score, reverse=True)
    return tuple(best[: content.KEY_POINTS_MAX])


def analyse(ds: xr.Dataset, program_label: str) -> ReportData:
    """Everything the report shows, from a `simulate` Dataset."""
    report_days = _report_days(ds)
    outcomes = {str(n): _outcome(ds, str(n), report_days) for n in ds.data_vars}
    systems = tuple(
        SystemResult(s, tuple(outcomes[n] for n in _expand(s.outcomes, outcomes)))
        for s in content.SYSTEMS
    )
    reg = registry()
    keys = [k for k in str(ds.attrs.get("parameters", "")).split(",") if k]
    program = str(ds.attrs.get("program", ""))
    return ReportData(
        person=json.loads(str(ds.attrs["person"])),
        program=json.loads(program) if program else None,
        program_label=program_label,
        years=float(ds.attrs["years"]),
        draws=int(ds.attrs["draws"]),
        seed=int(ds.attrs["seed"]),
        version=str(ds.attrs["myotwin_version"]),
        outcomes=outcomes,
        systems=systems,
        key_points=_key_points(outcomes),
        claims=tuple(_claim(c, outcomes) for c in content.CLAIMS),
        references=tuple(reg.citations(keys)),
        parameter_count=len(keys),
        low_certainty=tuple(n for n, o in outcomes.items() if o.certainty == "low"),
    )
