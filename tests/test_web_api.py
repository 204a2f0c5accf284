"""The web app through its HTTP interface: pages, forms, CSRF, the JSON API, jobs, access."""

from __future__ import annotations

import base64
import re
import sqlite3
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

from myotwin.store import Store
from myotwin.web import create_app
from myotwin.web.jobs import Jobs

LOGS = Path(__file__).parent / "data" / "logs"
PERSON = {"age_years": 62, "sex": "female", "height_cm": 166, "weight_kg": 71}
SMALL = {"years": 0.25, "draws": 2}  # a few seconds of model time


def small_trial() -> str:
    return (
        resources.files("myotwin.data")
        .joinpath("trials/strength_older_adults.toml")
        .read_text("utf-8")
    )


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(create_app(f"sqlite:///{tmp_path / 'web.db'}", draws=2, secret="s" * 32))


def wait(client: TestClient, job_id: str, timeout: float = 300) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        state = client.get(f"/api/jobs/{job_id}").json()
        if state["state"] in ("done", "error"):
            return dict(state)
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


def csrf(client: TestClient) -> str:
    client.get("/")
    token = client.cookies.get("myotwin_csrf")
    assert token
    return str(token)


# --------------------------------------------------------------------------- pages, language


def test_home_is_dutch_by_default_and_english_on_request(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<html lang="nl">' in page.text
    assert "Wat doet krachttraining voor jou?" in page.text
    english = client.get("/?lang=en")
    assert '<html lang="en">' in english.text
    assert "What does strength training do for you?" in english.text
    # the choice is remembered
    assert '<html lang="en">' in client.get("/logs").text


def test_assets_are_served_by_the_package(client: TestClient) -> None:
    htmx = client.get("/static/htmx.min.js")
    assert htmx.status_code == 200
    assert "Zero-Clause BSD" in htmx.text[:300]
    assert client.get("/static/app.css").status_code == 200
    assert "--accent" in client.get("/report.css").text
    page = client.get("/").text
    assert not re.search(r'(src|href)="(https?:)?//', page), "no external assets"


def test_form_errors_are_shown_at_the_field_in_dutch(client: TestClient) -> None:
    token = csrf(client)
    form = {"csrf": token, "age_years": "15", "weight_kg": "abc", "sex": "female", "years": "1"}
    page = client.post("/projection", data=form)
    assert page.status_code == 422
    soup = BeautifulSoup(page.text, "html.parser")
    age = soup.find("input", attrs={"name": "age_years"})
    assert age is not None and age["aria-invalid"] == "true"
    assert soup.find(id="age_years-error").get_text() == "Vul een waarde in van 18 tot 105."
    assert soup.find(id="weight_kg-error").get_text() == "Vul een getal in."
    assert age["value"] == "15"  # what was typed comes back


def test_a_custom_program_is_validated_per_row(client: TestClient) -> None:
    token = csrf(client)
    form = {
        "csrf": token,
        "age_years": "50",
        "sex": "male",
        "template": "custom",
        "sessions_per_week": "2",
        "ex0_exercise": "back_squat",
        "ex0_sets": "3",
        "ex0_reps": "500",
    }
    page = client.post("/projection?lang=en", data=form)
    soup = BeautifulSoup(page.text, "html.parser")
    assert "1 to 100" in soup.find(id="ex0_reps-error").get_text()


def test_a_form_post_without_its_csrf_token_is_refused(client: TestClient) -> None:
    csrf(client)
    form = {"age_years": "62", "sex": "female", "years": "1"}
    assert client.post("/projection", data=form).status_code == 403
    forged = {**form, "csrf": "forged"}
    assert client.post("/projection", data=forged).status_code == 403


def test_the_form_runs_a_projection_with_a_dutch_decimal_comma(client: TestClient) -> None:
    token = csrf(client)
    form = {
        "csrf": token,
        "name": "anne",
        "age_years": "62",
        "sex": "female",
        "weight_kg": "71,5",
        "template": "beginner_full_body",
        "years": "1",
    }
    started = client.post("/projection", data=form, headers={"hx-request": "true"})
    assert started.status_code == 200
    url = started.headers["hx-push-url"]
    # The page follows its own poll, which the server holds until the job moves on: a few
    # requests, not one a second.
    fragment, polls = started.text, 0
    while 'data-state="done"' not in fragment:
        poll = re.search(r'hx-get="([^"]+)" hx-trigger="load\b', fragment)
        assert poll is not None and polls < 20, fragment[:300]
        fragment = client.get(poll.group(1), headers={"hx-request": "true"}).text
        polls += 1
    assert "Kernpunten" in fragment
    page = client.get(url)
    assert "Kernpunten" in page.text and "Claimcheck" in page.text
    assert "<svg" in page.text
    assert Store(str(client.app.state.store.url)).get_person("anne")["weight_kg"] == 71.5  # type: ignore[attr-defined,index]
    csv_text = client.get(f"{url}/data.csv").text
    assert csv_text.startswith("outcome,unit,day,scenario,mean,lo95,hi95\n")
    assert re.search(r",\d+\.\d+", csv_text)  # never localised: decimal points
    report = client.get(f"{url}/report.html?lang=en")
    assert "attachment" in report.headers["content-disposition"]
    assert '<html lang="en">' in report.text
    assert client.get(f"{url}/data.json").json()["schema"] == "myotwin.simulate/1"


# --------------------------------------------------------------------------- JSON API


def test_openapi_describes_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/projections",
        "/api/jobs/{job_id}",
        "/api/jobs/{job_id}/result",
        "/api/trials",
        "/api/people/{name}",
        "/api/people/{name}/logs",
        "/api/runs",
        "/api/login",
    ):
        assert path in spec["paths"], path
    body = spec["paths"]["/api/projections"]["post"]["requestBody"]["content"]
    ref = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert "person" in spec["components"]["schemas"][ref]["properties"]


