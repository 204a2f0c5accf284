"""`myotwin validate`: every trial file of a folder against its published results."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from myotwin.engine import executor
from myotwin.evidence import registry
from myotwin.inputs import InputError
from myotwin.trial.runner import block_count, run_trial
from myotwin.trial.spec import load_trial

ProgressFactory = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


@dataclass
class TrialOutcome:
    file: str
    trial: str
    in_sample: bool
    rows: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    published_rows: int = 0  # rows of a file that broke the contract (they count as disagreeing)


@dataclass
class ValidationSummary:
    trials: list[TrialOutcome]

    @property
    def total(self) -> int:
        return sum(len(t.rows) if t.error is None else t.published_rows for t in self.trials)

    @property
    def agree(self) -> int:
        return sum(1 for t in self.trials for r in t.rows if r["agrees"])

    @property
    def sharp(self) -> int:
        return sum(1 for t in self.trials for r in t.rows if r["agrees"] and r["sharp"])

    @property
    def last_line(self) -> str:
        """The machine-read closing line (never localised)."""
        return f"{self.agree} of {self.total} published results agree ({self.sharp} of them sharp)"


def shipped_trials() -> list[Traversable]:
    folder = resources.files("myotwin.data").joinpath("trials")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)


def calibrated_trials() -> set[str]:
    """Stems of trial files that some calibrated parameter was fitted to (in-sample)."""
    return {
        p.citation.removeprefix("trial:")
        for p in registry().parameters.values()
        if p.calibrated and p.citation.startswith("trial:")
    }


def _files(folder: Path | None) -> Iterator[tuple[str, str]]:
    sources: list[Traversable] | list[Path]
    sources = shipped_trials() if folder is None else sorted(folder.glob("*.toml"))
    for f in sources:
        yield f.name, f.read_text(encoding="utf-8")


def _count_published(text: str) -> int:
    try:
        published = tomllib.loads(text).get("published", [])
    except tomllib.TOMLDecodeError:
        return 0
    return len(published) if isinstance(published, list) else 0


def validate(
    folder: Path | None = None, *, workers: int = 1, progress: ProgressFactory | None = None
) -> ValidationSummary:
    in_sample = calibrated_trials()
    run_on = executor("process" if workers > 1 else "serial", workers)
    outcomes: list[TrialOutcome] = []
    for name, text in _files(folder):
        stem = name.removesuffix(".toml")
        try:
            spec = load_trial(text)
        except InputError as exc:
            outcomes.append(
                TrialOutcome(
                    name, stem, False, error=str(exc), published_rows=_count_published(text)
                )
            )
            continue
        context = progress(spec.name, block_count(spec)) if progress else nullcontext(None)
        with context as advance:
            document = run_trial(spec, run_on, advance)
        outcomes.append(
            TrialOutcome(name, spec.name, stem in in_sample, document.get("validation", []))
        )
    return ValidationSummary(outcomes)
