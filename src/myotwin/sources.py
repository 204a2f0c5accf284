"""What a run rests on: the registry parameters and references behind the modelled outcomes."""

from __future__ import annotations

from typing import Any

from myotwin.evidence import registry
from myotwin.outcomes import ONE_RM_PREFIX, lookup
from myotwin.physiology import ORGANS, reporting_organ
from myotwin.physiology.base import OrganModel


def sources(outcomes: tuple[str, ...] = ()) -> dict[str, Any]:
    """Parameters (with unit, uncertainty, certainty, citation) and the references they cite.

    With `outcomes`, only the organs that report them, the organs whose signals those read
    (lean mass rests on the hub's muscle), and those outcomes' measurement errors; otherwise
    every organ model of this version.
    """
    reg = registry()
    organs: list[OrganModel[Any, Any]] = []
    for name in outcomes:
        lookup(name)
        organ = reporting_organ(name)
        if organ is None:
            raise ValueError(f"{name}: not modelled in this version, so it rests on no parameter")
        pending = [organ]
        while pending:
            current = pending.pop()
            if current in organs:
                continue
            organs.append(current)
            pending += [o for o in ORGANS.values() if set(o.writes) & set(current.reads)]
    if not outcomes:
        organs = list(ORGANS.values())
    keys = [k for organ in organs for k in organ.parameter_keys]
    keys += ["anthropometry." + p for p in reg.module("anthropometry")]
    measured = [
        ("one_rm" if n.startswith(ONE_RM_PREFIX) else n)
        for n in outcomes
        if ("one_rm" if n.startswith(ONE_RM_PREFIX) else n) in reg.measurement
    ]
    if not outcomes:
        measured = sorted(reg.measurement)
    parameters = []
    for key in keys:
        p = reg[key]
        parameters.append(
            {
                "key": key,
                "value": p.value,
                "unit": p.unit,
                "uncertainty": {
                    "kind": p.uncertainty.kind,
                    "sd": p.uncertainty.sd,
                    "cv": p.uncertainty.cv,
                },
                "between_person": {
                    "kind": p.between_person.kind,
                    "sd": p.between_person.sd,
                    "cv": p.between_person.cv,
                },
                "certainty": p.certainty,
                "calibrated": p.calibrated,
                "citation": p.citation,
                "note": p.note,
            }
        )
    measurement = [
        {
            "outcome": m,
            "sd": reg.measurement[m].sd,
            "cv": reg.measurement[m].cv,
            "citation": reg.measurement[m].citation,
        }
        for m in measured
    ]
    refs = reg.citations(keys + measured)
    return {
        "schema": "myotwin.sources/1",
        "parameters": parameters,
        "measurement_error": measurement,
        "references": [{"key": r.key, "text": r.text, "doi": r.doi} for r in refs],
    }
