"""Trial statistics against values worked out by hand on tiny arrays (TRIAL-SPEC.md)."""

from __future__ import annotations

import json
import math
from statistics import mean, stdev
from typing import Any

import numpy as np
import pytest

from myotwin.trial.stats import (
    LevelSamples,
    PeakSamples,
    ProportionSamples,
    RateSamples,
    chance_width,
    expected_events,
    finite_or_none,
    hedges_j,
    level_arm,
    level_contrast,
    model_sd,
    peak_arm,
    proportion_arm,
    proportion_contrast,
    rate_arm,
    rate_contrast,
    validation_row,
)

NAN = float("nan")


# The sample classes take arrays; these build them from the nested lists the tests write by hand.
def level(baseline: Any, end: Any, alive: Any, sd_units: bool = False) -> LevelSamples:
    return LevelSamples(
        np.asarray(baseline, dtype=float), np.asarray(end, dtype=float), np.asarray(alive), sd_units
    )


def rates(events: Any, person_years: Any) -> RateSamples:
    return RateSamples(np.asarray(events, dtype=float), np.asarray(person_years, dtype=float))


def proportions(any_event: Any) -> ProportionSamples:
    return ProportionSamples(np.asarray(any_event, dtype=bool))


def peaks(peak: Any, resting: Any) -> PeakSamples:
    return PeakSamples(np.asarray(peak, dtype=float), np.asarray(resting, dtype=float))


def pct(values: list[float], q: float) -> float:
    """numpy's default (linear) percentile written out: rank q/100 × (m − 1) between order stats."""
    ordered = sorted(values)
    rank = q / 100 * (len(ordered) - 1)
    below = math.floor(rank)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (rank - below) * (ordered[above] - ordered[below])


def rms(values: list[float]) -> float:
    return math.sqrt(sum(v * v for v in values) / len(values))


def assert_json_safe(obj: Any) -> None:
    """No NaN or infinity anywhere, and only plain Python types."""
    json.dumps(obj, allow_nan=False)
    if isinstance(obj, dict):
        for value in obj.values():
            assert_json_safe(value)
    else:
        assert obj is None or type(obj) in (float, bool, int), repr(obj)


def test_pct_helper_matches_hand_values() -> None:
    # 2.5th of [1, 2, 4]: rank 0.05 → 1.05; 97.5th: rank 1.95 → 2 + 0.95 × 2 = 3.9.
    assert pct([4, 1, 2], 2.5) == pytest.approx(1.05)
    assert pct([4, 1, 2], 97.5) == pytest.approx(3.9)


# --------------------------------------------------------------------------------------------
# Level


# Replicate 0: changes [1, 2, 0], pct [10, 10, 0]; replicate 1: changes [3, 1, 5], pct [30, 5, 10].
BASELINE = [[10.0, 20.0, 40.0], [10.0, 20.0, 50.0]]
END = [[11.0, 22.0, 40.0], [13.0, 21.0, 55.0]]


def test_level_arm_change_pct_change_and_baseline() -> None:
    result = level_arm(level(BASELINE, END, np.ones((2, 3), dtype=bool)))
    assert_json_safe(result)

    change = result["change"]
    assert change is not None
    assert list(change) == ["mean", "sd", "lo95", "hi95"]
    # Per-replicate means 1 and 3; SDs 1 and 2.
    assert change["mean"] == pytest.approx(2.0)
    assert change["sd"] == pytest.approx(math.sqrt((1.0 + 4.0) / 2))
    assert change["lo95"] == pytest.approx(1.0 + 0.025 * 2.0)
    assert change["hi95"] == pytest.approx(1.0 + 0.975 * 2.0)

    pct_change = result["pct_change"]
    assert pct_change is not None
    means = [20.0 / 3.0, 15.0]  # mean of participant percentages, not % change of the means
    assert pct_change["mean"] == pytest.approx(mean(means))
    assert pct_change["sd"] == pytest.approx(rms([stdev([10, 10, 0]), stdev([30, 5, 10])]))
    assert pct_change["lo95"] == pytest.approx(pct(means, 2.5))
    assert pct_change["hi95"] == pytest.approx(pct(means, 97.5))

    baseline = result["baseline"]
    assert baseline is not None
    assert baseline["mean"] == pytest.approx(mean([70 / 3, 80 / 3]))
    assert baseline["sd"] == pytest.approx(rms([stdev(BASELINE[0]), stdev(BASELINE[1])]))
    assert set(baseline) == {"mean", "sd"}