def test_api_projection_job_result_csv_and_report(client: TestClient) -> None:
    started = client.post("/api/projections", json={"person": PERSON, **SMALL})
    assert started.status_code == 202
    job = wait(client, started.json()["id"])
    assert job["state"] == "done" and job["fraction_done"] == 1.0
    doc = client.get(job["result_url"]).json()
    assert doc["schema"] == "myotwin.simulate/1"
    assert doc["draws"] == 2 and "hba1c" in doc["outcomes"]
    assert client.get(f"/api/jobs/{job['id']}/result.csv").text.startswith("outcome,")
    assert "Key points" in client.get(f"/api/jobs/{job['id']}/report?lang=en").text
    # the same question again is answered from the cache, with the same numbers
    again = client.post("/api/projections", json={"person": PERSON, **SMALL}).json()
    assert again["state"] == "done"
    assert client.get(again["result_url"]).json()["outcomes"] == doc["outcomes"]
    runs = client.get("/api/runs").json()
    assert runs and runs[0]["kind"] == "simulate"


def test_worker_processes_give_the_same_numbers_as_the_server_thread(tmp_path: Path) -> None:
    request = {"person": PERSON, **SMALL}
    local = TestClient(create_app(f"sqlite:///{tmp_path / 'a.db'}", draws=2, secret="s" * 32))
    with TestClient(
        create_app(f"sqlite:///{tmp_path / 'b.db'}", draws=2, secret="s" * 32, processes=2)
    ) as pooled:  # `with`: the app's shutdown closes its worker processes
        docs = []
        for c in (local, pooled):
            job = wait(c, c.post("/api/projections", json=request).json()["id"])
            docs.append(c.get(job["result_url"]).json())
    assert docs[0]["outcomes"] == docs[1]["outcomes"]


def test_a_page_sees_one_state_of_a_job_that_finishes_meanwhile() -> None:
    release = threading.Event()
    jobs = Jobs(1)
    job = jobs.submit("", "projection", 1, lambda advance: release.wait(30) and "result")
    while job.state != "running":
        time.sleep(0.01)
    seen = job.snapshot()
    release.set()
    while job.state != "done":
        time.sleep(0.01)
    assert (seen.state, seen.result) == ("running", None)
    assert (job.state, job.result) == ("done", "result")
    jobs.shutdown()


def test_a_wait_for_a_job_ends_when_it_moves_on_or_at_the_timeout() -> None:
    stepped, release = threading.Event(), threading.Event()

    def work(advance: Any) -> str:
        stepped.wait(30)
        advance(1)
        release.wait(30)
        return "result"

    jobs = Jobs(1)
    job = jobs.submit("", "projection", 2, work)
    start = time.monotonic()
    jobs.wait(job, 0, 0.3)  # nothing happens: held until the timeout
    assert time.monotonic() - start >= 0.25 and job.done == 0
    for gate, seen in ((stepped, 0), (release, 1)):
        waiting = threading.Thread(target=jobs.wait, args=(job, seen, 60))
        waiting.start()
        time.sleep(0.1)
        assert waiting.is_alive()
        gate.set()
        waiting.join(10)
        assert not waiting.is_alive()
    assert (job.done, job.state, job.result) == (1, "done", "result")
    jobs.shutdown()
    # a stopping server answers the polls it holds at once
    jobs, blocked = Jobs(1), threading.Event()
    job = jobs.submit("", "projection", 1, lambda advance: blocked.wait(30))
    waiting = threading.Thread(target=jobs.wait, args=(job, 0, 60))
    waiting.start()
    jobs.shutdown()
    waiting.join(10)
    assert not waiting.is_alive()
    blocked.set()


