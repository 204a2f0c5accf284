"""Garmin FIT strength activities, decoded with fitdecode.

A strength activity holds `session` messages (one per workout) and `set` messages: set_type
active (a set) or rest (a rest interval, not a set), repetitions, weight in kg (1/16 kg
resolution), duration in seconds, and the exercise as `category` (e.g. squat) plus
`category_subtype`, an index into that category's name list (e.g. BARBELL_BACK_SQUAT). The
names are read from fitdecode's FIT profile and mapped through the catalogue's aliases.
Times in FIT are UTC; the activity's local timestamp, when present, gives the local time.
"""

from __future__ import annotations

import datetime as dt
import io
from bisect import bisect_right
from typing import Any

from myotwin.logs.records import LogImportError, ParsedLog, SetRecord, checked, whole

FIT_SIGNATURE = b".FIT"


def matches(data: bytes) -> bool:
    return len(data) >= 12 and data[8:12] == FIT_SIGNATURE


def _names(category: Any, subtype: Any) -> str:
    """The most specific name of a set's exercise: the subtype's name, else the category's."""
    from fitdecode import profile

    if isinstance(category, tuple | list):
        category = category[0] if category else None
    if isinstance(subtype, tuple | list):
        subtype = subtype[0] if subtype else None
    if not isinstance(category, str):
        return "UNKNOWN"
    names = profile.FIELD_TYPES.get(f"{category}_exercise_name")
    if names is not None and isinstance(subtype, int):
        name = names.enum.get(subtype) if names.enum else None
        if isinstance(name, str):
            return name.upper()
    return category.upper()


def parse(data: bytes) -> ParsedLog:
    import fitdecode

    sessions: list[tuple[dt.datetime, str]] = []  # (start UTC, sport)
    raw_sets: list[tuple[int, dict[str, Any]]] = []
    offset = dt.timedelta(0)
    record = 0
    try:
        with fitdecode.FitReader(
            io.BytesIO(data),
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.RAISE,
        ) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                record += 1
                values = {f.name: f.value for f in frame.fields}
                if frame.name == "session" and isinstance(values.get("start_time"), dt.datetime):
                    sessions.append((values["start_time"], str(values.get("sport"))))
                elif frame.name == "set":
                    raw_sets.append((record, values))
                elif frame.name == "activity":
                    local, utc = values.get("local_timestamp"), values.get("timestamp")
                    if isinstance(local, int) and isinstance(utc, dt.datetime):
                        # local_date_time: seconds since the FIT epoch, in local time
                        epoch = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)
                        offset = epoch + dt.timedelta(seconds=local) - utc
                    elif isinstance(local, dt.datetime) and isinstance(utc, dt.datetime):
                        offset = local.replace(tzinfo=dt.UTC) - utc
    except LogImportError:
        raise
    except Exception as exc:  # fitdecode raises FitError, and plain errors on garbage
        raise LogImportError(
            f"FIT record {record + 1}: cannot decode ({type(exc).__name__}: {exc})"
        ) from exc
    if abs(offset) > dt.timedelta(hours=15):
        offset = dt.timedelta(0)  # a corrupt local timestamp: keep UTC
    sessions.sort()
    starts = [s for s, _ in sessions]
    if not starts:
        # No session message (a partial file): all its sets are one workout.
        times = [v.get("start_time") or v.get("timestamp") for _, v in raw_sets]
        starts = sorted(t for t in times if isinstance(t, dt.datetime))[:1]
    sets = []
    for where_no, v in raw_sets:
        where = f"FIT record {where_no}"
        if v.get("set_type") != "active":
            continue  # rest intervals are not sets
        when = v.get("start_time") or v.get("timestamp")
        if not isinstance(when, dt.datetime):
            raise LogImportError(f"{where}: a set without a start time")
        # The set belongs to the last session that started before it.
        i = bisect_right(starts, when) - 1
        session_start = starts[i] if i >= 0 else when
        local_start = (session_start + offset).replace(tzinfo=None)
        reps = v.get("repetitions")
        weight = v.get("weight")
        duration = v.get("duration")
        name = _names(v.get("category"), v.get("category_subtype"))
        sets.append(
            SetRecord(
                source="garmin",
                line=where_no,
                workout=session_start.isoformat(),
                start=local_start,
                workout_name=None,
                exercise=name,
                kind="working",
                reps=whole(_number(reps, where, "repetitions"), where, "repetitions"),
                weight_kg=checked(_number(weight, where, "weight"), "weight_kg", where, "weight")
                or None,
                assisted="ASSISTED" in name,
                seconds=checked(_number(duration, where, "duration"), "seconds", where, "duration")
                or None,
            )
        )
    return ParsedLog("garmin", tuple(sets))


def _number(value: Any, where: str, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise LogImportError(f"{where}: {field}: {value!r} is not a number")
    return float(value)
