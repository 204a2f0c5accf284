"""Storage of people, programs, training logs and runs.

SQLite by default (a file under the user data folder), PostgreSQL or any other SQLAlchemy
database by URL. Records are kept as validated JSON dicts: the pydantic models that produce
and read them live elsewhere, so the schema here never has to follow their fields.

Only portable column types are used (String, Text, Integer, DateTime(timezone=True), JSON)
and no dialect-specific SQL, so the same code runs unchanged on SQLite and PostgreSQL.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Any

import platformdirs
from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    Engine,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    create_engine,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    defer,
    mapped_column,
    relationship,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

__all__ = ["ENV_VAR", "NAME_MAX", "Store", "StoreError", "default_database_url"]

ENV_VAR = "MYOTWIN_DATABASE_URL"
NAME_MAX = 100  # longest person/program/source name; also the width of the name columns
_KIND_MAX = 50
_VERSION_MAX = 50
_EXERCISE_NAME_MAX = 200


class StoreError(Exception):
    """A user-facing storage failure: bad URL, missing driver, unreachable database, ..."""


def default_database_url() -> str:
    """``$MYOTWIN_DATABASE_URL`` if set, else a SQLite file in the user data folder.

    The folder is not created here (only when a `Store` opens it), so importing or asking
    for the URL never touches the disk.
    """
    url = os.environ.get(ENV_VAR, "").strip()
    if url:
        return url
    path = Path(platformdirs.user_data_dir("myotwin")) / "myotwin.sqlite3"
    return f"sqlite:///{path}"


def _package_version() -> str:
    try:
        return metadata.version("myotwin")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def _now() -> datetime:
    return datetime.now(UTC)


# --- validation ---------------------------------------------------------------------------


def _check_name(field: str, value: object, max_len: int = NAME_MAX) -> str:
    """Strip and check a name; the ValueError names the field so the CLI can show it as is."""
    if not isinstance(value, str):
        raise ValueError(f"{field} must be a string, got {type(value).__name__}")
    name = value.strip()
    if not name:
        raise ValueError(f"{field} must not be empty")
    if len(name) > max_len:
        raise ValueError(f"{field} must be at most {max_len} characters, got {len(name)}")
    return name


def _check_json(field: str, value: object) -> dict[str, Any]:
    """Return a JSON-clean copy of a dict, or raise ValueError naming the field.

    Checking here (not at flush time) gives a clear message, and the round trip makes what
    is returned later equal to what is stored (tuples become lists, and so on) whichever
    database is behind. NaN and infinities are refused because PostgreSQL's JSON refuses them.
    """
    if not isinstance(value, Mapping):
        raise ValueError(f"{field} must be a dict, got {type(value).__name__}")
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{field} is not JSON-serialisable: {exc}") from exc
    clean = json.loads(text)
    assert isinstance(clean, dict)  # a Mapping always dumps to a JSON object
    return clean


def _check_id(value: object) -> int:
    # bool is an int subclass, but True as a run id is surely a mistake.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"run id must be an integer, got {type(value).__name__}")
    return value


# --- schema -------------------------------------------------------------------------------


class _UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend.

    SQLite has no time zone type and hands back naive values; PostgreSQL hands back the
    session's zone. Both are normalised to UTC so callers always see aware UTC datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store keeps only timezone-aware times")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: stored in UTC by process_bind_param
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class _Base(DeclarativeBase):
    pass


# Who owns a record: "" is the local single user (the CLI, the web app without login); a
# logged-in web user's name otherwise. Every query filters by it (see `Store(owner=...)`).
_OWNER_MAX = NAME_MAX


def _owner_column() -> Mapped[str]:
    return mapped_column(String(_OWNER_MAX), default="", server_default="", index=True)


class _Person(_Base):
    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("owner", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = _owner_column()
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(_UTCDateTime(), default=_now)
    updated_at: Mapped[datetime] = mapped_column(_UTCDateTime(), default=_now)

    # The ORM cascade (not ON DELETE CASCADE) removes a person's logs with them: SQLite
    # enforces foreign keys only with a per-connection pragma, and this works everywhere.
    logs: Mapped[list[_TrainingLog]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )


class _Program(_Base):
    __tablename__ = "programs"
    __table_args__ = (UniqueConstraint("owner", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = _owner_column()
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(_UTCDateTime(), default=_now)
    updated_at: Mapped[datetime] = mapped_column(_UTCDateTime(), default=_now)


class _TrainingLog(_Base):
    __tablename__ = "training_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(NAME_MAX))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(_UTCDateTime(), default=_now)

    person: Mapped[_Person] = relationship(back_populates="logs")


class _ExerciseName(_Base):
    """A user's mapping of a workout-app exercise name to a catalogue id (``log map``)."""

    __tablename__ = "exercise_names"
    __table_args__ = (UniqueConstraint("owner", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = _owner_column()
    name: Mapped[str] = mapped_column(String(_EXERCISE_NAME_MAX))
    exercise_id: Mapped[str] = mapped_column(String(NAME_MAX))
    created_at: Mapped[datetime] = mapped_column(_UTCDateTime(), default=_now)


class _Run(_Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner: Mapped[str] = _owner_column()
    kind: Mapped[str] = mapped_column(String(_KIND_MAX), index=True)
    # A plain name, not a foreign key: a run is a historical record and outlives the person.
    person: Mapped[str | None] = mapped_column(String(NAME_MAX), index=True)
    input: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(_UTCDateTime(), default=_now, index=True)
    version: Mapped[str] = mapped_column(String(_VERSION_MAX))


class _User(_Base):
    """A web-app login: a name and an argon2 hash of the password (never the password)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(_UTCDateTime(), default=_now)


def _add_owner_columns(engine: Engine) -> None:
    """Databases made before owners existed get the column; their rows belong to ""."""
    tables = inspect(engine)
    with engine.begin() as connection:
        for table in ("people", "programs", "runs"):
            columns = {c["name"] for c in tables.get_columns(table)}
            if "owner" not in columns:
                connection.execute(
                    text(
                        f"ALTER TABLE {table} ADD COLUMN owner "
                        f"VARCHAR({_OWNER_MAX}) NOT NULL DEFAULT ''"
                    )
                )
    if "owner" not in {c["name"] for c in tables.get_columns("exercise_names")}:
        # Its names were unique over everyone: rebuild it, unique per owner.
        with engine.begin() as connection:
            connection.execute(text("ALTER TABLE exercise_names RENAME TO exercise_names_old"))
            _ExerciseName.__table__.create(connection)  # type: ignore[attr-defined]
            connection.execute(
                text(
                    "INSERT INTO exercise_names (owner, name, exercise_id, created_at) "
                    "SELECT '', name, exercise_id, created_at FROM exercise_names_old"
                )
            )
            connection.execute(text("DROP TABLE exercise_names_old"))


# --- the store ----------------------------------------------------------------------------


def _prepare_sqlite_folder(url: str) -> None:
    """Create the folder of a SQLite file lazily, when the store opens it."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return
    database = parsed.database
    # In-memory databases and SQLite "file:" URIs name no folder we should create.
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    try:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder for the database {database!r}: {exc}") from exc


class Store:
    """People, programs, training logs and runs in one SQL database.

    ``Store()`` opens `default_database_url()`; ``Store("postgresql+psycopg://...")`` any
    other. Tables are created if missing. Every write is one transaction: it is all written
    or, on any failure, nothing is. Use as a context manager or call `close()`.
    """

    def __init__(self, url: str | None = None, *, owner: str = "") -> None:
        url = default_database_url() if url is None else url
        # Every read and write of people, programs, logs, exercise names and runs is limited
        # to this owner.
        self.owner = owner if owner == "" else _check_name("owner", owner)
        self._closed = False
        self._engine = self._open_engine(url)
        # expire_on_commit=False: the rows are turned into dicts after the commit.
        self._sessions = sessionmaker(self._engine, expire_on_commit=False)

    @staticmethod
    def _open_engine(url: str) -> Engine:
        try:
            _prepare_sqlite_folder(url)
            engine = create_engine(url)
        except ImportError as exc:  # the dialect's driver (psycopg, ...) is not installed
            raise StoreError(
                f"the database driver for {url.split(':', 1)[0]!r} is not installed ({exc}); "
                "for PostgreSQL install myotwin[postgres] and use a postgresql+psycopg:// URL"
            ) from exc
        except ArgumentError as exc:  # malformed URL or unknown dialect
            raise StoreError(f"invalid database URL: {exc}") from exc
        safe = engine.url.render_as_string(hide_password=True)
        try:
            _Base.metadata.create_all(engine)
            _add_owner_columns(engine)
        except SQLAlchemyError as exc:  # unreachable server, bad credentials, unwritable file
            engine.dispose()
            raise StoreError(f"cannot open database {safe}: {exc}") from exc
        return engine

    def for_owner(self, owner: str) -> Store:
        """The same database seen as `owner`: shares the connections; do not close it."""
        view = copy.copy(self)
        view.owner = owner if owner == "" else _check_name("owner", owner)
        return view

    @property
    def url(self) -> str:
        """The database URL, password hidden (safe to print)."""
        return self._engine.url.render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def close(self) -> None:
        """Release the connections. The store cannot be used afterwards."""
        if not self._closed:
            self._closed = True
            self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        """One session in one transaction: commit on success, roll back on any error.

        Database errors become StoreError so callers need to catch only one error type;
        other errors (bugs, interrupts) pass through unchanged, after the rollback.
        """
        if self._closed:
            raise StoreError("the store is closed")
        try:
            with self._sessions() as session, session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise StoreError(f"database error on {self.url}: {exc}") from exc

    # --- people ---------------------------------------------------------------------------

    def save_person(self, name: str, data: Mapping[str, Any]) -> None:
        """Insert a person, or replace the data of the one with that name (logs are kept)."""
        name = _check_name("person name", name)
        clean = _check_json("person data", data)
        with self._transaction() as session:
            row = session.scalars(self._person(name)).one_or_none()
            if row is None:
                session.add(_Person(owner=self.owner, name=name, data=clean))
            else:
                row.data = clean
                row.updated_at = _now()

    def get_person(self, name: str) -> dict[str, Any] | None:
        """The stored data of a person, or None."""
        name = _check_name("person name", name)
        with self._transaction() as session:
            row = session.scalars(self._person(name)).one_or_none()
            return None if row is None else row.data

    def list_people(self) -> list[str]:
        """All person names, sorted."""
        with self._transaction() as session:
            return list(
                session.scalars(
                    select(_Person.name).where(_Person.owner == self.owner).order_by(_Person.name)
                )
            )

    def delete_person(self, name: str) -> bool:
        """Delete a person and their training logs; False if there was none (runs are kept)."""
        name = _check_name("person name", name)
        with self._transaction() as session:
            row = session.scalars(self._person(name)).one_or_none()
            if row is None:
                return False
            session.delete(row)  # the ORM cascade deletes the logs in the same transaction
            return True

    # --- programs -------------------------------------------------------------------------

    def save_program(self, name: str, data: Mapping[str, Any]) -> None:
        """Insert a program, or replace the data of the one with that name."""
        name = _check_name("program name", name)
        clean = _check_json("program data", data)
        with self._transaction() as session:
            row = session.scalars(self._program(name)).one_or_none()
            if row is None:
                session.add(_Program(owner=self.owner, name=name, data=clean))
            else:
                row.data = clean
                row.updated_at = _now()

    def get_program(self, name: str) -> dict[str, Any] | None:
        """The stored data of a program, or None."""
        name = _check_name("program name", name)
        with self._transaction() as session:
            row = session.scalars(self._program(name)).one_or_none()
            return None if row is None else row.data

    def list_programs(self) -> list[str]:
        """All program names, sorted."""
        with self._transaction() as session:
            return list(
                session.scalars(
                    select(_Program.name)
                    .where(_Program.owner == self.owner)
                    .order_by(_Program.name)
                )
            )

    def delete_program(self, name: str) -> bool:
        """Delete a program; False if there was none."""
        name = _check_name("program name", name)
        with self._transaction() as session:
            row = session.scalars(self._program(name)).one_or_none()
            if row is None:
                return False
            session.delete(row)
            return True

    # --- training logs --------------------------------------------------------------------

    def add_log(self, person: str, source: str, data: Mapping[str, Any]) -> int:
        """Store a training log (its dated sessions in ``data``) for a saved person; its id.

        Raises StoreError if no person of that name is saved: a log must belong to someone.
        """
        person = _check_name("person name", person)
        source = _check_name("log source", source)
        clean = _check_json("log data", data)
        with self._transaction() as session:
            owner = session.scalars(self._person(person)).one_or_none()
            if owner is None:
                raise StoreError(f"no person named {person!r}: save the person first")
            log = _TrainingLog(person=owner, source=source, data=clean)
            session.add(log)
            session.flush()  # assigns the id inside the transaction
            return log.id

    def list_logs(self, person: str) -> list[dict[str, Any]]:
        """A person's logs, oldest first, as dicts with id, source, created_at and data.

        Empty if the person has no logs or is not saved.
        """
        person = _check_name("person name", person)
        with self._transaction() as session:
            rows = session.scalars(
                select(_TrainingLog)
                .join(_TrainingLog.person)
                .where(_Person.name == person, _Person.owner == self.owner)
                .order_by(_TrainingLog.created_at, _TrainingLog.id)
            )
            return [
                {"id": r.id, "source": r.source, "created_at": r.created_at, "data": r.data}
                for r in rows
            ]

    def add_log_entries(
        self,
        person: str,
        source: str,
        meta: Mapping[str, Any],
        entries: list[Mapping[str, Any]],
    ) -> tuple[int | None, int]:
        """Store the `entries` not stored before, as one training log; (its id, how many).

        Each entry is a dict with a unique string ``key``; an entry whose key any of the
        person's logs already holds is left out, so importing the same file twice adds nothing
        the second time (id None, 0). The log's data is ``{**meta, "entries": [...]}``. A person
        not yet saved is created without data. One transaction: all of it or nothing.
        """
        person = _check_name("person name", person)
        source = _check_name("log source", source)
        clean = _check_json("log data", {**meta, "entries": list(entries)})
        with self._transaction() as session:
            owner = session.scalars(self._person(person)).one_or_none()
            if owner is None:
                owner = _Person(owner=self.owner, name=person, data={})
                session.add(owner)
                session.flush()  # assigns the id inside the transaction
            known: set[str] = set()
            for data in session.scalars(
                select(_TrainingLog.data).where(_TrainingLog.person_id == owner.id)
            ):
                for entry in data.get("entries", ()) if isinstance(data, dict) else ():
                    if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                        known.add(entry["key"])
            fresh = []
            for entry in clean["entries"]:
                key = entry.get("key") if isinstance(entry, dict) else None
                if not isinstance(key, str) or not key:
                    raise ValueError("log data: every entry needs a non-empty string key")
                if key not in known:
                    known.add(key)
                    fresh.append(entry)
            if not fresh:
                return None, 0
            log = _TrainingLog(person=owner, source=source, data={**clean, "entries": fresh})
            session.add(log)
            session.flush()  # assigns the id inside the transaction
            return log.id, len(fresh)

    # --- exercise names -------------------------------------------------------------------

    def map_exercise_name(self, name: str, exercise_id: str) -> None:
        """Map a workout-app exercise name (as normalised by the caller) to a catalogue id."""
        name = _check_name("exercise name", name, _EXERCISE_NAME_MAX)
        exercise_id = _check_name("exercise id", exercise_id)
        with self._transaction() as session:
            row = session.scalars(
                select(_ExerciseName).where(
                    _ExerciseName.name == name, _ExerciseName.owner == self.owner
                )
            ).one_or_none()
            if row is None:
                session.add(_ExerciseName(owner=self.owner, name=name, exercise_id=exercise_id))
            else:
                row.exercise_id = exercise_id

    def exercise_names(self) -> dict[str, str]:
        """Every exercise name this owner mapped, and its catalogue id."""
        with self._transaction() as session:
            rows = session.execute(
                select(_ExerciseName.name, _ExerciseName.exercise_id).where(
                    _ExerciseName.owner == self.owner
                )
            )
            return {name: exercise_id for name, exercise_id in rows}

    # --- runs -----------------------------------------------------------------------------

    def add_run(
        self,
        kind: str,
        input: Mapping[str, Any],  # shadows the builtin: the name the API promises
        result: Mapping[str, Any],
        person: str | None = None,
        *,
        version: str | None = None,
    ) -> int:
        """Record a run ("simulate", "trial", ...) with its input and result; its id.

        ``version`` defaults to the installed myotwin version, so a stored result can be
        traced to the code that produced it.
        """
        kind = _check_name("run kind", kind, _KIND_MAX)
        person = None if person is None else _check_name("person name", person)
        version = _check_name(
            "run version", _package_version() if version is None else version, _VERSION_MAX
        )
        clean_input = _check_json("run input", input)
        clean_result = _check_json("run result", result)
        with self._transaction() as session:
            run = _Run(
                owner=self.owner,
                kind=kind,
                person=person,
                input=clean_input,
                result=clean_result,
                version=version,
            )
            session.add(run)
            session.flush()  # assigns the id inside the transaction
            return run.id

    def get_run(self, run_id: int) -> dict[str, Any] | None:
        """A run with its input and result, or None."""
        run_id = _check_id(run_id)
        with self._transaction() as session:
            run = session.get(_Run, run_id)
            if run is None or run.owner != self.owner:
                return None
            return {**self._summary(run), "result": run.result}

    def list_runs(
        self, person: str | None = None, kind: str | None = None, *, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Run summaries (no result body), newest first, optionally filtered and limited."""
        query = (
            select(_Run).where(_Run.owner == self.owner).options(defer(_Run.result))
        )  # summaries never load the body
        if person is not None:
            query = query.where(_Run.person == _check_name("person name", person))
        if kind is not None:
            query = query.where(_Run.kind == _check_name("run kind", kind, _KIND_MAX))
        # The id breaks ties between runs recorded within one clock tick.
        query = query.order_by(_Run.created_at.desc(), _Run.id.desc())
        if limit is not None:
            if limit < 0:
                raise ValueError(f"limit must be non-negative, got {limit}")
            query = query.limit(limit)
        with self._transaction() as session:
            return [self._summary(run) for run in session.scalars(query)]

    # --- users (web-app logins) -------------------------------------------------------------

    def add_user(self, name: str, password_hash: str) -> None:
        """A new login; StoreError if the name is taken. The caller hashes the password."""
        name = _check_name("user name", name)
        with self._transaction() as session:
            if session.scalars(select(_User).where(_User.name == name)).one_or_none():
                raise StoreError(f"user {name!r} exists already")
            session.add(_User(name=name, password_hash=password_hash))

    def user_hash(self, name: str) -> str | None:
        """The stored password hash of a login, or None."""
        name = _check_name("user name", name)
        with self._transaction() as session:
            return session.scalars(
                select(_User.password_hash).where(_User.name == name)
            ).one_or_none()

    def set_user_hash(self, name: str, password_hash: str) -> None:
        """Replace a hash (rehashing when the hasher's parameters changed)."""
        name = _check_name("user name", name)
        with self._transaction() as session:
            row = session.scalars(select(_User).where(_User.name == name)).one()
            row.password_hash = password_hash

    def user_count(self) -> int:
        with self._transaction() as session:
            return len(list(session.scalars(select(_User.id))))

    # --- owner filters ----------------------------------------------------------------------

    def _person(self, name: str) -> Any:
        return select(_Person).where(_Person.name == name, _Person.owner == self.owner)

    def _program(self, name: str) -> Any:
        return select(_Program).where(_Program.name == name, _Program.owner == self.owner)

    @staticmethod
    def _summary(run: _Run) -> dict[str, Any]:
        return {
            "id": run.id,
            "kind": run.kind,
            "person": run.person,
            "version": run.version,
            "created_at": run.created_at,
            "input": run.input,
        }
