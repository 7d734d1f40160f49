"""Helpers for the dashboard page tests: run a page as a role, read its texts and CSV files."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from data import open_database
from data import projects as project_queries
from tests.conftest import app_file

# Task name -> page file (page files are named after their URL path, see README).
PAGE_FILES = {
    "overview": "overblik",
    "trends": "udvikling",
    "units": "enheder",
    "phases": "faser",
    "comments": "kommentarer",
    "howto": "laes_tallene",
}
TIMEOUT = 90
HIDDEN = "færre end k svar"


def run_page(
    page: str,
    *,
    role: str = "admin",
    unit: str | None = None,
    committee: str | None = None,
    params: dict[str, str] | None = None,
    lang: str = "da",
    state: dict | None = None,
) -> AppTest:
    """Run ``pages/<page>.py`` once as the demo role, with query parameters if given."""
    at = AppTest.from_file(app_file(f"pages/{PAGE_FILES[page]}.py"), default_timeout=TIMEOUT)
    at.session_state["demo_role"] = role
    at.session_state["ui_lang"] = lang
    if unit is not None:
        at.session_state["demo_role_unit"] = unit
    if committee is not None:
        at.session_state["demo_role_committee"] = committee
    for key, value in (state or {}).items():
        at.session_state[key] = value
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def texts(at: AppTest) -> str:
    """Every text a user reads on the page (not the tables)."""
    parts = [m.value for m in at.markdown] + [s.value for s in at.subheader]
    parts += [c.value for c in at.caption] + [i.value for i in at.info]
    parts += [w.value for w in at.warning] + [e.value for e in at.error]
    parts += [f"{m.label} {m.value} {m.proto.delta}" for m in at.metric]
    return "\n".join(parts)


def tables(at: AppTest) -> list[pd.DataFrame]:
    return [frame.value for frame in at.dataframe]


class DownloadSpy:
    """Records the bytes of every file a page offers for download, by media URL."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def csv_frames(self, at: AppTest) -> list[pd.DataFrame]:
        frames = []
        for button in at.get("download_button"):
            file_id = button.proto.url.rsplit("/", 1)[-1].split(".")[0]
            data = self.files[file_id]
            frames.append(pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str))
        return frames

    def raw(self, at: AppTest) -> list[bytes]:
        ids = [b.proto.url.rsplit("/", 1)[-1].split(".")[0] for b in at.get("download_button")]
        return [self.files[file_id] for file_id in ids]


def spy_downloads(monkeypatch: pytest.MonkeyPatch) -> DownloadSpy:
    """Record download files (use in a fixture: the AppTest media store is gone after a run)."""
    spy = DownloadSpy()
    original = MemoryMediaFileStorage.load_and_get_id

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        spy.files[file_id] = bytes(path_or_data)
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", load_and_get_id)
    return spy


def add_project_without_waves(path: Path) -> None:
    """A new project in the demo copy that has no waves yet (for the empty states)."""
    db = open_database(path)
    project_queries.insert_project(
        db,
        project_id="aaa-ny",
        name="Nyt projekt uden målinger",
        description="",
        instrument_id="medspil-1",
        involvement="information",
        unit_ids=["VEJPARK"],
        modules=[],
    )
    db.close()


def assert_small_team_hidden(frame: pd.DataFrame) -> None:
    """Rows of the night team carry the hidden text and dashes, never a number."""
    small = frame[
        frame.apply(lambda row: row.astype(str).str.contains("Nattevagten").any(), axis=1)
    ]
    for row in small.itertuples(index=False):
        for value in row:
            text = str(value)
            assert (
                "Nattevagten" in text or text in (HIDDEN, "–") or not any(c.isdigit() for c in text)
            )
