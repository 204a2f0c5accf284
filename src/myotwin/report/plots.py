"""Per-system small multiples as inline SVG: with and without training, 95 % bands.

Readable when printed in black and white: training is a solid dark line, no training a dashed
grey one, each with a light band. Text stays text (`svg.fonttype = none`), so the page's font
renders it and the labels can be searched.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np

from myotwin.report.analysis import OutcomeResult
from myotwin.report.content import DisplayUnit

COLUMNS = 3
STYLE = {
    "training": {"color": "#1f4e99", "linestyle": "-", "band": "#1f4e99"},
    "no_training": {"color": "#555555", "linestyle": "--", "band": "#999999"},
}


@dataclass(frozen=True)
class Panel:
    title: str
    unit: DisplayUnit
    outcome: OutcomeResult


def system_svg(
    key: str,
    panels: list[Panel],
    legend: dict[str, str],
    years_label: str,
    number: Callable[[float], str],
) -> str:
    """One SVG figure (no XML prolog, no external references) of `panels`."""
    rows = -(-len(panels) // COLUMNS)
    cols = min(COLUMNS, len(panels))
    with plt.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": key,
            "font.family": "sans-serif",
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    ):
        # Fixed margins: a layout engine costs more than everything else here.
        height = 2.45 * rows + 0.45
        fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, height), squeeze=False)
        fig.subplots_adjust(
            left=0.09 if cols > 1 else 0.2,
            right=0.98,
            top=1 - 0.45 / height,
            bottom=0.75 / height,
            wspace=0.38,
            hspace=0.95,
        )
        for ax in axes.flat[len(panels) :]:
            ax.set_visible(False)
        for ax, panel in zip(axes.flat, panels, strict=False):
            _panel(ax, panel, legend, years_label, number)
        handles, labels = axes.flat[0].get_legend_handles_labels()
        # Drawn without training first (underneath); listed with training first.
        fig.legend(handles[::-1], labels[::-1], loc="lower center", ncols=2, frameon=False)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    svg = buffer.getvalue()
    # Inline in HTML: drop the XML prolog and DOCTYPE (and with it the DTD address).
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    # Path coordinates to 0.1 pt (invisible on screen and paper): a third of the size.
    return re.sub(r' d="[^"]*"', _round_path, svg)


def _round_path(match: re.Match[str]) -> str:
    path = re.sub(r"(-?\d+\.\d)\d+", r"\1", match.group(0))
    return re.sub(r"\s*\n\s*", " ", path)


def _panel(
    ax: plt.Axes,
    panel: Panel,
    legend: dict[str, str],
    years_label: str,
    number: Callable[[float], str],
) -> None:
    o = panel.outcome
    x = o.days / 365.25
    for scenario in ("no_training", "training"):
        band = o.bands[scenario]
        style = STYLE[scenario]
        mean = np.array([panel.unit.value(v) for v in band.mean])
        lo = np.array([panel.unit.value(v) for v in band.lo95])
        hi = np.array([panel.unit.value(v) for v in band.hi95])
        ax.fill_between(x, lo, hi, color=style["band"], alpha=0.18, linewidth=0)
        ax.plot(
            x,
            mean,
            color=style["color"],
            linestyle=style["linestyle"],
            linewidth=1.8,
            label=legend[scenario],
        )
    title = panel.title + (f" ({panel.unit.label})" if panel.unit.label else "")
    ax.set_title(textwrap.fill(title, 34), fontsize=9, loc="left")
    ax.set_xlabel(years_label)
    ax.set_xlim(0, x[-1])
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _pos: number(v)))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _pos: number(v)))
    ax.grid(True, color="#dddddd", linewidth=0.6)
