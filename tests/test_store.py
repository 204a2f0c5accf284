"""Tests of myotwin.store against SQLite files in tmp_path (never the real user data folder)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from myotwin import store as store_module
from myotwin.store import ENV_VAR, Store, StoreError, default_database_url


@pytest.fixture(autouse=True)
def _isolated_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No test may read the real env var or write in the real user data folder."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    data_dir = tmp_path / "user-data" / "myotwin"
    monkeypatch.setattr(store_module.platformdirs, "user_data_dir", lambda *a, **k: str(data_dir))
    return data_dir


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


# Set to e.g. postgresql+psycopg://user@localhost/scratch to run the store tests on PostgreSQL
# too; its tables are dropped and recreated by every test, so never point it at real data.
PG_ENV_VAR = "MYOTWIN_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, db_url: str) -> Iterator[Store]:
    """A fresh store on a SQLite file, and on PostgreSQL where PG_ENV_VAR names one."""
    if request.param == "sqlite":
        with Store(db_url) as s:
            yield s
        return
    pg_url = os.environ.get(PG_ENV_VAR)
    if not pg_url:
        pytest.skip(f"set {PG_ENV_VAR} to test on PostgreSQL")
    with Store(pg_url) as s:
        store_module._Base.metadata.drop_all(s._engine)
        store_module._Base.metadata.create_all(s._engine)
        yield s
        store_module._Base.metadata.drop_all(s._engine)


@pytest.fixture
def mem_store() -> Iterator[Store]:
    """An in-memory store, for the many small validation cases (faster than a file)."""
    with Store("sqlite://") as s:
        yield s


@pytest.fixture
def fail_after_flush(store: Store) -> Iterator[list[int]]:
    """Make every flush of this store raise after its SQL has run, i.e. mid-transaction.

    Yields a list that counts the failures, so a test can check the failure really happened
    after the statements were sent (and not before, which would prove nothing).
    """
    calls: list[int] = []

    def boom(*_: Any) -> None:
        calls.append(1)
        raise RuntimeError("simulated failure after the SQL was sent")

    target = store._sessions
    event.listen(target, "after_flush", boom)
    yield calls
    event.remove(target, "after_flush", boom)


def _assert_recent_utc(moment: datetime) -> None:
    assert moment.tzinfo is not None
    assert moment.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - moment) < timedelta(minutes=5)


PERSON = {"age_years": 70, "sex": "female", "body_mass_kg": 62.5, "tags": ["a", "b"]}
PROGRAM = {"sessions_per_week": 3, "exercises": [{"name": "squat", "sets": 3, "reps": 8}]}
LOG = {"sessions": [{"date": "2024-01-02", "exercise": "squat", "load_kg": 40.0}]}


# --- people and programs ------------------------------------------------------------------


def test_person_round_trip(store: Store) -> None:
    assert store.get_person("ann") is None
    assert store.list_people() == []
    store.save_person("ann", PERSON)
    store.save_person("  bob ", {"age_years": 30})  # names are stripped
    assert store.get_person("ann") == PERSON
    assert store.get_person("bob") == {"age_years": 30}
    assert store.list_people() == ["ann", "bob"]
    assert store.delete_person("ann") is True
    assert store.delete_person("ann") is False
    assert store.get_person("ann") is None
    assert store.list_people() == ["bob"]


def test_person_save_replaces(store: Store) -> None:
    store.save_person("ann", PERSON)
    store.save_person("ann", {"age_years": 71})
    assert store.get_person("ann") == {"age_years": 71}  # replaced, not merged
    assert store.list_people() == ["ann"]


def test_person_timestamps_are_utc_and_updated_on_replace(store: Store) -> None:
    store.save_person("ann", PERSON)
    with store._sessions() as session:
        first = session.query(store_module._Person).one()
    store.save_person("ann", {"age_years": 71})
    with store._sessions() as session:
        second = session.query(store_module._Person).one()
    for moment in (first.created_at, first.updated_at, second.created_at, second.updated_at):
        _assert_recent_utc(moment)
    assert second.created_at == first.created_at
    assert second.updated_at >= first.updated_at
    assert second.id == first.id  # replaced in place, so the person's logs stay attached


def test_program_round_trip_and_replace(store: Store) -> None:
    assert store.get_program("strong") is None
    store.save_program("strong", PROGRAM)
    store.save_program("easy", {"sessions_per_week": 1})
    assert store.get_program("strong") == PROGRAM
    assert store.list_programs() == ["easy", "strong"]
    store.save_program("strong", {"sessions_per_week": 2})
    assert store.get_program("strong") == {"sessions_per_week": 2}
    assert store.list_programs() == ["easy", "strong"]
    assert store.delete_program("strong") is True
    assert store.delete_program("strong") is False
    assert store.list_programs() == ["easy"]


def test_people_and_programs_are_separate(store: Store) -> None:
    store.save_person("same", PERSON)
    store.save_program("same", PROGRAM)
    assert store.get_person("same") == PERSON
    assert store.get_program("same") == PROGRAM


def test_json_is_normalised(store: Store) -> None:
    store.save_person("ann", {"pair": (1, 2), "nested": {"x": None}})
    assert store.get_person("ann") == {"pair": [1, 2], "nested": {"x": None}}


# --- logs ---------------------------------------------------------------------------------


def test_log_round_trip(store: Store) -> None:
    store.save_person("ann", PERSON)
    first = store.add_log("ann", "csv", LOG)
    second = store.add_log("ann", "manual", {"sessions": []})
    assert first != second
    logs = store.list_logs("ann")
    assert [log["id"] for log in logs] == [first, second]  # oldest first
    assert [log["source"] for log in logs] == ["csv", "manual"]
    assert logs[0]["data"] == LOG
    assert set(logs[0]) == {"id", "source", "created_at", "data"}
    for log in logs:
        _assert_recent_utc(log["created_at"])
    assert store.list_logs("nobody") == []


def test_logs_belong_to_their_person(store: Store) -> None:
    store.save_person("ann", PERSON)
    store.save_person("bob", PERSON)
    store.add_log("ann", "csv", LOG)
    store.add_log("bob", "csv", {"sessions": []})
    assert [log["data"] for log in store.list_logs("bob")] == [{"sessions": []}]


def test_log_needs_a_saved_person(store: Store) -> None:
    with pytest.raises(StoreError, match="nobody"):
        store.add_log("nobody", "csv", LOG)


def test_replacing_a_person_keeps_logs_and_deleting_removes_them(store: Store) -> None:
    store.save_person("ann", PERSON)
    store.add_log("ann", "csv", LOG)
    store.save_person("ann", {"age_years": 71})
    assert len(store.list_logs("ann")) == 1
    assert store.delete_person("ann")
    store.save_person("ann", PERSON)  # a new person of the same name starts with no logs
    assert store.list_logs("ann") == []
    with store._sessions() as session:
        assert session.query(store_module._TrainingLog).count() == 0


# --- runs ---------------------------------------------------------------------------------


def test_run_round_trip(store: Store) -> None:
    run_id = store.add_run("simulate", {"days": 84}, {"lean_mass": [50.0, 50.5]}, person="ann")
    run = store.get_run(run_id)
    assert run is not None
    assert run["id"] == run_id
    assert run["kind"] == "simulate"
    assert run["person"] == "ann"
    assert run["input"] == {"days": 84}
    assert run["result"] == {"lean_mass": [50.0, 50.5]}
    assert isinstance(run["version"], str) and run["version"]
    _assert_recent_utc(run["created_at"])
    assert store.get_run(run_id + 1000) is None


def test_run_explicit_version_and_no_person(store: Store) -> None:
    run_id = store.add_run("trial", {"trial": "x"}, {"ok": True}, version="9.9.9")
    run = store.get_run(run_id)
    assert run is not None
    assert run["version"] == "9.9.9"
    assert run["person"] is None


def test_list_runs_filters_newest_first_without_result(store: Store) -> None:
    a = store.add_run("simulate", {"n": 1}, {"big": [0] * 10}, person="ann")
    b = store.add_run("trial", {"n": 2}, {"big": [1]}, person="ann")
    c = store.add_run("simulate", {"n": 3}, {"big": [2]}, person="bob")
    d = store.add_run("simulate", {"n": 4}, {"big": [3]})
    runs = store.list_runs()
    assert [r["id"] for r in runs] == [d, c, b, a]
    assert all("result" not in r for r in runs)
    assert runs[0]["input"] == {"n": 4}
    assert [r["id"] for r in store.list_runs(person="ann")] == [b, a]
    assert [r["id"] for r in store.list_runs(kind="simulate")] == [d, c, a]
    assert [r["id"] for r in store.list_runs(person="ann", kind="simulate")] == [a]
    assert [r["id"] for r in store.list_runs(limit=2)] == [d, c]
    assert store.list_runs(person="nobody") == []


def test_runs_outlive_their_person(store: Store) -> None:
    store.save_person("ann", PERSON)
    run_id = store.add_run("simulate", {}, {}, person="ann")
    store.delete_person("ann")
    assert store.get_run(run_id) is not None


# --- opening ------------------------------------------------------------------------------


def test_data_persists_across_opens(db_url: str) -> None:
    with Store(db_url) as s:
        s.save_person("ann", PERSON)
        run_id = s.add_run("simulate", {"a": 1}, {"b": 2})
    with Store(db_url) as s:
        assert s.get_person("ann") == PERSON
        assert s.get_run(run_id) is not None


def test_env_var_selects_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "from-env" / "env.sqlite3"
    monkeypatch.setenv(ENV_VAR, f"sqlite:///{path}")
    assert default_database_url() == f"sqlite:///{path}"
    with Store() as s:
        s.save_person("ann", PERSON)
    assert path.is_file()
    with Store(f"sqlite:///{path}") as s:
        assert s.get_person("ann") == PERSON


def test_blank_env_var_means_default(monkeypatch: pytest.MonkeyPatch, _isolated_home: Path) -> None:
    monkeypatch.setenv(ENV_VAR, "   ")
    assert default_database_url() == f"sqlite:///{_isolated_home / 'myotwin.sqlite3'}"


def test_default_url_under_user_data_dir(_isolated_home: Path) -> None:
    url = default_database_url()
    assert url == f"sqlite:///{_isolated_home / 'myotwin.sqlite3'}"
    assert not _isolated_home.exists()  # asking for the URL creates nothing
    with Store() as s:
        s.save_person("ann", PERSON)
    assert (_isolated_home / "myotwin.sqlite3").is_file()  # opening creates folder and file


def test_in_memory_database() -> None:
    with Store("sqlite://") as s:
        s.save_person("ann", PERSON)
        assert s.get_person("ann") == PERSON


def test_missing_driver_is_a_store_error(monkeypatch: pytest.MonkeyPatch) -> None:
    # None in sys.modules makes `import psycopg` fail even where psycopg is installed.
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StoreError, match="driver") as info:
        Store("postgresql+psycopg://user:secret@localhost:5432/myotwin")
    assert isinstance(info.value.__cause__, ImportError)
    assert "secret" not in str(info.value)


def test_unreachable_server_is_a_store_error() -> None:
    pytest.importorskip("psycopg")  # with the driver missing the error comes earlier (above)
    # Port 1 on the loopback interface refuses at once: nothing listens there.
    with pytest.raises(StoreError, match="cannot open database") as info:
        Store("postgresql+psycopg://user:secret@127.0.0.1:1/myotwin")
    assert "secret" not in str(info.value)


@pytest.mark.parametrize("url", ["not a url", "nosuchdialect://host/db"])
def test_bad_url_is_a_store_error(url: str) -> None:
    with pytest.raises(StoreError):
        Store(url)


def test_unopenable_sqlite_file_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError):
        Store(f"sqlite:///{blocker / 'db.sqlite3'}")


def test_closed_store_refuses_use(db_url: str) -> None:
    s = Store(db_url)
    s.close()
    s.close()  # closing twice is harmless
    with pytest.raises(StoreError, match="closed"):
        s.list_people()


def test_repr_names_the_database(db_url: str) -> None:
    with Store(db_url) as s:
        assert "test.sqlite3" in repr(s)
        assert s.url == db_url


# --- transactions -------------------------------------------------------------------------


class NotJson:
    pass


def test_non_json_data_writes_nothing(store: Store) -> None:
    with pytest.raises(ValueError, match="person data"):
        store.save_person("ann", {"x": NotJson()})
    assert store.list_people() == []
    store.save_person("ann", PERSON)
    with pytest.raises(ValueError, match="person data"):
        store.save_person("ann", {"x": NotJson()})
    assert store.get_person("ann") == PERSON  # the old data survives a failed replace
    with pytest.raises(ValueError, match="run result"):
        store.add_run("simulate", {}, {"x": float("nan")})  # PostgreSQL's JSON has no NaN
    assert store.list_runs() == []
    with pytest.raises(ValueError, match="log data"):
        store.add_log("ann", "csv", {"when": datetime.now(UTC)})
    assert store.list_logs("ann") == []
    with pytest.raises(ValueError, match="program data"):
        store.save_program("p", ["not", "a", "dict"])  # type: ignore[arg-type]
    assert store.list_programs() == []


def test_failure_mid_way_writes_nothing(store: Store, fail_after_flush: list[int]) -> None:
    writes: list[Callable[[], object]] = [
        lambda: store.save_person("ann", PERSON),
        lambda: store.save_program("p", PROGRAM),
        lambda: store.add_run("simulate", {"a": 1}, {"b": 2}),
    ]
    for write in writes:
        with pytest.raises(RuntimeError, match="simulated"):
            write()
    assert len(fail_after_flush) == len(writes)  # each failed after its SQL had run
    assert store.list_people() == []
    assert store.list_programs() == []
    assert store.list_runs() == []


def test_failed_replace_and_delete_keep_old_state(store: Store) -> None:
    store.save_person("ann", PERSON)
    store.add_log("ann", "csv", LOG)
    calls: list[int] = []

    def boom(*_: Any) -> None:
        calls.append(1)
        raise RuntimeError("simulated")

    event.listen(store._sessions, "after_flush", boom)
    try:
        with pytest.raises(RuntimeError):
            store.save_person("ann", {"age_years": 99})
        with pytest.raises(RuntimeError):
            store.add_log("ann", "csv", LOG)
        with pytest.raises(RuntimeError):
            store.delete_person("ann")  # would delete the logs and the person together
    finally:
        event.remove(store._sessions, "after_flush", boom)
    assert len(calls) == 3
    assert store.get_person("ann") == PERSON
    assert len(store.list_logs("ann")) == 1


# --- names --------------------------------------------------------------------------------

BAD_NAMES: list[Any] = ["", "   ", "x" * 101, None, 3]


@pytest.mark.parametrize("bad", BAD_NAMES)
@pytest.mark.parametrize(
    ("field", "call"),
    [
        ("person name", lambda s, n: s.save_person(n, PERSON)),
        ("person name", lambda s, n: s.get_person(n)),
        ("person name", lambda s, n: s.delete_person(n)),
        ("program name", lambda s, n: s.save_program(n, PROGRAM)),
        ("program name", lambda s, n: s.get_program(n)),
        ("program name", lambda s, n: s.delete_program(n)),
        ("person name", lambda s, n: s.add_log(n, "csv", LOG)),
        ("person name", lambda s, n: s.list_logs(n)),
        ("log source", lambda s, n: s.add_log("ann", n, LOG)),
        ("run kind", lambda s, n: s.add_run(n, {}, {})),
    ],
)
def test_bad_names_rejected(
    mem_store: Store, field: str, call: Callable[[Store, Any], object], bad: Any
) -> None:
    store = mem_store
    store.save_person("ann", PERSON)
    with pytest.raises(ValueError, match=field):
        call(store, bad)
    assert store.list_people() == ["ann"]
    assert store.list_programs() == []
    assert store.list_runs() == []
    assert store.list_logs("ann") == []


@pytest.mark.parametrize("bad", [b for b in BAD_NAMES if b is not None])  # None: no person
def test_bad_run_person_rejected(mem_store: Store, bad: Any) -> None:
    store = mem_store
    with pytest.raises(ValueError, match="person name"):
        store.add_run("simulate", {}, {}, person=bad)
    with pytest.raises(ValueError, match="person name"):
        store.list_runs(person=bad)
    assert store.list_runs() == []


def test_longest_name_accepted(store: Store) -> None:
    name = "x" * 100
    store.save_person(name, PERSON)
    assert store.list_people() == [name]
