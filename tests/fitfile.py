"""A minimal FIT file writer for test fixtures (FIT protocol 2.0, little endian).

Just enough to write strength activities: a 14-byte header, definition and data messages,
and the CRC-16 that closes the file. Written from the FIT protocol description; it shares no
code with any FIT SDK.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Sequence
from dataclasses import dataclass

FIT_EPOCH = dt.datetime(1989, 12, 31, tzinfo=dt.UTC)

# base type number -> (struct code, size)
ENUM, UINT8, UINT16, UINT32 = 0x00, 0x02, 0x84, 0x86
_CODES = {ENUM: "B", UINT8: "B", UINT16: "H", UINT32: "I"}
INVALID = {ENUM: 0xFF, UINT8: 0xFF, UINT16: 0xFFFF, UINT32: 0xFFFFFFFF}

_CRC_TABLE = (
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
)  # fmt: skip


def crc16(data: bytes, crc: int = 0) -> int:
    for byte in data:
        for nibble in (byte & 0xF, byte >> 4):
            tmp = _CRC_TABLE[crc & 0xF]
            crc = (crc >> 4) & 0x0FFF
            crc = crc ^ tmp ^ _CRC_TABLE[nibble]
    return crc


def fit_time(when: dt.datetime) -> int:
    return int((when - FIT_EPOCH).total_seconds())


@dataclass(frozen=True)
class Message:
    """A data message: global number and (field number, base type, value or None) triples."""

    global_number: int
    fields: Sequence[tuple[int, int, int | None]]


def encode(messages: Sequence[Message]) -> bytes:
    """A complete FIT file; each distinct field layout gets its own local message type."""
    body = bytearray()
    layouts: dict[tuple[int, tuple[tuple[int, int], ...]], int] = {}
    for m in messages:
        layout = (m.global_number, tuple((num, base) for num, base, _ in m.fields))
        local = layouts.get(layout)
        if local is None:
            local = len(layouts) % 16
            layouts = {k: v for k, v in layouts.items() if v != local}
            layouts[layout] = local
            body += struct.pack("<BBBHB", 0x40 | local, 0, 0, m.global_number, len(m.fields))
            for num, base, _ in m.fields:
                body += struct.pack("<BBB", num, struct.calcsize(_CODES[base]), base)
        body += struct.pack("<B", local)
        for _, base, value in m.fields:
            body += struct.pack("<" + _CODES[base], INVALID[base] if value is None else value)
    header = struct.pack("<BBHI4s", 14, 0x20, 2171, len(body), b".FIT")
    header += struct.pack("<H", crc16(header))
    data = header + bytes(body)
    return data + struct.pack("<H", crc16(data))


# Profile numbers used below (FIT profile: messages file_id 0, session 18, activity 34, set 225;
# sport training 10, sub_sport strength_training 20; set_type 0 rest, 1 active;
# exercise_category 0 bench_press, 8 deadlift, 19 plank, 21 pull_up, 28 squat, 65534 unknown).
SQUAT, BENCH_PRESS, DEADLIFT, PLANK, PULL_UP, UNKNOWN = 28, 0, 8, 19, 21, 65534


def file_id(created: dt.datetime) -> Message:
    return Message(0, [(0, ENUM, 4), (1, UINT16, 1), (4, UINT32, fit_time(created))])


def session(start: dt.datetime, seconds: int) -> Message:
    return Message(
        18,
        [
            (253, UINT32, fit_time(start + dt.timedelta(seconds=seconds))),
            (2, UINT32, fit_time(start)),
            (5, ENUM, 10),
            (6, ENUM, 20),
            (7, UINT32, seconds * 1000),
        ],
    )


def strength_set(
    start: dt.datetime,
    *,
    active: bool = True,
    reps: int | None = None,
    kg: float | None = None,
    seconds: float = 30.0,
    category: int | None = None,
    subtype: int | None = None,
) -> Message:
    return Message(
        225,
        [
            (254, UINT32, fit_time(start + dt.timedelta(seconds=seconds))),
            (6, UINT32, fit_time(start)),
            (0, UINT32, round(seconds * 1000)),
            (3, UINT16, reps),
            (4, UINT16, None if kg is None else round(kg * 16)),
            (5, UINT8, 1 if active else 0),
            (7, UINT16, category),
            (8, UINT16, subtype),
        ],
    )


def activity(end: dt.datetime, utc_offset_hours: int) -> Message:
    local = fit_time(end) + utc_offset_hours * 3600
    return Message(34, [(253, UINT32, fit_time(end)), (1, UINT16, 1), (5, UINT32, local)])
