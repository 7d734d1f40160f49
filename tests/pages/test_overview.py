"""Overblik page, run through Streamlit's AppTest: directly and through app.py's navigation."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data import open_database
from surveys.installation.setup import register_instrument
from surveys.instruments.instrument import load_instrument
from tests.conftest import app_file
from tests.pages.dash_support import DownloadSpy, run_page, spy_downloads

TIMEOUT = 60


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> DownloadSpy:
    return spy_downloads(monkeypatch)


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [s.value for s in at.subheader]
    parts += [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [str(m.value) for m in at.metric] + [m.label for m in at.metric]
    return "\n".join(parts)


def test_overview_lists_the_demo_projects_with_timeline_and_counts(app_env: Path) -> None:
    at = AppTest.from_file(app_file("pages/overblik.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Overblik"
    names = [s.value for s in at.subheader]
    assert "Digital medicinhåndtering på plejecentre" in names
    assert len(names) == 3
    assert "Demodata" in _texts(at)
    metrics = {m.label: m.value for m in at.metric}
    assert "Besvarelser indtil nu" in metrics
    assert len(at.get("plotly_chart")) == 3
    tables = [df.value for df in at.dataframe]
    medicin = next(t for t in tables if len(t) == 4)
    assert list(medicin["Fase"]) == ["Idé", "Konsekvensvurdering", "Udvikling", "Implementering"]
    assert "Ældreområde Syd: Information" in medicin["Anden inddragelse for enheder"][2]


def test_the_app_frame_runs_the_overview_by_default(app_env: Path) -> None:
    at = AppTest.from_file(app_file("app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Overblik"


def test_english_switch_translates_the_page(app_env: Path) -> None:
    at = AppTest.from_file(app_file("pages/overblik.py"), default_timeout=TIMEOUT)
    at.session_state["ui_lang"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Overview"
    assert "Responses so far" in [m.label for m in at.metric]


def test_a_leder_sees_only_projects_of_their_units(app_env: Path) -> None:
    at = AppTest.from_file(app_file("pages/overblik.py"), default_timeout=TIMEOUT)
    at.session_state["demo_role"] = "leder"
    at.session_state["demo_role_unit"] = "BYGPLAN"
    at.run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Digital byggesagsbehandling"]


def test_a_small_group_shows_fewer_than_k_instead_of_a_count(app_env: Path) -> None:
    at = AppTest.from_file(app_file("pages/overblik.py"), default_timeout=TIMEOUT)
    at.session_state["demo_role"] = "leder"
    at.session_state["demo_role_unit"] = "NORD-NAT"
    at.run()
    assert not at.exception
    values = {m.label: m.value for m in at.metric}
    # The night team answers in every wave, always fewer than k at a time: a running total
    # would reveal each wave's count by subtraction, so no count is shown at all.
    assert values["Besvarelser indtil nu"] == "færre end k svar"


def test_an_empty_database_gets_the_demo_and_a_broken_one_a_plain_error(
    app_env: Path, tmp_path: Path, monkeypatch
) -> None:
    empty = tmp_path / "empty.duckdb"
    db = open_database(empty)
    register_instrument(db, load_instrument())
    db.close()
    monkeypatch.setenv("MEDSPIL_DB", str(empty))
    at = AppTest.from_file(app_file("pages/overblik.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert len(at.subheader) == 3
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"x" * 4096)
    monkeypatch.setenv("MEDSPIL_DB", str(broken))
    at = AppTest.from_file(app_file("pages/overblik.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "kan ikke åbnes som en Medspil-database" in at.error[0].value


# --- issue 5: latest wave, "Det har ændret sig", links -------------------------------------


def test_the_medspil_drop_in_syd_leads_det_har_aendret_sig_with_a_link(app_env: Path) -> None:
    at = run_page("overview")
    assert not at.exception
    markdown = [m.value for m in at.markdown]
    start = markdown.index("#### Det har ændret sig")
    heading, sentence, link = markdown[start + 1 : start + 4]
    assert heading == "**Medspil · Ældreområde Syd og 5 af 5 enheder**"
    assert "faldt" in sentence and "fra konsekvensvurdering til udvikling" in sentence
    assert "d =" not in sentence and "signifikant" not in sentence
    budget = [c.value for c in at.caption if "tilfældige flag om året" in c.value]
    assert budget and "se på størrelsen og enheden, ikke kun på flaget" in budget[0]
    assert link.startswith("[Se udviklingen](/udvikling?projekt=medicin&enhed=")
    assert link.endswith("&omraade=medspil)")
    assert "Benjamini-Hochberg" not in heading
    latest = [m for m in markdown if m.startswith("#### Seneste afsluttede måling: Måling 25")]
    assert latest  # the open wave 26 is not shown
    first = {}
    for metric in at.metric:  # the first project's metrics (medicin leads: most waves)
        first.setdefault(metric.label, metric)
    assert first["Svarprocent"].value.endswith(" %")
    assert first["Medspil"].proto.delta.endswith(" point")  # never cut off
    assert "signifikant" in first["Medspil"].proto.help


def test_through_the_app_the_links_are_page_links_to_udvikling(app_env: Path) -> None:
    at = AppTest.from_file(app_file("app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    links = at.get("page_link")
    assert links[0].proto.page == "udvikling"
    assert links[0].proto.query_string == "projekt=medicin&enhed=AELDRE-SYD&omraade=medspil"


def test_a_nord_leder_sees_no_medspil_change_and_the_night_team_no_number(
    app_env: Path, downloads
) -> None:
    at = run_page("overview", role="leder", unit="AELDRE-NORD")
    assert not at.exception
    assert not any(m.value.startswith("**Medspil") for m in at.markdown)
    night = run_page("overview", role="leder", unit="NORD-NAT")
    assert not night.exception
    for metric in night.metric:
        if metric.label not in ("Fase nu", "Målinger indtil nu"):
            assert metric.value == "færre end k svar"
    for raw in downloads.raw(night):
        for line in raw.decode("utf-8-sig").splitlines()[1:]:
            assert not any(ch.isdigit() for ch in line)


def test_an_initialised_installation_is_never_filled_with_the_demo(
    app_env: Path, tmp_path: Path, monkeypatch
) -> None:
    from surveys.cli.main import main

    real = tmp_path / "real.duckdb"
    assert main(["init", "--db", str(real)]) == 0
    assert main(["prepare", "--db", str(real)]) == 0
    monkeypatch.setenv("MEDSPIL_DB", str(real))
    at = AppTest.from_file(app_file("pages/overblik.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert len(at.subheader) == 0
    assert "Demodata" not in _texts(at)
    # Without [auth] a real installation shows nothing and says what to configure (issue 12).
    assert "[auth]" in at.error[0].value


def test_a_leder_of_a_too_small_team_gets_one_sentence_and_what_to_do(app_env: Path) -> None:
    night = run_page("overview", role="leder", unit="NORD-NAT")
    assert not night.exception
    infos = [i.value for i in night.info]
    assert any(
        text.startswith("Nattevagten Nord har færre end 5 svar")
        and "slå Nattevagten Nord sammen" in text
        for text in infos
    )
    labels = [m.label for m in night.metric]
    assert "Medspil" not in labels and "Svarprocent" not in labels


def test_the_sibling_is_told_it_is_hidden_to_protect_a_neighbour(app_env: Path) -> None:
    sibling = run_page("overview", role="leder", unit="NORD-HJEM")
    assert not sibling.exception
    infos = "\n".join(i.value for i in sibling.info)
    assert "Hjemmeplejen Nord har svar nok" in infos
    assert "Hjemmeplejen Nord har færre end" not in infos


def test_the_first_finding_says_the_syd_drop_in_one_sentence(app_env: Path) -> None:
    at = run_page("overview", role="leder", unit="AELDRE-SYD")
    assert not at.exception
    markdown = [m.value for m in at.markdown]
    titles = [m for m in markdown if m.startswith("**Medspil · ")]
    assert titles[0] == "**Medspil · Ældreområde Syd og 5 af 5 enheder**"
    sentence = markdown[markdown.index(titles[0]) + 1]
    assert sentence.startswith("Medspil faldt ")
    assert "i Ældreområde Syd fra konsekvensvurdering til udvikling" in sentence
    assert "Enhederne blev kun informeret i udviklingsfasen." in sentence
    assert "Om beregningen" in [e.label for e in at.expander]
    text = "\n".join(markdown)
    assert "Medspil steg " in text and "fra udvikling til implementering" in text
    assert text.index("Medspil faldt ") < text.index("Medspil steg ")


def test_the_findings_speak_english_too(app_env: Path) -> None:
    at = run_page("overview", role="leder", unit="AELDRE-SYD", lang="en")
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    assert "Participation fell " in text
    assert "The units were only informed in the development phase." in text


def test_a_project_with_one_wave_says_there_is_nothing_to_compare_yet(app_env: Path) -> None:
    at = run_page("overview", role="leder", unit="BYGPLAN")
    assert not at.exception
    infos = "\n".join(i.value for i in at.info)
    assert "Der er endnu ikke to målinger med tal for Byg og Plan" in infos
    assert "Ingen signifikante" not in "\n".join(c.value for c in at.caption)
