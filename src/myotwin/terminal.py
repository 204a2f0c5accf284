"""Readable terminal tables for trials, validation and sources (numbers per language)."""

from __future__ import annotations

import sys
from typing import Any

from rich.console import Console
from rich.table import Table

from myotwin.i18n import Lang, fmt_number, significant_digits
from myotwin.trial.validate import ValidationSummary

_WORDS: dict[str, dict[Lang, str]] = {
    "yes": {"en": "yes", "nl": "ja"},
    "no": {"en": "no", "nl": "nee"},
    "arm": {"en": "arm", "nl": "arm"},
    "outcome": {"en": "outcome", "nl": "uitkomst"},
    "statistic": {"en": "statistic", "nl": "statistiek"},
    "published": {"en": "published", "nl": "gepubliceerd"},
    "model": {"en": "model (95 % interval)", "nl": "model (95%-interval)"},
    "agrees": {"en": "agrees", "nl": "klopt"},
    "sharp": {"en": "sharp", "nl": "scherp"},
    "trial": {"en": "trial", "nl": "trial"},
    "in_sample": {"en": "in-sample (calibrated on it)", "nl": "in-sample (erop gekalibreerd)"},
    "not_modelled": {"en": "not modelled yet", "nl": "nog niet gemodelleerd"},
    "error": {"en": "contract error", "nl": "contractfout"},
    "baseline": {"en": "baseline", "nl": "uitgangswaarde"},
    "change": {"en": "change", "nl": "verandering"},
    "contrast": {"en": "versus", "nl": "versus"},
    "parameter": {"en": "parameter", "nl": "parameter"},
    "value": {"en": "value", "nl": "waarde"},
    "certainty": {"en": "certainty", "nl": "zekerheid"},
    "source": {"en": "source", "nl": "bron"},
}


def w(key: str, lang: Lang) -> str:
    return _WORDS[key][lang]


def _interval(stat: dict[str, Any] | None, lang: Lang, digits: int) -> str:
    if not stat or stat.get("mean") is None:
        return "–"
    text = fmt_number(stat["mean"], lang, digits)
    if stat.get("lo95") is not None:
        lo, hi = fmt_number(stat["lo95"], lang, digits), fmt_number(stat["hi95"], lang, digits)
        text += f" ({lo} – {hi})"
    return text


def _console() -> Console:
    return Console(width=max(120, Console().width), file=sys.stdout)


def print_trial(doc: dict[str, Any], lang: Lang) -> None:
    console = _console()
    console.print(
        f"[bold]{doc['trial']}[/bold] · {fmt_number(doc['weeks'], lang, 0)} wk · "
        f"n = {doc['participants_per_arm']}/arm · {doc['replicates']} replicates"
    )
    table = Table(box=None)
    for col in ("arm", "outcome", "baseline", "change"):
        table.add_column(w(col, lang))
    table.add_column("%")
    for arm, outcomes in doc["arms"].items():
        for name, result in outcomes.items():
            if result.get("status") == "not_modelled":
                table.add_row(arm, name, w("not_modelled", lang), "", "")
                continue
            if result["kind"] == "peak":
                peak = result["peak"]
                table.add_row(
                    arm,
                    f"{name} [{result['unit']}]",
                    fmt_number(result["resting"]["mean"], lang, 2),
                    "peak " + _interval(peak, lang, 2) if peak else "–",
                    "",
                )
                continue
            if result["kind"] != "level":
                continue
            digits = significant_digits([result["baseline"]["mean"] or 0.0])
            table.add_row(
                arm,
                f"{name} [{result['unit']}]",
                fmt_number(result["baseline"]["mean"], lang, digits),
                _interval(result["change"], lang, digits),
                _interval(result.get("pct_change"), lang, 1),
            )
    console.print(table)
    for c in doc["contrasts"]:
        stats = ", ".join(
            f"{k} {_interval(v, lang, 2)}"
            for k, v in c.items()
            if k not in ("arm", "versus", "outcome")
        )
        console.print(f"{c['arm']} {w('contrast', lang)} {c['versus']} · {c['outcome']}: {stats}")
    if "validation" in doc:
        _validation_table(console, [(doc["trial"], False, r) for r in doc["validation"]], lang)


def _validation_table(
    console: Console, rows: list[tuple[str, bool, dict[str, Any]]], lang: Lang
) -> None:
    table = Table(box=None)
    table.add_column("*", no_wrap=True)
    for col in ("trial", "arm", "outcome", "statistic", "published", "model", "agrees", "sharp"):
        table.add_column(w(col, lang))
    for trial, in_sample, r in rows:
        arm = r["arm"] + (f" vs {r['versus']}" if r.get("versus") else "")
        model = _interval(r["model"], lang, 2) if r["model"] else w("not_modelled", lang)
        table.add_row(
            "*" if in_sample else "",
            trial,
            arm,
            r["outcome"],
            r["statistic"],
            fmt_number(r["published"], lang, 2),
            model,
            w("yes" if r["agrees"] else "no", lang),
            "–" if r["sharp"] is None else w("yes" if r["sharp"] else "no", lang),
        )
    console.print(table)


def print_validation(summary: ValidationSummary, lang: Lang) -> None:
    console = _console()
    rows = [(t.file.removesuffix(".toml"), t.in_sample, r) for t in summary.trials for r in t.rows]
    _validation_table(console, rows, lang)
    if any(t.in_sample for t in summary.trials):
        console.print(f"* {w('in_sample', lang)}")
    for t in summary.trials:
        if t.error is not None:
            console.print(f"{t.file}: {w('error', lang)}: {t.error}", markup=False)
    # The closing line is machine-read: plain print, never localised.
    print(summary.last_line)


def print_sources(listing: dict[str, Any], lang: Lang) -> None:
    console = _console()
    table = Table(box=None)
    for col in ("parameter", "value", "certainty", "source"):
        table.add_column(w(col, lang))
    for p in listing["parameters"]:
        digits = significant_digits([p["value"]], 3)
        table.add_row(
            p["key"] + (" *" if p["calibrated"] else ""),
            f"{fmt_number(p['value'], lang, digits)} {p['unit']}",
            p["certainty"],
            p["citation"],
        )
    console.print(table)
    for r in listing["references"]:
        console.print(
            f"[{r['key']}] {r['text']}" + (f" doi:{r['doi']}" if r["doi"] else ""), markup=False
        )
