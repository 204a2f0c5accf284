"""The `myotwin` command line: a thin layer over the Python API.

Bad input gives one line on standard error naming what is wrong, exit status 2, no traceback.
Help and tables follow the locale (`--lang nl|en` overrides); JSON and CSV are never localised.
"""

import json
import os
import sys
import tomllib
from collections.abc import Callable
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from myotwin.i18n import LANGS, Lang, detect_lang, fmt_number, significant_digits, t
from myotwin.inputs import (
    InputError,
    Person,
    Program,
    load_person,
    load_program,
    load_training_log,
)
from myotwin.projection import run_label, simulate_csv, simulate_document

T = TypeVar("T")


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class TrialFormat(StrEnum):
    table = "table"
    json = "json"


def _lang_from_argv(argv: list[str]) -> Lang:
    for i, arg in enumerate(argv):
        value = None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.split("=", 1)[1]
        if value in LANGS:
            return value
    return detect_lang()


def fail(message: str, code: int = 2) -> NoReturn:
    """One line on standard error, nothing on standard output, exit status `code`."""
    sys.stderr.write(f"myotwin: {message}\n")
    raise typer.Exit(code)


def example_person() -> Person:
    text = resources.files("myotwin.data").joinpath("examples/person.toml").read_text("utf-8")
    return Person.model_validate(tomllib.loads(text))


def _resolve_program(program: Path | None, template: str | None) -> Program | None:
    from myotwin.programs import template as builtin

    if program is not None and template is not None:
        fail("--program and --template exclude each other: give one")
    if program is not None:
        return load_program(program)
    return builtin(template or "beginner_full_body")


def _curves(
    person: Path | None,
    program: Path | None,
    template: str | None,
    plot: Path | None,
    lang: Lang,
    compute: Callable[[Person, Program], T],
    draw: Callable[[T, str, Lang], None],
) -> T:
    """The curves of `session` and `glucose-day`: `compute` for the person and program, drawn
    to `plot` if given; bad input or an unwritable plot fails with one line."""
    try:
        who = load_person(person) if person is not None else example_person()
        prog = _resolve_program(program, template)
        assert prog is not None
        result = compute(who, prog)
        if plot is not None:
            draw(result, str(plot), lang)
    except (InputError, OSError, ValueError) as exc:
        fail(str(exc))
    return result


def _resolve_run(
    person: Path | None,
    program: Path | None,
    template: str | None,
    log: str | None,
    db: str | None,
    years: float,
    draws: int,
    lang: Lang,
) -> tuple[Person, Program | None, Any]:
    """Who, what program and what logged history a `simulate` or `report` run is about."""
    try:
        history, profile = _resolve_log(log, db, lang) if log is not None else (None, None)
        if person is not None:
            who = load_person(person)
        else:
            who = Person.model_validate(profile) if profile else example_person()
        if history is not None and program is None and template is None:
            from myotwin.programs import recent_pattern

            prog = recent_pattern(history)  # the log's recent weekly pattern goes on
        else:
            prog = _resolve_program(program, template)
        if not 1 <= draws <= 10000:
            raise InputError(f"--draws: {draws} is out of range 1..10000")
        if not 0 < years <= 100:
            raise InputError(f"--years: {years:g} is out of range (0, 100]")
    except InputError as exc:
        fail(str(exc))
    return who, prog, history


def _run_label(program: Program | None, log: str | None, lang: Lang, *, titles: bool) -> str:
    """The program's name as people read it (`titles`: a template's title in `lang`)."""
    return run_label(program, Path(log).name if log is not None else None, lang, titles=titles)


def _when_label(day: int, years: float, lang: Lang) -> str:
    if day == 91:
        return t("months_3", lang)
    if day == 365:
        return t("year_1", lang)
    return t("years_n", lang, n=fmt_number(years, lang, 0 if float(years).is_integer() else 1))


