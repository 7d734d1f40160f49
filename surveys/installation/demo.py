"""The demo kommune: a deterministic fictional municipality with three technology projects and
planted effects that the analytics must find (listed in the README and tested from the answers).

Planted effects, all in project ``medicin`` (Digital medicinhåndtering på plejecentre):

* ``medspil`` drops by about 22 points during ``udvikling`` in the units whose involvement in that
  phase was only ``information`` (Ældreområde Syd; planned ``medindflydelse``, recorded as it
  happened in ``demo_story``) and recovers during ``implementering``; the co-designing units
  (Ældreområde Nord, ``medbestemmelse``) stay level.
* ``motivation`` drifts slowly upwards (about 0.8 points a wave) everywhere.
* The night team ``NORD-NAT`` always has fewer than 5 respondents and must never be shown alone.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import numpy as np
import pandas as pd

from data import org, projects
from data.answers import bulk_insert
from data.db import Database
from medspil.scope import Scope
from medspil.vocabulary import Involvement, PhaseKind
from surveys.installation import demo_story
from surveys.installation.setup import is_initialised, register_instrument
from surveys.instruments.instrument import Instrument, load_instrument
from surveys.snapshots.freeze import create_snapshot

DEMO_ROOT = "K"
SMALL_TEAM = "NORD-NAT"
INFO_ONLY_AREA = "AELDRE-SYD"
CO_DESIGN_AREA = "AELDRE-NORD"
ADVANCED_PROJECT = "medicin"
WAVE_DAYS_OPEN = 11

# (id, parent, name, type, headcount); leaves carry the employees.
UNITS: list[tuple[str, str | None, str, str, int]] = [
    ("K", None, "Fjordby Kommune (demo)", "kommune", 0),
    ("SAE", "K", "Social- og Ældreforvaltningen", "forvaltning", 0),
    ("TM", "K", "Teknik- og Miljøforvaltningen", "forvaltning", 0),
    ("AELDRE-NORD", "SAE", "Ældreområde Nord", "område", 0),
    ("AELDRE-SYD", "SAE", "Ældreområde Syd", "område", 0),
    ("SUNDHED", "SAE", "Sundhed og Træning", "område", 0),
    ("HANDICAP", "SAE", "Handicap og Psykiatri", "område", 0),
    ("BYGPLAN", "TM", "Byg og Plan", "område", 0),
    ("VEJPARK", "TM", "Vej og Park", "område", 0),
    ("MILJO", "TM", "Miljø og Forsyning", "område", 0),
    ("TEKADM", "TM", "Teknisk Administration", "område", 0),
    ("NORD-SOLHOJ", "AELDRE-NORD", "Plejecenter Solhøj", "enhed", 42),
    ("NORD-EGELY", "AELDRE-NORD", "Plejecenter Egely", "enhed", 36),
    ("NORD-HAVBO", "AELDRE-NORD", "Plejecenter Havbo", "enhed", 31),
    ("NORD-HJEM", "AELDRE-NORD", "Hjemmeplejen Nord", "enhed", 38),
    ("NORD-NAT", "AELDRE-NORD", "Nattevagten Nord", "team", 6),
    ("SYD-SKOV", "AELDRE-SYD", "Plejecenter Skovbrynet", "enhed", 40),
    ("SYD-LAERKE", "AELDRE-SYD", "Plejecenter Lærkely", "enhed", 34),
    ("SYD-AABO", "AELDRE-SYD", "Plejecenter Åbo", "enhed", 30),
    ("SYD-HJEMDAG", "AELDRE-SYD", "Hjemmeplejen Syd, dag", "enhed", 36),
    ("SYD-HJEMAFT", "AELDRE-SYD", "Hjemmeplejen Syd, aften", "enhed", 22),
    ("SUND-TRAEN", "SUNDHED", "Træningscentret", "enhed", 34),
    ("SUND-SYGE", "SUNDHED", "Sygeplejen", "enhed", 44),
    ("SUND-HJAELP", "SUNDHED", "Hjælpemiddeldepotet", "enhed", 16),
    ("SUND-VISIT", "SUNDHED", "Visitationen", "enhed", 14),
    ("HAND-KILDEN", "HANDICAP", "Bostedet Kilden", "enhed", 40),
    ("HAND-ENGEN", "HANDICAP", "Bostedet Engen", "enhed", 38),
    ("HAND-STOTTE", "HANDICAP", "Støttecentret", "enhed", 26),
    ("BYG-SAG", "BYGPLAN", "Byggesager", "enhed", 22),
    ("BYG-PLAN", "BYGPLAN", "Planlægning", "enhed", 12),
    ("BYG-EJD", "BYGPLAN", "Kommunale Ejendomme", "enhed", 30),
    ("VEJ-DRIFT", "VEJPARK", "Vejdrift", "enhed", 44),
    ("VEJ-PARK", "VEJPARK", "Parkdrift", "enhed", 38),
    ("VEJ-VAERK", "VEJPARK", "Værkstedet", "enhed", 16),
    ("MIL-MILJO", "MILJO", "Miljø", "enhed", 22),
    ("MIL-AFFALD", "MILJO", "Affald og Genbrug", "enhed", 32),
    ("MIL-NATUR", "MILJO", "Natur og Vand", "enhed", 20),
    ("ADM-SEK", "TEKADM", "Sekretariatet", "enhed", 20),
    ("ADM-DIGI", "TEKADM", "Digitalisering", "enhed", 9),
    ("ADM-OKO", "TEKADM", "Økonomi", "enhed", 11),
]

COMMITTEES = [
    ("HMED", "Hoved-MED", "hoved", ["K"]),
    ("MED-SAE", "Område-MED Social og Ældre", "omraade", ["SAE"]),
    ("MED-TM", "Område-MED Teknik og Miljø", "omraade", ["TM"]),
    ("LMED-NORD", "Lokal-MED Ældreområde Nord", "lokal", ["AELDRE-NORD"]),
    ("LMED-SYD", "Lokal-MED Ældreområde Syd", "lokal", ["AELDRE-SYD"]),
    ("LMED-BYG", "Lokal-MED Byg og Plan", "lokal", ["BYGPLAN"]),
]

COMMENTS_GOOD = [
    "Det er godt, at vi selv har været med til at teste den nye løsning.",
    "Oplæringen var god, og jeg føler mig klar.",
    "Vi taler meget om projektet på personalemøderne, det hjælper.",
    "Det sparer tid at slippe for papirlisterne.",
    "Superbrugerne er gode til at hjælpe, når noget driller.",
    "Jeg kan se, at det bliver mere sikkert for beboerne.",
]
COMMENTS_BAD = [
    "Vi hører først om ændringerne, når de er besluttet.",
    "Det føles som om, projektet bliver kørt ned over hovedet på os.",
    "Vores erfaringer fra hverdagen bliver ikke brugt.",
    "Der mangler tid til at lære systemet ved siden af det daglige arbejde.",
    "Jeg ved ikke, hvem jeg skal gå til med spørgsmål om projektet.",
    "Det er svært at se, hvad borgerne får ud af det.",
]


# Planted theme: in udvikling, Syd's units were only informed; their comments say so.
COMMENTS_NOT_HEARD = [
    "Vi blev ikke hørt. Beslutningen om scanneren var truffet, før vi fik noget at vide.",
    "Det føles, som om det nye medicinmodul bliver kørt ned over hovedet på os.",
    "Vores erfaringer fra nattevagterne bliver ikke brugt, selv om det er os, der giver medicinen.",
    "Vi fik en mail om, at det var besluttet. Ingen spurgte, hvordan vi faktisk arbejder med "
    "dosisposer på ture med 14 borgere.",
    "Nord har været med til at teste det hele, vi har bare fået et informationsmøde.",
    "Hvorfor bliver vi ikke inddraget? Vi kender beboerne og ved, hvor det kommer til at gå galt.",
    "We were only told after it had been decided. Nobody asked us, and it shows.",
]
# Nord co-designed in udvikling.
COMMENTS_CO_DESIGN = [
    "Vi var med til at teste scanneren på Solhøj, og to af vores forslag kom med i løsningen.",
    "Godt at vi havde indflydelse på, hvordan skærmbilledet ser ud. Det gør det lettere om natten.",
    "Det var spændende at være med i workshoppen med leverandøren.",
]
# The informal tasks nobody counts (the module usynligt_arbejde, and everyday life).
COMMENTS_INVISIBLE = [
    "Jeg bruger meget tid på at hjælpe kolleger med at logge ind, men det står ingen steder.",
    "Når scanningen fejler, ringer vi til apoteket og skriver det ned på papir bagefter. Det er "
    "dobbelt arbejde, som ingen tæller med.",
    "Det er os, der holder styr på nøglerne til medicinskabet og på vikarernes adgang. Det "
    "usynlige arbejde tager mere tid end før.",
    "Vi dækker ind for hinanden ved siden af det daglige, ellers hænger vagtplanen ikke sammen.",
    "A lot of extra work happens on the side: helping substitutes, fixing labels, calling the "
    "pharmacy. None of it is visible in the system.",
]
COMMENTS_ENGLISH_GOOD = [
    "The training was good and the super users are very helpful.",
    "It saves time once it works, and I feel safer giving the medicine.",
    "Fine so far.",
]
COMMENTS_ENGLISH_BAD = [
    "Nobody asked the night shift. The new routine does not fit our evenings at all.",
    "I don't know who to ask when the scanner stops working.",
]
COMMENTS_SHORT = ["Fint.", "OK indtil videre.", "Mere tid, tak.", "Ingen kommentarer.", "Godt."]
COMMENTS_LONG = [
    "Jeg kan godt se meningen med at scanne medicinen, og det bliver nok mere sikkert for "
    "beboerne på sigt. Men lige nu tager hver runde længere tid, fordi wifi'en falder ud i "
    "kælderen, og så står man der med en vogn fuld af medicin og en borger, der venter. Det "
    "ville hjælpe, hvis nogen fra it kom ud og så det en aften.",
    "Oplæringen var god, men den lå i vores ferieperiode, så halvdelen af os fik den ikke. "
    "Superbrugerne gør det godt, men de har ikke fået tid til det, så det går fra deres egne "
    "opgaver. Kan vi få en ekstra oplæringsdag i efteråret?",
]


def _comment_text(
    project: DemoProject, phase: str, unit: str, low: bool, base: str, words: np.random.Generator
) -> str:
    """A comment's wording: the planted themes where they belong, otherwise a varied mix."""
    r = float(words.random())
    udvikling = project.id == ADVANCED_PROJECT and phase == PhaseKind.UDVIKLING
    if udvikling and unit in _leaves_under([INFO_ONLY_AREA]) and r < 0.7:
        return str(words.choice(COMMENTS_NOT_HEARD))
    if udvikling and unit in _leaves_under([CO_DESIGN_AREA]) and r < 0.4:
        return str(words.choice(COMMENTS_CO_DESIGN))
    if r < 0.15 or ("usynligt_arbejde" in project.modules and r < 0.3):
        return str(words.choice(COMMENTS_INVISIBLE))
    if r < 0.25:
        return str(words.choice(COMMENTS_ENGLISH_BAD if low else COMMENTS_ENGLISH_GOOD))
    if r < 0.33:
        return str(words.choice(COMMENTS_SHORT))
    if r < 0.40:
        return str(words.choice(COMMENTS_LONG))
    return base


