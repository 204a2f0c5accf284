"""Per-system small multiples as inline SVG: with and without training, 95 % bands.

Readable when printed in black and white: training is a solid dark line, no training a dashed
grey one, each with a light band. Text stays text, so the page's font renders it and the labels
can be searched. The SVG is written directly (no plotting library): a figure costs well under a
millisecond, which keeps a web projection on screen fast, and the output is deterministic.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

from myotwin.report.analysis import OutcomeResult
from myotwin.report.content import DisplayUnit
from myotwin.simulate import DAYS_PER_YEAR

COLUMNS = 3
STYLE = {
    "training": {"color": "#1f4e99", "dash": "", "band": "#1f4e99"},
    "no_training": {"color": "#555555", "dash": "6 4", "band": "#999999"},
}
# Layout in SVG user units (1 unit = 1 px at 100 %).
PANEL_W, PANEL_H = 330, 235
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 62, 14, 48, 46
LEGEND_H = 34
FONT = 12
TITLE_CHARS = 40  # wrap width of a panel title


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
    cols = min(COLUMNS, len(panels))
    rows = -(-len(panels) // COLUMNS)
    width, height = cols * PANEL_W, rows * PANEL_H + LEGEND_H
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" class="plot" id="plot-{escape(key)}" '
        f'style="max-width:100%;height:auto" font-family="sans-serif" font-size="{FONT}">'
    ]
    for i, panel in enumerate(panels):
        x0, y0 = (i % COLUMNS) * PANEL_W, (i // COLUMNS) * PANEL_H
        parts.append(_panel(panel, x0, y0, years_label, number))
    parts.append(_legend(legend, width, height - LEGEND_H / 2))
    parts.append("</svg>")
    return "".join(parts)


def _panel(
    panel: Panel, x0: float, y0: float, years_label: str, number: Callable[[float], str]
) -> str:
    o = panel.outcome
    x = np.asarray(o.days, dtype=float) / DAYS_PER_YEAR
    series = {}
    for scenario in ("no_training", "training"):
        band = o.bands[scenario]
        series[scenario] = tuple(
            panel.unit.value(np.asarray(values, dtype=float))
            for values in (band.mean, band.lo95, band.hi95)
        )
    finite = np.concatenate([v[np.isfinite(v)] for s in series.values() for v in s])
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    y_ticks = nice_ticks(low, high)
    y_lo, y_hi = min(low, y_ticks[0]), max(high, y_ticks[-1])
    if y_hi == y_lo:
        y_lo, y_hi = y_lo - 1, y_hi + 1
    x_hi = float(x[-1]) if x.size and x[-1] > 0 else 1.0
    left, right = x0 + PLOT_LEFT, x0 + PANEL_W - PLOT_RIGHT
    top, bottom = y0 + PLOT_TOP, y0 + PANEL_H - PLOT_BOTTOM

    def sx(v: np.ndarray | float) -> np.ndarray:
        return left + (np.asarray(v) / x_hi) * (right - left)

    def sy(v: np.ndarray | float) -> np.ndarray:
        return bottom - (np.asarray(v) - y_lo) / (y_hi - y_lo) * (bottom - top)

    out = ['<g class="panel">']
    title = panel.title + (f" ({panel.unit.label})" if panel.unit.label else "")
    for line_no, line in enumerate(textwrap.wrap(title, TITLE_CHARS)[:2]):
        out.append(
            f'<text x="{x0 + 8}" y="{y0 + 16 + line_no * 15}" font-weight="bold">'
            f"{escape(line)}</text>"
        )
    for tick in y_ticks:
        y = float(sy(tick))
        out.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dddddd"/>')
        out.append(
            f'<text x="{left - 5}" y="{y + 4:.1f}" text-anchor="end">{escape(number(tick))}</text>'
        )
    for tick in nice_ticks(0.0, x_hi, most=6):
        if tick > x_hi + 1e-9:
            continue
        xx = float(sx(tick))
        out.append(f'<line x1="{xx:.1f}" x2="{xx:.1f}" y1="{top}" y2="{bottom}" stroke="#eeeeee"/>')
        out.append(
            f'<text x="{xx:.1f}" y="{bottom + 16}" text-anchor="middle">'
            f"{escape(number(tick))}</text>"
        )
    out.append(
        f'<text x="{(left + right) / 2:.1f}" y="{bottom + 34}" text-anchor="middle">'
        f"{escape(years_label)}</text>"
    )
    out.append(
        f'<path d="M{left},{top}V{bottom}H{right}" fill="none" stroke="#333333" stroke-width="1"/>'
    )
    # Drawn without training first (underneath).
    for scenario, (mean, lo, hi) in series.items():
        style = STYLE[scenario]
        for run in _finite_runs(lo, hi):
            xs, los, his = sx(x[run]), sy(lo[run]), sy(hi[run])
            points = list(zip(xs, his, strict=True)) + list(zip(xs[::-1], los[::-1], strict=True))
            out.append(
                f'<path d="{_path(points)}Z" fill="{style["band"]}" fill-opacity="0.18" '
                f'class="band {scenario}"/>'
            )
        for run in _finite_runs(mean):
            dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
            out.append(
                f'<path d="{_path(list(zip(sx(x[run]), sy(mean[run]), strict=True)))}" '
                f'fill="none" stroke="{style["color"]}" stroke-width="2"{dash} '
                f'class="line {scenario}"/>'
            )
    out.append("</g>")
    return "".join(out)


def _legend(legend: dict[str, str], width: float, y: float) -> str:
    out = ['<g class="legend">']
    x = width / 2 - 170
    for scenario in ("training", "no_training"):  # listed with training first
        style = STYLE[scenario]
        dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
        out.append(
            f'<line x1="{x:.0f}" x2="{x + 28:.0f}" y1="{y:.0f}" y2="{y:.0f}" '
            f'stroke="{style["color"]}" stroke-width="2"{dash}/>'
        )
        out.append(f'<text x="{x + 34:.0f}" y="{y + 4:.0f}">{escape(legend[scenario])}</text>')
        x += 190
    out.append("</g>")
    return "".join(out)


def _finite_runs(*arrays: np.ndarray) -> list[slice]:
    """Index ranges where every array is finite (a gap breaks the line)."""
    ok = np.logical_and.reduce([np.isfinite(a) for a in arrays])
    runs, start = [], None
    for i, good in enumerate(ok):
        if good and start is None:
            start = i
        if not good and start is not None:
            runs.append(slice(start, i))
            start = None
    if start is not None:
        runs.append(slice(start, len(ok)))
    return runs


def _path(points: Sequence[tuple[float, float]]) -> str:
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points)


def nice_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) covering `low`..`high`."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0, 1.0]
    if high <= low:
        pad = abs(low) * 0.05 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / max(1, most - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(low / step + 1e-9) * step
    count = math.ceil((high - first) / step - 1e-9)
    return [round(first + k * step, 12) for k in range(count + 1)]
