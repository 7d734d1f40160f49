"""One construct order everywhere: mening, motivation, medspil, then the modules in the order of
the instrument, on every page, table, chart and picker that lists constructs (issue 14)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data import open_database
from medspil.scope import Scope
from surveys.snapshots.freeze import create_snapshot
from tests.conftest import TODAY, app_file
from tests.pages.dash_support import TIMEOUT, run_page

# Written out by hand: the core constructs first, then the modules as the instrument lists them.
ORDER = [
    "Mening", "Motivation", "Medspil", "Information", "Tryghed", "Kompetencer", "Kerneopgave",
    "Usynligt arbejde",
]  # fmt: skip


def _labels(values: list[object]) -> list[str]:
    """The construct labels among ``values``, in order of first appearance: a value that is a
    label, or names one before or after a colon ("Niveauskift: Medspil", "Medspil: Signal")."""
    found: list[str] = []
    for value in values:
        text = str(value)
        for part in [text, *[p.strip() for p in text.split(":")]]:
            if part in ORDER and part not in found:
                found.append(part)
                break
    return found


def _sequences(at: AppTest) -> dict[str, list[str]]:
    """Every list of constructs the page shows: pickers, table headers and columns, chart
    traces and category axes, metric labels."""
    seen: dict[str, list[object]] = {}
    for i, box in enumerate([*at.multiselect, *at.selectbox, *at.radio]):
        seen[f"picker {i} {box.label}"] = list(box.options)  # as shown (formatted)
    for i, frame in enumerate(at.dataframe):
        table = frame.value
        seen[f"table {i} header"] = list(table.columns)
        for column in table.columns:
            seen[f"table {i} column {column}"] = list(table[column])
    for i, chart in enumerate(at.get("plotly_chart")):
        figure = json.loads(chart.proto.spec)
        seen[f"chart {i} traces"] = [trace.get("name") for trace in figure["data"]]
        for trace in figure["data"]:
            for axis in ("x", "y"):
                values = trace.get(axis)
                if isinstance(values, list) and values and isinstance(values[0], str):
                    seen[f"chart {i} {trace.get('name')} {axis}"] = values
    # Overblik's metrics, one run per project (each starts with its phase).
    runs: list[list[object]] = []
    for metric in at.metric:
        if metric.label == "Fase nu" or not runs:
            runs.append([])
        runs[-1].append(metric.label)
    for i, labels in enumerate(runs):
        seen[f"metrics {i}"] = labels
    seen["subheaders"] = [s.value for s in at.subheader]
    return {where: labels for where, values in seen.items() if len(labels := _labels(values)) > 1}


def _assert_in_order(at: AppTest, page: str) -> int:
    assert not at.exception, page
    lists = _sequences(at)
    for where, labels in lists.items():
        assert labels == sorted(labels, key=ORDER.index), f"{page}, {where}: {labels}"
    return len(lists)


SYD = {"projekt": "medicin", "enhed": "AELDRE-SYD"}


@pytest.mark.parametrize(
    ("page", "params", "state"),
    [
        ("overview", {}, {}),
        ("trends", SYD, {}),
        ("trends", SYD, {"dash_mode": "runchart"}),
        ("units", {"projekt": "medicin"}, {}),
        ("phases", SYD, {}),
        ("comments", SYD, {}),
        ("trends", {"projekt": "sensorer"}, {}),
        # Constructs picked in another order are still shown in the one order.
        ("trends", SYD, {"dash_constructs": ["information", "medspil", "mening"]}),
        ("phases", SYD, {"dash_constructs": ["information", "medspil", "mening"]}),
    ],
)
def test_every_dashboard_lists_constructs_in_one_order(
    app_env: Path, page: str, params: dict, state: dict
) -> None:
    at = run_page(page, params=params, state=state)
    assert _assert_in_order(at, page) >= 1, "the page lists no constructs: the test saw nothing"


def test_the_instrument_page_and_a_snapshot_list_constructs_in_one_order(app_env: Path) -> None:
    db = open_database(app_env)
    create_snapshot(
        db, Scope.admin(actor="test"), project_id="medicin", area_kind="committee",
        area_id="LMED-SYD", today=TODAY,
    )  # fmt: skip
    db.close()
    # The MED member of Lokal-MED Ældreområde Syd opens it.
    for script, role in (("pages/spoergeskema.py", "admin"), ("pages/oejebliksbillede.py", "med")):
        at = AppTest.from_file(app_file(script), default_timeout=TIMEOUT)
        at.session_state["demo_role"] = role
        at.session_state["demo_role_committee"] = "LMED-SYD"
        at.run()
        assert _assert_in_order(at, script) >= 1, f"{script} lists no constructs"
