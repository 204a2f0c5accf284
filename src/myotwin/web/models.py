"""Request and response models of the JSON API: they make `/openapi.json` say what each call
takes and gives. Inputs reuse the package's own validated models (`Person`, `Program`)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from myotwin.inputs import Person, Program


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Login(_Model):
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=8, max_length=200)


class UserOut(_Model):
    name: str


class TemplateOut(_Model):
    name: str
    title_nl: str
    title_en: str
    program: dict[str, Any]


class ExerciseOut(_Model):
    id: str
    name_nl: str
    name_en: str
    pattern: str
    kind: str


class PersonSaved(_Model):
    name: str
    person: dict[str, Any]


class ProjectionRequest(_Model):
    """Who, which program, how long. Give `program` or `template` (default: the beginner
    program); `log_person` simulates that stored person's training log first."""

    person: Person
    program: Program | None = None
    template: str | None = Field(default=None, max_length=100)
    log_person: str | None = Field(default=None, min_length=1, max_length=100)
    years: float = Field(default=10.0, gt=0, le=100)
    draws: int | None = Field(default=None, ge=1, le=1000)
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


class TrialRequest(_Model):
    """A trial specification as TOML text (the format of `myotwin trial`), with overrides."""

    spec_toml: str = Field(min_length=1, max_length=200_000)
    replicates: int | None = Field(default=None, ge=1, le=1000)
    participants: int | None = Field(default=None, ge=1, le=10_000)
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)


class JobOut(_Model):
    id: str
    kind: Literal["projection", "trial"]
    state: Literal["queued", "running", "done", "error"]
    fraction_done: float
    error: str | None = None
    result_url: str | None = None


class LogUpload(_Model):
    """An export file of Strong, Hevy, FitNotes or Garmin (FIT), base64-encoded."""

    filename: str = Field(min_length=1, max_length=200)
    content_base64: str = Field(min_length=1)
    unit: Literal["kg", "lb"] | None = None


class LogSummary(_Model):
    model_config = ConfigDict(extra="allow")
    person: str | None = None
    source: str
    sessions: int
    sets: int


class RunSummary(_Model):
    id: int
    kind: str
    person: str | None
    version: str
    created_at: str
    input: dict[str, Any]


class Run(RunSummary):
    result: dict[str, Any]


class Problem(_Model):
    detail: str
