"""Number formats per language, locale detection, and `myotwin sources`."""

from __future__ import annotations

import json

import pytest

from myotwin.cli import main
from myotwin.evidence import registry
from myotwin.i18n import MESSAGES, detect_lang, fmt_number
from myotwin.sources import sources


def test_dutch_and_english_number_formats() -> None:
    assert fmt_number(1234.5, "nl") == "1.234,5"
    assert fmt_number(1234.5, "en") == "1,234.5"
    assert fmt_number(-0.25, "nl", 2) == "-0,25"
    assert fmt_number(None, "nl") == "–"
    assert fmt_number(float("nan"), "en") == "–"


def test_locale_detection() -> None:
    assert detect_lang({"LANG": "nl_NL.UTF-8"}) == "nl"
    assert detect_lang({"LANG": "en_GB.UTF-8"}) == "en"
    assert detect_lang({"LC_ALL": "nl_BE.UTF-8", "LANG": "en_US"}) == "nl"
    assert detect_lang({}) == "en"


def test_every_message_has_both_languages() -> None:
    for key, texts in MESSAGES.items():
        assert set(texts) == {"nl", "en"}, key
        assert all(texts.values()), key


def test_sources_lists_parameters_with_their_references() -> None:
    listing = sources(("lean_mass",))
    keys = {p["key"] for p in listing["parameters"]}
    assert "muscle.hypertrophy_rate" in keys
    assert not any(k.startswith("bone.") for k in keys)
    cited = {r["key"] for r in listing["references"]}
    assert {p["citation"] for p in listing["parameters"]} <= cited
    assert listing["measurement_error"][0]["outcome"] == "lean_mass"


def test_sources_refuses_an_outcome_that_is_not_modelled() -> None:
    from myotwin.engine import modelled
    from myotwin.outcomes import OUTCOMES

    missing = [name for name in OUTCOMES if not modelled(name)]
    if not missing:
        pytest.skip("every outcome is modelled")
    with pytest.raises(ValueError, match="not modelled"):
        sources((missing[0],))


def test_sources_command_json(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["sources", "--format", "json"])
    assert exc.value.code in (0, None)
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "myotwin.sources/1"
    assert len(doc["parameters"]) >= len(registry().module("muscle"))
