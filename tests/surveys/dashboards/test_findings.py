"""Finding sentences: the words, the grouping, and the demo's planted medspil drop in one sentence.

Sizes on the demo are checked against the phase means computed in the test from the stored
score histograms (leaf units summed by hand), never from the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest

from data.db import Database
from data.results import score_histograms
from medspil.scope import Scope
from surveys.dashboards.findings import (
    Finding,
    card_children,
    cards_to_show,
    finding_sentence,
    group_findings,
    importance,
    p_text,
    project_findings,
    size_word,
    worth_saying,
)
from surveys.installation.demo import INFO_ONLY_AREA, UNITS
from tests.conftest import TODAY


def _finding(**changes: object) -> Finding:
    base = dict(
        unit_id="SYD",
        unit_label="Ældreområde Syd",
        has_units=True,
        construct="medspil",
        construct_label="Medspil",
        direction=-1,
        points=-21.6,
        phase="udvikling",
        before_phase="konsekvensvurdering",
        start_wave=10,
        certain=True,
        involvement="information",
    )
    base.update(changes)
    return Finding(**base)  # type: ignore[arg-type]


def test_size_words_follow_the_documented_scale() -> None:
    assert [size_word(p) for p in (0.0, 9.9, 10.0, 14.9, 15.0, 40.0)] == [
        "small", "small", "medium", "medium", "large", "large",
    ]  # fmt: skip
    assert size_word(-15.0) == "large"


def test_the_sentence_names_construct_size_unit_phases_and_involvement() -> None:
    assert finding_sentence(_finding(), "da") == (
        "Medspil faldt 22 point i Ældreområde Syd fra konsekvensvurdering til udvikling: "
        "en stor ændring, og den er sikker. Enhederne blev kun informeret i udviklingsfasen."
    )
    assert finding_sentence(_finding(construct_label="Participation"), "en") == (
        "Participation fell 22 points in Ældreområde Syd from impact assessment to "
        "development: a large change, and it is certain. The units were only informed in the "
        "development phase."
    )


def test_a_change_inside_a_phase_names_its_first_wave_and_never_a_bare_p_or_d() -> None:
    finding = _finding(
        direction=1, points=7.4, before_phase=None, start_wave=13, certain=False,
        involvement=None, has_units=False, unit_label="Plejecenter Åbo",
    )  # fmt: skip
    text = finding_sentence(finding, "da")
    assert text == (
        "Medspil steg 7 point i Plejecenter Åbo i udviklingsfasen fra måling 13: "
        "en lille ændring, men den er endnu ikke sikker."
    )
    assert " p " not in text and "d =" not in text


def test_one_unit_and_mixed_involvement_read_correctly() -> None:
    one = _finding(has_units=False, unit_label="Plejecenter Åbo", involvement="medbestemmelse")
    assert finding_sentence(one, "en").endswith("The unit co-decided in the development phase.")
    da = finding_sentence(one, "da")
    assert da.endswith("Enheden var med til at bestemme i udviklingsfasen.")
    mixed = _finding(
        involvement=None,
        mixed=(("information", ("Syd",)), ("medbestemmelse", ("Nord", "Vest"))),
    )
    assert finding_sentence(mixed, "da").endswith(
        "I udviklingsfasen var enhederne inddraget forskelligt: Syd blev kun informeret; "
        "Nord og Vest var med til at bestemme."
    )
    assert "Syd was only informed; Nord and Vest co-decided." in finding_sentence(mixed, "en")


def test_involvement_is_said_when_it_differs_from_neighbours_or_the_phase_before() -> None:
    assert worth_saying("information", "medindflydelse", ["information"])
    assert worth_saying("information", "information", ["medbestemmelse"])
    assert worth_saying(None, "information", [])
    assert not worth_saying("medindflydelse", "medindflydelse", ["medindflydelse"])
    assert not worth_saying("medindflydelse", None, [])


def test_p_is_written_with_its_relation_and_a_decimal_comma() -> None:
    assert [p_text(0.0004), p_text(0.0123), p_text(None)] == ["< 0,001", "= 0,012", "–"]


def test_an_area_and_its_units_that_moved_the_same_way_are_one_card_drops_first() -> None:
    area = _finding()
    kids = [
        _finding(unit_id=f"U{i}", unit_label=f"Enhed {i}", has_units=False, points=-20.0 - i)
        for i in range(4)
    ]
    other_way = _finding(unit_id="U4", unit_label="Enhed 4", has_units=False, direction=1,
                         points=6.0, before_phase=None, start_wave=12)  # fmt: skip
    rise = _finding(direction=1, points=23.0, phase="implementering", before_phase="udvikling")
    children = {"SYD": ["U0", "U1", "U2", "U3", "U4"]}
    cards = group_findings([rise, area, *kids, other_way], children, "da")
    assert [c.title for c in cards] == [
        "Medspil · Ældreområde Syd og 4 af 5 enheder",
        "Medspil · Ældreområde Syd",
        "Medspil · Enhed 4",
    ]
    assert [c.lead.direction for c in cards] == [-1, 1, 1]
    assert cards[0].member_lines[0] == "Enhed 3: −23 point"
    assert len(cards[0].members) == 4
    assert any("Benjamini" not in line for line in cards[0].details)


def test_cards_go_by_importance_and_a_drop_wins_only_near_ties() -> None:
    def one(unit: str, direction: int, points: float, certain: bool) -> Finding:
        return _finding(
            unit_id=unit, unit_label=unit, has_units=False, direction=direction, points=points,
            certain=certain, before_phase=None, start_wave=12,
        )  # fmt: skip

    sure_rise = one("A", 1, 23.4, True)
    unsure_small_drop = one("B", -1, -2.3, False)
    sure_drop_near = one("C", -1, -9.9, True)  # 9.9 against 11.0: a near-tie, the drop first
    sure_rise_near = one("D", 1, 11.0, True)
    unsure_big_rise = one("E", 1, 13.5, False)  # not yet sure: after every sure finding
    unsure_drop = one("F", -1, -5.0, False)  # 5 against 10: the clearly larger rise first
    unsure_rise = one("G", 1, 10.0, False)
    given = [unsure_small_drop, unsure_drop, unsure_rise, unsure_big_rise]
    given += [sure_rise_near, sure_drop_near, sure_rise]
    cards = group_findings(given, {}, "da")
    assert [c.lead.unit_id for c in cards] == ["A", "C", "D", "E", "G", "F", "B"]
    # Exactly at the head start the drop still goes first; just beyond it, the rise.
    assert importance(one("X", -1, -8.0, True)) < importance(one("Y", 1, 10.0, True))
    assert importance(one("X", -1, -7.9, True)) > importance(one("Y", 1, 10.0, True))


# --- on the demo, from the stored answers ------------------------------------------------------


def _phase_mean(db: Database, units: list[str], phase_kind: str) -> float:
    """Respondents' medspil mean over the leaf units' waves of one phase, by hand."""
    hist = score_histograms(db, "medicin", Scope.admin())
    with db.cursor() as cur:
        waves = cur.execute(
            "SELECT w.id FROM waves w JOIN phases p ON p.id = w.phase_id "
            "WHERE w.project_id = 'medicin' AND p.kind = ? AND w.closes < ?",
            [phase_kind, TODAY],
        ).df()["id"]
    rows = hist[
        hist["unit_id"].isin(units) & hist["wave_id"].isin(waves) & (hist["construct"] == "medspil")
    ]
    n = rows["n"].to_numpy(dtype=float)
    return float(np.sum(rows["score"].to_numpy(dtype=float) * n) / np.sum(n))


@pytest.fixture(scope="module")
def syd_cards(demo_db: Database) -> dict[str, list]:
    from analytics import wave_shifts
    from surveys.dashboards.basis import project_basis, unit_choices

    basis = project_basis(demo_db, "medicin", today=TODAY)
    units = [u for u, depth in unit_choices(basis, Scope.admin()) if depth <= 2]
    alarms = wave_shifts(
        basis.protected, waves_per_year=26, false_alarms_per_year=0.5 / len(basis.constructs)
    )
    found = {}
    for lang in ("da", "en"):
        findings = project_findings(basis, units, alarms, lang)
        found[lang] = group_findings(findings, card_children(basis, units), lang)
    return found


def test_the_demo_medspil_drop_in_syd_is_one_sentence_from_the_answers(
    demo_db: Database, syd_cards: dict[str, list]
) -> None:
    syd_leaves = [u for u, parent, *_ in UNITS if parent == INFO_ONLY_AREA]
    before = _phase_mean(demo_db, syd_leaves, "konsekvensvurdering")
    during = _phase_mean(demo_db, syd_leaves, "udvikling")
    after = _phase_mean(demo_db, syd_leaves, "implementering")
    drop = next(c for c in syd_cards["da"] if c.lead.unit_id == INFO_ONLY_AREA
                and c.lead.construct == "medspil" and c.lead.direction < 0)  # fmt: skip
    assert drop is syd_cards["da"][0]  # drops first, the largest leading
    assert abs(abs(drop.lead.points) - (before - during)) < 2
    assert drop.title == "Medspil · Ældreområde Syd og 5 af 5 enheder"
    sentence = drop.sentence
    assert sentence.startswith(f"Medspil faldt {round(before - during)} point i Ældreområde Syd")
    assert "fra konsekvensvurdering til udvikling" in sentence
    assert "Enhederne blev kun informeret i udviklingsfasen." in sentence
    rise = next(c for c in syd_cards["da"] if c.lead.unit_id == INFO_ONLY_AREA
                and c.lead.construct == "medspil" and c.lead.direction > 0)  # fmt: skip
    assert abs(rise.lead.points - (after - during)) < 2
    assert "steg" in rise.sentence and "fra udvikling til implementering" in rise.sentence
    assert "Enhederne havde medindflydelse i implementeringsfasen." in rise.sentence
    english = next(c for c in syd_cards["en"] if c.lead.unit_id == INFO_ONLY_AREA
                   and c.lead.direction < 0 and c.lead.construct == "medspil")  # fmt: skip
    assert english.sentence.startswith(
        f"Participation fell {round(before - during)} points in Ældreområde Syd from impact "
        "assessment to development"
    )
    assert "The units were only informed in the development phase." in english.sentence
    assert any("Benjamini-Hochberg" in line for line in english.details)


def test_on_the_demo_the_syd_recovery_comes_before_a_small_unsure_drop(
    syd_cards: dict[str, list],
) -> None:
    cards = syd_cards["da"]
    recovery = next(i for i, c in enumerate(cards) if c.lead.unit_id == INFO_ONLY_AREA
                    and c.lead.construct == "medspil" and c.lead.direction > 0)  # fmt: skip
    small_drops = [i for i, c in enumerate(cards) if c.lead.direction < 0
                   and abs(c.lead.points) < 5 and not c.lead.certain]  # fmt: skip
    assert small_drops, "the demo has a small drop not yet sure (Mening, 2 points)"
    assert any(cards[i].sentence.startswith("Mening faldt 2 point") for i in small_drops)
    assert all(recovery < i for i in small_drops)
    assert recovery == 1  # right after the Syd drop: both large and sure


def test_overblik_draws_five_cards_then_at_most_fifty_and_counts_the_rest() -> None:
    cards = [f"card {i}" for i in range(933)]  # the large kommune's administrator: 933 cards
    shown = cards_to_show(cards)
    assert list(shown.first) == cards[:5]
    assert list(shown.more) == cards[5:50]
    assert shown.not_shown == 883
    few = cards_to_show(cards[:7])
    assert (len(few.first), len(few.more), few.not_shown) == (5, 2, 0)
    assert cards_to_show([]) == cards_to_show([], first=5, most=50)
    assert cards_to_show(cards[:3]).more == ()
