"""One projection, the way every interface asks for it: the CLI, the web page and the JSON API.

`project` runs `simulate` and keeps what the readers need: the Dataset (for the report), the
machine-read document (schema myotwin.simulate/1, never localised) and, on request, its CSV
and the report page. The CLI and the web app call these functions, so both give the same numbers.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import xarray as xr

from myotwin.i18n import Lang
from myotwin.inputs import Person, Program, TrainingLog

if TYPE_CHECKING:
    from myotwin.engine import Executor


@dataclass
class Projection:
    """A finished `simulate` run and its document."""

    ds: xr.Dataset
    document: dict[str, Any]
    label: dict[str, str] = field(default_factory=dict)  # the program's name per language

    # Rendered pages per language: a page is drawn once however often it is asked for.
    _pages: dict[tuple[str, Lang], str] = field(default_factory=dict, repr=False, compare=False)

    def report_html(self, lang: Lang) -> str:
        """The standalone report page (the CLI's `report`, the web's download)."""
        if ("page", lang) not in self._pages:
            from myotwin.report import report_html

            self._pages["page", lang] = report_html(self.ds, self.label.get(lang, "-"), lang)
        return self._pages["page", lang]

    def report_body(self, lang: Lang) -> str:
        """The report's content for embedding in another page (the web app)."""
        if ("body", lang) not in self._pages:
            from myotwin.report.analysis import analyse
            from myotwin.report.render import render_body

            data = analyse(self.ds, self.label.get(lang, "-"))
            self._pages["body", lang] = render_body(data, lang)
        return self._pages["body", lang]

    def csv(self) -> str:
        return simulate_csv(self.document)


def run_label(program: Program | None, log: str | None, lang: Lang, *, titles: bool) -> str:
    """The program's name as people read it (`titles`: a template's title in `lang`)."""
    from myotwin.programs import templates

    label = program.name if program else "-"
    tpl = templates().get(label) if titles and program is not None else None
    if tpl is not None:
        label = tpl.title(lang)
    if log is not None:
        label = f"{log} → {label}" if program else log
    return label


def project(
    person: Person,
    program: Program | None,
    *,
    log: TrainingLog | None = None,
    log_label: str | None = None,
    years: float = 10.0,
    draws: int = 200,
    seed: int = 0,
    progress: Any = None,
    executor: Executor | None = None,
) -> Projection:
    """Simulate `person` with `program` (after `log`, if given) and without it."""
    from myotwin.simulate import simulate

    ds = simulate(
        person,
        program,
        log=log,
        years=years,
        draws=draws,
        seed=seed,
        progress=progress,
        executor=executor,
    )
    labels = {lang: run_label(program, log_label, lang, titles=True) for lang in ("nl", "en")}
    return Projection(ds, simulate_document(ds), labels)


def simulate_document(ds: Any) -> dict[str, Any]:
    """The machine-read form of a `simulate` result (schema myotwin.simulate/1)."""
    from myotwin.physiology import effect_certainty
    from myotwin.simulate import summary_table

    table = summary_table(ds)
    outcomes: dict[str, Any] = {}
    for name, per_day in table.items():
        outcomes[name] = {
            "unit": ds[name].attrs["unit"],
            "series": [
                {
                    "day": day,
                    **{
                        key: {"mean": s.mean, "lo95": s.lo95, "hi95": s.hi95}
                        for key, s in cells.items()
                    },
                }
                for day, cells in per_day.items()
            ],
        }
    return {
        "schema": "myotwin.simulate/1",
        "myotwin_version": ds.attrs["myotwin_version"],
        "seed": int(ds.attrs["seed"]),
        "draws": int(ds.attrs["draws"]),
        "years": float(ds.attrs["years"]),
        "person": json.loads(ds.attrs["person"]),
        "program": json.loads(ds.attrs["program"]) if ds.attrs["program"] else None,
        "outcomes": outcomes,
        "low_certainty": [n for n in outcomes if effect_certainty(n) == "low"],
    }


def simulate_csv(doc: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["outcome", "unit", "day", "scenario", "mean", "lo95", "hi95"])
    for name, block in doc["outcomes"].items():
        for row in block["series"]:
            for scenario in ("training", "no_training", "difference"):
                s = row[scenario]
                writer.writerow(
                    [name, block["unit"], row["day"], scenario, s["mean"], s["lo95"], s["hi95"]]
                )
    return out.getvalue()
