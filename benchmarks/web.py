"""Web app: time from the request to the projection on screen, one person, 10 years.

Usage: python benchmarks/web.py [--draws N] [--years 10] [--repeat 1] [--processes P]
Measures, in-process through the HTTP layer (FastAPI TestClient): POST the projection form,
then follow the page's own poll (`hx-get`, which the server holds until the job moves on) up
to the rendered result (report with plots). Then the same request again, which the app
answers from its cache of finished projections. The target is under 2 s for a 10-year
projection with uncertainty bands at the web's default draws.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import describe, disturbance
from fastapi.testclient import TestClient

from myotwin.web import WEB_DRAWS, create_app

FORM = {
    "age_years": "62",
    "sex": "female",
    "height_cm": "166",
    "weight_kg": "71",
    "menopause": "post",
    "template": "beginner_full_body",
}


def on_screen(client: TestClient, years: str) -> float:
    """Seconds from the form's POST to the rendered projection."""
    client.get("/")
    form = {**FORM, "years": years, "csrf": str(client.cookies.get("myotwin_csrf"))}
    start = time.perf_counter()
    started = client.post("/projection", data=form, headers={"hx-request": "true"})
    page = started.text
    while 'data-state="done"' not in page:
        poll = re.search(r'hx-get="([^"]+)"', page)
        if 'data-state="error"' in page or poll is None:
            raise SystemExit(f"the projection failed: {page[:500]}")
        page = client.get(html.unescape(poll.group(1)), headers={"hx-request": "true"}).text
    took = time.perf_counter() - start
    print(f"  on screen after {took:.2f} s ({len(page):,} characters of HTML)", flush=True)
    if "<svg" not in page:
        print("  warning: the rendered page has no plot", flush=True)
    return took


def _worker_pid(_: int) -> int:
    time.sleep(0.2)  # long enough that the tasks of one call spread over the workers
    return os.getpid()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=WEB_DRAWS)
    parser.add_argument("--years", default="10")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--processes", type=int, default=os.cpu_count() or 1, help="as `myotwin serve`"
    )
    args = parser.parse_args()
    print(f"machine: {describe()}")
    print(f"disturbance: {disturbance():.2f} (1 = a quiet machine)")
    db = Path(tempfile.mkdtemp(prefix="myotwin-bench-")) / "web.db"
    computed = []
    for i in range(args.repeat):
        # a fresh app each time: nothing cached
        app = create_app(
            f"sqlite:///{db}", draws=args.draws, secret="b" * 32, processes=args.processes
        )
        with TestClient(app) as client:  # `with`: the app's shutdown ends its processes
            pool = app.state.model_pool
            if pool is not None:  # started and warm, as in a running server
                seen: set[int] = set()
                while len(seen) < args.processes:  # a task runs after its worker's warm-up
                    seen |= set(pool.map(_worker_pid, range(args.processes)))
                app.state.warm.result()
            cold = on_screen(client, args.years)
            warm = on_screen(client, args.years)
        computed.append(cold)
        print(
            f"run {i + 1}: {args.years}-year projection, {args.draws} draws: "
            f"{cold:.2f} s to screen (computed, {args.processes} processes), "
            f"{warm:.3f} s (same inputs again, cached)"
        )
    print(
        f"computed: median {statistics.median(computed):.2f} s, best {min(computed):.2f} s "
        f"over {len(computed)} runs; target: under 2 s on screen"
    )


if __name__ == "__main__":
    main()
