"""Danish typography in the Danish catalogue (issue 14): quotations in »…«, never in straight or
English quotes, and numbers of four digits or more with the thousands separator (1.234)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator

from tests.conftest import ROOT

# A straight double-quoted span is TOML syntax the reader types (base_url = "...", ["6", "99"])
# only when it opens right after "= ", "[" or ", ": anything else quoted that way is prose.
DOUBLE_SPAN = re.compile(r'"[^"]*"')
# A single quote that opens or closes a span (not the apostrophe in "id'er" or "KL's").
STRAIGHT_SINGLE = re.compile(r"(?<!\w)'[^']*'(?!\w)")
ENGLISH = re.compile(r"[“”„‘’]")
GUILLEMETS = re.compile(r"[»«]")
# Four or more digits in a row, unless a year, part of an ISO date or a name (UTF-16,
# Windows-1252) or a port (localhost:8501).
LONG_NUMBER = re.compile(r"(?<![\d.,:\-{])\d{4,}(?![\d\-])")
YEAR = re.compile(r"^(19|20)\d\d$")


def prose_double_quotes(text: str) -> list[str]:
    return [
        m.group(0)
        for m in DOUBLE_SPAN.finditer(text)
        if not text[: m.start()].endswith(("= ", "[", ", "))
    ]


def wrong_quotes(text: str) -> list[str]:
    found = prose_double_quotes(text)
    for pattern in (STRAIGHT_SINGLE, ENGLISH):
        found += [m.group(0) for m in pattern.finditer(text)]
    marks = GUILLEMETS.findall(text)  # Danish opens with » and closes with «, in pairs
    if marks != ["»", "«"] * (len(marks) // 2) or len(marks) % 2:
        found.append("".join(marks))
    return found


def danish_texts() -> Iterator[tuple[str, str]]:
    catalogue = tomllib.loads((ROOT / "medspil/locales/da.toml").read_text(encoding="utf-8"))

    def walk(node: object, key: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for name, value in node.items():
                yield from walk(value, f"{key}.{name}" if key else name)
        else:
            yield key, str(node)

    yield from walk(catalogue, "")


def test_danish_texts_quote_with_guillemets_only() -> None:
    wrong = [f"{key}: {quoted}" for key, text in danish_texts() for quoted in wrong_quotes(text)]
    assert wrong == []


def test_danish_texts_write_long_numbers_with_a_thousands_separator() -> None:
    wrong = [
        f"{key}: {match.group(0)}"
        for key, text in danish_texts()
        for match in LONG_NUMBER.finditer(text)
        if not YEAR.match(match.group(0))
    ]
    assert wrong == []


def test_the_checks_catch_what_they_are_for() -> None:
    """The patterns themselves, on written-out examples (a check that cannot fail is no check)."""
    assert wrong_quotes('de vises som "færre end k svar".') == ['"færre end k svar"']
    assert wrong_quotes('fx base_url = "https://medspil.fjordby.dk" og ["6", "99"]') == []
    assert wrong_quotes("Enheden '{unit}' findes ikke.") == ["'{unit}'"]
    assert wrong_quotes("Se enhedernes id'er og KL's vejledning.") == []
    assert wrong_quotes("Se «Sådan læser du tallene».") == ["«»"]
    assert wrong_quotes("»a« og »b«, men »c") == ["»«»«»"]
    assert wrong_quotes("Enheden »{unit}« findes ikke. Se id'er med »medspil list«.") == []
    assert wrong_quotes("Se “Sådan læser du tallene”.") == ["“", "”"]
    assert wrong_quotes("Se »Sådan læser du tallene«.") == []
    assert LONG_NUMBER.search("højst 2000 koder") and LONG_NUMBER.search("over 131072 tegn")
    for fine in ("højst 2.000 koder", "Windows-1252", "2025-03-01", "localhost:8501", "{count}"):
        assert not LONG_NUMBER.search(fine), fine
    assert YEAR.match("2026") and not YEAR.match("2000000")
