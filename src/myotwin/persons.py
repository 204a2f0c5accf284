"""People as a struct of arrays: one numpy array per characteristic, one element per person.

Values a person or population file leaves out (height, weight, body fat) are filled here from
cited references in the evidence registry (module `anthropometry`), once, at the edge.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from myotwin.evidence import Registry
from myotwin.inputs import EnergyBalance, FixedIntake, Person

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

SITES = ("lumbar_spine", "femoral_neck", "total_hip")
DIABETES = ("none", "prediabetes", "type2")


def _nan(n: int) -> FloatArray:
    return np.full(n, np.nan)


@dataclass(frozen=True, eq=False)
class Persons:
    """`ids` number persons within their group (trial arm), `replicate` says whose parameters."""

    ids: IntArray
    replicate: IntArray
    age_years: FloatArray
    female: BoolArray
    height_cm: FloatArray
    weight_kg: FloatArray
    body_fat_pct: FloatArray
    trained: BoolArray
    menopause_post: BoolArray
    years_since_menopause: FloatArray
    diabetes: IntArray  # index into DIABETES
    hba1c_pct: FloatArray
    mci: BoolArray
    fell_last_year: BoolArray
    prior_fracture: BoolArray
    # Energy intake (TRIAL-SPEC "Energy balance"): maintenance minus `intake_deficit_kcal`,
    # or `intake_fixed_kcal` every day where that is not NaN (a person's fixed intake).
    intake_deficit_kcal: FloatArray
    intake_fixed_kcal: FloatArray
    bmd: dict[str, FloatArray] = field(default_factory=dict)  # site -> g/cm2, NaN unknown
    t_score: dict[str, FloatArray] = field(default_factory=dict)  # site -> SD, NaN unknown

    @property
    def n(self) -> int:
        return int(self.ids.shape[0])

    @classmethod
    def blank(cls, n: int) -> Persons:
        """n persons with every optional value unknown (NaN) and every flag false."""
        false = np.zeros(n, np.bool_)
        return cls(
            ids=np.arange(n, dtype=np.int64),
            replicate=np.zeros(n, np.int64),
            age_years=_nan(n),
            female=false.copy(),
            height_cm=_nan(n),
            weight_kg=_nan(n),
            body_fat_pct=_nan(n),
            trained=false.copy(),
            menopause_post=false.copy(),
            years_since_menopause=_nan(n),
            diabetes=np.zeros(n, np.int64),
            hba1c_pct=_nan(n),
            mci=false.copy(),
            fell_last_year=false.copy(),
            prior_fracture=false.copy(),
            intake_deficit_kcal=np.zeros(n),
            intake_fixed_kcal=_nan(n),
            bmd={s: _nan(n) for s in SITES},
            t_score={s: _nan(n) for s in SITES},
        )

    def with_intake(self, intake: EnergyBalance | FixedIntake) -> Persons:
        """Everyone on `intake`: maintenance minus a deficit, or a fixed daily intake."""
        n = self.n
        if isinstance(intake, FixedIntake):
            return self.replace(
                intake_deficit_kcal=np.zeros(n),
                intake_fixed_kcal=np.full(n, intake.intake_kcal_per_day),
            )
        return self.replace(
            intake_deficit_kcal=np.full(n, intake.deficit_kcal_per_day),
            intake_fixed_kcal=_nan(n),
        )

    def replace(self, **changes: object) -> Persons:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def take(self, index: IntArray | slice) -> Persons:
        """A subset of persons (for splitting into blocks)."""
        changes: dict[str, object] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, dict):
                changes[f.name] = {k: v[index] for k, v in value.items()}
            else:
                changes[f.name] = value[index]
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def bmi(self) -> FloatArray:
        return self.weight_kg / (self.height_cm / 100.0) ** 2


def complete_anthropometry(persons: Persons, registry: Registry) -> Persons:
    """Fill unknown height, weight and body fat from the registry's cited references.

    Height and weight: sex-specific adult means. Body fat: Deurenberg's BMI-age-sex equation.
    """
    a = registry.module("anthropometry")
    female = persons.female
    height = np.where(
        np.isnan(persons.height_cm),
        np.where(female, a["height_cm_female"].value, a["height_cm_male"].value),
        persons.height_cm,
    )
    weight = np.where(
        np.isnan(persons.weight_kg),
        np.where(female, a["weight_kg_female"].value, a["weight_kg_male"].value),
        persons.weight_kg,
    )
    bmi = weight / (height / 100.0) ** 2
    deurenberg = (
        a["bodyfat_bmi_coef"].value * bmi
        + a["bodyfat_age_coef"].value * persons.age_years
        + a["bodyfat_male_coef"].value * (~female)
        + a["bodyfat_intercept"].value
    )
    body_fat = np.where(np.isnan(persons.body_fat_pct), deurenberg, persons.body_fat_pct)
    return persons.replace(height_cm=height, weight_kg=weight, body_fat_pct=body_fat)


def person_arrays(person: Person, n: int) -> Persons:
    """`n` copies of one person: draw i of `simulate` has its own parameters (replicate i)."""
    p = Persons.blank(n)
    full = np.full
    female = person.sex == "female"
    post = person.menopause == "post" if person.menopause else False
    return p.with_intake(person.energy_balance).replace(
        replicate=np.arange(n, dtype=np.int64),
        age_years=full(n, person.age_years),
        female=full(n, female),
        height_cm=full(n, np.nan if person.height_cm is None else person.height_cm),
        weight_kg=full(n, np.nan if person.weight_kg is None else person.weight_kg),
        body_fat_pct=full(n, np.nan if person.body_fat_pct is None else person.body_fat_pct),
        trained=full(n, person.training_status == "trained"),
        menopause_post=full(n, post),
        years_since_menopause=full(
            n, np.nan if person.years_since_menopause is None else person.years_since_menopause
        ),
        diabetes=full(n, DIABETES.index(person.diabetes), dtype=np.int64),
        hba1c_pct=full(n, np.nan if person.hba1c_pct is None else person.hba1c_pct),
        mci=full(n, person.cognition == "mci"),
        fell_last_year=full(n, person.fell_last_year),
        prior_fracture=full(n, person.prior_fracture),
        bmd={s: full(n, _or_nan(getattr(person, f"{s}_bmd"))) for s in SITES},
        t_score={s: full(n, _or_nan(getattr(person, f"{s}_t_score"))) for s in SITES},
    )


def _or_nan(value: float | None) -> float:
    return np.nan if value is None else float(value)
