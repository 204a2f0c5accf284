"""The personal report: one self-contained HTML page (nl/en) for a person and a program.

`report_html(ds, program_label, lang)` turns a `simulate` Dataset into the page; nothing on it is
loaded from elsewhere (styles inline, plots inline SVG). The CLI's `myotwin report` writes it.
"""

from __future__ import annotations

import datetime as dt

import xarray as xr

from myotwin.i18n import Lang
from myotwin.report.analysis import ReportData, analyse


def report_html(
    ds: xr.Dataset, program_label: str, lang: Lang = "nl", today: dt.date | None = None
) -> str:
    """The report page for a `simulate` result."""
    from myotwin.report.render import render

    return render(analyse(ds, program_label), lang, today)


__all__ = ["ReportData", "analyse", "report_html"]
