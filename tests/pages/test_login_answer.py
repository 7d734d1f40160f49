"""In login mode respondents still never sign in: the answer page stays open to a code."""

from __future__ import annotations

from pathlib import Path

from tests.pages.login_support import role_file, signed_in

__all__ = ["role_file"]


def test_the_answer_page_needs_no_login(role_file: Path) -> None:
    at = signed_in("pages/besvar.py", None).run()
    assert not at.exception
    assert "Log ind" not in [b.label for b in at.button]
    assert "Din svarkode" in [t.label for t in at.text_input]