def test_level_arm_percent_is_mean_of_participant_percentages() -> None:
    # Changes [1, 2] on baselines [1, 100]: participants 100 % and 2 %, mean 51 %;
    # the % change of the arm means would be 3 / 101 ≈ 3 %.
    result = level_arm(level([[1.0, 100.0]], [[2.0, 102.0]], [[True, True]]))
    assert result["pct_change"] is not None
    assert result["pct_change"]["mean"] == pytest.approx(51.0)


def test_level_arm_excludes_the_dead() -> None:
    # A fourth participant who died: wild baseline, no end value. Must change nothing.
    baseline = [[*row, 1000.0] for row in BASELINE]
    end = [[*row, NAN] for row in END]
    alive = [[True, True, True, False], [True, True, True, False]]
    with_dead = level_arm(level(baseline, end, alive))
    without = level_arm(level(BASELINE, END, np.ones((2, 3), dtype=bool)))
    assert with_dead.keys() == without.keys()
    for key, block in without.items():
        assert with_dead[key] == pytest.approx(block)
    assert_json_safe(with_dead)


def test_level_arm_sd_units_has_no_pct() -> None:
    result = level_arm(level(BASELINE, END, np.ones((2, 3), dtype=bool), sd_units=True))
    assert set(result) == {"baseline", "change"}


def test_level_arm_drops_replicates_where_nobody_survived() -> None:
    alive = [[True, True, True], [False, False, False]]
    result = level_arm(level(BASELINE, END, alive))
    assert result["change"] == pytest.approx({"mean": 1.0, "sd": 1.0, "lo95": 1.0, "hi95": 1.0})
    everyone_dead = level_arm(level(BASELINE, END, np.zeros((2, 3), dtype=bool)))
    assert everyone_dead["change"] == {"mean": None, "sd": None, "lo95": None, "hi95": None}
    assert_json_safe(everyone_dead)


def test_level_arm_zero_baseline_never_gives_inf() -> None:
    result = level_arm(level([[0.0, 10.0]], [[1.0, 11.0]], [[True, True]]))
    assert_json_safe(result)
    assert result["pct_change"] is not None
    assert result["pct_change"]["mean"] == pytest.approx(10.0)  # the 0-baseline person cannot enter


def test_hedges_j() -> None:
    assert hedges_j(2) == pytest.approx(1 - 3 / 7)
    assert hedges_j(50) == pytest.approx(1 - 3 / 391)
    with pytest.raises(ValueError):
        hedges_j(1)


def test_level_contrast_diffs_and_smd() -> None:
    # Arm changes: rep0 [1, 3] (mean 2, var 2), rep1 [2, 6] (mean 4, var 8).
    # Control changes: rep0 [0, 0] (mean 0, var 0), rep1 [1, −1] (mean 0, var 2).
    arm = level([[10, 10], [20, 20]], [[11, 13], [22, 26]], np.ones((2, 2), dtype=bool))
    control = level([[10, 10], [10, 10]], [[10, 10], [11, 9]], np.ones((2, 2), dtype=bool))
    result = level_contrast(arm, control, n=2)
    assert_json_safe(result)
    assert list(result) == ["change_diff", "pct_change_diff", "smd"]

    assert result["change_diff"] == pytest.approx(
        {"mean": 3.0, "lo95": 2.0 + 0.025 * 2, "hi95": 2.0 + 0.975 * 2}
    )
    # pct: arm [10, 30] and [10, 30] → 20 both; control [0, 0] → 0 and [10, −10] → 0.
    assert result["pct_change_diff"] == pytest.approx({"mean": 20.0, "lo95": 20.0, "hi95": 20.0})

    j = 1 - 3 / (8 * 2 - 9)
    smd = [2.0 / math.sqrt((2 + 0) / 2) * j, 4.0 / math.sqrt((8 + 2) / 2) * j]
    assert result["smd"] == pytest.approx(
        {"mean": mean(smd), "lo95": pct(smd, 2.5), "hi95": pct(smd, 97.5)}
    )