@dataclass(frozen=True)
class DemoProject:
    id: str
    name: str
    description: str
    units: list[str]
    modules: list[str]
    # (phase kind, number of waves, involvement)
    phases: list[tuple[PhaseKind, int, Involvement]]
    cadence_days: int
    last_wave_opens_in_days: int


PROJECTS = [
    DemoProject(
        id="medicin",
        name="Digital medicinhåndtering på plejecentre",
        description="Elektronisk medicinmodul og scanning af medicin på plejecentre og i "
        "hjemmeplejen.",
        units=["AELDRE-NORD", "AELDRE-SYD"],
        modules=["information"],
        phases=[
            (PhaseKind.IDE, 4, Involvement.INFORMATION),
            (PhaseKind.KONSEKVENSVURDERING, 5, Involvement.MEDINDFLYDELSE),
            (PhaseKind.UDVIKLING, 8, Involvement.MEDINDFLYDELSE),
            (PhaseKind.IMPLEMENTERING, 9, Involvement.MEDINDFLYDELSE),
        ],
        cadence_days=14,
        last_wave_opens_in_days=-2,
    ),
    DemoProject(
        id="sensorer",
        name="Sensorer og skærmbesøg i hjemmeplejen",
        description="Nattesensorer og skærmbesøg hos borgere i eget hjem.",
        units=["NORD-HJEM", "SYD-HJEMDAG", "SYD-HJEMAFT", "SUND-SYGE"],
        modules=["tryghed", "kerneopgave"],
        phases=[
            (PhaseKind.IDE, 3, Involvement.INFORMATION),
            (PhaseKind.KONSEKVENSVURDERING, 4, Involvement.MEDINDFLYDELSE),
        ],
        cadence_days=21,
        last_wave_opens_in_days=10,
    ),
    DemoProject(
        id="byggesag",
        name="Digital byggesagsbehandling",
        description="Nyt sagsbehandlingssystem med automatisk forhåndstjek af ansøgninger.",
        units=["BYGPLAN"],
        modules=["kompetencer", "usynligt_arbejde"],
        phases=[(PhaseKind.IDE, 3, Involvement.INFORMATION)],
        cadence_days=28,
        last_wave_opens_in_days=20,
    ),
]


