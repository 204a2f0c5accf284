"""Peer models' patients in myotwin's terms, for the peer check (tests) and the benchmarks.

Nothing here imports a peer: callers read the peer's own parameter table (simglucose is a
dev dependency only).
"""

from __future__ import annotations

from typing import Any

from myotwin.physiology import meal_model as mm


def simglucose_meal_params(r: Any) -> mm.MealParams:
    """Minute-model parameters of one simglucose virtual patient, `r` its row of simglucose's
    ``params/vpatient_params.csv`` (e.g. adult#001): a type 1 patient, so no secretion and no
    exercise term; simglucose has no kp4 or m5 and converts 1 U to 6000 pmol."""
    return mm.MealParams(
        bw=r.BW, kabs=r.kabs, kmax=r.kmax, kmin=r.kmin, b=r.b, d=r.d, f=r.f, vg=r.Vg, vi=r.Vi,
        k1=r.k1, k2=r.k2, kp1=r.kp1, kp2=r.kp2, kp3=r.kp3, kp4=0.0, ki=r.ki, fcns=r.Fsnc,
        vm0=r.Vm0, vmx=r.Vmx, km0=r.Km0, p2u=r.p2u, ib=r.Ib, m1=r.m1, m2=r.m2, m4=r.m4, m5=0.0,
        m6=r.m30 / (r.m1 + r.m30), ke1=r.ke1, ke2=r.ke2, ka1=r.ka1, ka2=r.ka2, kd=r.kd,
        ksc=r.ksc, k_sec=0.0, alpha=1.0, beta=0.0, gamma=0.0, gb=r.Gb, sb=0.0, beta_ex=0.0,
        thr_min=5.0, tau_acute_min=600.0, pmol_per_unit=6000.0,
    )  # fmt: skip
