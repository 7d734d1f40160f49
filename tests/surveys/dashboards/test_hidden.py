"""Honest hidden numbers on the demo: the night team, its sibling, and a project with one wave.

Which groups are small is checked against the stored answers counted in the test, never against
the code's own flags.
"""

from __future__ import annotations

import pytest

from data.db import Database
from surveys.dashboards.basis import project_basis
from surveys.dashboards.hidden import hidden_reason, hidden_sentence, shown_waves
from surveys.installation.demo import SMALL_TEAM
from tests.conftest import TODAY

SIBLING = "NORD-HJEM"


def _responses(db: Database, unit: str, wave_id: int) -> int:
    with db.cursor() as cur:
        return cur.execute(
            "SELECT count(*) FROM responses WHERE unit_id = ? AND wave_id = ?", [unit, wave_id]
        ).fetchone()[0]


@pytest.fixture(scope="module")
def medicin(demo_db: Database):
    return project_basis(demo_db, "medicin", today=TODAY)


def test_the_night_team_is_hidden_because_it_is_small(demo_db: Database, medicin) -> None:
    protected = medicin.protected
    u = protected.units.index(SMALL_TEAM)
    for w, wave_id in enumerate(protected.waves):
        n = _responses(demo_db, SMALL_TEAM, wave_id)
        assert n < medicin.k_min
        if n > 0:
            assert protected.wave_hidden[:, u, w].all()
            assert hidden_reason(medicin, SMALL_TEAM, wave_id) == "small"


def test_its_sibling_is_hidden_to_protect_it_and_says_so(demo_db: Database, medicin) -> None:
    protected = medicin.protected
    u = protected.units.index(SIBLING)
    protecting = [
        w for w, wave_id in enumerate(protected.waves) if protected.wave_hidden[:, u, w].all()
    ]
    assert protecting, "the demo's sibling is hidden in some wave"
    for w in protecting:
        wave_id = protected.waves[w]
        assert _responses(demo_db, SIBLING, wave_id) >= medicin.k_min
        assert _responses(demo_db, SMALL_TEAM, wave_id) in range(1, medicin.k_min)
        assert hidden_reason(medicin, SIBLING, wave_id) == "neighbour"
    text = hidden_sentence("neighbour", "da", unit="Hjemmeplejen Nord", k=5, wave="måling 25")
    assert text.startswith("Hjemmeplejen Nord har svar nok, men tallene for måling 25 er skjult")
    assert "færre end" not in text


def test_a_project_with_one_wave_has_nothing_to_compare_yet(demo_db: Database) -> None:
    basis = project_basis(demo_db, "byggesag", today=TODAY)
    assert len(basis.waves) == 1
    assert shown_waves(basis, "BYGPLAN") == 1
    text = hidden_sentence("nothing_yet", "da", unit="Byg og Plan", k=5)
    assert "intet at sammenligne" in text and "signifikant" not in text


def test_each_situation_has_its_own_words_in_both_languages() -> None:
    for lang in ("da", "en"):
        sentences = {
            hidden_sentence(r, lang, unit="X", k=5, wave="1")
            for r in ("small", "neighbour", "nothing_yet")
        }
        assert len(sentences) == 3
