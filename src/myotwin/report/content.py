"""What the report says, as data: systems, outcome labels, units people see, claims, glossary, FAQ.

Strings are English msgids marked with `N_` (extracted by Babel, translated at render time
through the gettext catalogue in `myotwin/locale`). Sections and claims are driven by these
tables and by what the model reports (`physiology.reporting_organ`): an outcome that an organ
starts reporting appears in its system's section and claims without a code change here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeVar

import numpy as np


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated when the report is rendered.

    Every message is a %-format string (as in the template's newstyle gettext): a literal
    percent sign is written %%.
    """
    return message


CERTAINTY_WORDS: dict[str, str] = {"high": N_("high"), "moderate": N_("moderate"), "low": N_("low")}


# ---------------------------------------------------------------------------------------------
# Systems: one report section each, with the outcomes it shows when the model reports them.
# `one_rm:*` stands for the 1RM of every strength exercise the run recorded.


@dataclass(frozen=True)
class System:
    id: str
    title: str
    intro: str
    outcomes: tuple[str, ...]


SYSTEMS: tuple[System, ...] = (
    System(
        "muscle",
        N_("Muscle and strength"),
        N_(
            "Muscle is the hub of the model: how much of it there is, how strong it is and "
            "the signalling substances (myokines) it releases when it works."
        ),
        ("skeletal_muscle_mass", "lean_mass", "one_rm:*", "myokine_signal"),
    ),
    System(
        "bone",
        N_("Bone"),
        N_(
            "Bone mineral density (BMD) at the spine and hip, the T-score doctors use to "
            "diagnose osteoporosis, and the chance of a fracture in the next ten years."
        ),
        (
            "femoral_neck_bmd",
            "total_hip_bmd",
            "lumbar_spine_bmd",
            "femoral_neck_t_score",
            "total_hip_t_score",
            "lumbar_spine_t_score",
            "hip_fracture_risk_10y",
            "major_fracture_risk_10y",
        ),
    ),
    System(
        "glucose",
        N_("Glucose"),
        N_(
            "Blood sugar: the long-term average (HbA1c), fasting and daily mean glucose, and "
            "how well the body responds to insulin."
        ),
        ("hba1c", "fasting_glucose", "mean_glucose", "insulin_sensitivity", "muscle_glycogen"),
    ),
    System(
        "energy",
        N_("Metabolism and body composition"),
        N_("Body weight, fat mass and how much energy the body uses at rest and in a day."),
        ("body_mass", "fat_mass", "rmr", "tdee"),
    ),
    System(
        "mobility",
        N_("Mobility and falls"),
        N_("Walking speed, rising from a chair, balance, and how often falls happen."),
        (
            "gait_speed",
            "chair_rise_time",
            "balance",
            "falls",
            "fallers",
            "hip_fractures",
            "major_fractures",
        ),
    ),
    System(
        "brain",
        N_("Brain and mood"),
        N_(
            "The hippocampus (a brain area for memory), thinking skills, low mood and "
            "anxiety, and sleep."
        ),
        (
            "hippocampal_volume",
            "global_cognition",
            "executive_function",
            "depressive_symptoms",
            "anxiety_symptoms",
            "sleep_quality",
        ),
    ),
    System(
        "hormones",
        N_("Hormones"),
        N_(
            "Resting levels of testosterone and cortisol. Hormone peaks during a session are "
            "short and do not drive muscle growth; the command myotwin session shows them."
        ),
        ("resting_testosterone", "resting_cortisol"),
    ),
)

ONE_RM_PATTERN = "one_rm:*"

