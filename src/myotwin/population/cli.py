"""`myotwin population SPEC.toml`: the command, registered on the main app by `register`."""

import resource
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from myotwin.i18n import Lang, t
from myotwin.population.run import BLOCK_PERSONS, OUTCOMES, PopulationResult

# Rates and proportions are easier to read per 1,000 (data exports keep per person-year).
PER_THOUSAND = {"rate", "proportion", "prevalence"}


def peak_rss_mib() -> float:
    """Peak resident memory of this process and its finished children, MiB (Linux: KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024.0


def _fmt(value: float | None, kind: str, digits: int = 3) -> str:
    if value is None:
        return "—"
    if kind in PER_THOUSAND:
        return f"{1000 * value:.{max(digits - 2, 1)}f}"
    return f"{value:.{digits}g}"


def print_result(result: PopulationResult, seconds: float, lang: str) -> None:
    spec = result.spec
    last = spec.years
    ref = spec.scenarios[spec.reference_index].name
    table = Table(
        title=f"{spec.name}: {spec.persons:,} persons, {spec.draws} draws, {last} years "
        f"(mean [95 % interval over draws]; rates and shares per 1,000)"
    )
    for col in ("outcome", "unit", "scenario", "first year", f"year {last}", f"vs {ref}"):
        table.add_column(col)
    for outcome in OUTCOMES:
        first = 1 if outcome.kind in ("rate", "proportion") else 0
        unit = "per 1,000" if outcome.kind in PER_THOUSAND else outcome.unit
        for scenario in spec.scenarios:
            a = result.value(scenario.name, outcome.name, first)
            b = result.value(scenario.name, outcome.name, last)
            k = outcome.kind
            table.add_row(
                outcome.name,
                unit,
                scenario.name,
                _fmt(a["mean"], k),
                f"{_fmt(b['mean'], k)} [{_fmt(b['lo95'], k)}, {_fmt(b['hi95'], k)}]",
                ""
                if scenario.name == ref
                else f"{_fmt(b['diff_mean'], k)} [{_fmt(b['diff_lo95'], k)}, "
                f"{_fmt(b['diff_hi95'], k)}]",
            )
    console = Console(width=160)
    console.print(table)
    person_days = spec.persons * spec.years * 365.25
    console.print(
        f"{seconds:.1f} s; peak memory {peak_rss_mib():.0f} MiB (largest single process); "
        f"{person_days / seconds:,.0f} person-days/s over all scenarios' distinct trajectories "
        "counted once per person"
    )


def register(app: typer.Typer, lang: Lang, progress_factory: Any, fail: Any) -> None:
    """Add the `population` command to `app`."""

    @app.command("population", help=t("population_help", lang))
    def population_cmd(
        path: Annotated[Path, typer.Argument(help=t("population_arg", lang))],
        out: Annotated[Path | None, typer.Option(help=t("population_out_opt", lang))] = None,
        workers: Annotated[int, typer.Option(help=t("workers_opt", lang))] = 1,
        dask: Annotated[str | None, typer.Option(help=t("population_dask_opt", lang))] = None,
        persons: Annotated[int | None, typer.Option(help=t("population_persons_opt", lang))] = None,
        years: Annotated[int | None, typer.Option(help=t("population_years_opt", lang))] = None,
        seed: Annotated[int | None, typer.Option(help=t("population_seed_opt", lang))] = None,
        block_persons: Annotated[
            int, typer.Option(help=t("population_block_opt", lang))
        ] = BLOCK_PERSONS,
        _lang: Annotated[
            str | None, typer.Option("--lang", help=t("population_lang_opt", lang))
        ] = None,
    ) -> None:
        from myotwin.engine import executor
        from myotwin.inputs import InputError
        from myotwin.population.run import block_count, run_population
        from myotwin.population.spec import load_population

        try:
            spec = load_population(path, persons=persons, years=years, seed=seed)
        except InputError as exc:
            fail(str(exc))
        if block_persons < 1:
            fail("--block-persons: must be at least 1")
        if dask is not None:
            try:
                ex: Any = executor("dask", workers if workers > 1 else None, dask)
            except ValueError as exc:
                fail(str(exc))
        else:
            ex = executor("process" if workers > 1 else "serial", workers)
        start = time.perf_counter()
        try:
            with progress_factory(lang)(
                t("population_progress", lang), block_count(spec, block_persons)
            ) as advance:
                result = run_population(spec, ex, advance, block_persons=block_persons)
        finally:
            if hasattr(ex, "close"):
                ex.close()
        seconds = time.perf_counter() - start
        if out is not None:
            result.to_parquet(out)
        print_result(result, seconds, lang)
        if out is not None:
            sys.stderr.write(f"myotwin: wrote {len(result.rows)} rows to {out}\n")
