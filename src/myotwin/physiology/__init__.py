"""Organ models. Adding a system = a module with an `OrganModel` and one line in `ORGANS`."""

from __future__ import annotations

from typing import Any

from myotwin.physiology import bone, brain, energy, glucose, hormones, mobility, muscle
from myotwin.physiology.base import OrganModel

ORGANS: dict[str, OrganModel[Any, Any]] = {
    muscle.MODEL.name: muscle.MODEL,
    bone.MODEL.name: bone.MODEL,
    brain.MODEL.name: brain.MODEL,
    hormones.MODEL.name: hormones.MODEL,
    mobility.MODEL.name: mobility.MODEL,
    energy.MODEL.name: energy.MODEL,
    glucose.MODEL.name: glucose.MODEL,
}


def effect_certainty(outcome: str) -> str | None:
    """The lowest certainty among the registry parameters that size the training effect on
    `outcome` (None when no organ names any)."""
    from myotwin.evidence import registry

    organ = reporting_organ(outcome)
    keys = organ.effect_parameters.get(outcome, ()) if organ is not None else ()
    order = ("low", "moderate", "high")
    found = [registry()[k].certainty for k in keys]
    return min(found, key=order.index) if found else None


def reporting_organ(outcome: str) -> OrganModel[Any, Any] | None:
    """The organ that owns `outcome`, or None while no organ models it yet."""
    for organ in ORGANS.values():
        if organ.reports(outcome):
            return organ
    return None
