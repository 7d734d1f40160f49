"""Text from outside, made safe: cleaning at the door and neutralising spreadsheet formulas.

Everything a person types or a file brings in (comments, unit and project names, imported
fields) passes ``clean_text`` before it is stored: control characters other than newline and tab
go (a vertical tab or an ESC makes an XLSX file unreadable), the text is normalised to NFC (so
"å" typed as "a" + ring compares equal to "å") and capped in length. Everything written to a
spreadsheet or a CSV file passes ``spreadsheet_text``, which also cleans what was stored before
this rule existed and neutralises formulas as OWASP recommends ("CSV Injection"): a field that
starts with ``= + - @``, tab or carriage return gets a leading apostrophe, so Excel and
LibreOffice show it as text instead of running it. Plain numbers such as ``-3,5`` are not
formulas and stay as they are.
"""

from __future__ import annotations

import re
import unicodedata

# Caps for what administrators type: names are one line, descriptions a paragraph or two.
NAME_MAX_CHARS = 200
DESCRIPTION_MAX_CHARS = 2000
# What a spreadsheet may read as the start of a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number as the tables print it (decimal comma or point, optional sign and per cent).
_PLAIN_NUMBER = re.compile(r"[+\-−]?\d[\d .,]*%?")
# Invisible characters people paste into codes: spaces of every width, joiners, the BOM.
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"}


# What no stored or exported text may hold: the control characters (Unicode category Cc,
# U+0000-U+001F and U+007F-U+009F) but newline and tab, lone surrogates (Cs, which cannot be
# written) and the two non-characters U+FFFE and U+FFFF. One regular expression instead of a
# test per character: Overblik passes thousands of names through this on every run.
_NOT_ALLOWED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# The same, but a carriage return is kept (a CSV field's own line breaks).
_NOT_ALLOWED_IN_CSV = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: object, *, max_length: int | None = None, single_line: bool = False) -> str:
    """``text`` as it may be stored: NFC, no control characters but newline and tab, capped.

    Line breaks of every kind become ``\\n``; with ``single_line`` (names, ids) every run of
    whitespace becomes one space and zero-width characters go. Leading and trailing whitespace
    is removed. ``max_length`` cuts the text after that many characters.
    """
    if text is None:
        return ""
    value = unicodedata.normalize("NFC", str(text))
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\u2028", "\n").replace("\u2029", "\n")
    value = _NOT_ALLOWED.sub("", value)
    if single_line:
        value = "".join(character for character in value if character not in _INVISIBLE)
        value = " ".join(value.split())
    value = value.strip()
    if max_length is not None:
        value = value[:max_length].rstrip()
    return value


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula (and it is no plain number)."""
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def spreadsheet_text(value: object) -> str:
    """A text field for a CSV file: cleaned of control characters, formulas neutralised.

    The cleaning keeps newlines and tabs inside the text (the CSV writer quotes them) but
    removes anything an XLSX or CSV reader chokes on, also in text stored before cleaning at the
    door began. A text a spreadsheet would run as a formula gets a leading apostrophe.
    """
    text = "" if value is None else str(value)
    text = _NOT_ALLOWED_IN_CSV.sub("", text)
    return "'" + text if is_formula_like(text) else text


def xlsx_text(value: object) -> str:
    """A text cell's value for an XLSX sheet: cleaned, but without the apostrophe.

    The XLSX writer stores it as a text cell with Excel's "quote prefix" set, so it is shown as
    written and never becomes a formula, also when someone edits the cell.
    """
    text = "" if value is None else str(value)
    return _NOT_ALLOWED.sub("", text)


# The characters that make Markdown (CommonMark, GitHub's extensions, Streamlit's math, icons
# and colour directives) out of inline text: links and images need ``[``, raw autolinks ``<``,
# literal autolinks ``http://`` (the ``:``) or ``www.``; a backslash makes each plain text.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>~$#|!{}])")
# A colon matters only before ``//`` (``http://``) or in a short code (``:red[``, ``:smile:``).
_MARKDOWN_COLON = re.compile(r":(?=//|[A-Za-z0-9_/+-]+[:\[])")
_WWW = re.compile(r"(www)\.", re.IGNORECASE)


def markdown_text(value: object) -> str:
    """A name or comment for an element that renders Markdown, shown exactly as written.

    Markdown characters are escaped, so an image, a link, an autolink (``http://...``,
    ``www...``), emphasis, a heading or an icon in a unit name stays text; control characters
    go. The text reads the same on screen.
    """
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", xlsx_text(value))
    text = _MARKDOWN_COLON.sub(r"\\:", text)
    return _WWW.sub(r"\1\\.", text).replace("\n", "  \n")


def strip_invisible(text: str) -> str:
    """``text`` without zero-width characters and soft hyphens, every kind of space a space,
    every kind of dash a hyphen (what a phone or a word processor turns a typed code into)."""
    value = unicodedata.normalize("NFKC", text)
    value = "".join(character for character in value if character not in _INVISIBLE)
    value = "".join(
        " " if unicodedata.category(character) == "Zs" else character for character in value
    )
    return "".join(
        "-" if unicodedata.category(character) == "Pd" else character for character in value
    )
