"""Population runs: the run file, the age/sex table, executors, streaming and the command."""

from __future__ import annotations

import copy
import dataclasses
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from _cli import run_cli
from myotwin.engine import DaskExecutor, ProcessExecutor, SerialExecutor
from myotwin.population import OUTCOMES, PopulationSpecError, parse_population, run_population
from myotwin.population.run import Sums, Task, draw_persons, run_task
from myotwin.population.structure import load_structure, shipped

EXAMPLE = resources.files("myotwin.data").joinpath("examples", "population.toml")


def example(**changes: Any) -> dict[str, Any]:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    # Small and short: a year, few persons; the whole file stays at tens of seconds.
    data.update({"persons": 120, "years": 1, "draws": 3, "seed": 5})
    data.update(changes)
    return data


@pytest.fixture(scope="module")
def small() -> Any:
    return parse_population(example())


@pytest.fixture(scope="module")
def serial_result(small: Any) -> Any:
    return run_population(small, SerialExecutor(), block_persons=50)


# ------------------------------------------------------------------------ file and table


def test_example_file_is_valid() -> None:
    spec = parse_population(tomllib.loads(EXAMPLE.read_text(encoding="utf-8")))
    assert spec.scenarios[spec.reference_index].name == "no_training"
    assert spec.population.diabetes.type2 == pytest.approx(0.12)


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"persons": 0}, "persons"),
        ({"structure": "atlantis"}, "structure"),
        ({"reference": "nope"}, "reference"),
        ({"population": {"diabetes": {"type3": 0.1}}}, "population.diabetes.type3"),
        ({"population": {"diabetes": {"type2": 0.7, "prediabetes": 0.5}}}, "population.diabetes"),
        ({"population": {"sex": "female"}}, "population.sex"),
        ({"population": {"height_cm": {"mean": 170}}}, "population.height_cm.sd"),
        (
            {"scenarios": [{"name": "a"}, {"name": "b", "programs": [{"share": 1.5}]}]},
            "scenarios.1.programs.0.share",
        ),
        (
            {"scenarios": [{"name": "a", "programs": [{"share": 0.5, "template": "zumba"}]}]},
            "scenarios.0.programs.0.template",
        ),
        ({"scenarios": [{"name": "a"}, {"name": "a"}]}, "scenarios.1.name"),
    ],
)
def test_bad_files_name_the_key(change: dict[str, Any], key: str) -> None:
    with pytest.raises(PopulationSpecError) as err:
        parse_population(example(**change))
    message = str(err.value)
    assert "\n" not in message
    assert key in message


def test_shipped_table_states_its_source_and_shares() -> None:
    assert "nl_2024_50plus" in shipped()
    table = load_structure("nl_2024_50plus")
    assert "CBS" in table.source and "CERTAINTY" in table.source
    assert table.age_min.min() == 50
    assert table.cumulative_share[-1] == 1.0
    assert np.all(np.diff(table.cumulative_share) >= 0)


def test_drawn_ages_and_sexes_follow_the_table() -> None:
    spec = parse_population(example(persons=20000))
    persons = draw_persons(spec, 0, 20000)
    table = load_structure(spec.structure)
    assert persons.age_years.min() >= 50 and persons.age_years.max() < 100
    share_80 = table.persons[table.age_min >= 80].sum() / table.total
    n = persons.n
    # Binomial tolerance: 4 standard errors.
    tol = 4 * np.sqrt(share_80 * (1 - share_80) / n)
    assert abs(np.mean(persons.age_years >= 80) - share_80) < tol
    female = table.persons[table.female].sum() / table.total
    assert abs(np.mean(persons.female) - female) < 4 * np.sqrt(0.25 / n)
    type2 = np.mean(persons.diabetes == 2)
    assert abs(type2 - 0.12) < 4 * np.sqrt(0.12 * 0.88 / n)


def test_persons_do_not_depend_on_the_split(small: Any) -> None:
    whole = draw_persons(small, 0, 120)
    part = draw_persons(small, 40, 90)
    for f in dataclasses.fields(whole):
        a, b = getattr(whole, f.name), getattr(part, f.name)
        if isinstance(a, dict):
            for k in a:
                np.testing.assert_array_equal(a[k][40:90], b[k])
        else:
            np.testing.assert_array_equal(a[40:90], b)


# ------------------------------------------------------------------------ the numbers


def _numbers(result: Any) -> list[tuple[Any, ...]]:
    return [tuple(row.values()) for row in result.rows]