def test_level_contrast_pools_by_survivors() -> None:
    # Arm: 3 alive, changes [0, 1, 2] (var 1). Control: 2 of 3 alive, changes [0, 4] (var 8).
    arm = level([[1, 1, 1]], [[1, 2, 3]], [[True, True, True]])
    control = level([[1, 1, 1]], [[1, 5, 99]], [[True, True, False]])
    result = level_contrast(arm, control, n=3)
    pooled = math.sqrt((2 * 1.0 + 1 * 8.0) / (3 + 2 - 2))
    expected = (1.0 - 2.0) / pooled * (1 - 3 / (8 * 3 - 9))
    assert result["smd"] is not None
    assert result["smd"]["mean"] == pytest.approx(expected)
    assert result["change_diff"] is not None
    assert result["change_diff"]["mean"] == pytest.approx(-1.0)


def test_level_contrast_sd_units_has_no_pct_diff() -> None:
    ones = np.ones((2, 3), dtype=bool)
    arm = level(BASELINE, END, ones, sd_units=True)
    result = level_contrast(arm, arm, n=3)
    assert set(result) == {"change_diff", "smd"}


# --------------------------------------------------------------------------------------------
# Rates and proportions


def test_rate_arm_and_rate_ratio() -> None:
    # Arm rates per replicate: 3/3 = 1, 4/2 = 2, 8/2 = 4. Control: 2, 2, 2.
    arm = rates([[1, 2], [3, 1], [4, 4]], [[1.5, 1.5], [1.0, 1.0], [1.5, 0.5]])
    control = rates([[2, 2], [1, 3], [0, 4]], [[1, 1], [1, 1], [0.5, 1.5]])
    result = rate_arm(arm)
    assert_json_safe(result)
    assert result["rate"] == pytest.approx({"mean": 7 / 3, "lo95": 1.05, "hi95": 3.9})
    assert result["events"] == pytest.approx({"mean": (3 + 4 + 8) / 3})

    ratios = [0.5, 1.0, 2.0]
    contrast = rate_contrast(arm, control)
    assert contrast["rate_ratio"] == pytest.approx(
        {"mean": mean(ratios), "lo95": pct(ratios, 2.5), "hi95": pct(ratios, 97.5)}
    )


def test_rate_ratio_is_null_when_a_control_replicate_has_no_events() -> None:
    arm = rates([[1, 2], [0, 0]], [[1, 1], [1, 1]])
    control = rates([[1, 1], [0, 0]], [[1, 1], [1, 1]])  # replicate 1: 0 / 0
    contrast = rate_contrast(arm, control)
    assert contrast == {"rate_ratio": {"mean": None, "lo95": None, "hi95": None}}
    control_zero = rates([[0, 0], [0, 0]], [[1, 1], [1, 1]])  # x / 0 = inf
    contrast = rate_contrast(arm, control_zero)
    assert contrast["rate_ratio"] == {"mean": None, "lo95": None, "hi95": None}
    assert_json_safe(contrast)
    assert_json_safe(rate_arm(control_zero))
    assert rate_arm(control_zero)["rate"] == {"mean": 0.0, "lo95": 0.0, "hi95": 0.0}


def test_proportion_arm_and_risk_ratio() -> None:
    arm = proportions([[True, False, False, False], [True, True, False, False]])
    control = proportions([[True, True, False, False], [False, True, False, True]])
    result = proportion_arm(arm)
    assert_json_safe(result)
    assert result["proportion"] == pytest.approx(
        {"mean": 0.375, "lo95": 0.25 + 0.025 * 0.25, "hi95": 0.25 + 0.975 * 0.25}
    )
    contrast = proportion_contrast(arm, control)
    assert contrast["risk_ratio"] == pytest.approx(
        {"mean": 0.75, "lo95": 0.5 + 0.025 * 0.5, "hi95": 0.5 + 0.975 * 0.5}
    )


def test_risk_ratio_is_null_when_control_has_none() -> None:
    arm = proportions([[True, False], [True, True]])
    control = proportions([[True, False], [False, False]])
    contrast = proportion_contrast(arm, control)
    assert contrast["risk_ratio"] == {"mean": None, "lo95": None, "hi95": None}
    assert_json_safe(contrast)


# --------------------------------------------------------------------------------------------
# Peaks