OUTCOME_LABELS: dict[str, str] = {
    "skeletal_muscle_mass": N_("Skeletal muscle mass"),
    "lean_mass": N_("Lean mass"),
    "myokine_signal": N_("Myokine signal"),
    "lumbar_spine_bmd": N_("BMD lumbar spine"),
    "femoral_neck_bmd": N_("BMD femoral neck"),
    "total_hip_bmd": N_("BMD total hip"),
    "lumbar_spine_t_score": N_("T-score lumbar spine"),
    "femoral_neck_t_score": N_("T-score femoral neck"),
    "total_hip_t_score": N_("T-score total hip"),
    "hip_fracture_risk_10y": N_("10-year risk of a hip fracture"),
    "major_fracture_risk_10y": N_("10-year risk of a major osteoporotic fracture"),
    "hip_fractures": N_("Hip fractures"),
    "major_fractures": N_("Major fractures"),
    "hba1c": N_("HbA1c"),
    "mean_glucose": N_("Mean glucose"),
    "fasting_glucose": N_("Fasting glucose"),
    "insulin_sensitivity": N_("Insulin sensitivity"),
    "muscle_glycogen": N_("Muscle glycogen"),
    "body_mass": N_("Body weight"),
    "fat_mass": N_("Fat mass"),
    "rmr": N_("Resting metabolic rate"),
    "tdee": N_("Daily energy use"),
    "gait_speed": N_("Walking speed"),
    "chair_rise_time": N_("Five chair rises"),
    "balance": N_("Balance"),
    "falls": N_("Falls"),
    "fallers": N_("Fallers"),
    "hippocampal_volume": N_("Hippocampal volume"),
    "executive_function": N_("Executive function"),
    "global_cognition": N_("Memory and thinking"),
    "depressive_symptoms": N_("Depressive symptoms"),
    "anxiety_symptoms": N_("Anxiety symptoms"),
    "sleep_quality": N_("Sleep quality"),
    "resting_cortisol": N_("Resting cortisol"),
    "resting_testosterone": N_("Resting testosterone"),
    "session_peak:growth_hormone": N_("Growth hormone peak"),
    "session_peak:testosterone": N_("Testosterone peak"),
    "session_peak:cortisol": N_("Cortisol peak"),
    "session_peak:il6": N_("IL-6 peak"),
}
ONE_RM_LABEL = N_("1RM %(exercise)s")


# ---------------------------------------------------------------------------------------------
# Units people see (OUTCOMES.md): an affine map from the data unit. A difference between two
# values maps with `scale` only.


V = TypeVar("V", float, np.ndarray)


@dataclass(frozen=True)
class DisplayUnit:
    label: str
    scale: float = 1.0
    offset: float = 0.0

    def value(self, x: V) -> V:
        """`x` (a number or an array of them) in this unit."""
        return x * self.scale + self.offset

    def difference(self, x: float) -> float:
        return x * self.scale


# HbA1c: IFCC mmol/mol = (NGSP % - 2.15) x 10.929 (the master equation, OUTCOMES.md).
_HBA1C_MMOL_MOL = DisplayUnit("mmol/mol", 10.929, -2.15 * 10.929)

UNIT_LABELS: dict[str, str] = {
    "kg": "kg",
    "1": "",
    "g/cm2": "g/cm²",
    "SD": N_("SD"),
    "fraction": "%",
    "per person-year": N_("per year"),
    "%": "%",
    "mmol/L": "mmol/L",
    "g/kg": "g/kg",
    "kcal/day": N_("kcal/day"),
    "m/s": "m/s",
    "s": "s",
    "cm3": "cm³",
    "nmol/L": "nmol/L",
    "ug/L": "µg/L",
    "pg/mL": "pg/mL",
}


def display_unit(outcome: str, unit: str, lang: str) -> DisplayUnit:
    """How `outcome` (data unit `unit`) is shown to a reader of `lang`."""
    if outcome == "hba1c" and lang == "nl":
        return _HBA1C_MMOL_MOL
    if unit == "fraction":
        return DisplayUnit("%", 100.0)
    return DisplayUnit(UNIT_LABELS.get(unit, unit))


# ---------------------------------------------------------------------------------------------
# Key points: at most one per group (so twelve 1RMs cannot crowd out bone or mood); within a
# group the outcome with the largest standardised difference speaks for it.

KEY_POINT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("skeletal_muscle_mass", "lean_mass"),
    ("one_rm:*",),
    ("femoral_neck_bmd", "total_hip_bmd", "lumbar_spine_bmd"),
    ("hip_fracture_risk_10y", "major_fracture_risk_10y"),
    ("hba1c", "fasting_glucose", "mean_glucose"),
    ("insulin_sensitivity",),
    ("fat_mass", "body_mass"),
    ("rmr", "tdee"),
    ("gait_speed", "chair_rise_time", "balance"),
    ("falls", "fallers"),
    ("hippocampal_volume",),
    ("global_cognition", "executive_function"),
    ("depressive_symptoms", "anxiety_symptoms"),
    ("sleep_quality",),
    ("resting_testosterone", "resting_cortisol"),
)
KEY_POINTS_MAX = 6


# ---------------------------------------------------------------------------------------------
# Smallest differences worth calling an effect. A claim is "supported" only when the
# training-minus-no-training difference is credible (95 % interval excludes zero) AND at least
# this large AND its evidence is not of low certainty. Outcomes without an entry are judged on
# credibility and certainty alone.

ThresholdKind = Literal["relative", "absolute"]


@dataclass(frozen=True)
class Threshold:
    value: float  # percent of the no-training value (relative) or data units (absolute)
    kind: ThresholdKind
    rationale: str


