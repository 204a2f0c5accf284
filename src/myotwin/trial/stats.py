"""Trial statistics from simulated per-participant arrays (TRIAL-SPEC.md, "Meaning of the numbers").

Every input array has shape (R, n): replicates by participants of one arm. Every statistic is
computed per replicate and then summarised over replicates: ``mean`` is the mean over replicates,
``lo95``/``hi95`` numpy's default (linear) 2.5th/97.5th percentiles, and a within-arm ``sd`` is the
per-replicate sample SD (ddof = 1) across participants, root-mean-square over replicates.

Results are plain dicts of Python floats, with ``None`` wherever a value is undefined, so they can
go into JSON unchanged (the contract forbids NaN and Infinity).

Undefined per-replicate values are handled in one of two ways, on purpose:

* arm statistics (level, rate, peak) drop a replicate in which nobody could be measured (everyone
  died, nobody had a session in the window): a real trial in that state reports nothing, and the
  summary is over the trials that could report. Only when no replicate is left is it ``None``.
* ratios (``rate_ratio``, ``risk_ratio``) are ``None`` as a whole when any replicate's ratio is
  undefined or infinite (control with no events). Dropping those replicates would keep only the
  trials whose control happened to have events and bias the interval downwards, and an interval
  with an infinite end is not a number JSON can hold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypedDict, get_args

import numpy as np
import numpy.typing as npt

from myotwin.trial.spec import RATIO_STATISTICS, Statistic

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

Stat = dict[str, float | None]
"""One statistic: some of ``mean``, ``sd``, ``lo95``, ``hi95`` (a JSON object)."""
StatBlock = dict[str, Stat | None]
"""The statistics of one outcome in one arm, or of one contrast, keyed by statistic name."""

Z95 = 1.96
"""Normal quantile of a two-sided 95 % interval; an interval is 2 × 1.96 = 3.92 SEs wide."""

STATISTICS: frozenset[str] = frozenset(get_args(Statistic))
STATISTICS = frozenset(
    {
        "change",
        "pct_change",
        "change_diff",
        "pct_change_diff",
        "smd",
        "rate",
        "rate_ratio",
        "proportion",
        "risk_ratio",
        "peak",
    }
)


# --------------------------------------------------------------------------------------------
# Inputs


def _as_2d(name: str, values: npt.ArrayLike, dtype: type) -> npt.NDArray[Any]:
    array: npt.NDArray[Any] = np.asarray(values, dtype=dtype)
    if array.ndim != 2:
        raise ValueError(f"{name} must have shape (replicates, participants), got {array.shape}")
    return array


def _same_shape(**arrays: npt.NDArray[Any]) -> None:
    shapes = {name: a.shape for name, a in arrays.items()}
    if len(set(shapes.values())) != 1:
        raise ValueError(f"arrays of one arm must share their shape, got {shapes}")


@dataclass(frozen=True)
class LevelSamples:
    """A level outcome in one arm: measured ``baseline`` and ``end``, ``alive`` on day D."""

    baseline: FloatArray
    end: FloatArray
    alive: BoolArray
    sd_units: bool = False

    def __post_init__(self) -> None:
        # Frozen dataclass: coerce through object.__setattr__ so callers may pass lists.
        object.__setattr__(self, "baseline", _as_2d("baseline", self.baseline, np.float64))
        object.__setattr__(self, "end", _as_2d("end", self.end, np.float64))
        object.__setattr__(self, "alive", _as_2d("alive", self.alive, np.bool_))
        _same_shape(baseline=self.baseline, end=self.end, alive=self.alive)


@dataclass(frozen=True)
class RateSamples:
    """A rate outcome in one arm: ``events`` on days 0 … D−1 and ``person_years`` at risk."""

    events: FloatArray
    person_years: FloatArray

    def __post_init__(self) -> None:
        object.__setattr__(self, "events", _as_2d("events", self.events, np.float64))
        object.__setattr__(
            self, "person_years", _as_2d("person_years", self.person_years, np.float64)
        )
        _same_shape(events=self.events, person_years=self.person_years)


@dataclass(frozen=True)
class ProportionSamples:
    """A proportion outcome in one arm: whether each participant had ``any_event``."""

    any_event: BoolArray

    def __post_init__(self) -> None:
        object.__setattr__(self, "any_event", _as_2d("any_event", self.any_event, np.bool_))


@dataclass(frozen=True)
class PeakSamples:
    """A session-peak outcome in one arm: ``peak`` (NaN: no session in the window), ``resting``."""

    peak: FloatArray
    resting: FloatArray

    def __post_init__(self) -> None:
        object.__setattr__(self, "peak", _as_2d("peak", self.peak, np.float64))
        object.__setattr__(self, "resting", _as_2d("resting", self.resting, np.float64))
        _same_shape(peak=self.peak, resting=self.resting)


# --------------------------------------------------------------------------------------------
# Small helpers


def finite_or_none(value: float | np.floating[Any] | None) -> float | None:
    """``value`` as a Python float, or ``None`` when it is missing, NaN or infinite."""
    if value is None:
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def hedges_j(n: int) -> float:
    """Hedges' small-sample correction for two arms of ``n``: 1 − 3 / (8n − 9)."""
    if n < 2:
        raise ValueError(f"an SMD needs at least 2 participants per arm, got {n}")
    return 1.0 - 3.0 / (8.0 * n - 9.0)


