"""Dates and times as the apps write them, including month names in the app's language."""

from __future__ import annotations

import datetime as dt
import re

from myotwin.logs.records import LogImportError

# Month names (abbreviated and full) of the languages Hevy exports in; a trailing dot is
# ignored ("mrt.", "sept."). English and Dutch are required; German, French and Spanish come
# almost for free and cover the common European exports.
_MONTHS: dict[str, int] = {}
for _names in (
    "jan feb mar apr may jun jul aug sep oct nov dec",  # en
    "january february march april may june july august september october november december",
    "jan feb mrt apr mei jun jul aug sep okt nov dec",  # nl
    "januari februari maart april mei juni juli augustus september oktober november december",
    "jan feb mär apr mai jun jul aug sep okt nov dez",  # de
    "januar februar märz april mai juni juli august september oktober november dezember",
    "janv févr mars avr mai juin juil août sept oct nov déc",  # fr
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "ene feb mar abr may jun jul ago sept oct nov dic",  # es
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
):
    for _i, _name in enumerate(_names.split()):
        _MONTHS.setdefault(_name, _i + 1)
_MONTHS.update({"sept": 9, "mrt": 3, "märz": 3, "maerz": 3})

_TIME = r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?\s?m\.?)?"
_ISO = re.compile(
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ t]"
    + _TIME
    + r"(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?"
)
_DAY_MONTH = re.compile(
    r"(?P<d>\d{1,2})\.?\s+(?P<mon>[^\W\d_]+)\.?\s+(?P<y>\d{4})(?:,?\s+(?:om\s+|at\s+)?"
    + _TIME
    + ")?"
)
_MONTH_DAY = re.compile(
    r"(?P<mon>[^\W\d_]+)\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})(?:,?\s+(?:at\s+)?" + _TIME + ")?"
)


def _clean(text: str) -> str:
    # iOS writes a narrow no-break space before AM/PM; Excel may leave no-break spaces.
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split()).casefold()


def parse_datetime(text: str, where: int | str, column: str) -> dt.datetime:
    """A naive local date-time from ISO, "15 Jan 2024, 17:00", "15 mrt. 2024 17:00",
    "Jan 15, 2024, 5:00 PM" and 12-hour clocks; else LogImportError naming line and column."""
    cleaned = _clean(text)
    for pattern in (_ISO, _DAY_MONTH, _MONTH_DAY):
        match = pattern.fullmatch(cleaned)
        if match is None:
            continue
        parts = match.groupdict()
        if "mon" in parts:
            month = _MONTHS.get(parts["mon"].rstrip("."))
            if month is None:
                break
        else:
            month = int(parts["m"])
        hour = int(parts["h"] or 0)
        ampm = (parts.get("ampm") or "").replace(".", "").replace(" ", "")
        if ampm:
            if not 1 <= hour <= 12:
                break
            hour = hour % 12 + (12 if ampm == "pm" else 0)
        try:
            return dt.datetime(
                int(parts["y"]),
                month,
                int(parts["d"]),
                hour,
                int(parts["mi"] or 0),
                int(parts["s"] or 0),
            )
        except ValueError:
            break
    where_text = where if isinstance(where, str) else f"line {where}"
    raise LogImportError(f"{where_text}: {column}: {text.strip()!r} is not a date this app writes")


def parse_clock(text: str, where: int | str, column: str) -> float | None:
    """Seconds from "H:MM:SS", "MM:SS" or plain seconds; empty is None."""
    raw = text.strip()
    if not raw:
        return None
    parts = raw.split(":")
    try:
        if len(parts) > 3 or not all(p.strip().replace(".", "", 1).isdigit() for p in parts):
            raise ValueError
        seconds = 0.0
        for p in parts:
            seconds = seconds * 60 + float(p)
    except ValueError:
        where_text = where if isinstance(where, str) else f"line {where}"
        raise LogImportError(f"{where_text}: {column}: {raw!r} is not a time (H:MM:SS)") from None
    return seconds
