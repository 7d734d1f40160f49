"""Cleaning at the door and neutralising spreadsheet formulas (issue 12, items 1, 2 and 9)."""

from __future__ import annotations

import unicodedata

import pytest

from medspil.text import clean_text, is_formula_like, spreadsheet_text, strip_invisible, xlsx_text


def test_clean_text_strips_control_characters_but_keeps_newline_and_tab() -> None:
    assert clean_text("a\x0bb\x1bc\x00d\ne\tf\x7f") == "abcd\ne\tf"


def test_clean_text_normalises_line_breaks_and_to_nfc() -> None:
    decomposed = "Ha" + "\u030a" + "b\r\nny\rlinje"  # "Håb" typed as a + combining ring
    cleaned = clean_text(decomposed)
    assert cleaned == "H\u00e5b\nny\nlinje"
    assert unicodedata.is_normalized("NFC", cleaned)


def test_clean_text_single_line_and_cap() -> None:
    assert clean_text("  Pleje\ncenter \t Solhøj ", single_line=True) == "Pleje center Solhøj"
    assert clean_text("x" * 50, max_length=10) == "x" * 10
    assert clean_text(None) == ""


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_formula_start_gets_an_apostrophe(start: str) -> None:
    assert spreadsheet_text(start + "HYPERLINK(1)") == "'" + start + "HYPERLINK(1)"


@pytest.mark.parametrize("number", ["-3,5", "+2,1", "-12", "-0.25", "-4 %"])
def test_plain_numbers_are_not_formulas(number: str) -> None:
    assert not is_formula_like(number)
    assert spreadsheet_text(number) == number


def test_ordinary_text_is_unchanged_and_stored_control_characters_go() -> None:
    assert spreadsheet_text("Godt arbejde – tak!") == "Godt arbejde – tak!"
    assert spreadsheet_text("før\x0bnu\x1b") == "førnu"
    assert spreadsheet_text(None) == ""
    assert xlsx_text("=1+1\x0b") == "=1+1"


def test_strip_invisible_turns_typed_variants_into_plain_characters() -> None:
    assert strip_invisible("ABCDE\u00a0FGHJK") == "ABCDE FGHJK"
    assert strip_invisible("ABCDE\u2013FGHJK") == "ABCDE-FGHJK"
    assert strip_invisible("AB\u200bCDE") == "ABCDE"


def test_markdown_text_escapes_links_images_autolinks_and_emphasis() -> None:
    from medspil.text import markdown_text

    assert markdown_text("![x](http://e.dk/t.png)") == "\\!\\[x\\](http\\://e.dk/t.png)"
    assert markdown_text("[klik](www.evil.dk)") == "\\[klik\\](www\\.evil.dk)"
    assert markdown_text("<https://e.dk> **fed** _k_ `c` $x$ # h :red[r]") == (
        "\\<https\\://e.dk\\> \\*\\*fed\\*\\* \\_k\\_ \\`c\\` \\$x\\$ \\# h :red\\[r\\]"
    )
    assert markdown_text("Lokal-MED (Nord) 2.0\x0b") == "Lokal-MED (Nord) 2.0"


def test_the_characters_removed_are_exactly_the_control_characters_and_surrogates() -> None:
    # The reference, one character at a time by its Unicode category, over every code point:
    # Cc and Cs go (and the non-characters U+FFFE and U+FFFF); newline and tab stay; a CSV
    # field keeps its carriage returns too.
    every = "".join(chr(c) for c in range(0x110000))

    def reference(text: str, keep: str) -> str:
        return "".join(
            c
            for c in text
            if c in keep
            or (unicodedata.category(c) not in ("Cc", "Cs") and c not in "\ufffe\uffff")
        )

    assert xlsx_text(every) == reference(every, "\n\t")
    csv_field = "x" + every  # no leading formula character: no apostrophe in front
    assert spreadsheet_text(csv_field) == reference(csv_field, "\n\t\r")
