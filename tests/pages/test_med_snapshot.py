"""MED-øjebliksbillede page, through AppTest, for each role."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data import open_database
from medspil.scope import Scope
from surveys.snapshots.freeze import create_snapshot
from tests.conftest import TODAY, app_file

TIMEOUT = 120
PAGE = "pages/oejebliksbillede.py"


def _snapshots(path: Path, *areas: tuple[str, str]) -> list[int]:
    """Create snapshots of ``medicin`` for ``(kind, id)`` areas, before the app opens the file."""
    db = open_database(path)
    ids = [
        create_snapshot(
            db,
            Scope.admin(actor="forberedt"),
            project_id="medicin",
            area_kind=kind,
            area_id=area,
            today=TODAY,
        )
        for kind, area in areas
    ]
    db.close()
    return ids


def _page(role: str = "admin", **choices: str) -> AppTest:
    at = AppTest.from_file(app_file(PAGE), default_timeout=TIMEOUT)
    at.session_state["demo_role"] = role
    for key, value in choices.items():
        at.session_state[key] = value
    return at.run()


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [s.value for s in at.success] + [e.value for e in at.error]
    parts += [i.value for i in at.info] + [w.value for w in at.warning]
    return "\n".join(parts)


def test_an_administrator_creates_opens_and_verifies_a_snapshot(app_env: Path) -> None:
    at = _page()
    assert not at.exception
    assert at.title[0].value == "MED-øjebliksbillede"
    assert "Der er endnu ingen øjebliksbilleder" in _texts(at)
    at.selectbox[0].set_value("medicin")
    at.selectbox[1].set_value("committee:LMED-SYD")
    at.checkbox[0].check()
    at.button[0].click().run()
    assert not at.exception
    texts = _texts(at)
    assert "Øjebliksbillede nr. 1 er oprettet og låst." in texts
    assert at.header[0].value == "MED-øjebliksbillede: Digital medicinhåndtering på plejecentre"
    caption = next(c.value for c in at.caption if c.value.startswith("Øjebliksbillede nr. 1"))
    assert TODAY.strftime("%d.%m.%Y") in caption and "SHA-256" in caption
    assert at.success[-1].value.startswith("Intakt")
    assert "Medspil: Idé" in texts and "Udvikling" in texts
    assert len(at.get("plotly_chart")) >= 8
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download regneark (XLSX)", "Download CSV-filer (zip)"]
    assert at.button(key="snapshot_make_pdf").label == "Lav PDF til dagsordenen"
    assert [tab.label for tab in at.tabs][-1] == "Til drøftelse i MED-udvalget"
    assert "Kommentarer" in [tab.label for tab in at.tabs]
    db = open_database(app_env)
    with db.cursor() as cur:
        actions = cur.execute("SELECT actor, action FROM audit_log").fetchall()
    db.close()
    assert ("demo (admin)", "snapshot.create") in actions


def test_a_med_member_sees_only_the_committees_snapshots_read_only(app_env: Path) -> None:
    nord, _syd = _snapshots(app_env, ("committee", "LMED-NORD"), ("committee", "LMED-SYD"))
    at = _page("med", demo_role_committee="LMED-NORD")
    assert not at.exception
    # Read-only: the one button makes the PDF of the frozen content; nothing can be created.
    assert [b.key for b in at.button] == ["snapshot_make_pdf"]
    assert "Lav et nyt øjebliksbillede" not in [e.label for e in at.expander]
    listing = at.dataframe[0].value
    assert list(listing["Nr."]) == [nord]
    assert list(listing["Område"]) == ["Lokal-MED Ældreområde Nord"]
    assert "Skrivebeskyttet" in _texts(at)
    assert at.success[0].value.startswith("Intakt")
    shown = "\n".join(df.value.to_csv() for df in at.dataframe)
    assert "Ældreområde Syd" not in shown
    for line in shown.splitlines():
        if "Nattevagten Nord" in line:
            assert not any(ch.isdigit() for ch in line.split(",", 1)[1]), line


def test_a_med_member_of_another_committee_sees_nothing(app_env: Path) -> None:
    _snapshots(app_env, ("committee", "LMED-NORD"))
    at = _page("med", demo_role_committee="LMED-BYG")
    assert not at.exception
    assert "Der er endnu ingen øjebliksbilleder" in _texts(at)
    assert not at.header


def test_a_leder_creates_only_inside_their_units(app_env: Path) -> None:
    _snapshots(app_env, ("committee", "LMED-SYD"))
    at = _page("leder", demo_role_unit="AELDRE-NORD")
    assert not at.exception
    areas = [str(a) for a in at.selectbox[1].options]
    assert any("Lokal-MED Ældreområde Nord" in a for a in areas)
    assert not any("Syd" in a for a in areas)
    assert "Der er endnu ingen øjebliksbilleder" in _texts(at)  # Syd's is not theirs
    at.selectbox[0].set_value("medicin")
    at.button[0].click().run()
    assert not at.exception
    assert "Øjebliksbillede nr. 2 er oprettet og låst." in _texts(at)
    assert list(at.dataframe[0].value["Oprettet af"]) == ["demo (leder)"]


def test_a_tampered_snapshot_says_aendret(app_env: Path) -> None:
    (nord,) = _snapshots(app_env, ("committee", "LMED-NORD"))
    db = open_database(app_env)
    with db.cursor() as cur:
        cur.execute("UPDATE snapshots SET created_by = 'en anden' WHERE id = ?", [nord])
    db.close()
    at = _page()
    assert not at.exception
    assert at.error[0].value.startswith("Ændret")


def test_a_replaced_snapshot_says_so_and_english_works(app_env: Path) -> None:
    first, _ = _snapshots(app_env, ("committee", "LMED-NORD"), ("committee", "LMED-NORD"))
    db = open_database(app_env)
    correction = create_snapshot(
        db,
        Scope.admin(),
        project_id="medicin",
        area_kind="committee",
        area_id="LMED-NORD",
        today=TODAY,
        replaces=first,
    )
    db.close()
    at = _page(snapshot_open=first)
    assert not at.exception
    assert f"erstattet af nr. {correction}" in _texts(at)
    at = _page(ui_lang="en")
    assert not at.exception
    assert at.title[0].value == "MED snapshot"
    assert at.success[0].value.startswith("Intact")


def test_the_pdf_is_made_on_request_and_then_offered_for_download(app_env: Path) -> None:
    (snapshot_id,) = _snapshots(app_env, ("committee", "LMED-SYD"))
    at = _page()
    assert not at.exception
    at.button(key="snapshot_make_pdf").click().run(timeout=180)
    assert not at.exception
    assert not at.error
    labels = [b.label for b in at.get("download_button")]
    assert labels[0] == "Download PDF"
    pdf = at.session_state[f"snapshot_pdf_{snapshot_id}"]
    assert pdf.startswith(b"%PDF")
