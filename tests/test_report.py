"""The personal report: sections, numbers equal to the Result, claims from the numbers, nl/en."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
import xarray as xr
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.numbers import parse_decimal
from bs4 import BeautifulSoup

from _cli import run_cli
from myotwin.cli import example_person
from myotwin.outcomes import lookup
from myotwin.programs import template
from myotwin.report import analyse, report_html
from myotwin.report import content as C
from myotwin.report.render import LOCALES, catalogue_path
from myotwin.simulate import simulate, summarise

ROOT = Path(__file__).resolve().parents[1]
HEADINGS = {
    "nl": ("Kernpunten", "Claimcheck", "Woordenlijst", "Bronnen", "Veelgestelde vragen"),
    "en": ("Key points", "Claim check", "Glossary", "Sources", "FAQ"),
}
GLOSSARY_TERMS = {
    "nl": (
        "Anabole hormonen",
        "Insulinegevoeligheid",
        "HbA1c",
        "Hippocampus",
        "Osteoporose",
        "T-score",
        "BMD",
        "Myokinen",
        "1RM",
        "Sarcopenie",
    ),
    "en": (
        "Anabolic hormones",
        "Insulin sensitivity",
        "HbA1c",
        "Hippocampus",
        "Osteoporosis",
        "T-score",
        "BMD",
        "Myokines",
        "1RM",
        "Sarcopenia",
    ),
}


@pytest.fixture(scope="module")
def ds() -> xr.Dataset:
    # Six years: 1 year, 5 years and the horizon are three different points.
    return simulate(example_person(), template("beginner_full_body"), years=6, draws=40, seed=3)


@pytest.fixture(scope="module")
def pages(ds: xr.Dataset) -> dict[str, str]:
    return {
        lang: report_html(ds, "Beginner", lang, today=dt.date(2026, 3, 15)) for lang in ("nl", "en")
    }


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def numbers(text: str, lang: str) -> list[float]:
    """The numbers in `text` as the reader sees them (nl: 1.234,5; minus sign U+2212)."""
    found = re.findall(r"[−+]?\d[\d.,]*", text)
    return [
        float(parse_decimal(n.replace("−", "-").lstrip("+"), locale=LOCALES[lang], strict=False))
        for n in found
    ]


def decimals(text: str, lang: str) -> int:
    sep = "," if lang == "nl" else "."
    first = re.search(r"[−+]?\d[\d.,]*", text)
    assert first is not None
    token = first.group(0)
    return len(token.split(sep)[1]) if sep in token else 0


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_section_is_there(pages: dict[str, str], lang: str) -> None:
    page = soup(pages[lang])
    assert page.html is not None and page.html["lang"] == lang
    h2 = [h.get_text(strip=True) for h in page.find_all("h2")]
    for heading in HEADINGS[lang]:
        assert heading in h2, heading
    for system in C.SYSTEMS:
        section = page.find("section", id=f"system-{system.id}")
        assert section is not None, system.id
        if shows_outcomes(system):
            assert section.find("table") is not None and section.find("svg") is not None
        else:
            assert section.find(class_="not-modelled") is not None, system.id
    glossary = page.find("section", id="glossary")
    assert glossary is not None
    terms = [dt_.get_text(strip=True) for dt_ in glossary.find_all("dt")]
    for term in GLOSSARY_TERMS[lang]:
        assert term in terms
    faq = page.find("section", id="faq")
    assert faq is not None and len(faq.find_all("h3")) >= 3
    claims = page.find("section", id="claims")
    assert claims is not None
    assert {c["id"] for c in claims.find_all(class_="claim")} >= {
        f"claim-{c}" for c in ("bone_loss", "glucose", "metabolism", "falls", "brain", "hormones")
    }
    key = page.find("section", id="key-points")
    assert key is not None
    assert 1 <= len(key.find_all("li")) <= C.KEY_POINTS_MAX


def shows_outcomes(system: C.System) -> bool:
    """Does the model of this version report any of the system's outcomes?"""
    from myotwin.engine import modelled

    return C.ONE_RM_PATTERN in system.outcomes or any(
        modelled(n) for n in system.outcomes if n != C.ONE_RM_PATTERN
    )


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_table_numbers_equal_the_result(ds: xr.Dataset, pages: dict[str, str], lang: str) -> None:
    cells = soup(pages[lang]).find_all("td", attrs={"data-outcome": True})
    seen = set()
    for td in cells:
        name, day, scenario = td["data-outcome"], int(td["data-day"]), td["data-scenario"]
        unit = C.display_unit(name, lookup(name).unit, lang)
        values = ds[name].sel(day=day)
        trained = values.sel(scenario="training").values
        untrained = values.sel(scenario="no_training").values
        text = td.get_text(" ", strip=True)
        shown = numbers(text, lang)
        half = 0.5 * 10 ** -decimals(text, lang) + 1e-9
        if scenario == "baseline":
            expected = [unit.value(float(np.mean(untrained)))]
        else:
            s = summarise(
                {"training": trained, "no_training": untrained}.get(scenario, trained - untrained)
            )
            convert = unit.difference if scenario == "difference" else unit.value
            expected = [convert(s.mean), convert(s.lo95), convert(s.hi95)]
        assert len(shown) == len(expected), text
        for got, want in zip(shown, expected, strict=True):
            assert abs(got - want) <= half, (name, day, scenario, text, want)
        seen.add(name)
    assert seen == set(map(str, ds.data_vars))