def test_api_rejects_an_invalid_person(client: TestClient) -> None:
    bad = client.post("/api/projections", json={"person": {**PERSON, "age_years": 12}})
    assert bad.status_code == 422
    assert "age_years" in str(bad.json()["detail"])


def test_api_imports_a_workout_export_and_projects_from_it(client: TestClient) -> None:
    content = base64.b64encode((LOGS / "strong_semicolon.csv").read_bytes()).decode()
    put = client.put("/api/people/anne", json=PERSON)
    assert put.status_code == 200
    summary = client.post(
        "/api/people/anne/logs", json={"filename": "strong.csv", "content_base64": content}
    )
    assert summary.status_code == 200, summary.text
    assert summary.json()["source"] == "strong" and summary.json()["added"] > 0
    again = client.post(
        "/api/people/anne/logs", json={"filename": "strong.csv", "content_base64": content}
    )
    assert again.json()["added"] == 0  # stored once
    assert client.get("/api/people/anne/logs").json()["sets"] == summary.json()["sets"]
    bad = client.post(
        "/api/people/anne/logs", json={"filename": "x.csv", "content_base64": "bm9wZQ=="}
    )
    assert bad.status_code == 400
    job = client.post(
        "/api/projections", json={"person": PERSON, "log_person": "anne", **SMALL}
    ).json()
    assert wait(client, job["id"])["state"] == "done"


def test_api_trial_reports_its_validation_rows(client: TestClient) -> None:
    body = {"spec_toml": small_trial(), "replicates": 2, "participants": 4}
    started = client.post("/api/trials", json=body)
    assert started.status_code == 202
    job = wait(client, started.json()["id"])
    assert job["state"] == "done", job
    doc = client.get(job["result_url"]).json()
    assert doc["replicates"] == 2 and doc["participants_per_arm"] == 4
    assert {r["outcome"] for r in doc["validation"]} >= {"one_rm:leg_press"}
    bad = client.post("/api/trials", json={"spec_toml": "weeks = -1"})
    assert bad.status_code == 400


def test_the_trial_page_runs_an_edited_spec(client: TestClient) -> None:
    token = csrf(client)
    started = client.post(
        "/trial",
        data={"csrf": token, "spec": small_trial(), "replicates": "2", "participants": "4"},
        headers={"hx-request": "true"},
    )
    job_id = started.headers["hx-push-url"].rsplit("/", 1)[1]
    assert wait(client, job_id)["state"] == "done"
    page = BeautifulSoup(client.get(f"/jobs/{job_id}").text, "html.parser")
    table = page.find("table", class_="validation")
    assert table is not None and len(table.find_all("tr")) > 1
    assert "Validatie tegen de gepubliceerde resultaten" in page.get_text()
    broken = client.post("/trial", data={"csrf": token, "spec": "name = 1"})
    assert broken.status_code == 422


def test_the_log_page_uploads_an_export(client: TestClient) -> None:
    token = csrf(client)
    files = {"file": ("hevy.csv", (LOGS / "hevy_en_kg.csv").read_bytes(), "text/csv")}
    page = client.post("/logs", data={"csrf": token, "person": "bob"}, files=files)
    assert page.status_code == 200
    summary = BeautifulSoup(page.text, "html.parser").find(id="import-summary")
    assert summary is not None and "Geïmporteerd uit hevy" in summary.get_text()
    assert "bob" in client.get("/api/people").json()
    # the summary counts working sets as the stored log below it does
    stored = client.get("/api/people/bob/logs").json()
    assert f"{stored['sets']} werksets" in summary.get_text()


# --------------------------------------------------------------------------- logins, access


def register(client: TestClient, name: str) -> None:
    r = client.post("/api/users", json={"name": name, "password": "correct horse " + name})
    assert r.status_code == 201, r.text


def test_passwords_are_stored_as_argon2_hashes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    client = TestClient(create_app(url, auth=True, secret="s" * 32))
    register(client, "coach")
    stored = Store(url).user_hash("coach")
    assert stored is not None and stored.startswith("$argon2id$")
    assert "correct horse" not in stored
    other = TestClient(create_app(url, auth=True, secret="s" * 32))
    wrong = other.post("/api/login", json={"name": "coach", "password": "wrong password"})
    assert wrong.status_code == 401
    right = other.post("/api/login", json={"name": "coach", "password": "correct horse coach"})
    assert right.status_code == 200
    assert other.get("/api/people").status_code == 200


