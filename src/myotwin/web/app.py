"""The web app: pages (server-rendered, htmx for the live parts) and the JSON API under /api.

Both call the same Python API as the CLI (`myotwin.projection`, `myotwin.trial`, `myotwin.logs`,
`myotwin.store`). Without users the app is one local person's; with `auth=True` or once a user
exists, every page and API call needs a login and sees only that user's data.
"""

import base64
import binascii
import gc
import hashlib
import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import cache
from importlib import resources
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import Body, Depends, FastAPI, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import UploadFile
from starlette.routing import Match

from myotwin import __version__
from myotwin.engine import ProcessExecutor
from myotwin.i18n import LANGS, Lang
from myotwin.inputs import InputError, Person, Program
from myotwin.projection import Projection, project
from myotwin.report.content import N_
from myotwin.report.render import Formatter, translations
from myotwin.store import Store, StoreError
from myotwin.web import forms, models
from myotwin.web.jobs import Job, Jobs
from myotwin.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    SESSION_COOKIE,
    SESSION_SECONDS,
    Signer,
    check_password,
    hash_password,
)

# Draws per web projection. `simulate`'s default (200) takes minutes on a small machine; 50
# draws still give a 95 % band (between the 2nd and 3rd lowest and highest of 50) and keep
# the page responsive. `myotwin serve --draws` and the API's `draws` choose another count.
WEB_DRAWS = 50
CACHE_SIZE = 32  # finished projections kept by their inputs: the same question is answered at once
LANG_COOKIE = "myotwin_lang"
# How long the page's poll of a running job is held for news: short enough that a stopping
# server is not kept waiting long, and under the page's fallback tick (6 s, _job.html).
JOB_WAIT_SECONDS = 5.0

MSG_LOGIN_FAILED = N_("Unknown name or wrong password.")
MSG_USER_EXISTS = N_("That name is taken.")
MSG_PASSWORD_SHORT = N_("Use at least 8 characters.")
MSG_NO_FILE = N_("Choose a file.")
MSG_NO_LOG = N_("No stored training log for this person: upload an export first.")
MSG_CSRF = N_("The form expired; reload the page and try again.")


class NeedLogin(Exception):
    pass


class _Cache:
    """Finished projections by their inputs (most recently used last)."""

    def __init__(self, size: int) -> None:
        self._items: OrderedDict[str, Projection] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: str) -> Projection | None:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: str, value: Projection) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)


