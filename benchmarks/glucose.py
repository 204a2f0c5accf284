"""Minute meal model throughput: myotwin's vectorised model against simglucose.

Prints patient-days per second for both on the same meals and basal insulin (simglucose's
adult#001 parameters), and the ratio. simglucose steps one patient with scipy's dopri5 each
minute; myotwin steps all patients at once with one-minute Runge-Kutta steps.

Usage: python benchmarks/glucose.py [--patients N] [--sim-minutes M]
(simglucose is timed over M minutes, a whole day by default, and scaled to a day.)
"""

from __future__ import annotations

import argparse
import time
from importlib import resources

import numpy as np
import pandas as pd
from _machine import describe
from simglucose.patient.t1dpatient import Action, T1DPatient

from myotwin.physiology import meal_model as mm

NAME = "adult#001"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=10000)
    parser.add_argument("--sim-minutes", type=int, default=1440)
    args = parser.parse_args()
    table = pd.read_csv(resources.files("simglucose").joinpath("params/vpatient_params.csv"))
    r = table.loc[table.Name == NAME].squeeze()
    basal = r.u2ss * r.BW / 6000.0
    day = mm.MINUTES_PER_DAY
    meals = np.zeros(day)
    for start, grams in ((60, 45.0), (330, 70.0), (690, 80.0)):
        meals[start : start + int(grams // 5)] = 5.0

    patient = T1DPatient.withName(NAME)
    start = time.perf_counter()
    for t in range(args.sim_minutes):
        patient.step(Action(CHO=meals[t], insulin=basal))
    sg_rate = 1.0 / ((time.perf_counter() - start) * day / args.sim_minutes)

    n = args.patients
    p = mm.MealParams(
        bw=r.BW, kabs=r.kabs, kmax=r.kmax, kmin=r.kmin, b=r.b, d=r.d, f=r.f, vg=r.Vg, vi=r.Vi,
        k1=r.k1, k2=r.k2, kp1=r.kp1, kp2=r.kp2, kp3=r.kp3, kp4=0.0, ki=r.ki, fcns=r.Fsnc,
        vm0=r.Vm0, vmx=r.Vmx, km0=r.Km0, p2u=r.p2u, ib=r.Ib, m1=r.m1, m2=r.m2, m4=r.m4, m5=0.0,
        m6=r.m30 / (r.m1 + r.m30), ke1=r.ke1, ke2=r.ke2, ka1=r.ka1, ka2=r.ka2, kd=r.kd,
        ksc=r.ksc, k_sec=0.0, alpha=1.0, beta=0.0, gamma=0.0, gb=r.Gb, sb=0.0, beta_ex=0.0,
        thr_min=5.0, tau_acute_min=600.0, pmol_per_unit=6000.0,
    )  # fmt: skip
    x0 = np.zeros((mm.N_STATES, n))
    x0[:13] = r.iloc[2:15].to_numpy(dtype=float)[:, None]
    inputs = mm.Inputs(cho_g_per_min=meals, insulin_u_per_min=np.full(day, basal))
    start = time.perf_counter()
    mm.simulate(p, x0, inputs, record=False)
    ours = n / (time.perf_counter() - start)

    print(describe())
    print(f"simglucose (1 patient, dopri5 per minute): {sg_rate:.4f} patient-days/s")
    print(f"myotwin meal model ({n} patients, RK4):     {ours:,.0f} patient-days/s")
    print(f"ratio: {ours / sg_rate:,.0f}x")


if __name__ == "__main__":
    main()
