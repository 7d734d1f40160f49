"""Kommentarer page: only groups of at least k_comments, wave only, filters, no download."""

from __future__ import annotations

from pathlib import Path

from tests.pages.dash_support import add_project_without_waves, run_page, texts


def _comment_captions(at) -> list[str]:
    return [c.value for c in at.caption if c.value.startswith("Måling ")]


def test_syd_comments_are_shown_with_their_wave_only_and_cannot_be_downloaded(
    app_env: Path,
) -> None:
    at = run_page("comments", params={"projekt": "medicin", "enhed": "AELDRE-SYD"})
    assert not at.exception
    assert "mindst 10 svar" in texts(at)
    captions = _comment_captions(at)
    assert captions and all(" · " in c for c in captions)
    assert len(at.text) == len(captions) <= 40
    assert "Viser 40 af" in texts(at)
    assert not at.get("download_button")
    at.button[0].click().run()
    assert len(at.text) == 80  # Syd has some 300 comments; one click shows 40 more


def test_filters_choose_among_the_groups_comments(app_env: Path) -> None:
    at = run_page("comments", params={"projekt": "medicin", "enhed": "AELDRE-SYD"})
    phase = at.selectbox(key="dash_comment_phase")
    phase.select_index(phase.options.index("Udvikling")).run()
    theme = at.selectbox(key="dash_comment_theme")
    theme.select_index(theme.options.index("Medspil")).run()
    assert not at.exception
    assert all(c.endswith("· Udvikling") for c in _comment_captions(at))
    assert "»inddraget«" in texts(at)
    words = ("inddrag", "hørt", "med til", "erfaring", "hovedet", "besluttet", "teste", "asked")
    words += ("decided", "involved", "indflydelse")
    assert at.text and all(any(w in t.value.lower() for w in words) for t in at.text)


def test_the_small_team_has_too_few_for_comments(app_env: Path) -> None:
    at = run_page("comments", role="leder", unit="NORD-NAT")
    assert not at.exception
    assert "færre end 10 svar i hver måling" in texts(at)
    assert not at.text


def test_a_project_without_waves_says_so(app_env: Path) -> None:
    add_project_without_waves(app_env)
    at = run_page("comments", params={"projekt": "aaa-ny"})
    assert not at.exception
    assert "ingen afsluttede målinger" in texts(at)
