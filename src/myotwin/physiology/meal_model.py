"""Minute-resolution glucose-insulin meal model (Dalla Man 2007 class), vectorised over persons.

The equations are those of the UVA/Padova meal model (Dalla Man, Rizza & Cobelli 2007): a
two-compartment stomach and a gut with a gastric-emptying rate that dips in the middle of a
meal, plasma and tissue glucose, endogenous glucose production suppressed by glucose, delayed
insulin and portal insulin, insulin-independent (brain) and insulin-dependent (Michaelis-Menten)
utilisation, renal excretion above a threshold, liver and plasma insulin with a
secretion-dependent hepatic extraction, and endogenous insulin secretion (a proportional and a
derivative term on glucose). Subcutaneous insulin and glucose compartments of the type 1
simulator (Dalla Man 2014; the form simglucose implements) are included so that a type 1
parameter set with no secretion and injected insulin runs in the same code.

Physical activity (Breton 2008, Dalla Man 2009, adapted to resistance sessions; see
`session_drive`): a heart-rate-equivalent rise `Yex` (first-order, time constant `thr_min`)
raises insulin-independent uptake by `beta_ex` per beat during the session; after the session
insulin action is raised by a factor `1 + a(t)`, `a` decaying with `tau_acute_min`. A chronic
multiplier `sensitivity` (training, muscle mass, fat mass; from the daily organ) scales insulin
action on total insulin `X + Ib`, the form of Dalla Man 2009, so it moves the fasting state too.

Integration: classical Runge-Kutta, one-minute steps with inputs held over each minute (the
zero-order hold simglucose uses); the gastric-emptying meal size `Dbar` follows simglucose's
rule (stomach content at the start of eating plus what has been eaten since).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from myotwin.evidence import Registry
from myotwin.physiology.base import FloatArray

# State rows.
QSTO1, QSTO2, QGUT, GP, GT, IP, X, I1, ID, IL, ISC1, ISC2, GS, IPO, YSEC, YEX, ACUTE = range(17)
N_STATES = 17
MINUTES_PER_DAY = 1440  # calendar
MG_PER_G = 1000.0  # unit conversion
PARAM_SETS = ("normal", "type2")

Arr = FloatArray | float


@dataclass(frozen=True, eq=False)
class MealParams:
    """Parameters of the minute model, each a scalar or an (n,) array over persons."""

    bw: Arr  # kg
    kabs: Arr
    kmax: Arr
    kmin: Arr
    b: Arr
    d: Arr
    f: Arr
    vg: Arr  # dL/kg
    vi: Arr  # L/kg
    k1: Arr
    k2: Arr
    kp1: Arr
    kp2: Arr
    kp3: Arr
    kp4: Arr
    ki: Arr
    fcns: Arr
    vm0: Arr
    vmx: Arr
    km0: Arr
    p2u: Arr
    ib: Arr  # pmol/L
    m1: Arr
    m2: Arr
    m4: Arr
    m5: Arr
    m6: Arr
    ke1: Arr
    ke2: Arr
    ka1: Arr
    ka2: Arr
    kd: Arr
    ksc: Arr
    k_sec: Arr  # K: derivative secretion
    alpha: Arr
    beta: Arr
    gamma: Arr
    gb: Arr  # mg/dL: secretion threshold h and the basal point
    sb: Arr  # basal secretion, pmol/kg/min
    beta_ex: Arr  # per beat/min of heart-rate-equivalent rise
    thr_min: Arr
    tau_acute_min: Arr
    pmol_per_unit: float  # insulin unit conversion

    def replace(self, **changes: Arr) -> MealParams:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def basal_state(p: MealParams, n: int) -> FloatArray:
    """(N_STATES, n) fasting steady state at the basal point (gb, ib) of `p`."""
    x = np.zeros((N_STATES, n))
    gpb = p.gb * p.vg
    ipb = p.ib * p.vi
    x[GP] = gpb
    x[GT] = _tissue_glucose(p, gpb)
    x[IP] = ipb
    x[I1] = p.ib
    x[ID] = p.ib
    x[IL] = ipb * (p.m2 + p.m4) / p.m1
    x[GS] = gpb
    x[IPO] = np.divide(p.sb, p.gamma, out=np.zeros(n) + 0.0 * gpb, where=np.asarray(p.gamma) > 0)
    return x


def _basal_egp(p: MealParams, gpb: Arr, ipb: Arr) -> Arr:
    """EGP at the basal point implied by kp1 (steady state of the liver equations)."""
    return p.kp1 - p.kp2 * gpb - p.kp3 * (ipb / p.vi) - p.kp4 * _ipob(p)


def _ipob(p: MealParams) -> Arr:
    g = np.asarray(p.gamma, dtype=np.float64)
    return np.divide(p.sb, g, out=np.zeros(np.broadcast(p.sb, g).shape), where=g > 0)


def _renal(p: MealParams, gp: Arr) -> Arr:
    return p.ke1 * np.maximum(gp - p.ke2, 0.0)


def _tissue_glucose(p: MealParams, gpb: Arr) -> Arr:
    egpb = _basal_egp(p, gpb, p.ib * p.vi)
    return (p.fcns + _renal(p, gpb) - egpb + p.k1 * gpb) / p.k2


def personalise(p: MealParams, gb: Arr, egpb: Arr) -> MealParams:
    """Re-derive the basal-dependent parameters so that (gb, ib) with EGP `egpb` is the
    fasting steady state (Dalla Man 2007's steady-state constraints): basal secretion,
    hepatic extraction offset m6, kp1 and Vm0."""
    ipb = p.ib * p.vi
    ilb = ipb * (p.m2 + p.m4) / p.m1
    he_b = p.m6 - p.m5 * p.sb  # the set's basal hepatic extraction, kept
    m3b = he_b * p.m1 / (1.0 - he_b)
    secreting = np.asarray(p.gamma) > 0
    sb = np.where(secreting, m3b * ilb + p.m4 * ipb, 0.0)
    m6 = he_b + p.m5 * sb
    gpb = gb * p.vg
    ipob = np.divide(sb, p.gamma, out=np.zeros(np.broadcast(sb, p.gamma).shape), where=secreting)
    kp1 = egpb + p.kp2 * gpb + p.kp3 * p.ib + p.kp4 * ipob
    eb = _renal(p, gpb)
    gtb = (p.fcns + eb - egpb + p.k1 * gpb) / p.k2
    vm0 = (egpb - p.fcns - eb) * (p.km0 + gtb) / gtb
    return p.replace(gb=gb, sb=sb, m6=m6, kp1=kp1, vm0=vm0)


@dataclass(frozen=True, eq=False)
class Inputs:
    """What happens over the simulated minutes; every array has T rows (minutes)."""

    cho_g_per_min: FloatArray  # (T,): carbohydrate eaten in each minute, the same for all
    insulin_u_per_min: FloatArray | float = 0.0  # (T,) or (T, n) subcutaneous insulin
    session: FloatArray | None = None  # (T,) bool: minutes of the training session
    session_drive_bpm: Arr = 0.0  # (n,) heart-rate-equivalent rise during the session
    acute_gain: Arr = 0.0  # (n,) rise of insulin action at the end of the session
    sensitivity: Arr = 1.0  # (n,) chronic insulin-action multiplier


def _rhs(
    x: FloatArray,
    p: MealParams,
    cho_mg: Arr,
    ins_pmol_kg: Arr,
    dbar: FloatArray,
    yex_target: Arr,
    sensitivity: Arr,
) -> FloatArray:
    dx = np.empty_like(x)
    qsto = x[QSTO1] + x[QSTO2]
    # Gastric emptying: fast at the start and end of a meal, slower in between.
    if bool(np.all(dbar > 0)):
        kgut = _emptying(p, qsto, dbar)
    else:  # before anyone's first meal the rate is kmax
        kgut = np.where(dbar > 0, _emptying(p, qsto, np.where(dbar > 0, dbar, 1.0)), p.kmax)
    dx[QSTO1] = -p.kmax * x[QSTO1] + cho_mg
    dx[QSTO2] = p.kmax * x[QSTO1] - kgut * x[QSTO2]
    dx[QGUT] = kgut * x[QSTO2] - p.kabs * x[QGUT]
    ra = p.f * p.kabs * x[QGUT] / p.bw

    gp, gt = x[GP], x[GT]
    egp = np.maximum(p.kp1 - p.kp2 * gp - p.kp3 * x[ID] - p.kp4 * x[IPO], 0.0)
    action = sensitivity * (1.0 + x[ACUTE]) * (x[X] + p.ib) - p.ib
    uid = (p.vm0 * (1.0 + p.beta_ex * x[YEX]) + p.vmx * action) * gt / (p.km0 + gt)
    dgp = egp + ra - p.fcns - _renal(p, gp) - p.k1 * gp + p.k2 * gt
    dx[GP] = dgp
    dx[GT] = -uid + p.k1 * gp - p.k2 * gt

    # Endogenous secretion: a proportional (Y) and a derivative term on glucose above h.
    g = gp / p.vg
    dg = dgp / p.vg
    spo = x[YSEC] + p.k_sec * np.maximum(dg, 0.0) + p.sb
    drive = p.beta * (g - p.gb)
    # Below -Sb the proportional term no longer falls (secretion cannot go negative).
    dx[YSEC] = -p.alpha * (x[YSEC] - np.maximum(drive, -p.sb))
    secretion = p.gamma * x[IPO]
    dx[IPO] = spo - secretion  # type 1: K = beta = Sb = 0, so nothing is secreted
    he = p.m6 - p.m5 * secretion
    m3 = he * p.m1 / (1.0 - he)

    dx[IL] = -(p.m1 + m3) * x[IL] + p.m2 * x[IP] + secretion
    dx[IP] = -(p.m2 + p.m4) * x[IP] + p.m1 * x[IL] + p.ka1 * x[ISC1] + p.ka2 * x[ISC2]
    insulin = x[IP] / p.vi
    dx[X] = -p.p2u * x[X] + p.p2u * (insulin - p.ib)
    dx[I1] = -p.ki * (x[I1] - insulin)
    dx[ID] = -p.ki * (x[ID] - x[I1])
    dx[ISC1] = ins_pmol_kg - (p.ka1 + p.kd) * x[ISC1]
    dx[ISC2] = p.kd * x[ISC1] - p.ka2 * x[ISC2]
    dx[GS] = -p.ksc * x[GS] + p.ksc * gp
    dx[YEX] = -(x[YEX] - yex_target) / p.thr_min
    dx[ACUTE] = -x[ACUTE] / p.tau_acute_min
    return dx


def _emptying(p: MealParams, qsto: FloatArray, dbar: FloatArray) -> FloatArray:
    """Gastric emptying rate: fast at the start and end of a meal, slower in between."""
    aa = 2.5 / (dbar * (1.0 - p.b))
    cc = 2.5 / (dbar * p.d)
    return p.kmin + (p.kmax - p.kmin) * 0.5 * (
        np.tanh(aa * (qsto - p.b * dbar)) - np.tanh(cc * (qsto - p.d * dbar)) + 2.0
    )


@dataclass(frozen=True, eq=False)
class Trajectory:
    glucose: FloatArray  # (T + 1, n) plasma glucose, mg/dL, at the start of each minute and end
    subcutaneous: FloatArray  # (T + 1, n) subcutaneous glucose, mg/dL
    final: FloatArray  # (N_STATES, n) state at the end


def simulate(
    p: MealParams,
    x0: FloatArray,
    inputs: Inputs,
    *,
    record: bool = True,
) -> Trajectory:
    """Integrate minute by minute from state `x0` (N_STATES, n).

    With `record=False` only the running mean is kept (the returned glucose then has two rows:
    the mean over the minutes and the final value), which keeps memory flat for large n.
    """
    n = x0.shape[1]
    cho = np.asarray(inputs.cho_g_per_min, dtype=np.float64)
    if cho.ndim != 1:
        raise ValueError("cho_g_per_min: one meal schedule (T,) shared by every person")
    minutes = cho.shape[0]
    insulin = np.broadcast_to(np.asarray(inputs.insulin_u_per_min, dtype=np.float64), cho.shape)
    session = np.zeros(minutes, np.bool_) if inputs.session is None else np.asarray(inputs.session)
    to_pmol = p.pmol_per_unit / np.asarray(p.bw)
    yex = np.asarray(inputs.session_drive_bpm, dtype=np.float64)
    acute_gain = np.asarray(inputs.acute_gain, dtype=np.float64)
    sens = inputs.sensitivity

    x = x0.copy()
    if record:
        glucose = np.empty((minutes + 1, n))
        sub = np.empty((minutes + 1, n))
        glucose[0] = x[GP] / p.vg
        sub[0] = x[GS] / p.vg
    else:
        total = np.zeros(n)
    last_qsto = x[QSTO1] + x[QSTO2]
    eaten = np.zeros(n)
    last_cho = 0.0
    for t in range(minutes):
        cho_t = float(cho[t])
        # Dbar: the stomach's content when the meal began plus what has been eaten since.
        if cho_t > 0 and last_cho <= 0:
            last_qsto, eaten = x[QSTO1] + x[QSTO2], np.zeros(n)
        if cho_t > 0:
            eaten = eaten + cho_t
        last_cho = cho_t
        dbar = last_qsto + eaten * MG_PER_G
        cho_mg = cho_t * MG_PER_G
        ins = insulin[t] * to_pmol
        target = yex if session[t] else 0.0
        if t > 0 and session[t - 1] and not session[t]:
            x[ACUTE] = x[ACUTE] + acute_gain  # the post-session rise starts as the session ends
        x = _rk4(x, p, cho_mg, ins, dbar, target, sens)
        if record:
            glucose[t + 1] = x[GP] / p.vg
            sub[t + 1] = x[GS] / p.vg
        else:
            total += x[GP]
    if not record:
        mean = total / minutes / p.vg
        glucose = np.stack([mean, x[GP] / p.vg])
        sub = glucose
    return Trajectory(glucose, sub, x)


def _rk4(
    x: FloatArray,
    p: MealParams,
    cho_mg: Arr,
    ins: Arr,
    dbar: FloatArray,
    yex: Arr,
    sens: Arr,
) -> FloatArray:
    h = 1.0  # one minute
    k1 = _rhs(x, p, cho_mg, ins, dbar, yex, sens)
    k2 = _rhs(x + 0.5 * h * k1, p, cho_mg, ins, dbar, yex, sens)
    k3 = _rhs(x + 0.5 * h * k2, p, cho_mg, ins, dbar, yex, sens)
    k4 = _rhs(x + h * k3, p, cho_mg, ins, dbar, yex, sens)
    # x + h/6 (k1 + 2 k2 + 2 k3 + k4), accumulated in place: fewer large temporaries
    k2 += k3
    k2 *= 2.0
    k2 += k1
    k2 += k4
    k2 *= h / 6.0
    k2 += x
    return k2


# ---------------------------------------------------------------- parameter sets from the registry

_SET_FIELDS = [
    "kabs",
    "kmax",
    "kmin",
    "b",
    "d",
    "f",
    "vg",
    "vi",
    "k1",
    "k2",
    "kp2",
    "kp3",
    "kp4",
    "ki",
    "fcns",
    "vmx",
    "km0",
    "p2u",
    "ib",
    "m1",
    "m2",
    "m4",
    "m5",
    "ke1",
    "ke2",
    "k_sec",
    "alpha",
    "beta",
    "gamma",
    "gb",
    "egpb",
]


def set_values(reg: Registry, position: Arr) -> dict[str, Arr]:
    """Dalla Man 2007 parameters at `position` on the normal (0) -> type 2 (1) axis: a
    geometric interpolation of the two published sets (prediabetes lies between them)."""
    module = reg.module("glucose_meal")
    out: dict[str, Arr] = {}
    w = np.asarray(position, dtype=np.float64)
    for name in _SET_FIELDS:
        lo, hi = module[f"{name}_normal"].value, module[f"{name}_type2"].value
        out[name] = lo ** (1.0 - w) * hi**w if lo > 0 and hi > 0 else lo + (hi - lo) * w
    return out


def params_for(
    reg: Registry,
    position: Arr,
    bw: Arr,
    gb: Arr | None = None,
) -> MealParams:
    """Minute-model parameters for persons at `position` (0 normal, 1 type 2) with body mass
    `bw` and fasting glucose `gb` (default: the set's published basal glucose)."""
    v = set_values(reg, position)
    m = reg.module("glucose_meal")
    egpb = v.pop("egpb")
    p = MealParams(
        bw=bw,
        **v,
        kp1=0.0,
        vm0=0.0,
        m6=0.0,
        sb=0.0,
        ka1=0.0,
        ka2=0.0,
        kd=0.0,
        ksc=m["ksc"].value,
        beta_ex=m["beta_ex"].value,
        thr_min=m["thr_min"].value,
        tau_acute_min=m["tau_acute_min"].value,
        pmol_per_unit=m["pmol_per_unit"].value,
    )
    # m6 of the published set: basal extraction HEb plus m5 x basal secretion (re-derived).
    p = p.replace(m6=m["heb"].value)  # personalise reads m6 - m5 sb with sb = 0: HEb
    return personalise(p, v["gb"] if gb is None else gb, egpb)
