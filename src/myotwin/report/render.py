"""Render `ReportData` to one self-contained HTML page in Dutch or English.

Strings come from the gettext catalogue in `myotwin/locale/<lang>/LC_MESSAGES/myotwin.po`
(English msgids, so English needs no catalogue). The `.po` is compiled in memory when the report
is rendered, so there is no binary to keep in step with it. Numbers and dates follow CLDR
through Babel: Dutch writes 1.234,5.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from functools import cache
from importlib import resources
from typing import Any

import jinja2
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from myotwin.i18n import Lang
from myotwin.report import content
from myotwin.report.analysis import OutcomeResult, Point, ReportData
from myotwin.report.plots import Panel, system_svg

DOMAIN = "myotwin"
LOCALES: dict[Lang, str] = {"nl": "nl_NL", "en": "en_GB"}


def catalogue_path(lang: str) -> Any:
    return resources.files("myotwin").joinpath(f"locale/{lang}/LC_MESSAGES/{DOMAIN}.po")


@cache
def translations(lang: Lang) -> NullTranslations:
    """The compiled catalogue for `lang` (English: the msgids themselves)."""
    po = catalogue_path(lang)
    if not po.is_file():
        return NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


class Formatter:
    """Numbers in the reader's language and units."""

    def __init__(self, lang: Lang) -> None:
        self.lang = lang
        self.locale = LOCALES[lang]

    def number(self, value: float, digits: int, signed: bool = False) -> str:
        if not math.isfinite(value):
            return "–"
        value = round(value, digits) + 0.0  # + 0.0 turns -0.0 into 0.0: no "−0,00"
        text = format_decimal(
            abs(value) if value < 0 else value,
            format="#,##0." + "0" * digits if digits else "#,##0",
            locale=self.locale,
        )
        if value < 0:
            return "−" + text
        return ("+" + text) if signed and value > 0 else text

    def plain(self, value: float) -> str:
        """A tick label: up to three decimals, trailing zeros dropped."""
        return format_decimal(round(value, 6), locale=self.locale).replace("-", "−")


def digits_for(o: OutcomeResult, unit: content.DisplayUnit) -> int:
    """Decimals that show about three significant figures of the outcome's size."""
    if o.unit == "SD":
        return 2
    largest = max(abs(unit.value(o.baseline)), abs(unit.value(o.horizon.training.mean)))
    if largest == 0 or not math.isfinite(largest):
        return 1
    return max(0, min(4, 2 - math.floor(math.log10(largest))))


@cache
def _environment(lang: Lang) -> jinja2.Environment:
    """One environment per language: its templates are compiled once per process."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("myotwin.report", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def render(data: ReportData, lang: Lang, today: dt.date | None = None) -> str:
    """The report page for `data` in `lang`."""
    env, context = _prepare(data, lang, today)
    return env.get_template("report.html").render(**context)


def render_body(data: ReportData, lang: Lang, today: dt.date | None = None) -> str:
    """The report's content without the page around it (the web app shows it in its own page)."""
    env, context = _prepare(data, lang, today)
    return env.get_template("report_body.html").render(**context)


def style() -> str:
    """The report's style sheet (inline in the page; the web app serves it as a file)."""
    return resources.files("myotwin.report").joinpath("templates/report_style.css").read_text()


def _prepare(
    data: ReportData, lang: Lang, today: dt.date | None
) -> tuple[jinja2.Environment, dict[str, Any]]:
    trans = translations(lang)

    def gettext(message: str) -> str:
        """Translate a message of `content` (a %-format string; %% is a literal %)."""
        return trans.gettext(message) % {}

    env = _environment(lang)
    fmt = Formatter(lang)

    def label(name: str) -> str:
        if name.startswith("one_rm:"):
            from myotwin.catalogue import CATALOGUE

            exercise = CATALOGUE.display_name(name.split(":", 1)[1], lang)
            return trans.gettext(content.ONE_RM_LABEL) % {"exercise": exercise}
        return gettext(content.OUTCOME_LABELS[name]) if name in content.OUTCOME_LABELS else name

    def unit_of(o: OutcomeResult) -> content.DisplayUnit:
        u = content.display_unit(o.name, o.unit, lang)
        return content.DisplayUnit(trans.gettext(u.label) if u.label else "", u.scale, u.offset)

    def years_text(years: float) -> str:
        shown = fmt.number(years, 0 if float(years).is_integer() else 1)
        n = math.ceil(years) if not float(years).is_integer() else int(years)
        return trans.ngettext("%(n)s year", "%(n)s years", n) % {"n": shown}

    def when(p: Point) -> str:
        return years_text(round(p.years, 1))

    def cell(o: OutcomeResult, summary: Any, kind: str) -> dict[str, str]:
        """A mean and its 95 % interval in display units."""
        u = unit_of(o)
        d = digits_for(o, u)
        convert = u.difference if kind == "difference" else u.value
        signed = kind == "difference"
        return {
            "mean": fmt.number(convert(summary.mean), d, signed),
            "lo": fmt.number(convert(summary.lo95), d, signed),
            "hi": fmt.number(convert(summary.hi95), d, signed),
        }

    def relative(o: OutcomeResult, p: Point) -> str | None:
        """The difference as a percentage of the no-training value (ratio-scale outcomes)."""
        if o.unit in ("SD",) or o.name == "hba1c" or p.no_training.mean <= 0:
            return None
        return fmt.number(100 * p.difference.mean / p.no_training.mean, 0, True) + " %"

    def svg(system: Any) -> str:
        panels = [Panel(label(o.name), unit_of(o), o) for o in system.outcomes]
        legend = {"training": gettext("With training"), "no_training": gettext("Without training")}
        return system_svg(system.system.id, panels, legend, gettext("years from now"), fmt.plain)

    def digits(o: OutcomeResult) -> int:
        return digits_for(o, unit_of(o))

    def labels(names: tuple[str, ...]) -> str:
        return ", ".join(label(n) for n in names)

    def certainty(level: str | None) -> str:
        return gettext(content.CERTAINTY_WORDS[level]) if level else gettext("not graded")

    person = data.person
    return env, dict(
        lang=lang,
        data=data,
        person=person,
        person_name=person.get("name") or gettext("Example person"),
        today=format_date(today or dt.date.today(), format="long", locale=LOCALES[lang]),
        fmt=fmt,
        label=label,
        unit_of=unit_of,
        cell=cell,
        relative=relative,
        when=when,
        years_text=years_text,
        svg=svg,
        T=gettext,
        digits=digits,
        labels=labels,
        certainty=certainty,
        content=content,
    )