def _leaves_under(roots: list[str]) -> list[str]:
    children: dict[str | None, list[str]] = {}
    for uid, parent, *_ in UNITS:
        children.setdefault(parent, []).append(uid)
    out: list[str] = []
    stack = list(roots)
    while stack:
        node = stack.pop(0)
        kids = children.get(node, [])
        if kids:
            stack = kids + stack
        else:
            out.append(node)
    return out


def _phase_unit_levels(project: DemoProject, kind: PhaseKind) -> dict[str, Involvement]:
    """The plan for udvikling: Nord co-designs, Syd has a say (the phase's own level).

    As it happened (``demo_story``), Syd was only informed: the planted difference."""
    if project.id != ADVANCED_PROJECT or kind != PhaseKind.UDVIKLING:
        return {}
    return {CO_DESIGN_AREA: Involvement.MEDBESTEMMELSE}


def _construct_mean(
    project: DemoProject, construct: str, unit: str, wave_no: int, phase: str
) -> float:
    """The true population mean (0-100) the generator draws from."""
    base = {"mening": 62.0, "motivation": 48.0, "medspil": 63.0}.get(construct, 58.0)
    if construct == "motivation":
        return base + 0.8 * wave_no
    planted = project.id == ADVANCED_PROJECT and phase == PhaseKind.UDVIKLING
    if construct == "medspil" and planted and unit in _leaves_under([INFO_ONLY_AREA]):
        return base - 22.0
    return base


