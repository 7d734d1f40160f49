"""Instrument files: the bundled one loads; broken ones are rejected with problem and line."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from medspil.errors import InstrumentInvalid
from surveys.instruments.instrument import (
    CORE_CONSTRUCTS,
    OPTIONAL_MODULES,
    Instrument,
    load_instrument,
    parse_instrument,
)

BUNDLED = resources.files("surveys").joinpath("instruments/medspil-1.toml").read_text("utf-8")


def load_instrument_file(path: Path) -> Instrument:
    """An instrument file from disk, read as the bundled ones are."""
    return parse_instrument(path.read_text(encoding="utf-8"), source=str(path))


def test_the_bundled_instrument_has_the_core_and_every_module() -> None:
    instrument = load_instrument("medspil-1")
    assert instrument.id == "medspil-1"
    per_construct = {c.id: [i for i in instrument.items if i.construct == c.id]
                     for c in instrument.constructs}  # fmt: skip
    for construct in CORE_CONSTRUCTS:
        assert 2 <= len(per_construct[construct]) <= 3
    for module in OPTIONAL_MODULES:
        assert 1 <= len(per_construct[module]) <= 3
    assert any(item.reverse for item in instrument.items)
    assert all(item.text["da"] and item.text["en"] for item in instrument.items)
    assert instrument.dont_know["da"] == "Ved ikke / ikke relevant"
    assert len(instrument.items_for([])) == 9
    assert len(instrument.items_for(["information"])) == 11


def test_items_speak_to_you_about_the_project_in_plain_danish() -> None:
    instrument = load_instrument()
    for item in instrument.items:
        words = item.text["da"].split()
        assert len(words) <= 16, item.id
        assert item.text["da"].endswith(".")


def _broken(old: str, new: str, count: int = 1) -> str:
    assert old in BUNDLED
    return BUNDLED.replace(old, new, count)


def _line(text: str, needle: str, occurrence: int = 1) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return lines[occurrence - 1]


@pytest.mark.parametrize(
    ("old", "new", "needle", "occurrence", "problem"),
    [
        ('construct = "motivation"', 'construct = "glaede"', 'id = "mot1"', 1, "ukendt konstrukt"),
        ('id = "men2"', 'id = "men1"', 'id = "men1"', 2, "står to gange"),
        ('en = "The project drains my energy."\n', "", 'id = "mot3"', 1, "mangler tekst på en"),
        ('id = "kerneopgave"', 'id = "sorcery"', 'id = "sorcery"', 1, "ukendt konstrukt"),
    ],
)
def test_a_broken_file_is_rejected_with_problem_and_line(
    old: str, new: str, needle: str, occurrence: int, problem: str
) -> None:
    text = _broken(old, new)
    with pytest.raises(InstrumentInvalid) as caught:
        parse_instrument(text, source="broken.toml")
    message = str(caught.value)
    assert problem in message
    assert f"linje {_line(text, needle, occurrence)}" in message
    assert "broken.toml" in message


def test_a_construct_without_items_is_rejected() -> None:
    text = BUNDLED
    for item_id in ("ker1", "ker2"):
        start = text.index(f'[[items]]\nid = "{item_id}"')
        end = text.index("[[items]]", start + 5)
        text = text[:start] + text[end:]
    with pytest.raises(InstrumentInvalid) as caught:
        parse_instrument(text, source="x.toml")
    assert "'kerneopgave' har 0 spørgsmål" in str(caught.value)
    line = _line(text, 'id = "kerneopgave"')
    assert f"linje {line}" in str(caught.value)


def test_an_invalid_scale_is_rejected() -> None:
    with pytest.raises(InstrumentInvalid) as caught:
        parse_instrument(_broken("points = 5", "points = 7"), source="x.toml")
    assert "5 punkter" in str(caught.value)
    assert f"linje {_line(BUNDLED, '[scale]')}" in str(caught.value)
    labels = '"Enig", "Helt enig"]\nlabels.en'
    with pytest.raises(InstrumentInvalid) as caught:
        parse_instrument(_broken(labels, '"Enig"]\nlabels.en'), source="x.toml")
    assert "5 svarmuligheder på da" in str(caught.value)


def test_a_missing_core_construct_and_bad_toml_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(InstrumentInvalid) as caught:
        parse_instrument(_broken('id = "medspil"\ncore = true', 'id = "tryghed"\ncore = true'))
    assert "kernekonstruktet 'medspil' mangler" in str(caught.value)
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\nversion = 1\n[scale\npoints = 5\n', encoding="utf-8")
    with pytest.raises(InstrumentInvalid) as caught:
        load_instrument_file(path)
    assert "ugyldig TOML" in str(caught.value)
    assert "linje 3" in str(caught.value)


# Issue 12, item 6: a table of the wrong type or a file in another encoding is a plain message.
@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("[scale]\npoints = 5", 'scale = "fem"\n[skala]\npoints = 5'),
        ('labels.da = ["Helt uenig",', 'labels.da = "Helt uenig"\nlabels.xx = ["Helt uenig",'),
        ('labels.en = ["Strongly', 'labels = 3\nlabelz.en = ["Strongly'),
        ('[[constructs]]\nid = "mening"', 'constructs = "mening"\n[[konstrukter]]\nid = "mening"'),
        ('name.da = "Mening"', 'name = ["Mening"]'),
        ("title.da = ", "title = 7\ntitel.da = "),
    ],
)
def test_a_wrong_table_type_is_a_plain_message(old: str, new: str) -> None:
    text = _broken(old, new)
    with pytest.raises(InstrumentInvalid) as caught:
        parse_instrument(text, source="types.toml")
    assert "types.toml" in str(caught.value)


@pytest.mark.parametrize(
    "top_level",
    ["items = [1, 2]", 'constructs = ["mening"]', 'items = "x"', "constructs = 5"],
)
def test_arrays_that_are_not_tables_are_a_plain_message(top_level: str) -> None:
    key = top_level.split(" ")[0]
    text = _broken("[scale]", f"{top_level}\n[scale]").replace(f"[[{key}]]", f"[[{key}_x]]")
    with pytest.raises(InstrumentInvalid) as caught:
        parse_instrument(text, source="types.toml")
    assert "types.toml" in str(caught.value)