def test_key_points_are_the_largest_differences(ds: xr.Dataset, pages: dict[str, str]) -> None:
    data = analyse(ds, "x")
    items = soup(pages["en"]).find("section", id="key-points").find_all("li")  # type: ignore[union-attr]
    shown = [li["data-outcome"] for li in items]
    assert shown == [o.name for o in data.key_points]
    scores = [data.outcomes[n].score() for n in shown]
    assert scores == sorted(scores, reverse=True)
    for li in items:
        o = data.outcomes[li["data-outcome"]]
        unit = C.display_unit(o.name, o.unit, "en")
        diff = li.find(class_="diff").get_text()
        want = unit.difference(o.horizon.difference.mean)
        assert abs(numbers(diff, "en")[0] - want) <= 0.5 * 10 ** -decimals(diff, "en") + 1e-9


def test_sources_are_the_runs_citations(ds: xr.Dataset, pages: dict[str, str]) -> None:
    from myotwin.evidence import registry

    keys = str(ds.attrs["parameters"]).split(",")
    cited = {registry()[k].citation for k in keys}
    items = soup(pages["nl"]).find("section", id="sources").find_all("li")  # type: ignore[union-attr]
    assert {li["id"].removeprefix("ref-") for li in items} == cited


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_nothing_is_loaded_from_elsewhere(pages: dict[str, str], lang: str) -> None:
    page = soup(pages[lang])
    assert not page.find_all("script")
    for tag in page.find_all(True):
        for attr in ("src", "srcset", "data", "poster"):
            assert not tag.has_attr(attr), (tag.name, attr)
        if tag.name == "link" or tag.name in ("image", "use"):
            for attr in ("href", "xlink:href"):
                assert not str(tag.get(attr, "")).startswith(("http:", "https:", "//"))
    styles = " ".join(s.get_text() for s in page.find_all("style"))
    assert "@import" not in styles and "url(" not in styles


def test_dutch_numbers_and_english_numbers(pages: dict[str, str]) -> None:
    nl = soup(pages["nl"]).find("td", attrs={"data-outcome": "skeletal_muscle_mass"})
    en = soup(pages["en"]).find("td", attrs={"data-outcome": "skeletal_muscle_mass"})
    assert nl is not None and en is not None
    assert re.fullmatch(r"\d+,\d", nl.get_text(strip=True)), nl.get_text()
    assert re.fullmatch(r"\d+\.\d", en.get_text(strip=True)), en.get_text()
    assert "15 maart 2026" in pages["nl"] and "15 March 2026" in pages["en"]


# --------------------------------------------------------------------------- synthetic results


def synthetic(values: dict[str, tuple[float, float, float]], years: float = 2.0) -> xr.Dataset:
    """A Dataset like `simulate`'s: outcome -> (baseline, training end, no-training end),
    moving linearly, with a spread of 1 % between draws."""
    days = np.array([0, 91, 365, round(years * 365.25)])
    draws = 50
    jitter = np.linspace(-1, 1, draws)[:, None] * 0.01
    data = {}
    for name, (start, trained, untrained) in values.items():
        frac = days / days[-1]
        arms = [start + (end - start) * frac for end in (trained, untrained)]
        data[name] = (
            ("scenario", "draw", "day"),
            np.stack([a[None, :] * (1 + jitter * frac) for a in arms]),
            {"unit": lookup(name).unit},
        )
    person = {"name": "Test", "age_years": 60, "sex": "female"}
    return xr.Dataset(
        data,
        coords={"scenario": ["training", "no_training"], "draw": np.arange(draws), "day": days},
        attrs={
            "myotwin_version": "test",
            "seed": 0,
            "draws": draws,
            "years": years,
            "person": json.dumps(person),
            "program": "",
            "parameters": "bone.gain_max_hip,brain.cognition_gain",
        },
    )


