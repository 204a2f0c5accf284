"""Organ models. Adding a system = a module with an `OrganModel` and one line in `ORGANS`."""

from __future__ import annotations

from typing import Any

from myotwin.physiology import bone, brain, hormones, muscle
from myotwin.physiology.base import OrganModel

ORGANS: dict[str, OrganModel[Any, Any]] = {
    muscle.MODEL.name: muscle.MODEL,
    bone.MODEL.name: bone.MODEL,
    brain.MODEL.name: brain.MODEL,
    hormones.MODEL.name: hormones.MODEL,
}


def reporting_organ(outcome: str) -> OrganModel[Any, Any] | None:
    """The organ that owns `outcome`, or None while no organ models it yet."""
    for organ in ORGANS.values():
        if organ.reports(outcome):
            return organ
    return None
