"""MED-log page (AppTest): who reads which committees' entries, who writes, corrections of frozen
entries, and refused or bad writes that change nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from streamlit.testing.v1 import AppTest

from data import open_database
from surveys.together import med_log
from tests.conftest import app_file
from tests.pages.together_support import (
    TIMEOUT,
    labels,
    link_params,
    press,
    run,
    stored_entries,
    texts,
)

# The demo's medicin log (surveys/installation/demo_story.py), oldest first:
# 1 HMED, 2 MED-SAE, 3 LMED-NORD, 4 LMED-SYD, 5 LMED-SYD, 6 HMED, 7 LMED-NORD.
NORD_TOPIC = "Nattevagtens adgang til medicinskab og scanner"
SYD_TOPIC = "Faldet i medspil drøftet"
SYD_DECISION = "Superbrugere fra Syd kommer med i testgruppen"


def headings(at: AppTest) -> list[str]:
    """The first line of every entry card (date · committee · phase), top to bottom."""
    return [
        m.value.split("  \n")[0]
        for m in at.markdown
        if m.value.startswith("**") and " · " in m.value
    ]


def test_the_administrator_reads_every_entry_newest_first_with_tags_in_words(
    app_env: Path,
) -> None:
    at = run("med_log")
    assert at.title[0].value == "MED-log"
    shown = headings(at)
    assert len(shown) == 7
    assert "Lokal-MED Ældreområde Nord" in shown[0] and "Implementering" in shown[0]
    assert "Hoved-MED" in shown[-1] and "Idé" in shown[-1]
    page = texts(at)
    assert NORD_TOPIC in page and SYD_DECISION in page
    assert "Spørgsmål 3: Hvem inddrages, hvornår og hvordan?" in page
    assert "Princip 10: Følg op, og justér undervejs" in page
    assert "Låst" not in page  # no snapshot has shown an entry yet
    assert labels(at) == ["Gem posten", "Gem ændringen"]
    committees = at.selectbox(key="log_new_committee").options
    assert len(committees) == 6  # every committee


def test_the_filters_narrow_to_one_committee_and_one_phase(app_env: Path) -> None:
    at = run("med_log")
    at.selectbox(key="log_committee").set_value("LMED-SYD").run()
    assert len(headings(at)) == 2
    assert all("Lokal-MED Ældreområde Syd" in h for h in headings(at))
    at.selectbox(key="log_committee").set_value("").run()
    at.selectbox(key="log_phase").set_value("implementering").run()
    assert len(headings(at)) == 2
    assert all("Implementering" in h for h in headings(at))


def test_the_administrator_adds_an_entry(app_env: Path) -> None:
    at = run("med_log")
    at.selectbox(key="log_new_committee").set_value("LMED-SYD")
    at.date_input(key="log_new_day").set_value(dt.date.today() - dt.timedelta(days=2))
    at.selectbox(key="log_new_phase").set_value("implementering")
    at.text_input(key="log_new_topic").input("Oplæringen i Syd drøftet")
    at.text_area(key="log_new_decision").input("Ekstra oplæring for aftenvagten")
    at.multiselect(key="log_new_questions").set_value([4])
    at.multiselect(key="log_new_principles").set_value([9, 4])
    press(at, "Gem posten")
    assert at.success[0].value == "Post 8 er gemt."
    stored = {e.id: e for e in stored_entries(app_env)}
    new = stored[8]
    assert (new.committee_id, new.phase_kind, new.topic) == (
        "LMED-SYD",
        "implementering",
        "Oplæringen i Syd drøftet",
    )
    assert new.questions == (4,) and new.principles == (4, 9)
    assert "Oplæringen i Syd drøftet" in texts(at)


def test_bad_input_names_every_problem_and_stores_nothing(app_env: Path) -> None:
    at = run("med_log")
    at.date_input(key="log_new_day").set_value(dt.date.today() + dt.timedelta(days=3))
    at.text_input(key="log_new_topic").input("   ")
    press(at, "Gem posten")
    message = at.error[0].value
    assert message.startswith("Intet er gemt. Ret følgende, og prøv igen:")
    assert "- Mødedatoen ligger i fremtiden." in message
    assert "- Skriv, hvad der blev drøftet." in message
    assert len(stored_entries(app_env)) == 7


def test_a_secretary_writes_their_own_committees_log_only(app_env: Path) -> None:
    at = run("med_log", "sekretaer", "LMED-SYD")
    shown = " ".join(headings(at))
    # Reads the committees whose area overlaps Syd: Hoved-MED, Område-MED, Lokal-MED Syd.
    assert len(headings(at)) == 5
    assert "Lokal-MED Ældreområde Nord" not in shown
    assert at.selectbox(key="log_new_committee").options == ["Lokal-MED Ældreområde Syd"]
    changeable = at.selectbox(key="log_change_entry").options
    assert len(changeable) == 2 and all("Lokal-MED Ældreområde Syd" in o for o in changeable)
    at.text_input(key="log_new_topic").input("Testgruppens erfaringer")
    press(at, "Gem posten")
    new = stored_entries(app_env)[-1]
    assert (new.committee_id, new.topic) == ("LMED-SYD", "Testgruppens erfaringer")


def test_a_secretary_is_told_they_write_only_their_own_committees_log(app_env: Path) -> None:
    """The form never offers another committee; looking at Hoved-MED's entries, the secretary
    reads that they write for their own committee only, and no Hoved-MED entry can be changed."""
    at = run("med_log", "sekretaer", "LMED-SYD")
    at.selectbox(key="log_committee").set_value("HMED").run()
    assert "Du skriver kun i MED-loggen for Lokal-MED Ældreområde Syd." in texts(at)
    assert at.selectbox(key="log_new_committee").options == ["Lokal-MED Ældreområde Syd"]
    assert not any("Hoved-MED" in o for o in at.selectbox(key="log_change_entry").options)
    assert len(stored_entries(app_env)) == 7


def test_a_med_member_reads_their_committees_area_and_writes_nothing(app_env: Path) -> None:
    at = run("med_log", "med", "LMED-NORD")
    shown = " ".join(headings(at))
    assert len(headings(at)) == 5
    assert "Lokal-MED Ældreområde Syd" not in shown and NORD_TOPIC in texts(at)
    assert labels(at) == []
    assert "Skriv en ny post" not in texts(at)
    assert link_params(at, "handlinger") == []  # a MED member records no actions


def test_a_leder_reads_the_entries_for_their_units_and_may_start_an_action(
    app_env: Path,
) -> None:
    at = run("med_log", "leder", "AELDRE-SYD")
    assert len(headings(at)) == 5
    assert NORD_TOPIC not in texts(at)
    assert labels(at) == []  # the log is the committee's: no form for a leder
    # "Aftal en handling" under an entry (run on its own, the page draws plain links).
    links = [m.value for m in at.markdown if m.value.startswith("[Aftal en handling]")]
    assert len(links) == 5
    assert "/handlinger?project=medicin&source=med_log&ref=5&units=AELDRE-SYD" in links[1]


def test_an_analytiker_reads_everything_and_writes_nothing(app_env: Path) -> None:
    at = run("med_log", "analytiker")
    assert len(headings(at)) == 7
    assert labels(at) == []
    assert not any(m.value.startswith("[Aftal en handling]") for m in at.markdown)


def _freeze(path: Path, entry_id: int, snapshot_id: int) -> None:
    db = open_database(path)
    med_log.freeze_entries(db, [entry_id], snapshot_id)
    db.close()


def test_a_frozen_entry_is_locked_and_a_correction_stands_in_its_place(app_env: Path) -> None:
    _freeze(app_env, 4, 2)
    at = run("med_log")
    assert "Låst (vist i øjebliksbillede 2)" in texts(at)
    at.selectbox(key="log_change_entry").set_value(4).run()
    assert "er låst. Det, du gemmer, bliver en rettelse" in texts(at)
    assert "Gem rettelsen" in labels(at)
    at.text_area(key="log_change_4_decision").input("Medarbejderne informeres hver fjortende dag.")
    press(at, "Gem rettelsen")
    assert at.success[0].value == "Rettelsen er gemt som post 8."
    stored = {e.id: e for e in stored_entries(app_env)}
    assert stored[8].corrects == 4 and stored[4].corrected_by == 8
    assert stored[4].decision.startswith("Medarbejderne informeres løbende")  # never edited
    page = texts(at)
    assert "Retter post 4." in page and "hver fjortende dag" in page
    # The correction stands in place of entry 4; the original is one click away.
    before = at.expander[0]
    assert before.label == "Sådan stod posten før rettelsen"
    assert any("informeres løbende" in m.value for m in before.markdown)
    assert len(headings(at)) == 7 + 1  # seven cards, and the original inside the expander


def test_an_entry_frozen_while_the_form_was_open_is_refused_and_unchanged(
    app_env: Path,
) -> None:
    at = run("med_log")
    at.selectbox(key="log_change_entry").set_value(5).run()
    at.text_input(key="log_change_5_topic").input("Et nyt emne")
    _freeze(app_env, 5, 3)  # a snapshot is frozen before the form is sent
    press(at, "Gem ændringen")
    assert "Post 5 er vist i øjebliksbillede 3 og kan ikke længere ændres" in at.error[0].value
    assert {e.id: e.topic for e in stored_entries(app_env)}[5] == SYD_TOPIC


def test_through_the_app_the_log_is_in_the_menu_and_opens(app_env: Path) -> None:
    at = AppTest.from_file(app_file("app.py"), default_timeout=TIMEOUT)
    at.session_state["demo_role"] = "sekretaer"
    at.session_state["demo_role_committee"] = "LMED-SYD"
    at.run()
    assert not at.exception
    menu = [link.proto.page for link in at.get("page_link")]
    assert {"inddragelse", "med_log", "handlinger"} <= set(menu)
    at.switch_page("pages/med_log.py").run()
    assert not at.exception
    assert at.title[0].value == "MED-log"
    assert len(headings(at)) == 5
    # Through the app, "Aftal en handling" is a page link within the session.
    assert "project=medicin&source=med_log&ref=5&units=AELDRE-SYD" in link_params(at, "handlinger")
