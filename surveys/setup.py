"""Setting up a database: store instruments, create the empty file, or the demo kommune."""

from __future__ import annotations

from data import projects
from data.db import Database
from surveys.instrument import Instrument


def register_instrument(db: Database, instrument: Instrument) -> None:
    """Store an instrument version (items in file order) unless it is stored already."""
    projects.store_instrument(
        db,
        instrument_id=instrument.id,
        name=instrument.name,
        version=instrument.version,
        title=instrument.title,
        source=instrument.source,
        items=[
            (item.id, item.construct, position, item.text["da"], item.text["en"], item.reverse)
            for position, item in enumerate(instrument.items, start=1)
        ],
    )
