"""wger (wger.de or a self-hosted server) through its REST API.

wger has no CSV export of workout logs, so the logs are read from ``/api/v2/workoutlog/``
(paginated: each page's ``next`` link is followed), with token authentication
(``Authorization: Token KEY``). ``/api/v2/version/`` is checked first: release 2.3 renamed the
log fields (``repetitions``/``repetitions_unit``/``exercise``/``session`` instead of
``reps``/``repetition_unit``/``exercise_base``/``workout``), so both are read. Exercise names
come from ``exerciseinfo`` (English translation first).

Units (wger's fixtures): repetition unit 1 repetitions, 2 until failure, 3 seconds, 4 minutes,
5 miles, 6 kilometres, 7 max reps, 8 metres; weight unit 1 kg, 2 lb, 3 body weight, 4 plates,
5 km/h, 6 mph (the last three carry no load in kg).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

from myotwin.logs.dates import parse_datetime
from myotwin.logs.records import (
    KG_PER_LB,
    M_PER_MILE,
    LogImportError,
    ParsedLog,
    SetKind,
    SetRecord,
    checked,
    parse_number,
    whole,
)

MIN_VERSION = (2, 0)
NEW_FIELDS_VERSION = (2, 3)  # "flexible routines": renamed log fields
PAGE_SIZE = 100
MAX_PAGES = 10_000  # a guard against a server whose `next` links never end
TIMEOUT_S = 30.0
ENGLISH = 2  # wger language id of English

_REPS_UNITS: dict[int, tuple[str, float, SetKind]] = {
    1: ("reps", 1.0, "working"),
    2: ("reps", 1.0, "failure"),
    7: ("reps", 1.0, "failure"),
    3: ("seconds", 1.0, "working"),
    4: ("seconds", 60.0, "working"),
    5: ("distance", M_PER_MILE, "working"),
    6: ("distance", 1000.0, "working"),
    8: ("distance", 1.0, "working"),
}
_WEIGHT_UNITS: dict[int, float] = {1: 1.0, 2: KG_PER_LB}

Fetch = Callable[[str], Any]


def _version(text: Any) -> tuple[int, int]:
    if isinstance(text, dict):
        text = text.get("version")
    match = re.match(r"\s*(\d+)\.(\d+)", str(text))
    if match is None:
        raise LogImportError(f"wger: /api/v2/version/ answered {text!r}, not a version")
    return int(match.group(1)), int(match.group(2))


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow redirects on the same host only: urllib would send the token along elsewhere."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if (old.scheme, old.netloc) != (new.scheme, new.netloc):
            return None  # urllib then raises HTTPError for the redirect itself
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def http_fetcher(base: str, token: str) -> Fetch:
    """GET a JSON document from the server at `base` (only there: the token goes nowhere else)."""
    root = urllib.parse.urlsplit(base)
    if root.scheme not in ("http", "https") or not root.netloc:
        raise LogImportError(f"wger: {base!r} is not an http(s) URL")
    opener = urllib.request.build_opener(_SameHostRedirects)

    def fetch(url: str) -> Any:
        target = urllib.parse.urlsplit(url)
        if (target.scheme, target.netloc) != (root.scheme, root.netloc):
            raise LogImportError(f"wger: the server pointed to another host ({url})")
        request = urllib.request.Request(
            url, headers={"Authorization": f"Token {token}", "Accept": "application/json"}
        )
        try:
            with opener.open(request, timeout=TIMEOUT_S) as response:
                body = response.read(50_000_000)
        except urllib.error.HTTPError as exc:
            hint = " (is the token right?)" if exc.code in (401, 403) else ""
            raise LogImportError(f"wger: {url}: HTTP {exc.code} {exc.reason}{hint}") from exc
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise LogImportError(f"wger: {url}: cannot connect ({reason})") from exc
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise LogImportError(f"wger: {url}: the answer is not JSON") from exc

    return fetch


def _pages(fetch: Fetch, url: str) -> Iterator[dict[str, Any]]:
    """The results of every page, following `next` until it is null."""
    seen: set[str] = set()
    index = 0
    for _ in range(MAX_PAGES):
        if url in seen:
            raise LogImportError(f"wger: the pages loop back to {url}")
        seen.add(url)
        page = fetch(url)
        if not isinstance(page, dict) or not isinstance(page.get("results"), list):
            raise LogImportError(f"wger: {url}: not a page of results")
        for item in page["results"]:
            index += 1
            if not isinstance(item, dict):
                raise LogImportError(f"wger: workoutlog record {index}: not an object")
            yield item
        following = page.get("next")
        if not following:
            return
        url = urllib.parse.urljoin(url, str(following))
    raise LogImportError(f"wger: more than {MAX_PAGES} pages; stopped")


def _exercise_name(fetch: Fetch, api: str, exercise: Any, new: bool) -> str:
    path = "exerciseinfo" if new else "exercisebaseinfo"
    info = fetch(f"{api}{path}/{urllib.parse.quote(str(exercise))}/")
    if not isinstance(info, dict):
        return f"wger exercise {exercise}"
    names = info.get("translations") or info.get("exercises") or []
    if isinstance(names, list):
        named = [n for n in names if isinstance(n, dict) and isinstance(n.get("name"), str)]
        named.sort(key=lambda n: n.get("language") != ENGLISH)
        if named:
            return str(named[0]["name"]).strip()
    name = info.get("name")
    return name.strip() if isinstance(name, str) and name.strip() else f"wger exercise {exercise}"


def fetch_log(base: str, token: str, fetch: Fetch | None = None) -> ParsedLog:
    """Every workout log entry of the token's user, as sets."""
    fetch = fetch or http_fetcher(base, token)
    api = base.rstrip("/") + "/api/v2/"
    version = _version(fetch(api + "version/"))
    if version < MIN_VERSION:
        raise LogImportError(
            f"wger: server version {version[0]}.{version[1]} is too old "
            f"(myotwin reads {MIN_VERSION[0]}.{MIN_VERSION[1]} and newer)"
        )
    new = version >= NEW_FIELDS_VERSION
    names: dict[str, str] = {}
    sets: list[SetRecord] = []
    notes: list[str] = []
    url = f"{api}workoutlog/?limit={PAGE_SIZE}&ordering=date"
    for index, item in enumerate(_pages(fetch, url), start=1):
        where = f"wger workoutlog record {index} (id {item.get('id')})"
        exercise_ref = (
            item.get("exercise") if new else item.get("exercise_base", item.get("exercise"))
        )
        if exercise_ref is None:
            raise LogImportError(f"{where}: no exercise")
        key = str(exercise_ref)
        if key not in names:
            names[key] = _exercise_name(fetch, api, exercise_ref, new)
        date_text = item.get("date")
        if not isinstance(date_text, str):
            raise LogImportError(f"{where}: date: {date_text!r} is not a date")
        start = parse_datetime(date_text, where, "date")
        session = item.get("session") if new else item.get("workout")
        day = dt.datetime.combine(start.date(), dt.time())
        amount = parse_number(item.get("repetitions" if new else "reps"), where, "repetitions")
        reps_unit = item.get("repetitions_unit" if new else "repetition_unit") or 1
        measure, scale, kind = _REPS_UNITS.get(
            int(reps_unit) if str(reps_unit).isdigit() else 1, ("reps", 1.0, "working")
        )
        weight = parse_number(item.get("weight"), where, "weight")
        weight_unit = item.get("weight_unit") or 1
        w_scale = _WEIGHT_UNITS.get(int(weight_unit) if str(weight_unit).isdigit() else 0)
        if weight and w_scale is None:
            notes.append(f"{where}: weight unit {weight_unit} is not a load in kg; weight left out")
        rir = parse_number(item.get("rir"), where, "rir")
        sets.append(
            SetRecord(
                source="wger",
                line=index,
                workout=f"session {session}" if session is not None else day.date().isoformat(),
                start=day,
                workout_name=None,
                exercise=names[key],
                kind=kind,
                reps=whole(amount, where, "repetitions") if measure == "reps" else None,
                weight_kg=checked(
                    None if weight is None or w_scale is None else weight * w_scale,
                    "weight_kg",
                    where,
                    "weight",
                )
                or None,
                assisted="assisted" in names[key].casefold(),
                seconds=checked(
                    None if measure != "seconds" or amount is None else amount * scale,
                    "seconds",
                    where,
                    "repetitions",
                )
                or None,
                distance_m=checked(
                    None if measure != "distance" or amount is None else amount * scale,
                    "distance_m",
                    where,
                    "repetitions",
                )
                or None,
                rpe=None if rir is None else checked(10.0 - rir, "rpe", where, "rir"),
            )
        )
    if len(notes) > 5:
        notes = [*notes[:5], f"... and {len(notes) - 5} more like these"]
    return ParsedLog("wger", tuple(sets), tuple(notes))