def build_app(lang: Lang) -> typer.Typer:
    app = typer.Typer(help=t("app_help", lang), no_args_is_help=True, add_completion=False)
    LangOpt = Annotated[str | None, typer.Option("--lang", help=t("lang_opt", lang))]
    TrialFormatOpt = Annotated[TrialFormat, typer.Option("--format", help=t("format_opt", lang))]

    @app.command("simulate", help=t("simulate_help", lang))
    def simulate_cmd(
        person: Annotated[Path | None, typer.Argument(help=t("person_arg", lang))] = None,
        program: Annotated[Path | None, typer.Option(help=t("program_opt", lang))] = None,
        template: Annotated[str | None, typer.Option(help=t("template_opt", lang))] = None,
        log: Annotated[str | None, typer.Option("--log", help=t("log_opt_stored", lang))] = None,
        years: Annotated[float, typer.Option(help=t("years_opt", lang))] = 10.0,
        draws: Annotated[int, typer.Option(help=t("draws_opt", lang))] = 200,
        seed: Annotated[int, typer.Option(help=t("seed_opt", lang))] = 0,
        fmt: Annotated[Format, typer.Option("--format", help=t("format_opt", lang))] = Format.table,
        db: Annotated[str | None, typer.Option("--db", help=t("db_opt", lang))] = None,
        save: Annotated[str | None, typer.Option("--save", help=t("save_opt", lang))] = None,
        _lang: LangOpt = None,
    ) -> None:
        from myotwin.simulate import block_count, simulate

        who, prog, history = _resolve_run(person, program, template, log, db, years, draws, lang)

        with _progress_factory(lang)(t("progress", lang), block_count(draws)) as advance:
            ds = simulate(
                who, prog, log=history, years=years, draws=draws, seed=seed, progress=advance
            )
        document = simulate_document(ds)
        if save is not None:
            _save_run(db, save, who, prog, document, lang)
        if fmt is Format.json:
            sys.stdout.write(json.dumps(document, indent=1) + "\n")
        elif fmt is Format.csv:
            sys.stdout.write(simulate_csv(document))
        else:
            name = who.name or ("Voorbeeldpersoon" if lang == "nl" else "Example person")
            label = _run_label(prog, log, lang, titles=False)
            title = t("title", lang, person=name, program=label, draws=draws)
            print_simulate_table(document, title, lang)

    @app.command("report", help=t("report_help", lang))
    def report_cmd(
        person: Annotated[Path | None, typer.Argument(help=t("person_arg", lang))] = None,
        program: Annotated[Path | None, typer.Option(help=t("program_opt", lang))] = None,
        template: Annotated[str | None, typer.Option(help=t("template_opt", lang))] = None,
        log: Annotated[str | None, typer.Option("--log", help=t("log_opt_stored", lang))] = None,
        years: Annotated[float, typer.Option(help=t("years_opt", lang))] = 10.0,
        draws: Annotated[int, typer.Option(help=t("draws_opt", lang))] = 200,
        seed: Annotated[int, typer.Option(help=t("seed_opt", lang))] = 0,
        out: Annotated[Path, typer.Option("--out", help=t("out_opt", lang))] = Path(
            "myotwin-report.html"
        ),
        db: Annotated[str | None, typer.Option("--db", help=t("db_opt", lang))] = None,
        report_lang: Annotated[str, typer.Option("--lang", help=t("report_lang_opt", lang))] = "nl",
    ) -> None:
        from myotwin.report import report_html
        from myotwin.simulate import block_count, simulate

        if report_lang not in LANGS:
            fail(f"--lang: {report_lang!r} is not one of nl, en")
        page_lang: Lang = "en" if report_lang == "en" else "nl"
        who, prog, history = _resolve_run(person, program, template, log, db, years, draws, lang)
        with _progress_factory(lang)(t("progress", lang), block_count(draws)) as advance:
            ds = simulate(
                who, prog, log=history, years=years, draws=draws, seed=seed, progress=advance
            )
        html = report_html(ds, _run_label(prog, log, page_lang, titles=True), page_lang)
        try:
            out.write_text(html, encoding="utf-8")
        except OSError as exc:
            fail(f"--out: {out}: {exc.strerror or exc}")
        sys.stdout.write(t("report_written", lang, path=out.resolve()) + "\n")

    @app.command("templates", help=t("templates_help", lang))
    def templates_cmd(_lang: LangOpt = None) -> None:
        from myotwin.programs import templates

        table = Table(box=None)
        table.add_column("name", no_wrap=True)
        table.add_column("sessions/wk" if lang == "en" else "sessies/wk", justify="right")
        table.add_column("")
        for tpl in templates().values():
            table.add_row(
                tpl.name, fmt_number(tpl.program.sessions_per_week, lang, 0), tpl.title(lang)
            )
        Console().print(table)

    @app.command("exercises", help=t("exercises_help", lang))
    def exercises_cmd(_lang: LangOpt = None) -> None:
        from myotwin.catalogue import CATALOGUE

        table = Table(box=None)
        for col in ("id", "nl" if lang == "nl" else "en", "pattern", "kind"):
            table.add_column(col)
        for ex in CATALOGUE.exercises:
            table.add_row(ex.id, CATALOGUE.display_name(ex.id, lang), ex.pattern, ex.kind)
        Console().print(table)

    @app.command("session", help=t("session_help", lang))
    def session_cmd(
        person: Annotated[Path | None, typer.Argument(help=t("person_arg", lang))] = None,
        program: Annotated[Path | None, typer.Option(help=t("program_opt", lang))] = None,
        template: Annotated[str | None, typer.Option(help=t("template_opt", lang))] = None,
        plot: Annotated[Path | None, typer.Option("--plot", help=t("plot_opt", lang))] = None,
        fmt: TrialFormatOpt = TrialFormat.table,
        _lang: LangOpt = None,
    ) -> None:
        from myotwin.session import plot as plot_curves
        from myotwin.session import session_curves

        curves = _curves(person, program, template, plot, lang, session_curves, plot_curves)
        if fmt is TrialFormat.json:
            doc = {
                "schema": "myotwin.session/1",
                "session_minutes": curves.session_minutes,
                "minutes": curves.minutes.tolist(),
                "hormones": {
                    h: {"unit": curves.units[h], "values": v.tolist()}
                    for h, v in curves.values.items()
                },
            }
            sys.stdout.write(json.dumps(doc, indent=1) + "\n")
            return
        table = Table(
            title=t("session_title", lang, minutes=fmt_number(curves.session_minutes, lang, 0))
        )
        table.add_column("min", justify="right")
        for h in curves.values:
            table.add_column(f"{h} ({curves.units[h]})", justify="right")
        for i, minute in enumerate(curves.minutes):
            if minute % 15:
                continue
            table.add_row(
                fmt_number(minute, lang, 0),
                *(fmt_number(v[i], lang, 2) for v in curves.values.values()),
            )
        Console().print(table)

    @app.command("glucose-day", help=t("glucose_day_help", lang))
    def glucose_day_cmd(
        person: Annotated[Path | None, typer.Argument(help=t("person_arg", lang))] = None,
        program: Annotated[Path | None, typer.Option(help=t("program_opt", lang))] = None,
        template: Annotated[str | None, typer.Option(help=t("template_opt", lang))] = None,
        plot: Annotated[Path | None, typer.Option("--plot", help=t("plot_opt", lang))] = None,
        fmt: TrialFormatOpt = TrialFormat.table,
        _lang: LangOpt = None,
    ) -> None:
        from myotwin.glucose_curve import clock, glucose_day
        from myotwin.glucose_curve import plot as plot_day

        day = _curves(person, program, template, plot, lang, glucose_day, plot_day)
        if fmt is TrialFormat.json:
            doc = {
                "schema": "myotwin.glucose-day/1",
                "unit": "mmol/L",
                "day_starts": "07:00",
                "session_start_minute": day.session_start_min,
                "session_minutes": day.session_minutes,
                "minutes": day.minutes.tolist(),
                "without_session": day.without.tolist(),
                "with_session": day.with_session.tolist(),
            }
            sys.stdout.write(json.dumps(doc) + "\n")
            return
        table = Table(
            title=t("glucose_day_title", lang, minutes=fmt_number(day.session_minutes, lang, 0))
        )
        for key in ("glucose_time", "glucose_without", "glucose_with"):
            table.add_column(t(key, lang), justify="right")
        for minute in range(0, len(day.minutes), 30):
            table.add_row(
                clock(minute),
                fmt_number(float(day.without[minute]), lang, 1),
                fmt_number(float(day.with_session[minute]), lang, 1),
            )
        table.add_row(
            t("glucose_mean", lang),
            fmt_number(float(day.without[1:].mean()), lang, 2),
            fmt_number(float(day.with_session[1:].mean()), lang, 2),
        )
        Console().print(table)

    @app.command("trial", help=t("trial_help", lang))
    def trial_cmd(
        path: Annotated[Path, typer.Argument(help=t("trial_arg", lang))],
        fmt: TrialFormatOpt = TrialFormat.table,
        replicates: Annotated[int | None, typer.Option(help=t("replicates_opt", lang))] = None,
        seed: Annotated[int | None, typer.Option(help=t("seed_opt", lang))] = None,
        participants: Annotated[int | None, typer.Option(help=t("participants_opt", lang))] = None,
        workers: Annotated[int, typer.Option(help=t("workers_opt", lang))] = 1,
        _lang: LangOpt = None,
    ) -> None:
        from myotwin.trial.spec import load_trial, with_overrides

        try:
            spec = with_overrides(load_trial(path), replicates, seed, participants)
        except InputError as exc:
            fail(str(exc))
        document = _run_with_progress(spec, workers, lang)
        if fmt is TrialFormat.json:
            sys.stdout.write(json.dumps(document, indent=1, allow_nan=False) + "\n")
        else:
            from myotwin.terminal import print_trial

            print_trial(document, lang)

    @app.command("validate", help=t("validate_help", lang))
    def validate_cmd(
        folder: Annotated[Path | None, typer.Argument(help=t("folder_arg", lang))] = None,
        workers: Annotated[int, typer.Option(help=t("workers_opt", lang))] = 1,
        _lang: LangOpt = None,
    ) -> None:
        from myotwin.terminal import print_validation
        from myotwin.trial.validate import validate

        if folder is not None and not folder.is_dir():
            fail(f"{folder}: not a folder")
        summary = validate(folder, workers=workers, progress=_progress_factory(lang))
        print_validation(summary, lang)

    @app.command("sources", help=t("sources_help", lang))
    def sources_cmd(
        outcome: Annotated[list[str] | None, typer.Option(help=t("outcome_opt", lang))] = None,
        fmt: TrialFormatOpt = TrialFormat.table,
        _lang: LangOpt = None,
    ) -> None:
        from myotwin.sources import sources
        from myotwin.terminal import print_sources

        try:
            listing = sources(tuple(outcome or ()))
        except ValueError as exc:
            fail(str(exc))
        if fmt is TrialFormat.json:
            sys.stdout.write(json.dumps(listing, indent=1) + "\n")
        else:
            print_sources(listing, lang)

    @app.command("serve", help=t("serve_help", lang))
    def serve_cmd(
        host: Annotated[str, typer.Option(help=t("host_opt", lang))] = "127.0.0.1",
        port: Annotated[int, typer.Option(help=t("port_opt", lang))] = 8000,
        auth: Annotated[bool, typer.Option("--auth", help=t("auth_opt", lang))] = False,
        draws: Annotated[int, typer.Option(help=t("web_draws_opt", lang))] = 50,
        processes: Annotated[
            int | None, typer.Option(help=t("processes_opt", lang), show_default=False)
        ] = None,
        secret: Annotated[
            str | None, typer.Option(envvar="MYOTWIN_SECRET", help=t("secret_opt", lang))
        ] = None,
        db: Annotated[str | None, typer.Option("--db", help=t("db_opt", lang))] = None,
        _lang: LangOpt = None,
    ) -> None:
        import uvicorn

        from myotwin.store import StoreError
        from myotwin.web import create_app

        if not 1 <= port <= 65535:
            fail(f"--port: {port} is out of range 1..65535")
        if not 1 <= draws <= 1000:
            fail(f"--draws: {draws} is out of range 1..1000")
        cores = os.cpu_count() or 1
        if processes is None:
            processes = cores
        if not 0 <= processes <= 4 * cores:
            fail(f"--processes: {processes} is out of range 0..{4 * cores}")
        try:
            web = create_app(db, auth=auth, secret=secret, draws=draws, processes=processes)
        except StoreError as exc:
            fail(str(exc))
        sys.stderr.write(t("serving", lang, host=host, port=port) + "\n")
        uvicorn.run(web, host=host, port=port, log_level="warning")

    app.add_typer(_log_app(lang, LangOpt, TrialFormatOpt), name="log", help=t("log_help", lang))
    from myotwin.population.cli import register as register_population

    register_population(app, lang, _progress_factory, fail)
    return app