def verdicts(ds: xr.Dataset) -> dict[str, str]:
    return {c.claim.id: c.verdict for c in analyse(ds, "x").claims}


def test_claim_verdicts_follow_the_numbers() -> None:
    # Bone: +3 % against no training and above today's value -> supported (moderate evidence).
    v = verdicts(synthetic({"femoral_neck_bmd": (0.70, 0.71, 0.68)}))
    assert v["bone_loss"] == "supported"
    # Clearly better than no training, but still below today's value: partly.
    v = verdicts(synthetic({"femoral_neck_bmd": (0.70, 0.69, 0.66)}))
    assert v["bone_loss"] == "partly"
    # Clearly better but smaller than 1 %: partly.
    v = verdicts(synthetic({"femoral_neck_bmd": (0.70, 0.702, 0.700)}))
    assert v["bone_loss"] == "partly"
    # No difference: not supported.
    v = verdicts(synthetic({"femoral_neck_bmd": (0.70, 0.69, 0.69)}))
    assert v["bone_loss"] == "not_supported"
    # Without any glucose outcome the claim is not assessed, and the page says why.
    assert v["glucose"] == "not_assessed"
    # Cognition rests on low-certainty evidence: at most partly, however large.
    v = verdicts(synthetic({"global_cognition": (0.0, 0.5, -0.2)}))
    assert v["brain"] == "partly"


def test_outcomes_of_new_organs_appear_without_code_changes() -> None:
    """A glucose outcome in the Result gets a section, Dutch mmol/mol and a claim verdict."""
    ds = synthetic({"hba1c": (7.0, 6.4, 7.1), "femoral_neck_bmd": (0.7, 0.7, 0.69)})
    assert verdicts(ds)["glucose"] != "not_assessed"
    nl = soup(report_html(ds, "x", "nl"))
    section = nl.find("section", id="system-glucose")
    assert section is not None and section.find(class_="not-modelled") is None
    td = section.find("td", attrs={"data-outcome": "hba1c", "data-scenario": "baseline"})
    assert td is not None
    assert numbers(td.get_text(), "nl") == pytest.approx([(7.0 - 2.15) * 10.929], abs=0.05)
    assert "mmol/mol" in section.get_text()
    en = soup(report_html(ds, "x", "en")).find("section", id="system-glucose")
    assert en is not None
    td = en.find("td", attrs={"data-outcome": "hba1c", "data-scenario": "baseline"})
    assert td is not None and numbers(td.get_text(), "en") == pytest.approx([7.0], abs=0.005)
    # Energy is still absent: said plainly.
    assert nl.find("section", id="system-energy").find(class_="not-modelled") is not None  # type: ignore[union-attr]


def test_every_outcome_has_a_label_and_every_tested_outcome_a_threshold() -> None:
    from myotwin.outcomes import OUTCOMES

    assert set(OUTCOMES) <= set(C.OUTCOME_LABELS)
    tested = {n for c in C.CLAIMS for n, _ in c.tests} | {n for g in C.KEY_POINT_GROUPS for n in g}
    assert tested <= set(C.MEANINGFUL)
    in_systems = {n for s in C.SYSTEMS for n in s.outcomes}
    assert tested <= in_systems
    # Every outcome `simulate` can return has a section to appear in.
    daily = {n for n, o in OUTCOMES.items() if o.kind != "peak"}
    assert daily <= in_systems


# --------------------------------------------------------------------------- catalogues


