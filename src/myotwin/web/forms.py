"""The page's forms: read what a person typed (Dutch decimal commas too) into validated inputs.

Errors are kept per form field, in the reader's language, so the page shows each one next to
the field it is about. Validation itself stays in `myotwin.inputs`; this module only parses
numbers per locale and translates the error it gets back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from pydantic import ValidationError

from myotwin.i18n import Lang
from myotwin.inputs import Person, Program
from myotwin.report.content import N_
from myotwin.report.render import LOCALES

PERSON_NUMBERS = ("age_years", "height_cm", "weight_kg")
PERSON_CHOICES = {
    "sex": ("female", "male"),
    "menopause": ("", "pre", "post"),
    "training_status": ("untrained", "trained"),
    "diabetes": ("none", "prediabetes", "type2"),
}
EXERCISE_ROWS = 6  # rows of the "build your own program" table
LOAD_KINDS = ("rpe", "one_rm_fraction", "kg", "bodyweight")
YEARS = (1, 2, 5, 10, 20)

MSG_NUMBER = N_("Enter a number.")
MSG_WHOLE = N_("Enter a whole number.")
MSG_RANGE = N_("Enter a value from %(lo)s to %(hi)s.")
MSG_REQUIRED = N_("This field is required.")
MSG_CHOICE = N_("Choose one of the options.")
MSG_EXERCISES = N_("Add at least one exercise with sets and reps (or minutes).")
MSG_INVALID = N_("Not valid: %(reason)s")

_RANGE = re.compile(r"out of range \[?\(?(-?[\d.]+)\s*\.\.\s*(-?[\d.]+|∞)")


@dataclass
class ParsedForm:
    values: dict[str, str]  # what was typed, to show again
    person: Person | None = None
    program: Program | None = None
    template: str = ""
    years: float = 10.0
    use_log: bool = False
    name: str = ""
    errors: dict[str, str] = field(default_factory=dict)


def number(text: str, lang: Lang) -> float:
    """A number typed in `lang`'s convention; "82,5" in Dutch, "82.5" in English (both accepted
    when unambiguous: a single separator followed by one or two digits is a decimal mark)."""
    text = text.strip().replace(" ", "")
    if re.fullmatch(r"-?\d+[.,]\d{1,2}", text):
        return float(text.replace(",", "."))
    return float(parse_decimal(text, locale=LOCALES[lang], strict=False))


def _translate_error(e: Mapping[str, Any], lang: Lang, gettext: Callable[[str], str]) -> str:
    kind = e["type"]
    message = str((e.get("ctx") or {}).get("message", e["msg"]))
    if kind in ("float_type", "float_parsing"):
        return gettext(MSG_NUMBER)
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return gettext(MSG_WHOLE)
    if kind == "missing":
        return gettext(MSG_REQUIRED)
    if kind == "literal_error":
        return gettext(MSG_CHOICE)
    m = _RANGE.search(message)
    if m:
        locale = LOCALES[lang]
        lo, hi = (format_decimal(float(v), locale=locale) if v != "∞" else "∞" for v in m.groups())
        return gettext(MSG_RANGE) % {"lo": lo, "hi": hi}
    return gettext(MSG_INVALID) % {"reason": message}


def parse(form: Mapping[str, str], lang: Lang, gettext: Callable[[str], str]) -> ParsedForm:
    """The person, program and horizon of the projection form, or errors per field."""
    values = {k: str(v) for k, v in form.items() if k != "csrf"}
    out = ParsedForm(values, name=values.get("name", "").strip()[:100])
    out.use_log = values.get("use_log") == "on"

    person: dict[str, Any] = {"name": out.name or None}
    for key in PERSON_NUMBERS:
        raw = values.get(key, "").strip()
        if not raw:
            if key == "age_years":
                out.errors[key] = gettext(MSG_REQUIRED)
            continue
        try:
            person[key] = number(raw, lang)
        except (NumberFormatError, ValueError):
            out.errors[key] = gettext(MSG_NUMBER)
    for key, options in PERSON_CHOICES.items():
        raw = values.get(key, options[0])
        if raw not in options:
            out.errors[key] = gettext(MSG_CHOICE)
        elif raw:
            person[key] = raw
    if person.get("sex") == "male":
        person.pop("menopause", None)
    # Validated even when a field did not parse, so every wrong field is marked at once.
    try:
        out.person = Person.model_validate(person)
    except ValidationError as exc:
        for e in exc.errors():
            key = str(e["loc"][0]) if e["loc"] else "age_years"
            out.errors.setdefault(key, _translate_error(e, lang, gettext))

    try:
        out.years = number(values.get("years", "10") or "10", lang)
        if not 0 < out.years <= 100:
            raise ValueError
    except (NumberFormatError, ValueError):
        out.errors["years"] = gettext(MSG_RANGE) % {"lo": "1", "hi": "100"}

    out.template = values.get("template", "beginner_full_body")
    if out.template != "custom":
        from myotwin.programs import template, templates

        if out.template not in templates():
            out.errors["template"] = gettext(MSG_CHOICE)
        else:
            out.program = template(out.template)
        return out
    out.program = _custom_program(values, lang, gettext, out.errors)
    return out


def _custom_program(
    values: Mapping[str, str], lang: Lang, gettext: Callable[[str], str], errors: dict[str, str]
) -> Program | None:
    data: dict[str, Any] = {"name": values.get("program_name", "").strip()[:100] or "program"}
    try:
        data["sessions_per_week"] = number(values.get("sessions_per_week", "") or "", lang)
    except (NumberFormatError, ValueError):
        errors["sessions_per_week"] = gettext(MSG_NUMBER)
    rows: list[int] = []  # form row of each exercise in the program
    exercises: list[dict[str, Any]] = []
    for i in range(EXERCISE_ROWS):
        exercise = values.get(f"ex{i}_exercise", "").strip()
        if not exercise:
            continue
        entry: dict[str, Any] = {"exercise": exercise}
        for key in ("sets", "reps", "minutes"):
            raw = values.get(f"ex{i}_{key}", "").strip()
            if raw:
                try:
                    value = number(raw, lang)
                    entry[key] = int(value) if key != "minutes" and value.is_integer() else value
                except (NumberFormatError, ValueError):
                    errors[f"ex{i}_{key}"] = gettext(MSG_NUMBER)
        kind = values.get(f"ex{i}_load_kind", "rpe")
        raw = values.get(f"ex{i}_load", "").strip()
        if kind not in LOAD_KINDS:
            errors[f"ex{i}_load_kind"] = gettext(MSG_CHOICE)
        elif kind == "bodyweight":
            entry["load"] = "bodyweight"
        elif raw:
            try:
                entry["load"] = {kind: number(raw, lang)}
            except (NumberFormatError, ValueError):
                errors[f"ex{i}_load"] = gettext(MSG_NUMBER)
        rows.append(i)
        exercises.append(entry)
    if not exercises:
        errors["ex0_exercise"] = gettext(MSG_EXERCISES)
    data["exercises"] = exercises
    if errors:
        return None
    try:
        return Program.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            loc = list(e["loc"])
            if loc and loc[0] == "exercises" and len(loc) >= 2 and isinstance(loc[1], int):
                row = rows[loc[1]] if loc[1] < len(rows) else 0
                sub = next(
                    (str(p) for p in loc[2:] if p in ("sets", "reps", "load", "minutes")),
                    "exercise",
                )
                key = f"ex{row}_{sub}"
            elif loc and loc[0] == "exercises":
                key = "ex0_exercise"
            else:
                key = str(loc[0]) if loc else "sessions_per_week"
            errors.setdefault(key, _translate_error(e, lang, gettext))
        return None


def person_values(data: Mapping[str, Any], lang: Lang) -> dict[str, str]:
    """A stored person's data as form values, numbers written in `lang`'s convention."""
    values: dict[str, str] = {}
    for key, value in data.items():
        if value is None:
            continue
        if key in PERSON_NUMBERS and isinstance(value, int | float):
            values[key] = format_decimal(value, locale=LOCALES[lang], group_separator=False)
        elif isinstance(value, str):
            values[key] = value
    return values