def _resolve_log(name: str, db: str | None, lang: Lang) -> tuple[Any, dict[str, Any] | None]:
    """`--log NAME`: a TOML log file, else a stored log (and its person's stored profile)."""
    if Path(name).is_file():
        return load_training_log(name), None
    from myotwin.logs.history import resolver, stored_sets, training_log
    from myotwin.store import Store, StoreError

    try:
        with Store(db) as store:
            sets = stored_sets(store, name) if name.strip() else []
            history, skipped = training_log(sets, resolver(store))
            profile = store.get_person(name) if sets else None
    except (StoreError, ValueError) as exc:
        raise InputError(f"--log: {exc}") from exc
    if not sets:
        raise InputError(f"--log: {name!r} is neither a file nor a stored training log")
    if not history.sessions:
        raise InputError(
            f"--log: no set of the stored log {name!r} can be simulated "
            "(map its exercise names with `myotwin log map`)"
        )
    if skipped:
        sys.stderr.write(t("log_not_simulated", lang, n=skipped) + "\n")
    return history, profile or None


def _log_app(lang: Lang, LangOpt: Any, FormatOpt: Any) -> typer.Typer:
    """`myotwin log import|show|map`: workout-app exports into the stored training log."""
    from myotwin.logs.records import LogImportError

    log_app = typer.Typer(help=t("log_help", lang), no_args_is_help=True, add_completion=False)
    DbOpt = Annotated[str | None, typer.Option("--db", help=t("db_opt", lang))]
    PersonOpt = Annotated[str, typer.Option("--person", help=t("log_person_opt", lang))]

    class Unit(StrEnum):
        kg = "kg"
        lb = "lb"

    @log_app.command("import", help=t("log_import_help", lang))
    def import_cmd(
        file: Annotated[Path | None, typer.Argument(help=t("log_file_arg", lang))] = None,
        wger: Annotated[str | None, typer.Option("--wger", help=t("wger_opt", lang))] = None,
        token: Annotated[
            str | None, typer.Option("--token", envvar="WGER_TOKEN", help=t("token_opt", lang))
        ] = None,
        unit: Annotated[Unit | None, typer.Option("--unit", help=t("unit_opt", lang))] = None,
        person: PersonOpt = "me",
        fmt: FormatOpt = TrialFormat.table,
        db: DbOpt = None,
        _lang: LangOpt = None,
    ) -> None:
        from myotwin.logs import read_file
        from myotwin.logs.history import import_log
        from myotwin.logs.wger import fetch_log
        from myotwin.store import Store, StoreError

        try:
            if (file is None) == (wger is None):
                raise LogImportError("give an export FILE or --wger URL (one of them)")
            if wger is not None:
                if not token:
                    raise LogImportError("--wger needs --token (or WGER_TOKEN)")
                parsed, label = fetch_log(wger, token), wger
            else:
                assert file is not None
                parsed, label = read_file(file, unit.value if unit else None), file.name
            with Store(db) as store:
                summary = import_log(store, person, parsed, label)
        except (InputError, StoreError, ValueError) as exc:
            fail(str(exc))
        for note in summary["notes"]:
            sys.stderr.write(f"myotwin: {note}\n")
        if fmt is TrialFormat.json:
            sys.stdout.write(json.dumps(summary, indent=1) + "\n")
        else:
            _print_log_summary(summary, lang)

    @log_app.command("show", help=t("log_show_help", lang))
    def show_cmd(
        person: PersonOpt = "me",
        fmt: FormatOpt = TrialFormat.table,
        db: DbOpt = None,
        _lang: LangOpt = None,
    ) -> None:
        from myotwin.logs.history import show
        from myotwin.store import Store, StoreError

        try:
            with Store(db) as store:
                doc = show(store, person)
        except (StoreError, ValueError) as exc:
            fail(str(exc))
        if fmt is TrialFormat.json:
            sys.stdout.write(json.dumps(doc, indent=1) + "\n")
            return
        if not doc["sets"] and not doc["exercises"]:
            fail(t("log_empty", lang, person=person), 1)
        _print_log_summary(doc, lang)
        table = Table(box=None)
        for col in ("log_exercises", "id", "log_sets", "log_reps"):
            table.add_column(t(col, lang) if col != "id" else "id")
        for row in doc["by_exercise"]:
            table.add_row(
                row["exercise"],
                row["id"] or "–",
                fmt_number(row["sets"], lang, 0),
                fmt_number(row["reps"], lang, 0),
            )
        Console().print(table)

    @log_app.command("map", help=t("log_map_help", lang))
    def map_cmd(
        name: Annotated[str, typer.Argument(help=t("map_name_arg", lang))],
        exercise_id: Annotated[str, typer.Argument(help=t("map_id_arg", lang))],
        db: DbOpt = None,
        _lang: LangOpt = None,
    ) -> None:
        from myotwin.logs.history import map_name
        from myotwin.store import Store, StoreError

        try:
            with Store(db) as store:
                map_name(store, name, exercise_id)
        except (InputError, StoreError, ValueError) as exc:
            fail(str(exc))
        sys.stdout.write(t("log_mapped", lang, name=name, exercise=exercise_id) + "\n")

    return log_app