def test_every_message_has_a_dutch_translation() -> None:
    """Extract the report's and the web app's messages as `make i18n` does; each has a
    non-fuzzy Dutch text."""
    method_map = [
        ("src/myotwin/report/**.py", "python"),
        ("src/myotwin/report/templates/**.html", "jinja2"),
        ("src/myotwin/web/**.py", "python"),
        ("src/myotwin/web/templates/**.html", "jinja2"),
    ]
    i18n = {"extensions": "jinja2.ext.i18n"}
    options = {
        "src/myotwin/report/templates/**.html": i18n,
        "src/myotwin/web/templates/**.html": i18n,
    }
    extracted = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map,
        options,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None},
    ):
        extracted.add(message if isinstance(message, str) else message[0])
    assert len(extracted) > 100
    with catalogue_path("nl").open("rb") as fh:
        catalog = read_po(fh, locale="nl")
    assert not catalog.fuzzy
    entries = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    missing = sorted(extracted - set(entries))
    assert not missing, f"not in nl/myotwin.po (run make i18n): {missing}"
    stale = sorted(set(entries) - extracted)
    assert not stale, f"no longer used (run make i18n): {stale}"
    for key, m in entries.items():
        assert not m.fuzzy, key
        texts = m.string if isinstance(m.string, tuple) else (m.string,)
        assert all(texts), f"empty Dutch text for {key!r}"
    problems = [(m.id, errors) for m, errors in catalog.check()]
    assert not problems, problems


def test_every_message_formats() -> None:
    """Every message is %-formatted when shown: a lone % would break the page."""
    messages = [
        *(m for s in C.SYSTEMS for m in (s.title, s.intro)),
        *C.OUTCOME_LABELS.values(),
        *(t.rationale for t in C.MEANINGFUL.values()),
        *(c.text for c in C.CLAIMS),
        *(m for pair in C.GLOSSARY + C.FAQ for m in pair),
        *C.CERTAINTY_WORDS.values(),
    ]
    for message in messages:
        shown = message % {}
        assert "%%" not in shown and shown.count("%") == message.count("%%")
    assert C.ONE_RM_LABEL % {"exercise": "squat"} == "1RM squat"


# --------------------------------------------------------------------------- CLI and browser


def test_cli_writes_the_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "rapport.html"
    code, stdout, _err = run_cli(
        capsys, "report", "--years", "1", "--draws", "4", "--out", str(out), "--lang", "en"
    )
    assert code == 0, _err
    assert str(out) in stdout
    page = soup(out.read_text("utf-8"))
    assert page.html is not None and page.html["lang"] == "en"


def test_cli_report_from_a_training_log(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = tmp_path / "mijn_log.toml"
    log.write_text(
        '[[sessions]]\ndate = 2026-01-05\n  [[sessions.exercises]]\n  exercise = "leg_press"\n'
        "  sets = [{ reps = 10, kg = 60 }, { reps = 10, kg = 60 }]\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    code, _out, err = run_cli(
        capsys, "report", "--log", str(log), "--years", "1", "--draws", "4", "--out", str(out)
    )
    assert code == 0, err
    page = soup(out.read_text("utf-8"))
    assert "mijn_log.toml" in page.get_text() and page.find("td", attrs={"data-outcome": True})


def test_cli_rejects_a_bad_language(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, stdout, err = run_cli(capsys, "report", "--lang", "fr", "--out", str(tmp_path / "r"))
    assert code == 2 and stdout == ""
    assert err.count("\n") == 1 and "--lang" in err


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("MYOTWIN_SCREENSHOT_DIR", Path(tempfile.gettempdir())))
    folder = folder / "myotwin-screens" if "MYOTWIN_SCREENSHOT_DIR" not in os.environ else folder
    folder.mkdir(parents=True, exist_ok=True)
    assert ROOT not in folder.resolve().parents, "screenshots go outside the repository"
    return folder


@pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian's chromium is not installed (.ci/run does)"
)
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_report_renders_in_headless_chromium(
    pages: dict[str, str], lang: str, tmp_path: Path
) -> None:
    page = tmp_path / f"report-{lang}.html"
    page.write_text(pages[lang], encoding="utf-8")
    shot = screenshot_dir() / f"report-{lang}.png"
    shot.unlink(missing_ok=True)
    uri = page.as_uri()
    common = [
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    subprocess.run(
        [*common, "--hide-scrollbars", "--window-size=1100,12000", f"--screenshot={shot}", uri],
        check=True,
        capture_output=True,
        timeout=240,
    )
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 50_000
    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()],
        check=True,
        capture_output=True,
        text=True,
        timeout=240,
    ).stdout
    assert HEADINGS[lang][0] in dom and dom.count("<svg") >= 2
