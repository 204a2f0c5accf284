"""Dutch and English for what people read; machine-read output is never localised.

The CLI follows the locale (LC_ALL, LC_MESSAGES, LANG); `--lang nl|en` overrides it. Numbers
are formatted per language: Dutch uses a decimal comma and a dot for thousands (1.234,5).
"""

from __future__ import annotations

import math
import os
from typing import Literal

Lang = Literal["nl", "en"]
LANGS: tuple[Lang, ...] = ("nl", "en")


def detect_lang(environ: dict[str, str] | None = None) -> Lang:
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "nl" if value.lower().startswith("nl") else "en"
    return "en"


def fmt_number(value: float | None, lang: Lang, digits: int = 1) -> str:
    """`value` with `digits` decimals and thousands separators in the language's convention."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{digits}f}"
    if lang == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def significant_digits(values: list[float], figures: int = 3) -> int:
    """Decimals that show about `figures` significant figures of the largest magnitude."""
    largest = max((abs(v) for v in values if v is not None and math.isfinite(v)), default=0.0)
    if largest == 0:
        return 1
    return max(0, figures - 1 - math.floor(math.log10(largest)))


MESSAGES: dict[str, dict[Lang, str]] = {
    "app_help": {
        "en": "myotwin: what strength training does to muscle, bone, glucose, energy balance, "
        "mobility, brain and hormones, compared with not training.",
        "nl": "myotwin: wat krachttraining doet voor spieren, botten, bloedsuiker, "
        "energiebalans, mobiliteit, brein en hormonen, vergeleken met niet trainen.",
    },
    "simulate_help": {
        "en": "Project a person with and without a training program (uncertainty over draws).",
        "nl": "Bereken een persoon met en zonder trainingsprogramma (onzekerheid over trekkingen).",
    },
    "templates_help": {
        "en": "List the built-in training programs.",
        "nl": "Toon de ingebouwde trainingsprogramma's.",
    },
    "exercises_help": {
        "en": "List the exercise catalogue.",
        "nl": "Toon de oefeningencatalogus.",
    },
    "session_help": {
        "en": "Show the hormone curves (GH, testosterone, cortisol, IL-6) of one session.",
        "nl": "Toon de hormooncurves (groeihormoon, testosteron, cortisol, IL-6) van één training.",
    },
    "low_certainty": {
        "en": "Low certainty (weak evidence for the training effect): {names}.",
        "nl": "Lage zekerheid (zwak bewijs voor het trainingseffect): {names}.",
    },
    "trial_arg": {"en": "Trial file (TOML, TRIAL-SPEC).", "nl": "Trialbestand (TOML, TRIAL-SPEC)."},
    "replicates_opt": {
        "en": "Override the file's number of replicates.",
        "nl": "Vervang het aantal herhalingen uit het bestand.",
    },
    "participants_opt": {
        "en": "Override the file's participants per arm.",
        "nl": "Vervang het aantal deelnemers per arm uit het bestand.",
    },
    "folder_arg": {
        "en": "Folder of trial files (default: the shipped calibration trials).",
        "nl": "Map met trialbestanden (standaard: de meegeleverde kalibratietrials).",
    },
    "outcome_opt": {
        "en": "Only the parameters behind this outcome (repeatable).",
        "nl": "Alleen de parameters achter deze uitkomst (herhaalbaar).",
    },
    "plot_opt": {
        "en": "Also write the curves as a figure (PNG, SVG or PDF).",
        "nl": "Schrijf de curves ook als figuur (PNG, SVG of PDF).",
    },
    "session_title": {
        "en": "Hormones during and after one session of {minutes} minutes (typical response)",
        "nl": "Hormonen tijdens en na één training van {minutes} minuten (gemiddelde reactie)",
    },
    "trial_help": {
        "en": "Run an in-silico trial from a TOML file (TRIAL-SPEC).",
        "nl": "Voer een in-silico-trial uit vanuit een TOML-bestand (TRIAL-SPEC).",
    },
    "validate_help": {
        "en": "Run every trial file of a folder (default: the shipped calibration trials) and "
        "set the model beside the published results.",
        "nl": "Voer alle trialbestanden van een map uit (standaard: de meegeleverde "
        "kalibratietrials) en zet het model naast de gepubliceerde resultaten.",
    },
    "sources_help": {
        "en": "List the parameters and sources a run rests on.",
        "nl": "Toon de parameters en bronnen waarop een berekening rust.",
    },
    "person_arg": {
        "en": "Person file (TOML). Default: the built-in example person.",
        "nl": "Persoonsbestand (TOML). Standaard: de ingebouwde voorbeeldpersoon.",
    },
    "program_opt": {"en": "Program file (TOML).", "nl": "Programmabestand (TOML)."},
    "template_opt": {
        "en": "Built-in program by name (see `myotwin templates`).",
        "nl": "Ingebouwd programma op naam (zie `myotwin templates`).",
    },
    "years_opt": {"en": "Years to project.", "nl": "Aantal jaren vooruit."},
    "draws_opt": {
        "en": "Uncertainty draws (parameters and personal response).",
        "nl": "Aantal trekkingen voor de onzekerheid (parameters en persoonlijke respons).",
    },
    "seed_opt": {"en": "Random seed.", "nl": "Startgetal voor het toeval."},
    "format_opt": {"en": "Output format.", "nl": "Uitvoerformaat."},
    "lang_opt": {
        "en": "Language of the output (nl or en); default from the locale.",
        "nl": "Taal van de uitvoer (nl of en); standaard volgens de locale.",
    },
    "workers_opt": {
        "en": "Worker processes (1 = serial).",
        "nl": "Aantal werkprocessen (1 = serieel).",
    },
    "db_opt": {
        "en": "Database URL (default: MYOTWIN_DATABASE_URL or a SQLite file in the user "
        "data folder).",
        "nl": "Database-URL (standaard: MYOTWIN_DATABASE_URL of een SQLite-bestand in de "
        "gebruikersmap).",
    },
    "save_opt": {
        "en": "Store the person, program and run under this name.",
        "nl": "Bewaar persoon, programma en berekening onder deze naam.",
    },
    "outcome": {"en": "Outcome", "nl": "Uitkomst"},
    "unit": {"en": "Unit", "nl": "Eenheid"},
    "when": {"en": "When", "nl": "Wanneer"},
    "with_training": {"en": "With training", "nl": "Met training"},
    "without_training": {"en": "Without training", "nl": "Zonder training"},
    "difference": {"en": "Difference", "nl": "Verschil"},
    "months_3": {"en": "3 months", "nl": "3 maanden"},
    "year_1": {"en": "1 year", "nl": "1 jaar"},
    "years_n": {"en": "{n} years", "nl": "{n} jaar"},
    "title": {
        "en": "{person}: {program} vs no training, mean (95 % interval) over {draws} draws",
        "nl": "{person}: {program} vs geen training, gemiddelde (95%-interval) over {draws} "
        "trekkingen",
    },
    "not_modelled": {
        "en": "Not modelled yet in this version: {names}.",
        "nl": "Nog niet gemodelleerd in deze versie: {names}.",
    },
    "glucose_day_help": {
        "en": "Show a 24-hour glucose curve for a day with and without a training session.",
        "nl": "Toon het glucoseverloop over 24 uur op een dag met en zonder training.",
    },
    "glucose_day_title": {
        "en": "Plasma glucose (mmol/L) on a standard day, with and without a {minutes}-minute "
        "session",
        "nl": "Plasmaglucose (mmol/L) op een standaarddag, met en zonder een training van "
        "{minutes} minuten",
    },
    "glucose_time": {"en": "time", "nl": "tijd"},
    "glucose_without": {"en": "without session", "nl": "zonder training"},
    "glucose_with": {"en": "with session", "nl": "met training"},
    "glucose_mean": {"en": "24-h mean", "nl": "gemiddelde over 24 uur"},
    "progress": {"en": "Simulating", "nl": "Bezig met rekenen"},
    "error": {"en": "error", "nl": "fout"},
    "saved": {
        "en": "Saved as {name!r} (run {run}).",
        "nl": "Bewaard als {name!r} (berekening {run}).",
    },
    # myotwin report (the page itself is translated through the gettext catalogue)
    "report_help": {
        "en": "Write a personal HTML report (with vs without training, plots, claim check).",
        "nl": "Schrijf een persoonlijk HTML-rapport (met en zonder training, grafieken, "
        "claimcheck).",
    },
    "report_lang_opt": {
        "en": "Language of the report (nl or en); default nl.",
        "nl": "Taal van het rapport (nl of en); standaard nl.",
    },
    # myotwin serve
    "serve_help": {
        "en": "Start the web app: projections, workout logs and trials in the browser (nl/en).",
        "nl": "Start de webapp: projecties, trainingslogs en trials in de browser (nl/en).",
    },
    "host_opt": {
        "en": "Address to listen on (127.0.0.1: this computer only).",
        "nl": "Adres om op te luisteren (127.0.0.1: alleen deze computer).",
    },
    "port_opt": {"en": "Port to listen on.", "nl": "Poort om op te luisteren."},
    "auth_opt": {
        "en": "Require a login (several users, e.g. a coach with clients; each sees only their "
        "own data). Also on once any user exists.",
        "nl": "Vraag om in te loggen (meerdere gebruikers, bv. een coach met cliënten; ieder ziet "
        "alleen de eigen gegevens). Staat ook aan zodra er een gebruiker bestaat.",
    },
    "web_draws_opt": {
        "en": "Draws per projection in the web app (fewer: faster, rougher bands).",
        "nl": "Trekkingen per projectie in de webapp (minder: sneller, ruwere banden).",
    },
    "processes_opt": {
        "en": "Worker processes that compute projections (default: one per CPU core; "
        "0: in the server process).",
        "nl": "Werkprocessen die de projecties berekenen (standaard: één per processorkern; "
        "0: in het serverproces zelf).",
    },
    "secret_opt": {
        "en": "Secret that signs login cookies (default: a new one per start, so logins end "
        "when the server stops).",
        "nl": "Geheim dat de inlogcookies ondertekent (standaard: een nieuw bij elke start, "
        "dus inloggen vervalt als de server stopt).",
    },
    "serving": {
        "en": "myotwin web app on http://{host}:{port}/ (Ctrl+C stops it)",
        "nl": "myotwin-webapp op http://{host}:{port}/ (Ctrl+C stopt hem)",
    },
    "out_opt": {
        "en": "Where to write the report (HTML).",
        "nl": "Waar het rapport komt (HTML).",
    },
    "report_written": {
        "en": "Report written to {path}",
        "nl": "Rapport geschreven naar {path}",
    },
}

# --- workout-log import (`myotwin log ...`) --------------------------------------------------
MESSAGES.update(
    {
        "log_help": {
            "en": "Import workout logs (Strong, Hevy, FitNotes, Garmin FIT, wger) and show them.",
            "nl": "Importeer trainingslogs (Strong, Hevy, FitNotes, Garmin FIT, wger) en toon ze.",
        },
        "log_import_help": {
            "en": "Import a workout-app export (the app is detected from the file) or a wger "
            "account into the stored training log.",
            "nl": "Importeer een export van een trainingsapp (de app wordt uit het bestand "
            "herkend) of een wger-account in de bewaarde trainingslog.",
        },
        "log_show_help": {
            "en": "Summarise a person's stored training log.",
            "nl": "Vat de bewaarde trainingslog van een persoon samen.",
        },
        "log_map_help": {
            "en": "Map an exercise name from an app to a catalogue exercise id.",
            "nl": "Koppel een oefeningsnaam uit een app aan een oefening uit de catalogus.",
        },
        "log_file_arg": {
            "en": "Export file: Strong, Hevy or FitNotes CSV, or a Garmin FIT file.",
            "nl": "Exportbestand: CSV van Strong, Hevy of FitNotes, of een Garmin FIT-bestand.",
        },
        "wger_opt": {
            "en": "Import from a wger server instead of a file (e.g. https://wger.de).",
            "nl": "Importeer van een wger-server in plaats van een bestand (bv. https://wger.de).",
        },
        "token_opt": {
            "en": "wger API token (or the WGER_TOKEN environment variable).",
            "nl": "wger-API-token (of de omgevingsvariabele WGER_TOKEN).",
        },
        "unit_opt": {
            "en": "Weight unit of files that do not say (Strong's comma layout); default: "
            "inferred from the weights.",
            "nl": "Gewichtseenheid van bestanden die dat niet vermelden (Strongs "
            "kommaformaat); standaard: afgeleid uit de gewichten.",
        },
        "log_person_opt": {
            "en": "Whose log (a stored person's name; created if new).",
            "nl": "Van wie de log is (naam van een bewaarde persoon; nieuw als die nog niet "
            "bestaat).",
        },
        "map_name_arg": {
            "en": "The exercise name as the app writes it.",
            "nl": "De oefeningsnaam zoals de app die schrijft.",
        },
        "map_id_arg": {
            "en": "Catalogue exercise id (see `myotwin exercises`).",
            "nl": "Oefening-id uit de catalogus (zie `myotwin exercises`).",
        },
        "log_opt_stored": {
            "en": "Training log: a TOML file ([[sessions]]) or the name of a stored log "
            "(`myotwin log import --person NAME`). The simulation follows the log, then "
            "--program/--template, else the log's recent weekly pattern.",
            "nl": "Trainingslog: een TOML-bestand ([[sessions]]) of de naam van een bewaarde "
            "log (`myotwin log import --person NAAM`). De berekening volgt de log, daarna "
            "--program/--template, anders het recente weekpatroon van de log.",
        },
        "log_source": {"en": "Source", "nl": "Bron"},
        "log_sessions": {"en": "Sessions", "nl": "Trainingen"},
        "log_sets": {"en": "Working sets", "nl": "Werksets"},
        "log_reps": {"en": "Repetitions", "nl": "Herhalingen"},
        "log_volume": {"en": "Volume load (kg)", "nl": "Volume (kg)"},
        "log_period": {"en": "Period", "nl": "Periode"},
        "log_exercises": {"en": "Exercises", "nl": "Oefeningen"},
        "log_unmapped": {"en": "Unmapped", "nl": "Niet gekoppeld"},
        "log_added": {"en": "Newly stored sets", "nl": "Nieuw bewaarde sets"},
        "log_unmapped_hint": {
            "en": 'Unmapped names are kept; map them with: myotwin log map "NAME" EXERCISE_ID',
            "nl": "Niet-gekoppelde namen blijven bewaard; koppel ze met: myotwin log map "
            '"NAAM" OEFENING_ID',
        },
        "log_mapped": {
            "en": "{name!r} now maps to {exercise}.",
            "nl": "{name!r} is nu gekoppeld aan {exercise}.",
        },
        "log_empty": {
            "en": "No stored training log for {person!r}.",
            "nl": "Geen bewaarde trainingslog voor {person!r}.",
        },
        "log_not_simulated": {
            "en": "{n} logged set(s) are not simulated (unmapped name, or no reps/seconds).",
            "nl": "{n} gelogde set(s) worden niet meegerekend (niet gekoppeld, of zonder "
            "herhalingen/seconden).",
        },
    }
)


# --- population runs (`myotwin population`) --------------------------------------------------
MESSAGES.update(
    {
        "population_help": {
            "en": "Run a synthetic population under scenarios over years (population outcomes).",
            "nl": "Simuleer een synthetische bevolking onder scenario's over jaren.",
        },
        "population_arg": {"en": "Population-run file (TOML).", "nl": "Bevolkingsbestand (TOML)."},
        "population_out_opt": {
            "en": "Write the yearly rows to this Parquet file.",
            "nl": "Schrijf naar Parquet.",
        },
        "population_dask_opt": {
            "en": "Run blocks on Dask: a scheduler address, or 'local' for a local cluster.",
            "nl": "Reken op Dask: een scheduleradres, of 'local' voor een lokaal cluster.",
        },
        "population_persons_opt": {
            "en": "Override the file's persons.",
            "nl": "Overschrijf het aantal personen.",
        },
        "population_years_opt": {
            "en": "Override the file's years.",
            "nl": "Overschrijf het aantal jaren.",
        },
        "population_seed_opt": {"en": "Override the file's seed.", "nl": "Overschrijf de seed."},
        "population_block_opt": {
            "en": "Persons per block (does not change the numbers).",
            "nl": "Personen per blok (verandert de uitkomsten niet).",
        },
        "population_lang_opt": {"en": "nl | en", "nl": "nl | en"},
        "population_progress": {"en": "Simulating population", "nl": "Bevolking doorrekenen"},
    }
)


def t(key: str, lang: Lang, **fields: object) -> str:
    text = MESSAGES[key][lang]
    return text.format(**fields) if fields else text
