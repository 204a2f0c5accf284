"""The figures `--plot` writes (one session's hormones, a glucose day): their shared setup."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from myotwin.inputs import InputError

CURVE = "#1f6f8b"  # the modelled curve (with the session)
SESSION = "#f2c14e"  # the band marking the session


@contextmanager
def figure(path: str, nrows: int = 1, ncols: int = 1, **subplots: Any) -> Iterator[Any]:
    """The axes of a new figure; on leaving, it is laid out and written to `path` (PNG, SVG or
    PDF by the file's extension)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:  # an optional extra
        raise InputError("--plot: needs matplotlib; install myotwin[plot]") from exc
    fig, axes = plt.subplots(nrows, ncols, **subplots)
    try:
        yield axes
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)  # also when writing fails: a long-lived process keeps no figures


def shade_session(ax: Any, start: float, minutes: float, label: str) -> None:
    """The session's minutes as a band behind the curves."""
    ax.axvspan(start, start + minutes, color=SESSION, alpha=0.3, label=label)
