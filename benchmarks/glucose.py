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

from myotwin.peers import simglucose_meal_params
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
    p = simglucose_meal_params(r)
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