def _to_value(points: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(points / 25.0) + 1, 1, 5).astype(int)


def build_demo(db: Database, *, seed: int = 1, today: dt.date | None = None) -> None:
    """Fill an empty database with the demo kommune, deterministic for a given seed and day."""
    today = today or dt.date.today()
    rng = np.random.default_rng(seed)
    instrument = load_instrument()
    register_instrument(db, instrument)
    org.insert_units(db, UNITS)
    for committee_id, name, level, roots in COMMITTEES:
        org.insert_committee(db, committee_id, name, level, roots)
    headcount = {uid: count for uid, _, _, _, count in UNITS}
    rates = {uid: float(rng.uniform(0.45, 0.8)) for uid, *_ in UNITS}
    frames: dict[str, list[pd.DataFrame]] = {
        "invitations": [],
        "responses": [],
        "answers": [],
        "comments": [],
    }
    for project in PROJECTS:
        _build_project(db, project, instrument, today, rng, headcount, rates, frames)
    bulk_insert(
        db, {name: pd.concat(parts) for name, parts in frames.items() if parts}, today=today
    )
    demo_story.tell(db, today)
    projects.set_installation_flag(db, "demo", "true")


def is_demo(db: Database) -> bool:
    """True when the database holds the demo kommune (the UI labels it as demo data)."""
    return projects.installation_flag(db, "demo") == "true"


def _build_project(
    db: Database,
    project: DemoProject,
    instrument: Instrument,
    today: dt.date,
    rng: np.random.Generator,
    headcount: dict[str, int],
    rates: dict[str, float],
    frames: dict[str, list[pd.DataFrame]],
) -> None:
    projects.insert_project(
        db,
        project_id=project.id,
        name=project.name,
        description=project.description,
        instrument_id=instrument.id,
        involvement=Involvement.MEDINDFLYDELSE,
        unit_ids=project.units,
        modules=project.modules,
    )
    total_waves = sum(n for _, n, _ in project.phases)
    last_opens = today + dt.timedelta(days=project.last_wave_opens_in_days)
    opens = [
        last_opens - dt.timedelta(days=project.cadence_days * (total_waves - i))
        for i in range(1, total_waves + 1)
    ]
    items = instrument.items_for(project.modules)
    leaves = _leaves_under(project.units)
    number = 0
    for index, (kind, count, level) in enumerate(project.phases):
        first, last = number, number + count - 1
        starts = opens[first] - dt.timedelta(days=3)
        is_last_phase = index == len(project.phases) - 1
        ends = (
            opens[last] + dt.timedelta(days=60)
            if is_last_phase
            else opens[last + 1] - dt.timedelta(days=4)
        )
        phase_id = projects.insert_phase(
            db,
            project_id=project.id,
            kind=kind,
            starts=starts,
            ends=ends,
            involvement=level,
            unit_involvement=_phase_unit_levels(project, kind),
        )
        for wave_index in range(first, last + 1):
            wave_no = wave_index + 1
            wave_opens = opens[wave_index]
            wave_id = projects.insert_wave(
                db,
                project_id=project.id,
                number=wave_no,
                opens=wave_opens,
                closes=wave_opens + dt.timedelta(days=WAVE_DAYS_OPEN),
                instrument_id=instrument.id,
                phase_id=phase_id,
            )
            if wave_opens > today:
                continue
            share_in = 0.35 if wave_opens + dt.timedelta(days=WAVE_DAYS_OPEN) >= today else 1.0
            for unit in leaves:
                _answer_wave(
                    project,
                    kind,
                    wave_id,
                    wave_no,
                    unit,
                    items,
                    rng,
                    headcount[unit],
                    rates[unit] * share_in,
                    frames,
                )
        number += count


