"""Pages refuse what is unsafe with a plain message (issue 12, items 3, 4, 6 and 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from data import open_database
from medspil.errors import DatabaseCorrupt
from surveys.installation.setup import mark_initialised, register_instrument
from surveys.instruments.instrument import load_instrument
from tests.conftest import app_file

TIMEOUT = 90


@pytest.fixture
def real_installation(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """A database made as ``medspil init`` makes it, and no [auth] in the secrets."""
    path = tmp_path / "real.duckdb"
    db = open_database(path)
    register_instrument(db, load_instrument())
    mark_initialised(db)
    db.close()
    monkeypatch.setenv("MEDSPIL_DB", str(path))
    monkeypatch.setenv("MEDSPIL_CONFIG", str(tmp_path / "none.toml"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield path
    st.cache_resource.clear()


@pytest.mark.parametrize("page", ["pages/overblik.py", "pages/organisation.py"])
def test_a_real_installation_without_login_refuses_and_says_what_to_configure(
    real_installation: Path, page: str
) -> None:
    at = AppTest.from_file(app_file(page), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "[auth]" in at.error[0].value and "medspil init" in at.error[0].value
    assert [s.label for s in at.selectbox] == []  # no role picker
    assert at.get("file_uploader") == []


def test_an_invalid_settings_file_stops_every_page_with_its_line(
    app_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "medspil.toml"
    bad.write_text('[medspil]\nallow_demo_mode_on_network = "false"\n')
    monkeypatch.setenv("MEDSPIL_CONFIG", str(bad))
    for page in ("app.py", "pages/overblik.py", "pages/besvar.py"):
        at = AppTest.from_file(app_file(page), default_timeout=TIMEOUT).run()
        assert not at.exception
        errors = " ".join(e.value for e in at.error)
        assert "Linje 2: allow_demo_mode_on_network" in errors, page
        assert [s.label for s in at.selectbox] == []


# Issue 12, item 10: names are text. An image or link in a unit or project name must not
# become Markdown that every viewer's browser fetches or follows.
HOSTILE_NAME = "Syd ![x](http://evil.example/t.png) [klik](http://evil.example) **fed**"


def _markdown_texts(at: AppTest) -> list[str]:
    parts = [m.value for m in at.markdown] + [s.value for s in at.subheader]
    parts += [h.value for h in at.header] + [c.value for c in at.caption]
    parts += [e.value for kind in ("info", "warning", "success", "error") for e in at.get(kind)]
    parts += [m.label for m in at.metric] + [x.label for x in at.get("expander")]
    return parts


def test_unit_and_project_names_are_never_markdown_on_overblik(app_env: Path) -> None:
    from medspil.text import markdown_text

    db = open_database(app_env)
    with db.transaction() as cur:
        cur.execute("UPDATE units SET name = ? WHERE id IN ('K', 'AELDRE-SYD')", [HOSTILE_NAME])
        cur.execute(
            "UPDATE projects SET name = ?, description = ? WHERE id = 'medicin'",
            ["Medicin [link](http://evil.example)", "![y](http://evil.example/p.png)"],
        )
    db.close()
    at = AppTest.from_file(app_file("pages/overblik.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    texts = _markdown_texts(at)
    joined = "\n".join(texts)
    for raw in ("![x](", "[klik](", "](http://evil", "**fed**", "![y]("):
        assert raw not in joined, raw
    assert markdown_text(HOSTILE_NAME) in joined  # shown, as text
    assert markdown_text("Medicin [link](http://evil.example)") in joined


def _truncated(source: Path, target: Path, fraction: float) -> Path:
    """A copy of ``source`` cut at ``fraction`` of its size (on a 4 KiB block boundary)."""
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * fraction) // 4096 * 4096])
    return target


def _cut_where_it_still_opens(source: Path, target: Path) -> Path:
    """A truncated copy whose catalogue is intact, so opening works and reading data fails.

    Where the catalogue lies in the file depends on the schema's layout, so the cut is searched
    for rather than fixed (migration 7 made the file smaller and moved it past 60 %).
    """
    for fraction in (0.6, 0.7, 0.8, 0.9):
        _truncated(source, target, fraction)
        try:
            open_database(target).close()
        except DatabaseCorrupt:
            continue
        return target
    raise AssertionError(f"no cut of {source} between 60 % and 90 % opens")


def test_a_truncated_database_gives_a_plain_message_on_the_pages(
    app_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 12, item 6: the file opens (its first blocks are there) but reading answers fails."""
    broken = _cut_where_it_still_opens(app_env, tmp_path / "broken.duckdb")
    monkeypatch.setenv("MEDSPIL_DB", str(broken))
    st.cache_resource.clear()
    at = AppTest.from_file(app_file("app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "kan ikke læses" in message and "sikkerhedskopi" in message


def test_medspil_list_on_a_truncated_database_is_one_plain_message(
    demo_file: Path, tmp_path: Path
) -> None:
    from tests.surveys.cli.test_cli import medspil

    for fraction in (0.3, 0.6):
        broken = _truncated(demo_file, tmp_path / f"broken-{fraction}.duckdb", fraction)
        for command in (["list"], ["snapshot", "--list"]):
            result = medspil(*command, "--db", str(broken))
            assert result.returncode in (0, 2), result.stderr
            assert "Traceback" not in result.stderr
            if result.returncode == 2:
                assert result.stderr.startswith("Fejl: ") and "sikkerhedskopi" in result.stderr
    result = medspil("list", "--db", str(_truncated(demo_file, tmp_path / "b.duckdb", 0.3)))
    assert result.returncode == 2 and "Traceback" not in result.stderr
