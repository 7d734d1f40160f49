"""One text catalogue per language (``locales/da.toml``, ``locales/en.toml``); Danish first."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The flat ``{"section.key": text}`` catalogue of one language."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {LANGUAGES}")
    raw = tomllib.loads(resources.files("medspil").joinpath(f"locales/{lang}.toml").read_text())
    flat: dict[str, str] = {}

    def walk(prefix: str, node: dict[str, Any]) -> None:
        for key, value in node.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict):
                walk(name, value)
            else:
                flat[name] = value

    walk("", raw)
    return flat


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The text for ``key`` in ``lang``, with ``{name}`` placeholders filled from ``params``.

    A key missing in English falls back to Danish; a key missing everywhere raises ``KeyError``,
    which the catalogue test catches before a user could.
    """
    texts = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)
    text = texts.get(key)
    if text is None:
        text = catalogue(DEFAULT_LANGUAGE)[key]
    return text.format(**params) if params else text
