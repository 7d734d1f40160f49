"""``store_response`` checks the answers itself (issue 12): every value 1..5 or None, every item
of the wave's instrument and each once. A bad answer is refused with the plain "does not match
the questionnaire" message, nothing is written and the code stays unused, whoever the caller."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from data import open_database
from data.db import Database
from data.invitations import find_invitation
from data.submissions import store_response
from medspil.errors import AnswerRejected
from surveys.answering.codes import code_hash, normalise_code
from surveys.answering.form import open_form
from tests.surveys.answering.answer_support import SECRET, TODAY, open_codes


@pytest.fixture
def demo(demo_copy: Path) -> Iterator[Database]:
    database = open_database(demo_copy)
    yield database
    database.close()


def _everything(db: Database) -> dict[str, tuple[int, int]]:
    """Per table: row count and an order-independent checksum of its rows."""
    with db.cursor() as cur:
        tables = [
            str(name)
            for (name,) in cur.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
            ).fetchall()
        ]
        return {
            name: tuple(cur.execute(f'SELECT count(*), sum(hash(t)) FROM "{name}" t').fetchone())
            for name in tables
        }


def _code_and_items(db: Database) -> tuple[str, list[str]]:
    (code,) = open_codes(db, 1)
    items = [item.id for item in open_form(db, code, lang="da", today=TODAY, secret=SECRET).items]
    return code_hash(normalise_code(code), SECRET), items


# name -> how to spoil a good answer list (item ids of the wave's form in order)
BAD_ANSWERS = {
    "value 0": lambda items: [(items[0], 0), *((i, 3) for i in items[1:])],
    "value 6": lambda items: [(items[0], 6), *((i, 3) for i in items[1:])],
    "value -1": lambda items: [(i, -1) for i in items],
    "value 3.5": lambda items: [(items[0], 3.5), *((i, 3) for i in items[1:])],
    "value True": lambda items: [(items[0], True), *((i, 3) for i in items[1:])],
    "value '3'": lambda items: [(items[0], "3"), *((i, 3) for i in items[1:])],
    "value 10**20": lambda items: [(items[0], 10**20), *((i, 3) for i in items[1:])],
    "item of no instrument": lambda items: [("men1x", 3), *((i, 3) for i in items)],
    "item twice": lambda items: [(items[0], 3), *((i, 4) for i in items)],
    "item with ';'": lambda items: [(f"{items[0]};{items[1]}=5", 3)],
    "empty item id": lambda items: [("", 3)],
    "item id not text": lambda items: [(7, 3)],
    "not a pair": lambda items: [(items[0], 3, 4)],
}


@pytest.mark.parametrize("spoil", list(BAD_ANSWERS))
def test_a_bad_answer_is_refused_and_nothing_is_written(demo: Database, spoil: str) -> None:
    hashed, items = _code_and_items(demo)
    before = _everything(demo)
    with pytest.raises(AnswerRejected) as caught:
        store_response(demo, code_hash=hashed, answers=BAD_ANSWERS[spoil](items), comment="hej")
    assert caught.value.message("da") == (
        "Svaret passer ikke til spørgeskemaet. Genindlæs siden, og prøv igen."
    )
    assert _everything(demo) == before
    assert not find_invitation(demo, hashed).used


def test_an_item_of_another_instrument_is_refused(demo: Database) -> None:
    """An item id that exists, but in no instrument of this wave, is not accepted either."""
    hashed, items = _code_and_items(demo)
    with demo.cursor() as cur:
        cur.execute(
            "INSERT INTO instruments SELECT 'other-1', * EXCLUDE (id) FROM instruments LIMIT 1"
        )
        cur.execute(
            "INSERT INTO items SELECT 'other-1', 'fremmed', * EXCLUDE (instrument_id, id) "
            "FROM items LIMIT 1"
        )
    before = _everything(demo)
    with pytest.raises(AnswerRejected):
        store_response(demo, code_hash=hashed, answers=[("fremmed", 3)], comment=None)
    assert _everything(demo) == before


def test_the_same_call_with_good_answers_is_stored(demo: Database) -> None:
    """The control: every item 1..5 or None is stored, and the code is used."""
    hashed, items = _code_and_items(demo)
    before = _everything(demo)
    answers = [(item, None if n == 0 else 1 + n % 5) for n, item in enumerate(items)]
    store_response(demo, code_hash=hashed, answers=answers, comment=None)
    assert _everything(demo) != before
    assert find_invitation(demo, hashed).used
