"""Setting up a real installation: store instruments and mark the file as initialised."""

from __future__ import annotations

from data import projects
from data.db import Database
from surveys.instruments.instrument import Instrument


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


def mark_initialised(db: Database) -> None:
    """Record that this is a real installation: the app never fills it with the demo."""
    projects.set_installation_flag(db, "initialised", "true")


def is_initialised(db: Database) -> bool:
    """True for a real installation (made with ``medspil init``): never demo mode."""
    return projects.installation_flag(db, "initialised") == "true"
