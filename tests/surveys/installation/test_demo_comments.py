"""The demo's comments read like a real kommune, and the planted themes can be found.

Counted from the stored comments with the Kommentarer page's own theme filter.
"""

from __future__ import annotations

import pandas as pd

from data.db import Database
from surveys.dashboards.comments import matches_theme
from surveys.installation.demo import CO_DESIGN_AREA, INFO_ONLY_AREA, UNITS


def _comments(db: Database) -> pd.DataFrame:
    with db.cursor() as cur:
        return cur.execute(
            "SELECT c.text, r.unit_id, w.project_id, p.kind AS phase FROM comments c "
            "JOIN responses r ON r.id = c.response_id JOIN waves w ON w.id = r.wave_id "
            "JOIN phases p ON p.id = w.phase_id"
        ).df()


def _share(frame: pd.DataFrame, theme: str) -> float:
    return float(frame["text"].map(lambda text: matches_theme(text, theme)).mean())


def test_syds_comments_in_udvikling_say_they_were_not_heard(demo_db: Database) -> None:
    comments = _comments(demo_db)
    leaves = {area: {u for u, parent, *_ in UNITS if parent == area}
              for area in (INFO_ONLY_AREA, CO_DESIGN_AREA)}  # fmt: skip
    during = comments[(comments["project_id"] == "medicin") & (comments["phase"] == "udvikling")]
    syd = during[during["unit_id"].isin(leaves[INFO_ONLY_AREA])]
    nord = during[during["unit_id"].isin(leaves[CO_DESIGN_AREA])]
    before = comments[
        (comments["project_id"] == "medicin")
        & (comments["phase"] == "konsekvensvurdering")
        & comments["unit_id"].isin(leaves[INFO_ONLY_AREA])
    ]
    assert len(syd) >= 20
    assert _share(syd, "medspil") > 0.6
    assert _share(syd, "medspil") > _share(before, "medspil") + 0.3
    assert syd["text"].str.contains("over hovedet|ikke hørt|inddraget", regex=True).any()
    assert nord["text"].str.contains("med til at teste|indflydelse", regex=True).any()


def test_the_comments_vary_in_theme_length_and_language(demo_db: Database) -> None:
    comments = _comments(demo_db)
    lengths = comments["text"].str.len()
    assert lengths.min() <= 10 and lengths.max() >= 250
    english = comments["text"].str.contains(r"\b(?:the|was|were|nobody)\b", regex=True)
    assert 0.03 < english.mean() < 0.3
    invisible = comments["text"].map(lambda t: matches_theme(t, "usynligt_arbejde"))
    assert invisible.sum() >= 20
    assert comments["text"].str.contains("usynlig|invisible", regex=True).any()
    assert comments["text"].nunique() >= 30