def test_one_user_cannot_read_or_change_another_users_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    app = create_app(url, auth=True, secret="s" * 32, draws=2)
    alice, bob, nobody = TestClient(app), TestClient(app), TestClient(app)
    register(alice, "alice")
    register(bob, "bob")
    # without a login: nothing
    assert nobody.get("/api/people").status_code == 401
    assert nobody.get("/", follow_redirects=False).headers["location"].startswith("/login")
    # alice stores a person, a log and a run
    assert alice.put("/api/people/client1", json=PERSON).status_code == 200
    content = base64.b64encode((LOGS / "strong_semicolon.csv").read_bytes()).decode()
    alice.post("/api/people/client1/logs", json={"filename": "s.csv", "content_base64": content})
    job = alice.post("/api/projections", json={"person": PERSON, **SMALL}).json()
    assert wait(alice, job["id"])["state"] == "done"
    run_id = alice.get("/api/runs").json()[0]["id"]
    # bob sees none of it
    assert bob.get("/api/people").json() == []
    assert bob.get("/api/people/client1").status_code == 404
    assert bob.get("/api/people/client1/logs").status_code == 404
    assert bob.get(f"/api/jobs/{job['id']}").status_code == 404
    assert bob.get(f"/api/jobs/{job['id']}/result").status_code == 404
    assert bob.get(f"/jobs/{job['id']}/data.csv").status_code == 404
    assert bob.get("/api/runs").json() == []
    assert bob.get(f"/api/runs/{run_id}").status_code == 404
    # bob's person of the same name is his own; alice's is unchanged
    assert bob.put("/api/people/client1", json={**PERSON, "age_years": 30}).status_code == 200
    assert alice.get("/api/people/client1").json()["person"]["age_years"] == 62
    assert bob.get("/api/people/client1").json()["person"]["age_years"] == 30
    # a forged session cookie is no login
    forged = TestClient(app, cookies={"myotwin_session": "alice"})
    assert forged.get("/api/people").status_code == 401


def test_page_login_needs_csrf_and_the_right_password(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'web.db'}", auth=True, secret="s" * 32)
    client = TestClient(app)
    client.get("/login")
    token = client.cookies.get("myotwin_csrf")
    made = client.post(
        "/login",
        data={"csrf": token, "name": "coach", "password": "long enough", "register": "1"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    assert client.get("/").status_code == 200
    other = TestClient(app)
    other.get("/login")
    refused = other.post(
        "/login",
        data={"csrf": other.cookies.get("myotwin_csrf"), "name": "coach", "password": "nope"},
    )
    assert refused.status_code == 401
    assert "Onbekende naam of verkeerd wachtwoord." in refused.text
    no_token = other.post("/login", data={"name": "coach", "password": "long enough"})
    assert no_token.status_code == 403


def test_an_old_database_gains_the_owner_column(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE people (id INTEGER PRIMARY KEY, name VARCHAR(100) UNIQUE, "
            "data JSON, created_at DATETIME, updated_at DATETIME)"
        )
        db.execute(
            "INSERT INTO people (name, data, created_at, updated_at) "
            "VALUES ('anne', '{\"age_years\": 62}', '2026-01-01', '2026-01-01')"
        )
    store = Store(f"sqlite:///{path}")
    assert store.get_person("anne") == {"age_years": 62}  # the local user's, as before
    assert store.for_owner("coach").get_person("anne") is None


def test_exercise_names_are_each_users_own_also_in_an_old_database(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:  # before owners: one name mapped for everybody
        db.execute(
            "CREATE TABLE exercise_names (id INTEGER PRIMARY KEY, name VARCHAR(200) UNIQUE, "
            "exercise_id VARCHAR(100), created_at DATETIME)"
        )
        db.execute(
            "INSERT INTO exercise_names (name, exercise_id, created_at) "
            "VALUES ('kettlebell swing', 'goblet_squat', '2026-01-01')"
        )
    store = Store(f"sqlite:///{path}")
    coach = store.for_owner("coach")
    assert store.exercise_names() == {"kettlebell swing": "goblet_squat"}
    assert coach.exercise_names() == {}
    coach.map_exercise_name("kettlebell swing", "romanian_deadlift")
    assert coach.exercise_names() == {"kettlebell swing": "romanian_deadlift"}
    assert store.exercise_names() == {"kettlebell swing": "goblet_squat"}
