"""Printable cut-out slips: per code the QR of its answer link, the short address and the code.

HTML and CSS rendered by WeasyPrint on A4, eight slips a page with dashed cutting lines, the
QR codes as vector SVG from ``segno`` and the bundled DejaVu Sans, so æ, ø and å print the same
on every machine.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence
from urllib.parse import urlsplit

import segno
from weasyprint import HTML

from medspil.assets import font_path
from medspil.config import settings
from medspil.errors import AnswerAddressNotSet
from medspil.formatting import date_text
from medspil.i18n import t
from surveys.answering.codes import IssuedCodes, answer_url, normalise_code, short_url

SLIPS_PER_PAGE = 8

_CSS = """
@font-face {{ font-family: "Medspil Sans"; src: url("{regular}"); }}
@font-face {{ font-family: "Medspil Sans"; font-weight: bold; src: url("{bold}"); }}
@page {{ size: A4; margin: 10mm; }}
body {{ font-family: "Medspil Sans"; margin: 0; color: #000; }}
.sheet {{ page-break-after: always; }}
.sheet:last-child {{ page-break-after: auto; }}
.slip {{
  box-sizing: border-box; float: left; width: 94.5mm; height: 68mm; padding: 5mm;
  border: 0.3mm dashed #777; overflow: hidden;
}}
.qr {{ float: left; width: 32mm; margin-right: 4mm; }}
.qr svg {{ width: 32mm; height: 32mm; }}
.text {{ font-size: 8.5pt; line-height: 1.3; }}
.heading {{ font-weight: bold; font-size: 10pt; }}
.project {{ margin-bottom: 2mm; }}
.label {{ margin-top: 2mm; }}
.code {{ font-weight: bold; font-size: 15pt; letter-spacing: 0.6mm; }}
.url {{ font-weight: bold; overflow-wrap: anywhere; }}
.small {{ font-size: 7.5pt; color: #333; margin-top: 2mm; }}
"""


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (error correction M survives a crumpled slip)."""
    return segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True)


def _breakable(url: str) -> str:
    """The address, allowed to wrap only before its last part (``.../besvar``)."""
    head, _, tail = url.rpartition("/")
    return f"{html.escape(head)}<wbr>/{html.escape(tail)}"


def slips_html(
    codes: Sequence[str],
    *,
    project_name: str,
    closes: dt.date,
    base_url: str,
    lang: str = "da",
) -> str:
    """The slips as one HTML document (what :func:`slips_pdf` renders)."""
    css = _CSS.format(regular=font_path().as_uri(), bold=font_path(bold=True).as_uri())
    slips = []
    for code in codes:
        url = answer_url(normalise_code(code), base_url)
        slips.append(f"""
<div class="slip">
  <div class="qr">{qr_svg(url)}</div>
  <div class="text">
    <div class="heading">{html.escape(t("codes.slip_heading", lang))}</div>
    <div class="project">{html.escape(project_name)}</div>
    <div>{html.escape(t("codes.slip_instructions", lang))}</div>
    <div class="url">{_breakable(short_url(base_url))}</div>
    <div class="label">{html.escape(t("codes.slip_code", lang))}</div>
    <div class="code">{html.escape(code)}</div>
    <div class="small">{html.escape(t("codes.slip_closes", lang, closes=date_text(closes)))}
      <br>{html.escape(t("codes.slip_anonymous", lang))}</div>
  </div>
</div>""")
    sheets = "".join(
        f'<div class="sheet">{"".join(slips[i : i + SLIPS_PER_PAGE])}</div>'
        for i in range(0, len(slips), SLIPS_PER_PAGE)
    )
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">'
        f"<style>{css}</style></head><body>{sheets}</body></html>"
    )


def slips_pdf(
    codes: Sequence[str],
    *,
    project_name: str,
    closes: dt.date,
    base_url: str,
    lang: str = "da",
) -> bytes:
    """The slips for ``codes`` as an A4 PDF, eight to a page."""
    document = slips_html(
        codes, project_name=project_name, closes=closes, base_url=base_url, lang=lang
    )
    return HTML(string=document).write_pdf()


LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


def printed_address() -> str:
    """The answer address the slips print (``BASE/besvar``), shown before anything is issued."""
    return short_url(settings().base_url)


def check_answer_address(base_url: str | None = None) -> None:
    """Refuse to print slips that point at this machine only (``AnswerAddressNotSet``)."""
    base = settings().base_url if base_url is None else base_url
    host = (urlsplit(base).hostname or "").lower()
    if host in LOCAL_HOSTS or host.endswith(".localhost"):
        raise AnswerAddressNotSet(url=short_url(base))


def slips_for(issued: IssuedCodes, *, lang: str = "da") -> bytes:
    """The cut-out slips of freshly issued codes, with this installation's answer address;
    refused (``AnswerAddressNotSet``) while that address is still this machine."""
    check_answer_address()
    return slips_pdf(
        issued.codes,
        project_name=issued.project_name,
        closes=issued.closes,
        base_url=settings().base_url,
        lang=lang,
    )
