"""Workout-log import: every app and layout to numbers worked out by hand, and bad files.

Hand counts for each fixture are written beside its test: working sets are numbered rows, drop
(D), failure (F) and timed sets; warm-ups (W) and rest-timer rows are not. Volume load is reps x
weight as written (kg; pounds x 0.45359237), without body mass.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from fitfile import (
    BENCH_PRESS,
    PLANK,
    PULL_UP,
    SQUAT,
    UNKNOWN,
    activity,
    encode,
    file_id,
    session,
    strength_set,
)
from myotwin.logs import LogImportError, parse_bytes, read_file
from myotwin.logs.history import Resolver, import_log, map_name, show, stored_sets, training_log
from myotwin.logs.records import KG_PER_LB, summarise
from myotwin.logs.wger import fetch_log
from myotwin.store import Store

DATA = Path(__file__).parent / "data" / "logs"
LB = KG_PER_LB


def summary(name: str, unit: str | None = None) -> dict[str, Any]:
    parsed = read_file(DATA / name, unit)
    return summarise(parsed.source, parsed.sets, Resolver())


def check(doc: dict[str, Any], **expected: Any) -> None:
    volume = expected.pop("volume_load_kg")
    assert doc["volume_load_kg"] == pytest.approx(volume, abs=1e-5)
    for key, value in expected.items():
        assert doc[key] == value, key


# --- Strong -------------------------------------------------------------------------------


def test_strong_semicolon_layout_with_units_per_row() -> None:
    # Squat 80x5 + 82,5x5 (W 20x10 not counted), deadlift 225 lbs x5, plank 0 reps 60 s,
    # bench 60x8 + drop 40x12, assisted pull-up 20x8, failure 30x6: 8 sets, 49 reps.
    volume = 80 * 5 + 82.5 * 5 + 225 * LB * 5 + 60 * 8 + 40 * 12 + 20 * 8 + 30 * 6
    check(
        summary("strong_semicolon.csv"),
        source="strong", sessions=2, sets=8, reps=49, volume_load_kg=volume,
        first="2019-01-11", last="2019-01-14", unmapped=["Zercher Thing"],
        exercises=["Squat (Barbell)", "Deadlift (Barbell)", "Plank", "Bench Press (Barbell)",
                   "Pull Up (Assisted)", "Zercher Thing"],
    )  # fmt: skip
    sets = read_file(DATA / "strong_semicolon.csv").sets
    plank = next(s for s in sets if s.exercise == "Plank")
    assert plank.seconds == 60 and plank.reps == 0 and plank.working
    assert next(s for s in sets if s.exercise == "Pull Up (Assisted)").assisted
    assert [s.kind for s in sets[:3]] == ["warmup", "working", "working"]


def test_strong_comma_layout_groups_by_date_and_name_and_mends_runaway_durations() -> None:
    # 100x5, 100x5, 102.5x4, fly 25x12, bench 70x8 + 70x7 (a "3,527h 3min" duration split
    # the row), deadlift 140x3, a run of 1200 s: 8 sets, 44 reps; rest timer and W left out.
    volume = 100 * 5 * 2 + 102.5 * 4 + 25 * 12 + 70 * 8 + 70 * 7 + 140 * 3
    doc = summary("strong_comma_kg.csv", "kg")
    check(doc, source="strong", sessions=3, sets=8, reps=44, volume_load_kg=volume,
          first="2023-03-06", last="2023-03-09")  # fmt: skip
    assert "Fly, Seated (Cable)" in doc["exercises"] and "Rest Timer" not in doc["exercises"]
    assert summary("strong_comma_kg.csv", "lb")["volume_load_kg"] == pytest.approx(volume * LB)


def test_strong_comma_layout_infers_the_unit_and_says_so() -> None:
    kg = read_file(DATA / "strong_comma_kg.csv")
    lb = read_file(DATA / "strong_comma_lb.csv")
    assert "read as kg" in kg.notes[0] and "--unit" in kg.notes[0]
    assert "read as lb" in lb.notes[0]
    pounds = 225 * 5 * 2 + 235 * 4 + 55 * 12 + 155 * 8 + 155 * 7 + 315 * 3
    check(summarise("strong", lb.sets), sessions=3, sets=8, reps=44, volume_load_kg=pounds * LB)
    assert read_file(DATA / "strong_comma_lb.csv", "kg").notes == ()


def test_strong6_layout_units_in_header_and_workout_numbers() -> None:
    # Workout #1: OHP 95x5 x2 (W 45 not counted), push-up 15 reps; #2 (same date and name, its
    # own workout): assisted dip 50x10, a walk of 800 m in 600 s. Pounds from the header.
    doc = summary("strong6.csv")
    check(doc, sessions=2, sets=5, reps=35, volume_load_kg=(95 * 5 * 2 + 50 * 10) * LB,
          first="2024-05-02", last="2024-05-02", unmapped=[])  # fmt: skip
    walk = next(s for s in read_file(DATA / "strong6.csv").sets if s.exercise == "Walking")
    assert walk.seconds == 600 and walk.distance_m == 800


# --- Hevy ---------------------------------------------------------------------------------


def test_hevy_metric_english_dates() -> None:
    # Full body 15 Jan: squat 90x5 + failure 90x4 (warm-up 40 not counted), drop set
    # 45.5x10, plank 45 s; Legs 15 Jan (same start, another title): leg press 150x12;
    # Full body 18 Jan: chin-up 8 body-weight reps.
    doc = summary("hevy_en_kg.csv")
    check(doc, source="hevy", sessions=3, sets=6, reps=39,
          volume_load_kg=90 * 5 + 90 * 4 + 45.5 * 10 + 150 * 12,
          first="2024-01-15", last="2024-01-18", unmapped=[])  # fmt: skip
    sets = read_file(DATA / "hevy_en_kg.csv").sets
    assert sets[0].start == dt.datetime(2024, 1, 15, 17, 0)
    assert next(s for s in sets if s.exercise == "Plank").seconds == 45


def test_hevy_imperial_dutch_dates_and_unknown_set_types() -> None:
    # deadlift 225 lb x5 x2, "Squat met halter" (a Dutch alias) 135x8, dumbbell bench 50x10
    # ("regular": a working set), treadmill 1.5 miles in 900 s (unmapped, kept).
    doc = summary("hevy_nl_lbs.csv")
    check(doc, sessions=2, sets=5, reps=28,
          volume_load_kg=(225 * 5 * 2 + 135 * 8 + 50 * 10) * LB,
          first="2025-03-03", last="2025-10-12", unmapped=["Treadmill"])  # fmt: skip
    run = next(s for s in read_file(DATA / "hevy_nl_lbs.csv").sets if s.exercise == "Treadmill")
    assert run.distance_m == pytest.approx(1.5 * 1609.344) and run.seconds == 900


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 Jan 2024, 17:00", dt.datetime(2024, 1, 15, 17, 0)),
        ("3 mrt. 2025, 08:15", dt.datetime(2025, 3, 3, 8, 15)),
        ("12 okt 2025 19:05", dt.datetime(2025, 10, 12, 19, 5)),
        ("1 mei 2025, 07:00", dt.datetime(2025, 5, 1, 7, 0)),
        ("18 sept. 2026, 17:31", dt.datetime(2026, 9, 18, 17, 31)),
        ("Jan 15, 2024, 5:00 PM", dt.datetime(2024, 1, 15, 17, 0)),
        ("2026-01-10 18:00:00", dt.datetime(2026, 1, 10, 18, 0)),
        ("2024-01-15 5:07:09\u202fAM", dt.datetime(2024, 1, 15, 5, 7, 9)),
    ],
)
def test_dates_in_the_apps_languages(text: str, expected: dt.datetime) -> None:
    from myotwin.logs.dates import parse_datetime

    assert parse_datetime(text, 2, "start_time") == expected


# --- FitNotes -----------------------------------------------------------------------------


def test_fitnotes_android_converts_units_per_row() -> None:
    # 1 Sep: bench 60 kg x8, 135 lbs x6, plank 0:01:30; 3 Sep: squat "100,0" kg x5, 10 km
    # cycling in 0:30:00.
    doc = summary("fitnotes_android.csv")
    check(doc, source="fitnotes", sessions=2, sets=5, reps=19,
          volume_load_kg=60 * 8 + 135 * LB * 6 + 100 * 5,
          first="2022-09-01", last="2022-09-03", unmapped=[])  # fmt: skip
    sets = read_file(DATA / "fitnotes_android.csv").sets
    assert next(s for s in sets if s.exercise == "Plank").seconds == 90
    assert next(s for s in sets if s.exercise == "Cycling").distance_m == 10_000


def test_fitnotes_ios_kinds_and_two_weight_columns() -> None:
    # deadlift 120 kg x3 (the 60 kg warm-up not counted); lateral raise 22 lbs x12 + drop x10.
    check(summary("fitnotes_ios.csv"), sessions=2, sets=3, reps=25,
          volume_load_kg=120 * 3 + 22 * LB * 22, unmapped=["Lateral Raise"])  # fmt: skip


# --- Garmin FIT ---------------------------------------------------------------------------

T0 = dt.datetime(2025, 6, 2, 16, 0, tzinfo=dt.UTC)


def fit_activity() -> bytes:
    """Two sessions: (1) squat 100x5, rest, back squat 102.5x5, bench 60x8, a 60 s plank;
    (2) an hour later: a band-assisted chin-up 10x8 and an unknown exercise 20x10."""
    later = T0 + dt.timedelta(hours=3)
    return encode(
        [
            file_id(T0),
            session(T0, 3600),
            strength_set(T0, reps=5, kg=100, category=SQUAT),
            strength_set(T0 + dt.timedelta(minutes=2), active=False, seconds=90),
            strength_set(T0 + dt.timedelta(minutes=4), reps=5, kg=102.5, category=SQUAT, subtype=6),
            strength_set(T0 + dt.timedelta(minutes=8), reps=8, kg=60, category=BENCH_PRESS),
            strength_set(T0 + dt.timedelta(minutes=12), reps=0, seconds=60, category=PLANK),
            session(later, 1800),
            strength_set(later, reps=8, kg=10, category=PULL_UP, subtype=2),
            strength_set(later + dt.timedelta(minutes=3), reps=10, kg=20, category=UNKNOWN),
            activity(later + dt.timedelta(minutes=30), 2),
        ]
    )


def test_garmin_fit_strength_activity() -> None:
    parsed = parse_bytes(fit_activity())
    doc = summarise(parsed.source, parsed.sets, Resolver())
    check(doc, source="garmin", sessions=2, sets=6, reps=36,
          volume_load_kg=100 * 5 + 102.5 * 5 + 60 * 8 + 10 * 8 + 20 * 10,
          first="2025-06-02", last="2025-06-02",
          exercises=["SQUAT", "BARBELL_BACK_SQUAT", "BENCH_PRESS", "PLANK",
                     "BAND_ASSISTED_CHIN_UP", "UNKNOWN"],
          unmapped=["UNKNOWN"])  # fmt: skip
    plank = next(s for s in parsed.sets if s.exercise == "PLANK")
    assert plank.seconds == 60 and plank.reps == 0
    assert parsed.sets[0].start == dt.datetime(2025, 6, 2, 18, 0)  # local time (UTC+2)
    assert next(s for s in parsed.sets if "CHIN" in s.exercise).assisted


def test_garmin_fit_truncated_or_corrupt_names_the_record() -> None:
    data = fit_activity()
    for broken in (data[:-40], data[:20], data[:-2] + b"\x00\x00"):
        with pytest.raises(LogImportError, match=r"FIT record \d+"):
            parse_bytes(broken)


# --- wger ---------------------------------------------------------------------------------


class FakeWger(BaseHTTPRequestHandler):
    """A wger server: version, three pages of workout logs, exercise infos; token "secret"."""

    version = "2.7.0"
    logs: ClassVar[list[dict[str, Any]]] = []

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != "Token secret":
            return self._send(401, {"detail": "Invalid token."})
        path, _, query = self.path.partition("?")
        if path == "/api/v2/version/":
            return self._send(200, self.version)
        if path == "/api/v2/workoutlog/":
            params = dict(p.split("=") for p in query.split("&") if p)
            offset = int(params.get("offset", 0))
            limit = 2  # small pages so the client must follow `next`
            page = self.logs[offset : offset + limit]
            host = f"http://127.0.0.1:{self.server.server_address[1]}"
            more = offset + limit < len(self.logs)
            nxt = f"{host}/api/v2/workoutlog/?limit={limit}&offset={offset + limit}"
            return self._send(200, {"count": len(self.logs), "next": nxt if more else None,
                                    "previous": None, "results": page})  # fmt: skip
        if path.startswith("/api/v2/exerciseinfo/"):
            number = path.rstrip("/").rsplit("/", 1)[1]
            names = {"1": "Squats", "2": "Bankdrukken"}
            return self._send(200, {"id": number, "translations": [
                {"name": names.get(number, "Mystery"), "language": 2}]})  # fmt: skip
        return self._send(404, {"detail": "Not found."})

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:  # keep the test output clean
        pass


def _log(i: int, exercise: int, reps: Any, weight: Any, **more: Any) -> dict[str, Any]:
    return {"id": i, "date": "2025-02-03T18:00:00+01:00", "session": 7, "exercise": exercise,
            "repetitions": reps, "repetitions_unit": 1, "weight": weight, "weight_unit": 1,
            "rir": None, **more}  # fmt: skip


@pytest.fixture
def wger() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeWger)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_wger_follows_pages_and_converts_units(wger: str) -> None:
    # Session 7: squats 100 kg x5 x2, bench 135 lb x8 (weight unit 2), a 60 s hold
    # (repetitions unit 3); 5 Feb, no session: bench x10 to failure (unit 2) at 60 kg.
    FakeWger.version = "2.7.0"
    FakeWger.logs = [
        _log(1, 1, "5.00", "100.00"),
        _log(2, 1, "5.00", "100.00"),
        _log(3, 2, "8.00", "135.00", weight_unit=2),
        _log(4, 3, "60.00", None, repetitions_unit=3, weight_unit=None),
        _log(5, 2, "10.00", "60.00", session=None, date="2025-02-05T07:00:00Z", repetitions_unit=2),
    ]
    parsed = fetch_log(wger, "secret")
    doc = summarise(parsed.source, parsed.sets, Resolver())
    check(doc, source="wger", sessions=2, sets=5, reps=28,
          volume_load_kg=100 * 5 * 2 + 135 * LB * 8 + 60 * 10,
          first="2025-02-03", last="2025-02-05", exercises=["Squats", "Bankdrukken", "Mystery"],
          unmapped=["Mystery"])  # fmt: skip
    assert parsed.sets[3].seconds == 60 and parsed.sets[4].kind == "failure"


def test_wger_old_servers_bad_tokens_and_bad_values(wger: str) -> None:
    FakeWger.version = "1.9.0"
    with pytest.raises(LogImportError, match="too old"):
        fetch_log(wger, "secret")
    FakeWger.version = "2.7.0"
    with pytest.raises(LogImportError, match="HTTP 401"):
        fetch_log(wger, "wrong")
    FakeWger.logs = [_log(1, 1, "5.00", "100.00"), _log(2, 1, "-3", "100.00")]
    with pytest.raises(LogImportError, match=r"workoutlog record 2 .*negative"):
        fetch_log(wger, "secret")
    with pytest.raises(LogImportError, match="cannot connect"):
        fetch_log("http://127.0.0.1:9", "secret")  # the discard port: nothing listens
    with pytest.raises(LogImportError, match="not an http"):
        fetch_log("file:///etc/passwd", "secret")


def test_wger_version_before_2_3_uses_the_old_field_names() -> None:
    pages = {
        "https://old.example/api/v2/version/": "2.2.1",
        "https://old.example/api/v2/workoutlog/?limit=100&ordering=date": {
            "next": None,
            "results": [
                {
                    "id": 1,
                    "date": "2023-05-01",
                    "workout": 3,
                    "exercise_base": 9,
                    "reps": 12,
                    "repetition_unit": 1,
                    "weight": "40.0",
                    "weight_unit": 1,
                }
            ],
        },
        "https://old.example/api/v2/exercisebaseinfo/9/": {
            "exercises": [
                {"name": "Beinpresse", "language": 1},
                {"name": "Leg press", "language": 2},
            ]
        },
    }
    parsed = fetch_log("https://old.example", "t", fetch=pages.__getitem__)
    (only,) = parsed.sets
    assert (only.exercise, only.reps, only.weight_kg) == ("Leg press", 12, 40.0)
    assert Resolver()(only.exercise) == "leg_press"


# --- bad files ----------------------------------------------------------------------------

HEVY_HEADER = "title,start_time,end_time,exercise_title,superset_id,exercise_notes,set_index," \
    "set_type,weight_kg,reps,distance_km,duration_seconds,rpe\n"  # fmt: skip
HEVY_ROW = 'A,"15 Jan 2024, 17:00","15 Jan 2024, 18:00",Squat (Barbell),,,0,normal,{w},{r},,,\n'


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"line 1: the file is empty"),
        (b"\n\n  \n", r"line 1: the file is empty"),
        (HEVY_HEADER.encode(), r"no sets found: the hevy export has a header only"),
        (b"name,age\nanne,62\n", r"line 1: not an export of Strong, Hevy or FitNotes"),
        ((HEVY_HEADER + HEVY_ROW.format(w=100, r=5) + HEVY_ROW.format(w=100, r=-3)).encode(),
         r"line 3: reps: -3 is negative"),
        ((HEVY_HEADER + HEVY_ROW.format(w=5000, r=5)).encode(),
         r"line 2: weight_kg: 5000 is not plausible \(allowed 0..1000 kg\)"),
        ((HEVY_HEADER + HEVY_ROW.format(w="heavy", r=5)).encode(),
         r"line 2: weight_kg: 'heavy' is not a number"),
        ((HEVY_HEADER + HEVY_ROW.format(w=100, r=5.5)).encode(),
         r"line 2: reps: 5.5 is not a whole number"),
        ((HEVY_HEADER + HEVY_ROW.format(w="nan", r=5)).encode(), r"line 2: weight_kg: 'nan'"),
        ((HEVY_HEADER + "A,yesterday,x,Squat,,,0,normal,1,1,,,\n").encode(),
         r"line 2: start_time: 'yesterday' is not a date"),
        ((HEVY_HEADER + "A,1 Jan 2024 10:00\n").encode(), r"line 2: 2 fields where the header"),
        (b"\x00\x01\x02\x03garbage" * 10, r"line 1: binary data"),
        (b"Date,Exercise\n\xff\xfe\xfa\n", r"line 2: not UTF-8"),
        (b"Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps\n"
         b"2019-01-11 12:31:54;Leg;Squat;1;20;stone;5\n", r"line 2: Weight Unit: unknown unit"),
        (b"Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps\n"
         b"2019-01-11 12:31:54;Leg;Squat;X;20;kg;5\n", r"line 2: Set Order: 'X' is not"),
    ],
)  # fmt: skip
def test_bad_files_give_one_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(LogImportError, match=message) as caught:
        parse_bytes(data)
    assert "\n" not in str(caught.value)


def test_very_large_files_are_refused_before_reading(tmp_path: Path) -> None:
    import myotwin.logs as logs

    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(logs.MAX_FILE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(LogImportError, match=r"big.csv: the file is 64 MiB"):
        read_file(big)
    with pytest.raises(LogImportError, match=r"missing\.csv: cannot read"):
        read_file(tmp_path / "missing.csv")


# --- store --------------------------------------------------------------------------------


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(f"sqlite:///{tmp_path / 'db.sqlite3'}") as opened:
        yield opened


def test_reimport_adds_nothing_twice_and_a_newer_export_adds_only_new_sets(
    store: Store,
) -> None:
    first = import_log(store, "anne", read_file(DATA / "strong_semicolon.csv"), "a.csv")
    assert first["added"] == 9  # 8 working sets and 1 warm-up are kept
    again = import_log(store, "anne", read_file(DATA / "strong_semicolon.csv"), "a.csv")
    assert again["added"] == 0 and again["sets"] == 8
    longer = (DATA / "strong_semicolon.csv").read_text() + (
        '2019-01-16 08:00:00;"Leg";"Leg Press";1;120;kg;10;;;;0;"";""\n'
    )
    third = import_log(store, "anne", parse_bytes(longer.encode()), "b.csv")
    assert third["added"] == 1
    assert len(stored_sets(store, "anne")) == 10
    assert store.get_person("anne") == {}  # created by the import, without a profile


def test_a_failed_import_leaves_the_store_as_it_was(store: Store) -> None:
    import_log(store, "anne", read_file(DATA / "hevy_en_kg.csv"), "h.csv")
    before = (store.list_people(), store.list_logs("anne"))
    with pytest.raises(ValueError, match="key"):
        store.add_log_entries("bob", "hevy", {}, [{"key": "a"}, {"no": "key"}])
    with pytest.raises(ValueError, match="not JSON"):
        store.add_log_entries("anne", "hevy", {}, [{"key": "b", "x": float("nan")}])
    assert (store.list_people(), store.list_logs("anne")) == before


def test_mapping_names_later_applies_to_stored_sets(store: Store) -> None:
    import_log(store, "anne", read_file(DATA / "strong_semicolon.csv"), "a.csv")
    assert show(store, "anne")["unmapped"] == ["Zercher Thing"]
    map_name(store, "zercher thing", "front_squat")
    doc = show(store, "anne")
    assert doc["unmapped"] == []
    assert {r["exercise"]: r["id"] for r in doc["by_exercise"]}["Zercher Thing"] == "front_squat"
    with pytest.raises(LogImportError, match="not an exercise id"):
        map_name(store, "Thing", "no_such_exercise")


def test_a_stored_log_becomes_a_training_log_with_body_weight_and_assistance(
    store: Store,
) -> None:
    import_log(store, "anne", read_file(DATA / "strong_semicolon.csv"), "a.csv")
    log, skipped = training_log(stored_sets(store, "anne"), Resolver(store.exercise_names()))
    assert skipped == 1  # the unmapped "Zercher Thing"
    assert [s.date for s in log.sessions] == [dt.date(2019, 1, 11), dt.date(2019, 1, 14)]
    day1 = {e.exercise: e.sets for e in log.sessions[0].exercises}
    assert [s.kg for s in day1["back_squat"]] == [80.0, 82.5]  # the warm-up is not simulated
    assert day1["plank"][0].minutes == 1.0
    day2 = {e.exercise: e.sets for e in log.sessions[1].exercises}
    assert day2["pull_up"][0].kg == -20.0  # assistance: a negative external load


def test_garmin_fit_without_a_session_message_is_one_workout() -> None:
    data = encode(
        [
            file_id(T0),
            strength_set(T0, reps=5, kg=100, category=SQUAT),
            strength_set(T0 + dt.timedelta(minutes=5), reps=5, kg=100, category=SQUAT),
        ]
    )
    doc = summarise("garmin", parse_bytes(data).sets)
    assert (doc["sessions"], doc["sets"], doc["volume_load_kg"]) == (1, 2, 1000)


def test_wger_token_never_follows_a_redirect_to_another_host(wger: str) -> None:
    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", f"{wger}/api/v2/version/")  # another port: another host
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(LogImportError, match="HTTP 302"):
            fetch_log(f"http://127.0.0.1:{server.server_address[1]}", "secret")
    finally:
        server.shutdown()
        server.server_close()