def _key(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


@cache
def _environment(lang: Lang) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("myotwin.web", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def _warm_up(pool: ProcessExecutor) -> None:
    """A one-year, two-draw projection through `pool`, its page rendered in both languages."""
    from myotwin.programs import template

    person = Person(age_years=60, sex="female", height_cm=165, weight_kg=70)
    result = project(person, template("beginner_full_body"), years=1, draws=2, executor=pool)
    for lang in LANGS:
        result.report_body(lang)
    # What is loaded now lives as long as the server: the collector need not walk it again at
    # every full collection (one took 0.1-0.2 s, several times that on a busy machine).
    gc.freeze()


def create_app(
    db_url: str | None = None,
    *,
    auth: bool = False,
    secret: str | None = None,
    draws: int = WEB_DRAWS,
    workers: int = 2,
    processes: int = 0,
) -> FastAPI:
    """The app over the store at `db_url` (default: the user's SQLite database).

    `secret` signs the session and CSRF cookies (default: random per start, so logins end
    when the server stops); `draws` is the number of draws of a web projection; `workers`
    jobs run at once; `processes` > 0 computes projections in that many worker processes,
    started with the app (with 0, in the job's own thread).
    """
    store = Store(db_url)
    signer = Signer(secret or secrets.token_urlsafe(32))
    jobs = Jobs(workers)
    model_pool = ProcessExecutor(processes, keep=True) if processes > 0 else None
    projections = _Cache(CACHE_SIZE)
    # A server (with worker processes) renders one small projection in the background at
    # start: its first real request then pays no one-time imports and first uses here.
    warming = ThreadPoolExecutor(1, thread_name_prefix="myotwin-warm")
    warm = warming.submit(_warm_up, model_pool) if model_pool is not None else None
    warming.shutdown(wait=False)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()
        if model_pool is not None:
            model_pool.close()

    app = FastAPI(
        lifespan=lifespan,
        title="myotwin",
        version=__version__,
        description="What strength training does to muscle, bone, glucose, energy balance, "
        "mobility, brain and hormones: projections, in-silico trials, workout logs.",
    )
    app.state.store = store
    app.state.jobs = jobs
    app.state.model_pool = model_pool
    app.state.warm = warm  # a Future, None without worker processes
    app.mount(
        "/static",
        StaticFiles(directory=str(resources.files("myotwin.web").joinpath("static"))),
        name="static",
    )

    @app.middleware("http")
    async def allow_header(request: Request, call_next: Any) -> Response:
        """A 405 lists every method of the path, not only those of the first route matched
        (Starlette's default when GET and PUT of a path are separate functions)."""
        response: Response = await call_next(request)
        if response.status_code == 405:
            methods: set[str] = set()
            for route in app.routes:
                if isinstance(route, APIRoute) and route.matches(request.scope)[0] != Match.NONE:
                    methods |= route.methods or set()
            if methods:
                response.headers["allow"] = ", ".join(sorted(methods))
        return response

    @app.get("/report.css", include_in_schema=False)
    def report_css() -> Response:
        from myotwin.report.render import style

        return Response(style(), media_type="text/css")

    # --- who is asking, in which language ---------------------------------------------------

    def login_required() -> bool:
        return auth or store.user_count() > 0

    def current_user(request: Request) -> str | None:
        return signer.user(request.cookies.get(SESSION_COOKIE))

    def owner_of(request: Request) -> str:
        """The owner whose data this request may see; NeedLogin when a login is required."""
        if not login_required():
            return ""
        user = current_user(request)
        if user is None:
            raise NeedLogin
        return user

    def api_owner(request: Request) -> str:
        try:
            return owner_of(request)
        except NeedLogin:
            raise HTTPException(401, "log in first: POST /api/login") from None

    def owned_store(owner: str) -> Store:
        return store.for_owner(owner)

    def lang_of(request: Request) -> Lang:
        asked = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
        return "en" if asked == "en" else "nl"

    @app.exception_handler(NeedLogin)
    async def _to_login(request: Request, exc: NeedLogin) -> Response:
        target = "/login?next=" + quote(request.url.path)
        if request.headers.get("hx-request"):
            return Response(status_code=200, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    # --- rendering -----------------------------------------------------------------------------

    def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        lang = lang_of(request)
        trans = translations(lang)
        csrf = request.cookies.get(CSRF_COOKIE)
        fresh = csrf is None or not signer.csrf_ok(csrf, csrf)
        if fresh:
            csrf = signer.new_csrf()
        user = current_user(request)
        html = (
            _environment(lang)
            .get_template(template)
            .render(
                lang=lang,
                other_lang="en" if lang == "nl" else "nl",
                path=request.url.path,
                csrf=csrf,
                csrf_field=CSRF_FIELD,
                user=user if login_required() else None,
                login=login_required(),
                fmt=Formatter(lang),
                T=lambda m: trans.gettext(m),
                version=__version__,
                **context,
            )
        )
        response = HTMLResponse(html, status_code=status)
        if fresh:
            response.set_cookie(CSRF_COOKIE, csrf or "", httponly=True, samesite="strict")
        if request.query_params.get("lang") in LANGS:
            response.set_cookie(LANG_COOKIE, lang, samesite="lax", max_age=365 * 24 * 3600)
        return response

    async def form_of(request: Request) -> dict[str, Any]:
        """The posted form, after its CSRF token is checked."""
        form = await request.form()
        token = form.get(CSRF_FIELD)
        if not signer.csrf_ok(
            request.cookies.get(CSRF_COOKIE), token if isinstance(token, str) else None
        ):
            msg = translations(lang_of(request)).gettext(MSG_CSRF)
            raise HTTPException(403, msg)
        return dict(form)

    # --- projections (shared by page and API) -------------------------------------------------

    def start_projection(
        owner: str,
        person: Person,
        program: Program | None,
        years: float,
        n_draws: int,
        seed: int,
        log_person: str | None,
        save_as: str | None,
        page_lang: Lang | None = None,
    ) -> Job:
        """A projection job; with `page_lang` (a page waits for it) the job also renders the
        report in that language, so the page shows it as soon as the job is done."""
        from myotwin.logs.history import resolver, stored_sets, training_log
        from myotwin.simulate import block_count

        mine = owned_store(owner)
        history = None
        if log_person is not None:
            sets = stored_sets(mine, log_person)
            history, _ = training_log(sets, resolver(mine)) if sets else (None, 0)
            if history is None or not history.sessions:
                raise InputError("log_person: " + MSG_NO_LOG, key="log_person")
            if program is None:
                from myotwin.programs import recent_pattern

                program = recent_pattern(history)
        key = _key(
            person.model_dump(mode="json"),
            program.model_dump(mode="json") if program else None,
            history.model_dump(mode="json") if history else None,
            years,
            n_draws,
            seed,
        )
        meta = {"person": person.name or save_as, "years": years, "draws": n_draws}
        if save_as:
            mine.save_person(save_as, person.model_dump(mode="json", exclude_none=True))
        if program is not None and program.name not in ("program", ""):
            mine.save_program(program.name, program.model_dump(mode="json", exclude_none=True))
        known = projections.get(key)
        if known is not None:
            return jobs.finished_job(owner, "projection", known, meta)

        def work(advance: Callable[[int], None]) -> Projection:
            result = project(
                person,
                program,
                log=history,
                log_label=log_person,
                years=years,
                draws=n_draws,
                seed=seed,
                progress=advance,
                executor=model_pool,
            )
            if page_lang is not None:  # the page's report, rendered here, not in its request
                result.report_body(page_lang)
            projections.put(key, result)
            mine.add_run(
                "simulate",
                {
                    "person": save_as,
                    "program": program.name if program else None,
                    "log": log_person,
                    "years": years,
                    "draws": n_draws,
                    "seed": seed,
                },
                result.document,
                person=save_as,
            )
            return result

        return jobs.submit(owner, "projection", block_count(n_draws), work, meta)

    def start_trial(owner: str, spec_text: str, overrides: dict[str, int | None]) -> Job:
        from myotwin.trial.runner import block_count, run_trial
        from myotwin.trial.spec import load_trial, with_overrides

        spec = with_overrides(
            load_trial(spec_text),
            overrides.get("replicates"),
            overrides.get("seed"),
            overrides.get("participants"),
        )
        mine = owned_store(owner)

        def work(advance: Callable[[int], None]) -> dict[str, Any]:
            doc = run_trial(spec, None, advance)
            mine.add_run("trial", {"trial": spec.name, "spec_toml": spec_text[:100_000]}, doc)
            return doc

        return jobs.submit(owner, "trial", block_count(spec), work, {"trial": spec.name})

    def job_out(job: Job) -> models.JobOut:
        job = job.snapshot()
        return models.JobOut(
            id=job.id,
            kind="trial" if job.kind == "trial" else "projection",
            state=job.state,
            fraction_done=round(job.fraction, 4),
            error=job.error,
            result_url=f"/api/jobs/{job.id}/result" if job.state == "done" else None,
        )

    def owned_job(owner: str, job_id: str) -> Job:
        job = jobs.get(owner, job_id)
        if job is None:
            raise HTTPException(404, "no such job")
        return job.snapshot()

    def finished_projection(owner: str, job_id: str) -> Projection:
        job = owned_job(owner, job_id)
        if job.kind != "projection" or job.state != "done":
            raise HTTPException(409, "not a finished projection")
        result: Projection = job.result
        return result

    # =========================================================================================
    # Pages

    def templates_list(lang: Lang) -> list[tuple[str, str]]:
        from myotwin.programs import templates

        return [(t.name, t.title(lang)) for t in templates().values()]

    def exercises_list(lang: Lang) -> list[tuple[str, str]]:
        from myotwin.catalogue import CATALOGUE

        names = [(e.id, CATALOGUE.display_name(e.id, lang)) for e in CATALOGUE.exercises]
        return sorted(names, key=lambda p: p[1].lower())

    def form_page(
        request: Request,
        owner: str,
        values: dict[str, str],
        errors: dict[str, str],
        status: int = 200,
        fragment: bool = False,
    ) -> HTMLResponse:
        lang = lang_of(request)
        mine = owned_store(owner)
        return page(
            request,
            "_form.html" if fragment else "index.html",
            status,
            values=values,
            errors=errors,
            people=mine.list_people(),
            templates=templates_list(lang),
            exercises=exercises_list(lang),
            rows=forms.EXERCISE_ROWS,
            load_kinds=forms.LOAD_KINDS,
            years_options=forms.YEARS,
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request, person: str | None = None, log: str | None = None) -> HTMLResponse:
        owner = owner_of(request)
        lang = lang_of(request)
        values: dict[str, str] = {
            "age_years": "62",
            "sex": "female",
            "height_cm": "166",
            "weight_kg": "71",
            "menopause": "post",
            "template": "beginner_full_body",
            "years": "10",
            "sessions_per_week": "2",
        }
        if person:
            data = owned_store(owner).get_person(person[:100])
            if data is not None:
                values = {**values, **forms.person_values(data, lang), "name": person[:100]}
                if log:
                    values["use_log"] = "on"  # "project with this log" from the log page
        return form_page(request, owner, values, {})

    @app.post("/projection", response_class=HTMLResponse, include_in_schema=False)
    async def projection_form(request: Request) -> Response:
        owner = owner_of(request)
        lang = lang_of(request)
        trans = translations(lang)
        raw = await form_of(request)
        parsed = forms.parse(
            {k: v for k, v in raw.items() if isinstance(v, str)}, lang, trans.gettext
        )
        htmx = bool(request.headers.get("hx-request"))
        log_person = parsed.name if parsed.use_log and parsed.name else None
        if parsed.use_log and not parsed.name:
            parsed.errors["name"] = trans.gettext(forms.MSG_REQUIRED)
        job = None
        if not parsed.errors and parsed.person is not None:
            try:
                job = start_projection(
                    owner,
                    parsed.person,
                    parsed.program,
                    parsed.years,
                    draws,
                    0,
                    log_person,
                    parsed.name or None,
                    lang,
                )
            except InputError:
                parsed.errors["use_log"] = trans.gettext(MSG_NO_LOG)
        if job is None:
            # htmx swaps only 2xx answers by default: the form with its messages comes as 200
            return form_page(
                request, owner, parsed.values, parsed.errors, 200 if htmx else 422, fragment=htmx
            )
        if htmx:
            response = job_view(request, job, fragment=True)
            response.headers["HX-Push-Url"] = f"/jobs/{job.id}"
            return response
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    def job_view(request: Request, job: Job, fragment: bool) -> HTMLResponse:
        lang = lang_of(request)
        job = job.snapshot()
        context: dict[str, Any] = {"job": job}
        if job.state == "done" and job.kind == "projection":
            context["report"] = job.result.report_body(lang)
        if job.state == "done" and job.kind == "trial":
            context["trial"] = job.result
        name = "_job.html" if fragment else "job.html"
        return page(request, name, **context)

    @app.get("/jobs/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def job_page(request: Request, job_id: str, seen: int | None = None) -> HTMLResponse:
        owner = owner_of(request)
        job = jobs.get(owner, job_id)
        if job is None:
            return page(request, "missing.html", 404)
        if seen is not None:  # the page's poll: answered when the job has moved on from `seen`
            jobs.wait(job, seen, JOB_WAIT_SECONDS)
        return job_view(request, job, fragment=bool(request.headers.get("hx-request")))

    def projection_of(request: Request, job_id: str) -> Projection:
        return finished_projection(owner_of(request), job_id)

    def attachment(name: str) -> dict[str, str]:
        return {"Content-Disposition": f'attachment; filename="{name}"'}

    @app.get("/jobs/{job_id}/report.html", include_in_schema=False)
    def download_report(request: Request, job_id: str) -> HTMLResponse:
        lang = lang_of(request)
        html = projection_of(request, job_id).report_html(lang)
        return HTMLResponse(html, headers=attachment(f"myotwin-report-{lang}.html"))

    @app.get("/jobs/{job_id}/data.csv", include_in_schema=False)
    def download_csv(request: Request, job_id: str) -> PlainTextResponse:
        text = projection_of(request, job_id).csv()
        return PlainTextResponse(
            text, media_type="text/csv", headers=attachment("myotwin-projection.csv")
        )

    @app.get("/jobs/{job_id}/data.json", include_in_schema=False)
    def download_json(request: Request, job_id: str) -> JSONResponse:
        doc = projection_of(request, job_id).document
        return JSONResponse(doc, headers=attachment("myotwin-projection.json"))

    # --- logs ----------------------------------------------------------------------------------

    def logs_page(
        request: Request, owner: str, person: str, summary: Any = None, error: str | None = None
    ) -> HTMLResponse:
        from myotwin.logs.history import show

        mine = owned_store(owner)
        stored = show(mine, person) if person else None
        return page(
            request,
            "logs.html",
            400 if error and not request.headers.get("hx-request") else 200,
            person=person,
            people=mine.list_people(),
            summary=summary,
            stored=stored if stored and stored["sets"] else None,
            error=error,
        )

    @app.get("/logs", response_class=HTMLResponse, include_in_schema=False)
    def logs(request: Request, person: str = "") -> HTMLResponse:
        return logs_page(request, owner_of(request), person[:100])

    @app.post("/logs", response_class=HTMLResponse, include_in_schema=False)
    async def logs_upload(request: Request) -> HTMLResponse:
        from myotwin.logs import parse_bytes
        from myotwin.logs.history import import_log
        from myotwin.logs.records import LogImportError

        owner = owner_of(request)
        trans = translations(lang_of(request))
        form = await form_of(request)
        person = str(form.get("person") or "").strip()[:100]
        upload = form.get("file")
        unit = form.get("unit") or None
        if not person:
            return logs_page(request, owner, person, error=trans.gettext(forms.MSG_REQUIRED))
        if not isinstance(upload, UploadFile) or not upload.filename:
            return logs_page(request, owner, person, error=trans.gettext(MSG_NO_FILE))
        data = await upload.read()
        try:
            parsed = parse_bytes(data, unit if unit in ("kg", "lb") else None)
            summary = import_log(owned_store(owner), person, parsed, upload.filename[:100])
        except (LogImportError, InputError, StoreError, ValueError) as exc:
            return logs_page(request, owner, person, error=str(exc))
        return logs_page(request, owner, person, summary=summary)

    # --- trials --------------------------------------------------------------------------------

    def example_trial() -> str:
        text = (
            resources.files("myotwin.data")
            .joinpath("trials/strength_older_adults.toml")
            .read_text("utf-8")
        )
        return text

    @app.get("/trial", response_class=HTMLResponse, include_in_schema=False)
    def trial_page(request: Request) -> HTMLResponse:
        owner_of(request)
        return page(
            request,
            "trial.html",
            spec=example_trial(),
            values={"replicates": "20", "participants": ""},
            error=None,
        )

    @app.post("/trial", response_class=HTMLResponse, include_in_schema=False)
    async def trial_start(request: Request) -> Response:
        owner = owner_of(request)
        lang = lang_of(request)
        trans = translations(lang)
        form = await form_of(request)
        spec = str(form.get("spec") or "")
        upload = form.get("spec_file")
        if isinstance(upload, UploadFile) and upload.filename:
            spec = (await upload.read()).decode("utf-8", errors="replace")
        values = {k: str(form.get(k) or "") for k in ("replicates", "participants")}
        overrides: dict[str, int | None] = {}
        error = None
        for key, text in values.items():
            try:
                overrides[key] = int(forms.number(text, lang)) if text.strip() else None
            except ValueError:
                error = f"{key}: " + trans.gettext(forms.MSG_WHOLE)
        job = None
        if error is None:
            try:
                job = start_trial(owner, spec, overrides)
            except (InputError, ValueError) as exc:
                error = str(exc)
        if job is None:
            return page(
                request,
                "trial.html",
                200 if request.headers.get("hx-request") else 422,
                spec=spec,
                values=values,
                error=error,
            )
        if request.headers.get("hx-request"):
            response = job_view(request, job, fragment=True)
            response.headers["HX-Push-Url"] = f"/jobs/{job.id}"
            return response
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)

    @app.get("/runs", response_class=HTMLResponse, include_in_schema=False)
    def runs_page(request: Request) -> HTMLResponse:
        owner = owner_of(request)
        return page(request, "runs.html", runs=owned_store(owner).list_runs(limit=50))

    # --- login ---------------------------------------------------------------------------------

    def start_session(response: Response, user: str) -> None:
        response.set_cookie(
            SESSION_COOKIE,
            signer.session(user),
            httponly=True,
            samesite="lax",
            max_age=SESSION_SECONDS,
        )

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "/") -> HTMLResponse:
        return page(request, "login.html", next=_safe_next(next), error=None, register=False)

    @app.post("/login", include_in_schema=False)
    async def login_form(request: Request) -> Response:
        form = await form_of(request)
        name = str(form.get("name") or "").strip()[:100]
        password = str(form.get("password") or "")
        target = _safe_next(str(form.get("next") or "/"))
        if form.get("register") == "1":
            error = None
            if len(password) < 8:
                error = MSG_PASSWORD_SHORT
            elif not name:
                error = forms.MSG_REQUIRED
            else:
                try:
                    store.add_user(name, hash_password(password))
                except StoreError:
                    error = MSG_USER_EXISTS
            if error is not None:
                msg = translations(lang_of(request)).gettext(error)
                return page(
                    request, "login.html", 400, next=target, error=msg, register=True, name=name
                )
        elif not name or not check_password(store, name, password):
            msg = translations(lang_of(request)).gettext(MSG_LOGIN_FAILED)
            return page(request, "login.html", 401, next=target, error=msg, register=False)
        response = RedirectResponse(target, status_code=303)
        start_session(response, name)
        return response

    @app.get("/register", response_class=HTMLResponse, include_in_schema=False)
    def register_page(request: Request) -> HTMLResponse:
        return page(request, "login.html", next="/", error=None, register=True)

    @app.post("/logout", include_in_schema=False)
    async def logout_form(request: Request) -> Response:
        await form_of(request)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    # =========================================================================================
    # JSON API (never localised)

    Owner = Annotated[str, Depends(api_owner)]
    problem: dict[str, Any] = {"model": models.Problem}
    errors_4xx: dict[int | str, dict[str, Any]] = {401: problem, 404: problem}
    # Endpoints that answer text (CSV, HTML) still answer their errors in JSON.
    json_problem = {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    }
    text_errors: dict[int | str, dict[str, Any]] = {
        401: json_problem,
        404: json_problem,
        409: json_problem,
    }

    @app.post(
        "/api/login",
        response_model=models.UserOut,
        responses={400: problem, 401: problem},
    )
    def api_login(body: models.Login, response: Response) -> models.UserOut:
        """Start a session (a signed cookie) for a user."""
        if not check_password(store, body.name, body.password):
            raise HTTPException(401, "unknown name or wrong password")
        start_session(response, body.name)
        return models.UserOut(name=body.name)

    @app.post(
        "/api/users",
        response_model=models.UserOut,
        status_code=201,
        responses={400: problem, 409: problem},
    )
    def api_register(body: models.Login, response: Response) -> models.UserOut:
        """Create a user (from then on the app requires a login) and start their session."""
        try:
            store.add_user(body.name, hash_password(body.password))
        except StoreError:
            raise HTTPException(409, "that name is taken") from None
        start_session(response, body.name)
        return models.UserOut(name=body.name)

    @app.post("/api/logout", status_code=204)
    def api_logout(response: Response) -> Response:
        """End the session."""
        response = Response(status_code=204)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/api/templates", response_model=list[models.TemplateOut])
    def api_templates() -> list[models.TemplateOut]:
        """The built-in programs."""
        from myotwin.programs import templates

        return [
            models.TemplateOut(
                name=t.name,
                title_nl=t.title("nl"),
                title_en=t.title("en"),
                program=t.program.model_dump(mode="json", exclude_none=True),
            )
            for t in templates().values()
        ]

    @app.get("/api/exercises", response_model=list[models.ExerciseOut])
    def api_exercises() -> list[models.ExerciseOut]:
        """The exercise catalogue with Dutch and English names."""
        from myotwin.catalogue import CATALOGUE

        return [
            models.ExerciseOut(
                id=e.id,
                name_nl=CATALOGUE.display_name(e.id, "nl"),
                name_en=CATALOGUE.display_name(e.id, "en"),
                pattern=e.pattern,
                kind=e.kind,
            )
            for e in CATALOGUE.exercises
        ]

    @app.get("/api/people", response_model=list[str], responses=errors_4xx)
    def api_people(owner: Owner) -> list[str]:
        """The stored people (names) of the logged-in user."""
        return owned_store(owner).list_people()

    @app.get("/api/people/{name}", response_model=models.PersonSaved, responses=errors_4xx)
    def api_person(name: str, owner: Owner) -> models.PersonSaved:
        """A stored person."""
        data = owned_store(owner).get_person(name[:100]) if 0 < len(name) <= 100 else None
        if data is None:
            raise HTTPException(404, "no such person")
        return models.PersonSaved(name=name, person=data)

    @app.put(
        "/api/people/{name}",
        response_model=models.PersonSaved,
        responses={**errors_4xx, 400: {"model": models.Problem}},
    )
    def api_save_person(
        name: str, person: Annotated[Person, Body()], owner: Owner
    ) -> models.PersonSaved:
        """Store (or replace) a person under `name`."""
        if not 0 < len(name.strip()) <= 100:
            raise HTTPException(400, "name: 1 to 100 characters")
        data = person.model_dump(mode="json", exclude_none=True)
        owned_store(owner).save_person(name, data)
        return models.PersonSaved(name=name, person=data)

    @app.post(
        "/api/projections",
        response_model=models.JobOut,
        status_code=202,
        responses={**errors_4xx, 400: {"model": models.Problem}},
    )
    def api_project(body: models.ProjectionRequest, owner: Owner) -> models.JobOut:
        """Start a projection (with vs without training); poll `/api/jobs/{id}`."""
        from myotwin.programs import template

        try:
            program: Program | None = body.program or template(
                body.template or "beginner_full_body"
            )
            if body.log_person and body.program is None and body.template is None:
                program = None  # the log's recent pattern goes on
            job = start_projection(
                owner,
                body.person,
                program,
                body.years,
                body.draws or draws,
                body.seed,
                body.log_person,
                None,
            )
        except (InputError, ValueError, StoreError) as exc:
            raise HTTPException(400, str(exc)) from None
        return job_out(job)

    @app.get("/api/jobs/{job_id}", response_model=models.JobOut, responses=errors_4xx)
    def api_job(job_id: str, owner: Owner) -> models.JobOut:
        """A job's state and progress."""
        return job_out(owned_job(owner, job_id))

    @app.get(
        "/api/jobs/{job_id}/result",
        response_model=dict[str, Any],
        responses={**errors_4xx, 409: {"model": models.Problem}},
    )
    def api_job_result(job_id: str, owner: Owner) -> dict[str, Any]:
        """A finished job's document: myotwin.simulate/1 or myotwin.trial-result/1."""
        job = owned_job(owner, job_id)
        if job.state != "done":
            raise HTTPException(409, "the job is not finished")
        if job.kind == "projection":
            doc: dict[str, Any] = job.result.document
            return doc
        trial: dict[str, Any] = job.result
        return trial

    @app.get(
        "/api/jobs/{job_id}/result.csv",
        response_class=PlainTextResponse,
        responses=text_errors,
    )
    def api_job_csv(job_id: str, owner: Owner) -> PlainTextResponse:
        """A finished projection as CSV (outcome, unit, day, scenario, mean, lo95, hi95)."""
        return PlainTextResponse(finished_projection(owner, job_id).csv(), media_type="text/csv")

    @app.get(
        "/api/jobs/{job_id}/report",
        response_class=HTMLResponse,
        responses=text_errors,
    )
    def api_job_report(job_id: str, owner: Owner, lang: Lang = "nl") -> HTMLResponse:
        """A finished projection's report page (HTML) in Dutch or English."""
        return HTMLResponse(finished_projection(owner, job_id).report_html(lang))

    @app.post(
        "/api/trials",
        response_model=models.JobOut,
        status_code=202,
        responses={**errors_4xx, 400: {"model": models.Problem}},
    )
    def api_trial(body: models.TrialRequest, owner: Owner) -> models.JobOut:
        """Start an in-silico trial from a TOML spec; the result has the validation rows."""
        try:
            job = start_trial(
                owner,
                body.spec_toml,
                {
                    "replicates": body.replicates,
                    "participants": body.participants,
                    "seed": body.seed,
                },
            )
        except (InputError, ValueError) as exc:
            raise HTTPException(400, str(exc)) from None
        return job_out(job)

    @app.post(
        "/api/people/{name}/logs",
        response_model=models.LogSummary,
        responses={**errors_4xx, 400: {"model": models.Problem}},
    )
    def api_import_log(name: str, body: models.LogUpload, owner: Owner) -> dict[str, Any]:
        """Import a workout export into `name`'s stored training log (duplicates skipped)."""
        from myotwin.logs import parse_bytes
        from myotwin.logs.history import import_log
        from myotwin.logs.records import LogImportError

        if not 0 < len(name.strip()) <= 100:
            raise HTTPException(400, "name: 1 to 100 characters")
        try:
            data = base64.b64decode(body.content_base64, validate=True)
            parsed = parse_bytes(data, body.unit)
            return import_log(owned_store(owner), name, parsed, body.filename[:100])
        except (binascii.Error, LogImportError, InputError, StoreError, ValueError) as exc:
            raise HTTPException(400, str(exc)) from None

    @app.get("/api/people/{name}/logs", response_model=models.LogSummary, responses=errors_4xx)
    def api_show_log(name: str, owner: Owner) -> dict[str, Any]:
        """The stored training log of a person: sessions, sets, exercises."""
        from myotwin.logs.history import show

        if not 0 < len(name) <= 100:
            raise HTTPException(404, "no such person")
        doc = show(owned_store(owner), name)
        if not doc["sets"]:
            raise HTTPException(404, "no stored log for this person")
        return doc

    @app.get("/api/runs", response_model=list[models.RunSummary], responses=errors_4xx)
    def api_runs(owner: Owner) -> list[dict[str, Any]]:
        """The stored runs of the logged-in user, newest first."""
        return [_run_json(r) for r in owned_store(owner).list_runs(limit=200)]

    @app.get("/api/runs/{run_id}", response_model=models.Run, responses=errors_4xx)
    def api_run(run_id: int, owner: Owner) -> dict[str, Any]:
        """One stored run with its result."""
        run = owned_store(owner).get_run(run_id) if 0 < run_id < 2**62 else None
        if run is None:
            raise HTTPException(404, "no such run")
        return _run_json(run)

    return app


def _run_json(run: dict[str, Any]) -> dict[str, Any]:
    return {**run, "created_at": run["created_at"].isoformat()}


def _safe_next(target: str) -> str:
    """Only paths on this site: a login link must not send anyone elsewhere."""
    return target if target.startswith("/") and not target.startswith("//") else "/"
