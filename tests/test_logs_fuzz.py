"""Fuzzing the log parsers: random bytes and mutated valid exports either import or fail with
one LogImportError line, never another exception (hypothesis; no timing, bounded examples)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from myotwin.logs import LogImportError, parse_bytes

DATA = Path(__file__).parent / "data" / "logs"
FIXTURES = sorted(p.read_bytes() for p in DATA.glob("*.csv"))
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fit_fixture() -> bytes:
    from test_logs import fit_activity

    return fit_activity()


def imports_or_fails_cleanly(data: bytes, unit: str | None = None) -> None:
    try:
        parsed = parse_bytes(data, unit)
    except LogImportError as exc:
        message = str(exc)
        assert message and "\n" not in message
        return
    assert parsed.sets  # an import never succeeds with nothing in it
    for s in parsed.sets:
        assert s.reps is None or 0 <= s.reps <= 1000
        assert s.weight_kg is None or 0 < s.weight_kg <= 1000


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    imports_or_fails_cleanly(data)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_behind_a_fit_signature(tail: bytes) -> None:
    imports_or_fails_cleanly(b"\x0e\x20\x00\x00\x10\x00\x00\x00.FIT" + tail)


@st.composite
def mutated(draw: st.DrawFn, originals: list[bytes]) -> bytes:
    """A valid export with a few bytes replaced, inserted or deleted, or cut short."""
    data = bytearray(draw(st.sampled_from(originals)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["replace", "insert", "delete", "truncate"]))
        if action == "replace":
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.sampled_from([b",", b";", b'"', b"\n", b"-", b"9999", b"\xff"]))
        elif action == "delete":
            del data[at]
        else:
            del data[at:]
    return bytes(data)


@FUZZ
@given(mutated(FIXTURES), st.sampled_from([None, "kg", "lb"]))
def test_mutated_csv_exports(data: bytes, unit: str | None) -> None:
    imports_or_fails_cleanly(data, unit)


@FUZZ
@given(st.data())
def test_mutated_fit_files(data: st.DataObject) -> None:
    imports_or_fails_cleanly(data.draw(mutated([fit_fixture()])))


@FUZZ
@given(
    st.lists(
        st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=12), min_size=13,
                 max_size=13),
        min_size=1, max_size=5,
    )
)  # fmt: skip
def test_hevy_rows_of_random_text(rows: list[list[str]]) -> None:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "title",
            "start_time",
            "end_time",
            "exercise_title",
            "superset_id",
            "exercise_notes",
            "set_index",
            "set_type",
            "weight_kg",
            "reps",
            "distance_km",
            "duration_seconds",
            "rpe",
        ]
    )
    writer.writerows(rows)
    imports_or_fails_cleanly(out.getvalue().encode("utf-8", "surrogatepass"))