def test_peak_arm_with_missing_sessions() -> None:
    peak_values = [[2.0, NAN, 4.0], [NAN, 5.0, NAN], [1.0, 2.0, 3.0]]
    resting = [[0.1, 0.2, 0.3], [0.2, 0.2, 0.2], [0.4, 0.4, 0.4]]
    result = peak_arm(peaks(peak_values, resting))
    assert_json_safe(result)
    means = [3.0, 5.0, 2.0]
    assert result["peak"] == pytest.approx(
        {
            "mean": 10 / 3,
            # replicate 1 has one session: its mean counts, its SD is undefined and left out
            "sd": rms([math.sqrt(2.0), 1.0]),
            "lo95": pct(means, 2.5),
            "hi95": pct(means, 97.5),
        }
    )
    assert list(result["peak"] or {}) == ["mean", "sd", "lo95", "hi95"]
    assert result["resting"] == pytest.approx({"mean": mean([0.2, 0.2, 0.4])})


def test_peak_arm_drops_replicates_without_sessions_and_is_null_without_any() -> None:
    some = peak_arm(peaks([[2.0, 4.0], [NAN, NAN]], [[0.1, 0.1], [0.1, 0.1]]))
    assert some["peak"] == pytest.approx(
        {"mean": 3.0, "sd": math.sqrt(2.0), "lo95": 3.0, "hi95": 3.0}
    )
    none = peak_arm(peaks([[NAN, NAN], [NAN, NAN]], [[0.1, 0.3], [0.1, 0.3]]))
    assert none["peak"] is None
    assert none["resting"] == pytest.approx({"mean": 0.2})
    assert_json_safe(none)


# --------------------------------------------------------------------------------------------
# Chance width: one test per row of the spec's table


def test_chance_width_change_and_pct_change() -> None:
    for statistic in ("change", "pct_change"):
        assert chance_width(statistic, published=0.0, n=16, sd_arm=2.0) == pytest.approx(
            3.92 * 2.0 / math.sqrt(16)
        )
        assert chance_width(statistic, published=0.0, n=16) is None  # no s at all


def test_chance_width_diffs() -> None:
    for statistic in ("change_diff", "pct_change_diff"):
        w = chance_width(statistic, published=1.0, n=25, sd_arm=3.0, sd_control=4.0)
        assert w == pytest.approx(3.92 * math.sqrt(3.0**2 + 4.0**2) / math.sqrt(25))


def test_chance_width_smd() -> None:
    g, n = 0.5, 20
    w = chance_width("smd", published=g, n=n)
    assert w == pytest.approx(3.92 * math.sqrt(2 / n + g**2 / (4 * n)))


def test_chance_width_proportion() -> None:
    p, n = 0.3, 50
    assert chance_width("proportion", published=p, n=n) == pytest.approx(
        3.92 * math.sqrt(p * (1 - p) / n)
    )


def test_chance_width_rate() -> None:
    r, n, years = 0.6, 50, 0.5
    assert chance_width("rate", published=r, n=n, years=years) == pytest.approx(
        3.92 * math.sqrt(r / (n * years))
    )


def test_chance_width_ratios() -> None:
    for statistic in ("rate_ratio", "risk_ratio"):
        w = chance_width(statistic, published=0.8, n=50, expected_arm=20.0, expected_control=30.0)
        assert w == pytest.approx(3.92 * math.sqrt(1 / 20 + 1 / 30))
        assert (
            chance_width(statistic, published=0.8, n=50, expected_arm=0.0, expected_control=30.0)
            is None
        )
        assert (
            chance_width(statistic, published=0.8, n=50, expected_arm=20.0, expected_control=0.0)
            is None
        )


def test_chance_width_peak() -> None:
    assert chance_width("peak", published=6.1, n=49, sd_arm=4.9) == pytest.approx(
        3.92 * 4.9 / math.sqrt(49)
    )


def test_chance_width_rejects_unknown_statistic() -> None:
    with pytest.raises(ValueError):
        chance_width("median", published=1.0, n=10)


# --------------------------------------------------------------------------------------------
# Validation rows


def test_validation_row_spec_example() -> None:
    # The spec's LIFTMOR row: published 4.1 (sd 2.8), model 4.0 [2.8, 5.3], n = 50.
    row = validation_row(
        "pct_change_diff",
        4.1,
        {"mean": 4.0, "lo95": 2.8, "hi95": 5.3},
        n=50,
        years=245 / 365.25,
        published_sd=2.8,
        sd_arm=100.0,  # the published sd wins over the model's for both arms
        sd_control=100.0,
    )
    w = 3.92 * math.sqrt(2.8**2 + 2.8**2) / math.sqrt(50)
    assert row["chance_width"] == pytest.approx(w)
    assert round(w, 1) == 2.2
    assert row["agrees"] is True
    assert row["sharp"] is True  # 2.5 ≤ 2 × 2.195
    assert row["model"] == {"mean": 4.0, "lo95": 2.8, "hi95": 5.3}
    assert_json_safe(dict(row))


