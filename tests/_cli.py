"""Shared by the CLI tests: run `myotwin` in-process and capture what it printed."""

from __future__ import annotations

import pytest

from myotwin.cli import main


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `myotwin ARGS`, run in-process."""
    capsys.readouterr()  # drop anything printed before
    try:
        main(list(args))
    except SystemExit as exc:
        code = exc.code
    else:
        code = 0
    out, err = capsys.readouterr()
    code = 0 if code is None else code
    assert isinstance(code, int)
    return code, out, err