def test_block_size_does_not_change_the_numbers(small: Any, serial_result: Any) -> None:
    other = run_population(small, SerialExecutor(), block_persons=120, batch_blocks=1)
    np.testing.assert_array_equal(other.sums.totals, serial_result.sums.totals)
    assert _numbers(other) == _numbers(serial_result)


def test_process_pool_gives_the_same_numbers(small: Any, serial_result: Any) -> None:
    result = run_population(small, ProcessExecutor(2), block_persons=50)
    assert _numbers(result) == _numbers(serial_result)


def test_dask_gives_the_same_numbers(small: Any, serial_result: Any) -> None:
    pytest.importorskip("distributed")
    with DaskExecutor("local", 2, processes=False) as ex:
        result = run_population(small, ex, block_persons=50)
    assert _numbers(result) == _numbers(serial_result)


def _malloc_settings(_: int) -> tuple[str | None, str | None]:
    return os.environ.get("MALLOC_MMAP_THRESHOLD_"), os.environ.get("MALLOC_TRIM_THRESHOLD_")


def test_local_dask_workers_keep_freed_arrays_for_reuse() -> None:
    # Dask's default trim threshold alone would switch off glibc's adaptive mmap threshold.
    pytest.importorskip("distributed")
    with DaskExecutor("local", 1) as ex:
        mmap, trim = ex.map(_malloc_settings, [0])[0]
    assert mmap is not None and int(mmap) >= 2**25
    assert trim is not None and int(trim) >= int(mmap)


def test_zero_share_equals_no_training(small: Any) -> None:
    data = example()
    zero = copy.deepcopy(data["scenarios"][1])
    zero["name"] = "nobody"
    zero["programs"][0]["share"] = 0.0
    data["scenarios"].append(zero)
    result = run_population(parse_population(data), block_persons=60)
    for outcome in OUTCOMES:
        for year in (0, 1):
            if year == 0 and outcome.kind in ("rate", "proportion"):
                continue
            a = result.value("no_training", outcome.name, year)
            b = result.value("nobody", outcome.name, year)
            assert (a["mean"], a["lo95"], a["hi95"]) == (b["mean"], b["lo95"], b["hi95"])
            assert b["diff_mean"] == 0.0


def test_training_women_gains_muscle(serial_result: Any) -> None:
    gain = serial_result.value("women_30pct_twice_weekly", "skeletal_muscle_mass", 1)
    assert gain["diff_mean"] > 0
    before = serial_result.value("women_30pct_twice_weekly", "skeletal_muscle_mass", 0)
    assert before["diff_mean"] == 0.0  # same persons at the start


def test_interval_brackets_the_mean(serial_result: Any) -> None:
    for row in serial_result.rows:
        if row["mean"] is not None and row["lo95"] is not None:
            # Pooled mean of near-equal draws lies within the range of the draws' means.
            assert row["lo95"] - 1e-9 <= row["mean"] <= row["hi95"] + 1e-9 or row["draws"] < 4


def test_blocks_return_sums_not_persons(small: Any) -> None:
    """Streaming: what a block sends back does not grow with its persons."""
    a = run_task(Task(small, 0, 10))
    b = run_task(Task(small, 0, 120))
    assert isinstance(b, Sums)
    assert a.totals.shape == b.totals.shape == (2, len(OUTCOMES), 2, 3)
    assert a.counts.shape == b.counts.shape
    assert b.persons == 120 and int(b.counts[0].sum()) == 120


# ------------------------------------------------------------------------ output and command


def test_parquet_round_trip(serial_result: Any, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "pop.parquet"
    serial_result.to_parquet(path)
    table = pq.read_table(path)
    assert table.num_rows == len(serial_result.rows)
    assert table.schema.metadata[b"schema"] == b"myotwin.population-result/1"
    rows = table.to_pylist()
    assert rows[0]["scenario"] == "no_training"
    assert {r["outcome"] for r in rows} == {o.name for o in OUTCOMES}


def test_population_command(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = tmp_path / "pop.toml"
    spec.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "pop.parquet"
    code, stdout, err = run_cli(
        capsys,
        "population",
        str(spec),
        "--persons",
        "40",
        "--years",
        "1",
        "--out",
        str(out),
        "--lang",
        "en",
    )
    assert code == 0, err
    assert out.is_file()
    assert "osteoporosis" in stdout and "peak memory" in stdout


def test_population_command_bad_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    spec = tmp_path / "pop.toml"
    spec.write_text('persons = 10\nyears = 1\n[[scenarios]]\nname = ""\n', encoding="utf-8")
    code, stdout, err = run_cli(capsys, "population", str(spec))
    assert code == 2
    assert stdout == ""
    assert err.count("\n") == 1 and "scenarios.0.name" in err