def test_validation_row_uses_model_sd_without_published_sd() -> None:
    model = {"mean": 0.02, "sd": 0.05, "lo95": 0.01, "hi95": 0.03}
    row = validation_row("change", 0.03, model, n=25, years=1.0, sd_arm=0.05)
    assert row["chance_width"] == pytest.approx(3.92 * 0.05 / 5)
    assert row["agrees"] is True  # the boundary counts as inside
    assert row["sharp"] is True  # 0.02 ≤ 2 × 0.0392
    assert row["model"] == {"mean": 0.02, "lo95": 0.01, "hi95": 0.03}  # no sd in the row


def test_validation_row_not_sharp_until_paper_interval_widens_allowance() -> None:
    model = {"mean": 1.0, "lo95": -1.0, "hi95": 3.0}  # width 4
    w = 3.92 * 1.0 / math.sqrt(16)  # 0.98: 2W = 1.96 < 4
    row = validation_row("peak", 5.0, model, n=16, years=1.0, sd_arm=1.0)
    assert row["chance_width"] == pytest.approx(w)
    assert row["agrees"] is False
    assert row["sharp"] is False
    # A paper interval of width 2.5: allowance 2 × max(2.5, 0.98) = 5 ≥ 4.
    row = validation_row(
        "peak", 1.5, model, n=16, years=1.0, sd_arm=1.0, published_lo95=0.5, published_hi95=3.0
    )
    assert row["agrees"] is True
    assert row["sharp"] is True
    # A narrow paper interval does not shrink the allowance below 2W.
    row = validation_row(
        "peak",
        1.5,
        {"mean": 1.0, "lo95": 0.1, "hi95": 2.0},
        n=16,
        years=1.0,
        sd_arm=1.0,
        published_lo95=1.4,
        published_hi95=1.6,
    )
    assert row["sharp"] is True  # 1.9 ≤ 2 × 0.98


def test_validation_row_smd_proportion_rate() -> None:
    row = validation_row("smd", 0.5, {"mean": 0.4, "lo95": 0.0, "hi95": 0.8}, n=20, years=1.0)
    assert row["chance_width"] == pytest.approx(3.92 * math.sqrt(2 / 20 + 0.25 / 80))
    assert (row["agrees"], row["sharp"]) == (True, True)
    row = validation_row("proportion", 0.5, {"mean": 0.3, "lo95": 0.2, "hi95": 0.4}, n=50, years=1)
    assert row["chance_width"] == pytest.approx(3.92 * math.sqrt(0.25 / 50))
    assert (row["agrees"], row["sharp"]) == (False, True)
    row = validation_row("rate", 0.6, {"mean": 0.6, "lo95": 0.1, "hi95": 1.9}, n=50, years=0.5)
    w = 3.92 * math.sqrt(0.6 / 25)  # ≈ 0.607: 2W ≈ 1.21 < 1.8
    assert row["chance_width"] == pytest.approx(w)
    assert (row["agrees"], row["sharp"]) == (True, False)


def test_validation_row_ratio_on_log_scale() -> None:
    w = 3.92 * math.sqrt(1 / 20 + 1 / 30)  # ≈ 1.1316, 2W ≈ 2.263
    kwargs: dict[str, Any] = {"n": 50, "years": 1.0, "expected_arm": 20.0, "expected_control": 30.0}
    row = validation_row("rate_ratio", 1.0, {"mean": 1.0, "lo95": 0.5, "hi95": 2.0}, **kwargs)
    assert row["chance_width"] == pytest.approx(w)
    assert (row["agrees"], row["sharp"]) == (True, True)  # log 4 ≈ 1.386 ≤ 2.263
    # Linear width 0.9 would look sharp; on the log scale log 10 ≈ 2.303 > 2.263 is not.
    narrow_linear = {"mean": 0.4, "lo95": 0.1, "hi95": 1.0}
    row = validation_row("risk_ratio", 0.5, narrow_linear, **kwargs)
    assert (row["agrees"], row["sharp"]) == (True, False)
    # A paper interval [0.3, 1.2] (log 4 ≈ 1.386 > W) widens the allowance to ≈ 2.77.
    row = validation_row(
        "risk_ratio", 0.5, narrow_linear, published_lo95=0.3, published_hi95=1.2, **kwargs
    )
    assert (row["agrees"], row["sharp"]) == (True, True)
    assert row["chance_width"] == pytest.approx(w)  # W itself stays the chance width