def _print_log_summary(doc: dict[str, Any], lang: Lang) -> None:
    table = Table(box=None, show_header=False)
    table.add_column()
    table.add_column()
    period = f"{doc['first']} – {doc['last']}" if doc["first"] else "–"
    rows = [
        ("log_source", doc["source"]),
        ("log_sessions", fmt_number(doc["sessions"], lang, 0)),
        ("log_sets", fmt_number(doc["sets"], lang, 0)),
        ("log_reps", fmt_number(doc["reps"], lang, 0)),
        ("log_volume", fmt_number(doc["volume_load_kg"], lang, 1)),
        ("log_period", period),
        ("log_exercises", ", ".join(doc["exercises"])),
        ("log_unmapped", ", ".join(doc["unmapped"]) or "–"),
    ]
    if "added" in doc:
        rows.append(("log_added", fmt_number(doc["added"], lang, 0)))
    for key, value in rows:
        table.add_row(t(key, lang), value)
    Console(width=160).print(table)
    if doc["unmapped"]:
        Console(width=160).print(t("log_unmapped_hint", lang), markup=False)


def _progress_factory(lang: Lang) -> Any:
    """A rich progress bar on a terminal, nothing otherwise (pipes and CI stay clean)."""
    from contextlib import contextmanager

    from rich.progress import Progress

    @contextmanager
    def progress(label: str, total: int) -> Any:
        if not sys.stderr.isatty():
            yield lambda k: None
            return
        with Progress(console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task(label, total=total)
            yield lambda k: bar.advance(task, k)

    return progress


def _run_with_progress(spec: Any, workers: int, lang: Lang) -> dict[str, Any]:
    from myotwin.engine import executor
    from myotwin.trial.runner import block_count, run_trial

    progress = _progress_factory(lang)
    with progress(t("progress", lang), block_count(spec)) as advance:
        return run_trial(spec, executor("process" if workers > 1 else "serial", workers), advance)


def _save_run(
    db: str | None, name: str, person: Person, program: Program | None, doc: Any, lang: Lang
) -> None:
    from myotwin.store import Store, StoreError

    try:
        with Store(db) as store:
            store.save_person(name, person.model_dump(mode="json"))
            if program is not None:
                store.save_program(program.name, program.model_dump(mode="json"))
            run = store.add_run(
                "simulate",
                {"person": name, "program": program.name if program else None},
                doc,
                person=name,
            )
    except (StoreError, ValueError) as exc:
        fail(str(exc))
    sys.stderr.write(t("saved", lang, name=name, run=run) + "\n")


def _cell(s: dict[str, float], lang: Lang, digits: int, signed: bool = False) -> str:
    """`mean (lo95 – hi95)` in the language's number format."""
    mean = fmt_number(s["mean"], lang, digits)
    if signed and s["mean"] > 0:
        mean = "+" + mean
    lo, hi = fmt_number(s["lo95"], lang, digits), fmt_number(s["hi95"], lang, digits)
    return f"{mean} ({lo} – {hi})"


def print_simulate_table(doc: dict[str, Any], title: str, lang: Lang) -> None:
    table = Table(title=title, title_justify="left")
    for key in ("outcome", "unit", "when", "with_training", "without_training", "difference"):
        table.add_column(
            t(key, lang), justify="left" if key in ("outcome", "unit", "when") else "right"
        )
    from myotwin.outcomes import shown as shown_unit

    for name, block in doc["outcomes"].items():
        series = block["series"]
        last = series[-1]["day"]
        shown = [r for r in series if r["day"] in (91, 365, last)]
        unit = shown_unit(name, lang)

        def level(s: dict[str, float], offset: float) -> dict[str, float]:
            return {k: (v - offset) * unit.factor for k, v in s.items()}  # noqa: B023

        digits = significant_digits([level(series[0]["training"], unit.offset)["mean"]])
        for i, row in enumerate(shown):
            table.add_row(
                name if i == 0 else "",
                unit.unit if i == 0 else "",
                _when_label(row["day"], doc["years"], lang),
                _cell(level(row["training"], unit.offset), lang, digits),
                _cell(level(row["no_training"], unit.offset), lang, digits),
                _cell(level(row["difference"], 0.0), lang, digits, signed=True),
            )
    Console(width=160).print(table)
    if doc["low_certainty"]:
        Console(width=160).print(t("low_certainty", lang, names=", ".join(doc["low_certainty"])))


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    app = build_app(_lang_from_argv(args))
    try:
        app(args=args, prog_name="myotwin", standalone_mode=True)
    except InputError as exc:  # a contract error that slipped past a command's own handling
        sys.stderr.write(f"myotwin: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
