"""Comments for the Kommentarer page: only groups of at least k_comments, shuffled, wave only.

A comment is shown with its wave and nothing finer: not its sub-unit, not its response, not its
position in storage. The filters (construct area, phase) choose among the comments of the one
visible group; none of them narrows the group itself.

Comments carry no construct. The construct-area filter is a plain keyword match on the text
(``THEMES``), said so on the page: a comment about being heard is found under ``medspil``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from data.comments import comments_in_subtree
from data.db import Database
from medspil.i18n import t
from medspil.scope import Scope
from surveys.dashboards.basis import project_basis, require_project, require_unit

# Lower-case word stems per construct area; a comment belongs to every area it mentions.
THEMES: dict[str, tuple[str, ...]] = {
    "mening": ("mening", "formål", "hvorfor", "gavn", "borger", "beboer", "sikker", "kvalitet"),
    "motivation": ("motiv", "lyst", "glæd", "energi", "spænd", "træt", "gider", "engag"),
    "medspil": (
        "inddrag",
        "hørt",
        "med til",
        "indflydelse",
        "medbestem",
        "erfaring",
        "hovedet",
        "besluttet",
        "teste",
        "lytte",
        "asked",  # some write in English
        "decided",
        "involved",
    ),
    "information": (
        "informa",
        "hører først",
        "ved ikke",
        "hvem jeg skal",
        "spørgsmål",
        "personalemøde",
        "besked",
        "nyhedsbrev",
    ),
    "tryghed": ("tryg", "sige fra", "fejl", "bange", "usikker"),
    "kompetencer": ("oplær", "lære", "kursus", "superbruger", "uddann", "klar", "hjælp"),
    "kerneopgave": ("borger", "beboer", "kerneopgave", "kvalitet", "pleje"),
    "usynligt_arbejde": (
        *("tid", "ekstra", "usynlig", "ved siden af", "dobbelt"),
        *("extra work", "invisible", "on the side"),
    ),
}


@dataclass(frozen=True)
class CommentView:
    """The readable comments of one group: ``comments`` has ``wave_label``, ``phase_label``,
    ``text`` (shuffled). ``hidden_waves`` counts waves with comments withheld because the group
    had fewer than ``k_comments`` respondents. ``empty_reason``: None, ``"no_waves"``,
    ``"too_few"`` or ``"no_comments"``."""

    unit_id: str
    unit_label: str
    comments: pd.DataFrame
    shown_waves: int
    hidden_waves: int
    k_comments: int
    empty_reason: str | None


def comment_themes(db: Database, scope: Scope, project_id: str, *, today: dt.date) -> list[str]:
    """The construct areas a project's comments can be filtered by (its constructs)."""
    require_project(db, scope, project_id)
    basis = project_basis(db, project_id, today=today)
    return [c for c in basis.constructs if c in THEMES]


def matches_theme(text: str, theme: str) -> bool:
    """Does the comment mention the construct area (a keyword stem of ``THEMES``)?"""
    lowered = text.lower()
    return any(stem in lowered for stem in THEMES.get(theme, ()))


def comment_view(
    db: Database,
    scope: Scope,
    project_id: str,
    unit_id: str,
    *,
    lang: str,
    today: dt.date,
    phase_id: int | None = None,
    theme: str | None = None,
) -> CommentView:
    """The comments of ``unit_id``'s subtree in the waves where that group may be read."""
    require_project(db, scope, project_id)
    basis = project_basis(db, project_id, today=today)
    require_unit(basis, scope, unit_id)
    label = basis.names[unit_id]
    columns = ["wave_label", "phase_label", "text"]
    waves = basis.waves
    if phase_id is not None:
        waves = waves[waves["phase_id"] == phase_id]
    if waves.empty:
        return CommentView(
            unit_id, label, pd.DataFrame(columns=columns), 0, 0, basis.k_comments, "no_waves"
        )
    groups = basis.comment_groups
    readable = set(groups.loc[groups["unit_id"] == unit_id, "wave_id"])
    answered = set(basis.responses.loc[basis.responses["unit_id"] == unit_id, "wave_id"])
    wave_ids = [int(w) for w in waves["id"] if int(w) in readable]
    hidden = len([w for w in waves["id"] if int(w) in answered and int(w) not in readable])
    if not wave_ids:
        return CommentView(
            unit_id, label, pd.DataFrame(columns=columns), 0, hidden, basis.k_comments, "too_few"
        )
    found = comments_in_subtree(db, project_id, unit_id, wave_ids)
    if theme is not None:
        found = found[[matches_theme(text, theme) for text in found["text"]]]
    kinds = dict(zip(waves["id"], waves["phase_kind"], strict=True))
    comments = pd.DataFrame(
        {
            "wave_label": [basis.wave_label(int(w), lang) for w in found["wave_id"]],
            "phase_label": [t(f"phase.{kinds[w]}", lang) for w in found["wave_id"]],
            "text": found["text"].tolist(),
        },
        columns=columns,
    )
    empty = "no_comments" if comments.empty else None
    return CommentView(unit_id, label, comments, len(wave_ids), hidden, basis.k_comments, empty)