def test_validation_row_ratio_with_no_expected_events() -> None:
    row = validation_row(
        "rate_ratio",
        1.0,
        {"mean": 1.0, "lo95": 0.9, "hi95": 1.1},
        n=50,
        years=1.0,
        published_lo95=0.1,
        published_hi95=10.0,
        expected_arm=5.0,
        expected_control=0.0,
    )
    assert row["chance_width"] is None
    assert row["sharp"] is False
    assert row["agrees"] is True


def test_validation_row_null_ratio_and_zero_lower_bound() -> None:
    kwargs: dict[str, Any] = {"n": 50, "years": 1.0, "expected_arm": 20.0, "expected_control": 2.0}
    row = validation_row("rate_ratio", 1.0, {"mean": None, "lo95": None, "hi95": None}, **kwargs)
    assert (row["agrees"], row["sharp"]) == (False, False)
    assert row["model"] == {"mean": None, "lo95": None, "hi95": None}
    row = validation_row("risk_ratio", 0.0, {"mean": 0.2, "lo95": 0.0, "hi95": 0.5}, **kwargs)
    assert (row["agrees"], row["sharp"]) == (True, False)  # log(0.5 / 0) is infinite
    assert_json_safe(dict(row))


def test_validation_row_not_modelled() -> None:
    row = validation_row("change", 1.0, None, n=50, years=1.0, published_sd=2.0)
    assert row == {"model": None, "chance_width": None, "agrees": False, "sharp": None}


def test_validation_row_rejects_unknown_statistic() -> None:
    with pytest.raises(ValueError):
        validation_row("mean", 1.0, None, n=50, years=1.0)


# --------------------------------------------------------------------------------------------
# Glue helpers and JSON safety


def test_model_sd_and_expected_events() -> None:
    level_result = level_arm(level(BASELINE, END, np.ones((2, 3), dtype=bool)))
    assert level_result["change"] is not None and level_result["pct_change"] is not None
    assert model_sd("change_diff", level_result) == level_result["change"]["sd"]
    assert model_sd("pct_change", level_result) == level_result["pct_change"]["sd"]
    assert model_sd("smd", level_result) is None
    peak = peak_arm(peaks([[2.0, 4.0]], [[0.1, 0.1]]))
    assert model_sd("peak", peak) == pytest.approx(math.sqrt(2.0))
    assert model_sd("peak", peak_arm(peaks([[NAN, NAN]], [[0.1, 0.1]]))) is None

    rate_result = rate_arm(rates([[1, 2], [3, 4]], [[1, 1], [1, 1]]))
    assert expected_events(rate_result, n=2) == pytest.approx(5.0)
    proportion_result = proportion_arm(proportions([[True, False], [True, True]]))
    assert expected_events(proportion_result, n=2) == pytest.approx(0.75 * 2)
    assert expected_events(level_result, n=2) is None


def test_finite_or_none() -> None:
    assert finite_or_none(np.float64(1.5)) == 1.5
    assert type(finite_or_none(np.float64(1.5))) is float
    assert finite_or_none(float("nan")) is None
    assert finite_or_none(float("inf")) is None
    assert finite_or_none(None) is None


def test_degenerate_inputs_stay_json_safe() -> None:
    dead = np.zeros((2, 2), dtype=bool)
    samples = level([[0.0, 0.0], [0.0, 0.0]], [[NAN, NAN], [NAN, NAN]], dead)
    assert_json_safe(level_arm(samples))
    assert_json_safe(level_contrast(samples, samples, n=2))
    no_time = rates([[0, 0], [0, 0]], [[0.0, 0.0], [0.0, 0.0]])
    assert_json_safe(rate_arm(no_time))
    assert_json_safe(rate_contrast(no_time, no_time))
    nobody = proportions(dead)
    assert_json_safe(proportion_arm(nobody))
    assert_json_safe(proportion_contrast(nobody, nobody))
    assert_json_safe(peak_arm(peaks([[NAN, NAN]], [[NAN, NAN]])))


def test_shapes_are_checked() -> None:
    with pytest.raises(ValueError):
        level([[1.0, 2.0]], [[1.0]], [[True]])
    with pytest.raises(ValueError):
        rates([1, 2], [1, 2])