_BONE_YEAR = Threshold(
    1.0,
    "relative",
    N_("1 %% of bone density: about one year of the bone loss the claim speaks of."),
)
_SD_SMALL = Threshold(
    0.1,
    "absolute",
    N_(
        "0.1 SD: half of the smallest effect conventionally called small (0.2 SD); smaller "
        "shifts are not noticeable to a person."
    ),
)
MEANINGFUL: dict[str, Threshold] = {
    "femoral_neck_bmd": _BONE_YEAR,
    "total_hip_bmd": _BONE_YEAR,
    "lumbar_spine_bmd": _BONE_YEAR,
    "skeletal_muscle_mass": Threshold(
        2.0,
        "relative",
        N_("2 %% of muscle mass: two to three years of muscle loss at 75 (0.7 to 0.9 %% a year)."),
    ),
    "lean_mass": Threshold(
        2.0,
        "relative",
        N_("2 %% of muscle mass: two to three years of muscle loss at 75 (0.7 to 0.9 %% a year)."),
    ),
    "hba1c": Threshold(
        0.3,
        "absolute",
        N_("0.3 percentage point HbA1c (3 mmol/mol): the smallest change treatment trials count."),
    ),
    "fasting_glucose": Threshold(
        0.2, "absolute", N_("0.2 mmol/L: about the day-to-day variation of a fasting measurement.")
    ),
    "mean_glucose": Threshold(
        0.2, "absolute", N_("0.2 mmol/L: about the day-to-day variation of a fasting measurement.")
    ),
    "insulin_sensitivity": Threshold(
        5.0,
        "relative",
        N_("5 %% of insulin sensitivity: below that it is within measurement noise."),
    ),
    "rmr": Threshold(
        1.0,
        "relative",
        N_("1 %% of resting metabolism: below that it is within measurement noise."),
    ),
    "gait_speed": Threshold(
        0.05, "absolute", N_("0.05 m/s: the smallest change in walking speed that matters.")
    ),
    "chair_rise_time": Threshold(
        1.0, "absolute", N_("1 second for five chair rises: the smallest change that matters.")
    ),
    "balance": _SD_SMALL,
    "global_cognition": _SD_SMALL,
    "executive_function": _SD_SMALL,
    "depressive_symptoms": _SD_SMALL,
    "anxiety_symptoms": _SD_SMALL,
    "sleep_quality": _SD_SMALL,
    "hippocampal_volume": Threshold(
        0.5,
        "relative",
        N_("0.5 %% of hippocampal volume: a third of a year's loss at 73 (1.4 %% a year)."),
    ),
    "one_rm:*": Threshold(
        5.0, "relative", N_("5 %% of the 1RM: about the day-to-day variation of a maximal lift.")
    ),
    "hip_fracture_risk_10y": Threshold(
        10.0, "relative", N_("A tenth of the risk: smaller changes are lost in its uncertainty.")
    ),
    "major_fracture_risk_10y": Threshold(
        10.0, "relative", N_("A tenth of the risk: smaller changes are lost in its uncertainty.")
    ),
    "falls": Threshold(10.0, "relative", N_("A tenth fewer falls: the smallest change counted.")),
    "fallers": Threshold(10.0, "relative", N_("A tenth fewer falls: the smallest change counted.")),
    "body_mass": Threshold(2.0, "relative", N_("2 %% of body weight: about a day's variation.")),
    "fat_mass": Threshold(
        2.0, "relative", N_("2 %% of fat mass: below that it is within measurement noise.")
    ),
    "tdee": Threshold(
        1.0, "relative", N_("1 %% of energy use: below that it is within measurement noise.")
    ),
    "resting_testosterone": Threshold(
        5.0, "relative", N_("5 %% of the resting level: below the day-to-day variation.")
    ),
    "resting_cortisol": Threshold(
        5.0, "relative", N_("5 %% of the resting level: below the day-to-day variation.")
    ),
}


# ---------------------------------------------------------------------------------------------
# Claims people make about strength training, each as the outcomes that test it and the
# direction the claim says training moves them. `maintain`: the claim also says training stops
# the decline itself, so the outcome with training must not end below where it started.


@dataclass(frozen=True)
class Claim:
    id: str
    text: str
    tests: tuple[tuple[str, int], ...]  # (outcome, +1 the claim says it rises, -1 it falls)
    maintain: bool = False