def _masked_mean_sd(
    values: FloatArray, mask: BoolArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-replicate mean, sample SD and count over the participants in ``mask``.

    NaN where undefined (no participant for the mean, fewer than two for the SD).
    """
    count = mask.sum(axis=1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        # np.where keeps excluded participants (dead, NaN, inf) out of every sum.
        mean = np.where(mask, values, 0.0).sum(axis=1) / count
        deviation = np.where(mask, values - mean[:, None], 0.0)
        variance = (deviation**2).sum(axis=1) / (count - 1.0)
    mean[count < 1] = np.nan
    variance[count < 2] = np.nan
    return mean, np.sqrt(variance), count


def _finite(values: FloatArray) -> FloatArray:
    return values[np.isfinite(values)]


def _interval(per_replicate: FloatArray) -> Stat:
    """Mean and 95 % percentile interval over the replicates where the statistic is defined."""
    values = _finite(per_replicate)
    if values.size == 0:
        return {"mean": None, "lo95": None, "hi95": None}
    lo, hi = np.percentile(values, [2.5, 97.5])
    return {
        "mean": finite_or_none(values.mean()),
        "lo95": finite_or_none(lo),
        "hi95": finite_or_none(hi),
    }


def _strict_interval(per_replicate: FloatArray) -> Stat:
    """Like ``_interval`` but all ``None`` when any replicate is undefined (used for ratios)."""
    if per_replicate.size == 0 or not np.isfinite(per_replicate).all():
        return {"mean": None, "lo95": None, "hi95": None}
    return _interval(per_replicate)


def _rms(per_replicate_sd: FloatArray) -> float | None:
    """Root-mean-square over the replicates where the SD is defined."""
    values = _finite(per_replicate_sd)
    if values.size == 0:
        return None
    return finite_or_none(np.sqrt(np.mean(values**2)))


def _mean(per_replicate: FloatArray) -> float | None:
    values = _finite(per_replicate)
    return finite_or_none(values.mean()) if values.size else None


def _with_sd(interval: Stat, sd: float | None) -> Stat:
    """Order the keys as the result schema shows them: mean, sd, lo95, hi95."""
    return {"mean": interval["mean"], "sd": sd, "lo95": interval["lo95"], "hi95": interval["hi95"]}


# --------------------------------------------------------------------------------------------
# Level outcomes


@dataclass(frozen=True)
class _LevelPerReplicate:
    """Per-replicate statistics of one arm over its participants alive on day D."""

    baseline_mean: FloatArray
    baseline_sd: FloatArray
    change_mean: FloatArray
    change_sd: FloatArray
    pct_mean: FloatArray
    pct_sd: FloatArray
    count: FloatArray


def _level_per_replicate(samples: LevelSamples) -> _LevelPerReplicate:
    # Level statistics (baseline included) use only participants alive on day D, so that baseline,
    # change and pct_change describe the same people (a completers analysis).
    change = samples.end - samples.baseline
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = 100.0 * change / samples.baseline
    # A participant whose pct_change is undefined (baseline 0) cannot enter that mean; changes of
    # measured participants are always finite.
    baseline_mean, baseline_sd, _ = _masked_mean_sd(samples.baseline, samples.alive)
    change_mean, change_sd, count = _masked_mean_sd(change, samples.alive)
    pct_mean, pct_sd, _ = _masked_mean_sd(pct, samples.alive & np.isfinite(pct))
    return _LevelPerReplicate(
        baseline_mean, baseline_sd, change_mean, change_sd, pct_mean, pct_sd, count
    )


def level_arm(samples: LevelSamples) -> StatBlock:
    """``baseline``, ``change`` and (unless in SD units) ``pct_change`` of one arm."""
    per = _level_per_replicate(samples)
    block: StatBlock = {
        "baseline": {"mean": _mean(per.baseline_mean), "sd": _rms(per.baseline_sd)},
        "change": _with_sd(_interval(per.change_mean), _rms(per.change_sd)),
    }
    if not samples.sd_units:
        block["pct_change"] = _with_sd(_interval(per.pct_mean), _rms(per.pct_sd))
    return block


def level_contrast(arm: LevelSamples, control: LevelSamples, n: int) -> StatBlock:
    """``change_diff``, ``pct_change_diff`` (unless SD units) and ``smd`` of arm versus control.

    ``n`` is ``participants_per_arm``, the n of Hedges' J.
    """
    if arm.baseline.shape[0] != control.baseline.shape[0]:
        raise ValueError("arm and control must have the same number of replicates")
    a = _level_per_replicate(arm)
    c = _level_per_replicate(control)
    change_diff = a.change_mean - c.change_mean
    # Pooled within-arm SD of change, weighted by each arm's degrees of freedom (the survivors);
    # with equal survivors it is √((s_arm² + s_control²) / 2).
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.sqrt(
            ((a.count - 1.0) * a.change_sd**2 + (c.count - 1.0) * c.change_sd**2)
            / (a.count + c.count - 2.0)
        )
        smd = change_diff / pooled * hedges_j(n)
    block: StatBlock = {"change_diff": _interval(change_diff)}
    if not (arm.sd_units or control.sd_units):
        block["pct_change_diff"] = _interval(a.pct_mean - c.pct_mean)
    block["smd"] = _interval(smd)
    return block


# --------------------------------------------------------------------------------------------
# Rate outcomes


def _rates(samples: RateSamples) -> FloatArray:
    with np.errstate(invalid="ignore", divide="ignore"):
        rates: FloatArray = samples.events.sum(axis=1) / samples.person_years.sum(axis=1)
    return rates


def rate_arm(samples: RateSamples) -> StatBlock:
    """``rate`` (events per person-year) and ``events`` (mean count per replicate) of one arm."""
    return {
        "rate": _interval(_rates(samples)),
        "events": {"mean": finite_or_none(samples.events.sum(axis=1).mean())},
    }


def rate_contrast(arm: RateSamples, control: RateSamples) -> StatBlock:
    """``rate_ratio`` = arm rate / control rate per replicate; all ``None`` if any is undefined."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = _rates(arm) / _rates(control)
    return {"rate_ratio": _strict_interval(ratio)}


# --------------------------------------------------------------------------------------------
# Proportion outcomes


def _proportions(samples: ProportionSamples) -> FloatArray:
    proportions: FloatArray = samples.any_event.mean(axis=1, dtype=np.float64)
    return proportions


def proportion_arm(samples: ProportionSamples) -> StatBlock:
    """``proportion`` of participants with any event in one arm."""
    return {"proportion": _interval(_proportions(samples))}


def proportion_contrast(arm: ProportionSamples, control: ProportionSamples) -> StatBlock:
    """``risk_ratio`` = arm / control proportion per replicate; all ``None`` if any is undefined."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = _proportions(arm) / _proportions(control)
    return {"risk_ratio": _strict_interval(ratio)}


# --------------------------------------------------------------------------------------------
# Session peaks


def peak_arm(samples: PeakSamples) -> StatBlock:
    """``peak`` over participants with a session in the window (``None`` if nobody ever had one)
    and ``resting``, the mean morning concentration on day D."""
    with_session = np.isfinite(samples.peak)
    peak_mean, peak_sd, _ = _masked_mean_sd(samples.peak, with_session)
    interval = _interval(peak_mean)
    peak = None if interval["mean"] is None else _with_sd(interval, _rms(peak_sd))
    resting_mean, _, _ = _masked_mean_sd(samples.resting, np.isfinite(samples.resting))
    return {"peak": peak, "resting": {"mean": _mean(resting_mean)}}


# --------------------------------------------------------------------------------------------
# Validation against published results


class ValidationRow(TypedDict):
    model: Stat | None
    chance_width: float | None
    agrees: bool
    sharp: bool | None


def _sqrt_or_none(value: float) -> float | None:
    return finite_or_none(math.sqrt(value)) if value >= 0 else None


def chance_width(
    statistic: str,
    *,
    published: float,
    n: int,
    years: float | None = None,
    sd_arm: float | None = None,
    sd_control: float | None = None,
    expected_arm: float | None = None,
    expected_control: float | None = None,
) -> float | None:
    """W, the 95 % interval width that chance alone gives a trial of ``n`` per arm (spec table).

    ``sd_arm``/``sd_control`` are the s of the table (the published ``sd`` when given, else the
    model's within-arm SD; see ``validation_row``). For ratios W is on the log scale and
    ``expected_*`` are the event counts E; ``None`` when an input it needs is missing or E is 0.
    """
    if statistic not in STATISTICS:
        raise ValueError(f"unknown statistic {statistic!r}")
    if n < 1:
        raise ValueError(f"n must be positive, got {n}")
    width = 2.0 * Z95
    if statistic in ("change", "pct_change", "peak"):
        if sd_arm is None:
            return None
        return finite_or_none(width * sd_arm / math.sqrt(n))
    if statistic in ("change_diff", "pct_change_diff"):
        if sd_arm is None or sd_control is None:
            return None
        root = _sqrt_or_none(sd_arm**2 + sd_control**2)
        return None if root is None else finite_or_none(width * root / math.sqrt(n))
    if statistic == "smd":
        root = _sqrt_or_none(2.0 / n + published**2 / (4.0 * n))
        return None if root is None else width * root
    if statistic == "proportion":
        root = _sqrt_or_none(published * (1.0 - published) / n)
        return None if root is None else width * root
    if statistic == "rate":
        if years is None or years <= 0:
            return None
        root = _sqrt_or_none(published / (n * years))
        return None if root is None else width * root
    # rate_ratio, risk_ratio: W on the log scale from the expected event counts.
    if expected_arm is None or expected_control is None:
        return None
    if expected_arm <= 0 or expected_control <= 0:
        return None
    return finite_or_none(width * math.sqrt(1.0 / expected_arm + 1.0 / expected_control))


def model_sd(statistic: str, arm_result: Mapping[str, Any]) -> float | None:
    """The model's within-arm SD that the W of ``statistic`` uses, read from an arm's result
    (``level_arm``/``peak_arm`` output): change SD for change rows, pct_change SD for pct rows,
    peak SD for peak rows; ``None`` for every other statistic or when absent."""
    key = {
        "change": "change",
        "change_diff": "change",
        "pct_change": "pct_change",
        "pct_change_diff": "pct_change",
        "peak": "peak",
    }.get(statistic)
    block = arm_result.get(key) if key else None
    return finite_or_none(block.get("sd")) if isinstance(block, Mapping) else None


def expected_events(arm_result: Mapping[str, Any], n: int) -> float | None:
    """E of a ratio's W: ``events.mean`` of a rate arm, ``proportion.mean`` × n of a proportion
    arm (``rate_arm``/``proportion_arm`` output); ``None`` when it is not there."""
    events = arm_result.get("events")
    if isinstance(events, Mapping):
        return finite_or_none(events.get("mean"))
    proportion = arm_result.get("proportion")
    if isinstance(proportion, Mapping):
        mean = finite_or_none(proportion.get("mean"))
        return None if mean is None else mean * n
    return None


def validation_row(
    statistic: str,
    published: float,
    model: Mapping[str, Any] | None,
    *,
    n: int,
    years: float,
    published_lo95: float | None = None,
    published_hi95: float | None = None,
    published_sd: float | None = None,
    sd_arm: float | None = None,
    sd_control: float | None = None,
    expected_arm: float | None = None,
    expected_control: float | None = None,
) -> ValidationRow:
    """``model``, ``chance_width``, ``agrees`` and ``sharp`` of one ``[[published]]`` entry.

    ``model`` is the model's summary of ``statistic`` (``None``: outcome not modelled);
    ``years`` is T = D / 365.25; ``sd_arm``/``sd_control`` are the model's within-arm SDs of the
    relevant quantity (see ``model_sd``), replaced by ``published_sd`` when given;
    ``expected_*`` are the ratios' E (see ``expected_events``).
    """
    if statistic not in STATISTICS:
        raise ValueError(f"unknown statistic {statistic!r}")
    if model is None:
        return {"model": None, "chance_width": None, "agrees": False, "sharp": None}

    summary: Stat = {key: finite_or_none(model.get(key)) for key in ("mean", "lo95", "hi95")}
    if published_sd is not None:
        # A published SD stands for both arms of a contrast (spec: s_arm = s_control = sd).
        sd_arm = sd_control = published_sd
    w = chance_width(
        statistic,
        published=published,
        n=n,
        years=years,
        sd_arm=sd_arm,
        sd_control=sd_control,
        expected_arm=expected_arm,
        expected_control=expected_control,
    )
    lo, hi = summary["lo95"], summary["hi95"]
    agrees = lo is not None and hi is not None and lo <= published <= hi

    sharp: bool
    if statistic in RATIO_STATISTICS:
        if w is None or lo is None or hi is None or lo <= 0:
            # E = 0 in either arm (spec: sharp false), or an interval with no finite log width.
            sharp = False
        else:
            paper_log = (
                math.log(published_hi95 / published_lo95)
                if published_lo95 is not None and published_hi95 is not None and published_lo95 > 0
                else 0.0
            )
            sharp = math.log(hi / lo) <= 2.0 * max(paper_log, w)
    else:
        paper_width = (
            published_hi95 - published_lo95
            if published_lo95 is not None and published_hi95 is not None
            else None
        )
        allowances = [x for x in (paper_width, w) if x is not None]
        if lo is None or hi is None or not allowances:
            # No interval, or nothing to measure it against: it cannot count as sharp.
            sharp = False
        else:
            sharp = hi - lo <= 2.0 * max(allowances)
    return {"model": summary, "chance_width": w, "agrees": agrees, "sharp": sharp}