def _answer_wave(
    project: DemoProject,
    phase: str,
    wave_id: int,
    wave_no: int,
    unit: str,
    items: list,
    rng: np.random.Generator,
    headcount: int,
    rate: float,
    frames: dict[str, list[pd.DataFrame]],
) -> None:
    n = int(rng.binomial(headcount, min(rate, 1.0)))
    if unit == SMALL_TEAM:
        n = min(n, 4)
    codes = [uuid.UUID(bytes=rng.bytes(16)).hex for _ in range(headcount)]
    frames["invitations"].append(
        pd.DataFrame(
            {
                "code_hash": codes,
                "wave_id": wave_id,
                "unit_id": unit,
                "used": [i < n for i in range(headcount)],
            }
        )
    )
    if n == 0:
        return
    ids = [str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)]
    frames["responses"].append(pd.DataFrame({"id": ids, "wave_id": wave_id, "unit_id": unit}))
    constructs = sorted({item.construct for item in items})
    person = {
        c: _construct_mean(project, c, unit, wave_no, phase) + rng.normal(0, 14, n)
        for c in constructs
    }
    rows = []
    for item in items:
        points = person[item.construct] + rng.normal(0, 12, n)
        values = _to_value(points)
        if item.reverse:
            values = 6 - values
        missing = rng.random(n) < 0.04
        column = pd.array(np.where(missing, 0, values), dtype="Int8")
        column[missing] = pd.NA
        rows.append(pd.DataFrame({"response_id": ids, "item_id": item.id, "value": column}))
    frames["answers"].append(pd.concat(rows))
    writes = rng.random(n) < 0.12
    texts: list[tuple[str, str, str]] = []
    for i in np.flatnonzero(writes):
        low = bool(person["medspil"][i] < 50)
        pool = COMMENTS_BAD if low else COMMENTS_GOOD
        comment_id = str(uuid.UUID(bytes=rng.bytes(16), version=4))
        pick = int(rng.integers(len(pool)))
        # The main generator draws exactly as before (so every planted score stays put); the
        # wording comes from a generator of its own, seeded by the wave and the comment.
        words = np.random.default_rng([wave_id, int(i), pick, len(texts)])
        text = _comment_text(project, phase, unit, low, pool[pick], words)
        texts.append((comment_id, ids[i], text))
    if texts:
        frames["comments"].append(pd.DataFrame(texts, columns=["id", "response_id", "text"]))


def fill_with_demo_if_new(db: Database) -> bool:
    """Build the demo kommune in a database that is empty and was never initialised.

    A file made by ``medspil init`` stays empty (a real installation starts with its own
    organisation); a missing or blank file becomes the demo. Returns whether the demo was built.
    """
    if not projects.is_empty(db) or is_initialised(db):
        return False
    build_demo(db, seed=1)
    freeze_demo_snapshot(db)
    return True


DEMO_SNAPSHOT_COMMITTEE = "LMED-SYD"


def freeze_demo_snapshot(db: Database, *, today: dt.date | None = None) -> int:
    """One frozen snapshot for the MED role to open: Lokal-MED Syd's area, with comments."""
    return create_snapshot(
        db,
        Scope.admin(actor="demo"),
        project_id=ADVANCED_PROJECT,
        area_kind="committee",
        area_id=DEMO_SNAPSHOT_COMMITTEE,
        today=today or dt.date.today(),
        include_comments=True,
        replaces=None,
        created_by="Demo (Lokal-MED Ældreområde Syd)",
    )
