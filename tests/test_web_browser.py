"""End to end in a real browser: Playwright drives Debian's chromium (never `playwright install`).

The app runs in uvicorn on a free port in a background thread. The test fills the form, runs a
projection, switches language, uploads a workout export and downloads the report. Screenshots
of the main pages in Dutch and English go to $MYOTWIN_SCREENSHOTS (default
/tmp/myotwin-screenshots), outside the repository, for people to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (.ci/run installs it)"
)
LOGS = Path(__file__).parent / "data" / "logs"
SHOTS = Path(os.environ.get("MYOTWIN_SCREENSHOTS", "/tmp/myotwin-screenshots"))
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from myotwin.web import create_app

    db = tmp_path_factory.mktemp("web") / "web.db"
    app = create_app(f"sqlite:///{db}", secret="s" * 32, draws=4)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    end = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < end, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _slow_machine() -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=240_000)  # a loaded 2-core machine computes slowly


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_projection_language_switch_upload_and_download(
    server: str, browser: Any, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(240_000)
    _slow_machine()
    page.goto(server + "/")
    expect(page.get_by_role("heading", name="Wat doet krachttraining voor jou?")).to_be_visible()
    shot(page, "form-nl")

    # a wrong age is reported at the field, in Dutch
    page.get_by_label("Leeftijd (jaar)").fill("12")
    page.get_by_role("button", name="Toon de projectie").click()
    expect(page.locator("#age_years-error")).to_have_text("Vul een waarde in van 18 tot 105.")
    shot(page, "form-errors-nl")

    page.get_by_label("Naam (om de persoon te bewaren; niet verplicht)").fill("Anne")
    page.get_by_label("Leeftijd (jaar)").fill("62")
    page.get_by_label("Gewicht (kg)").fill("71,5")
    page.get_by_label("Jaren vooruit").select_option("1")
    page.get_by_role("button", name="Toon de projectie").click()
    expect(page.locator("#job[data-state=done]")).to_be_visible()
    expect(page.get_by_role("heading", name="Kernpunten")).to_be_visible()
    expect(page.locator("#claims")).to_be_visible()
    assert "/jobs/" in page.url  # htmx pushed the result's address
    # numbers in Dutch: a decimal comma in the tables
    assert "," in page.locator("td.v").first.inner_text()
    shot(page, "projection-nl")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download het rapport (HTML)").click()
    saved = tmp_path / "report.html"
    download.value.save_as(saved)
    assert '<html lang="nl">' in saved.read_text("utf-8")

    # switch to English: the same result, in English
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Key points")).to_be_visible()
    assert "." in page.locator("td.v").first.inner_text()
    shot(page, "projection-en")
    page.goto(server + "/")
    expect(
        page.get_by_role("heading", name="What does strength training do for you?")
    ).to_be_visible()
    shot(page, "form-en")

    # upload a workout export
    page.goto(server + "/logs?lang=nl")
    page.get_by_label("Persoon").fill("Anne")
    page.get_by_label("Exportbestand").set_input_files(str(LOGS / "strong_semicolon.csv"))
    page.get_by_role("button", name="Importeren").click()
    expect(page.locator("#import-summary")).to_contain_text("Geïmporteerd uit strong")
    expect(page.get_by_role("heading", name="Bewaarde log van Anne")).to_be_visible()
    shot(page, "logs-nl")
    page.goto(server + "/logs?lang=en&person=Anne")
    expect(page.get_by_role("heading", name="Stored log of Anne")).to_be_visible()
    shot(page, "logs-en")
    context.close()


def test_trial_page_shows_progress_and_validation(server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.set_default_timeout(240_000)
    _slow_machine()
    page.goto(server + "/trial?lang=en")
    shot(page, "trial-en")
    page.get_by_label("Replicates (fewer: faster, wider intervals)").fill("2")
    page.get_by_label("Participants per arm (empty: as specified)").fill("4")
    page.get_by_role("button", name="Run the trial").click()
    expect(page.locator("#job[data-state=done]")).to_be_visible()
    expect(page.locator("table.validation tbody tr").first).to_be_visible()
    shot(page, "trial-result-en")
    page.goto(server + "/trial?lang=nl")
    expect(page.get_by_role("heading", name="In-silico-trial")).to_be_visible()
    shot(page, "trial-nl")
    page.close()