CLAIMS: tuple[Claim, ...] = (
    Claim(
        "bone_loss",
        N_("Bone loss of about 1 %% a year after 50 is halted and reversed."),
        (("femoral_neck_bmd", 1), ("total_hip_bmd", 1), ("lumbar_spine_bmd", 1)),
        maintain=True,
    ),
    Claim(
        "glucose",
        N_("Blood sugar and HbA1c fall."),
        (("hba1c", -1), ("fasting_glucose", -1), ("mean_glucose", -1)),
    ),
    Claim(
        "metabolism",
        N_("Resting metabolism rises with muscle."),
        (("rmr", 1),),
    ),
    Claim(
        "falls",
        N_("Stability improves and falls become rarer."),
        (("balance", 1), ("gait_speed", 1), ("chair_rise_time", -1), ("falls", -1)),
    ),
    Claim(
        "brain",
        N_("Memory and mood are protected."),
        (
            ("global_cognition", 1),
            ("hippocampal_volume", 1),
            ("depressive_symptoms", -1),
            ("anxiety_symptoms", -1),
        ),
    ),
    Claim(
        "hormones",
        N_("Hormone balance improves."),
        (("resting_testosterone", 1), ("resting_cortisol", -1)),
    ),
    Claim(
        "muscle",
        N_("Muscle mass and strength are kept into old age."),
        (("skeletal_muscle_mass", 1), ("one_rm:*", 1)),
        maintain=True,
    ),
)


# ---------------------------------------------------------------------------------------------
# Glossary and FAQ.

GLOSSARY: tuple[tuple[str, str], ...] = (
    (
        N_("1RM"),
        N_(
            "One-repetition maximum: the heaviest load you can lift once with good form in an "
            "exercise. The model estimates it; you do not need to test it."
        ),
    ),
    (
        N_("Anabolic hormones"),
        N_(
            "Hormones that build tissue, such as testosterone, growth hormone and IGF-1. "
            "Their short rise during a session does not explain muscle growth."
        ),
    ),
    (
        N_("BMD"),
        N_(
            "Bone mineral density: grams of mineral per square centimetre of bone, measured by "
            "a DXA scan at the spine and hip."
        ),
    ),
    (
        N_("HbA1c"),
        N_(
            "Glycated haemoglobin: the share of red-blood-cell haemoglobin with sugar attached, "
            "a measure of the average blood sugar over the last two to three months. Shown in "
            "mmol/mol in the Netherlands and in %% elsewhere."
        ),
    ),
    (
        N_("Hippocampus"),
        N_(
            "A curved brain area deep in the temporal lobe that is needed to store new "
            "memories. It shrinks slowly with age."
        ),
    ),
    (
        N_("Insulin sensitivity"),
        N_(
            "How strongly the body's cells respond to insulin by taking up sugar from the "
            "blood. Muscle takes up most of it, so more and more active muscle helps."
        ),
    ),
    (
        N_("Myokines"),
        N_(
            "Signalling substances that working muscle releases into the blood (such as IL-6 "
            "and irisin). They carry the effect of training to other organs."
        ),
    ),
    (
        N_("Osteoporosis"),
        N_(
            "A condition of low bone mass and weakened bone structure that makes fractures "
            "more likely. It is diagnosed at a T-score of -2.5 or lower."
        ),
    ),
    (
        N_("Sarcopenia"),
        N_(
            "Age-related loss of muscle mass and strength to a level that limits daily life "
            "and raises the risk of falls."
        ),
    ),
    (
        N_("T-score"),
        N_(
            "How far your bone density lies from that of healthy young adults, in standard "
            "deviations: -1 to -2.5 is osteopenia, -2.5 or lower osteoporosis."
        ),
    ),
    (
        N_("95 %% interval"),
        N_(
            "The range in which the model expects the true value with 95 %% probability, given "
            "what is uncertain in the evidence and in how you personally respond."
        ),
    ),
    (
        N_("SD (standard deviation)"),
        N_(
            "A unit for scores without a natural unit: 1 SD is the typical spread between "
            "people. A shift of 0.2 SD is small, 0.5 SD moderate."
        ),
    ),
)

FAQ: tuple[tuple[str, str], ...] = (
    (
        N_("Is this a prediction for me?"),
        N_(
            "It is a projection for someone with your age, sex and body build, based on "
            "published studies. Each line is an average over many plausible versions of you; "
            "the bands show how far those versions spread."
        ),
    ),
    (
        N_("Why are some systems marked 'not modelled yet'?"),
        N_(
            "The model only shows what it can calculate from evidence. A system without a "
            "model in this version is left empty rather than guessed."
        ),
    ),
    (
        N_("What does 'certainty of the evidence' mean?"),
        N_(
            "How well the studies pin down the size of the training effect: high, moderate or "
            "low. Low means the direction is plausible but the size could be quite different."
        ),
    ),
    (
        N_("Does this replace advice from my doctor?"),
        N_(
            "No. Discuss a new training program with your GP or physiotherapist, especially "
            "with heart disease, osteoporosis or recent fractures."
        ),
    ),
    (
        N_("Where do the numbers come from?"),
        N_(
            "Every model parameter cites a source, listed under Sources; the command "
            "myotwin sources prints them with their values and certainty."
        ),
    ),
)
