"""The shared timeline: the demo's MED discussions and actions around the Syd drop."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from data import projects as project_queries
from medspil.scope import Scope
from medspil.vocabulary import Role
from surveys.together import timeline


def test_the_demo_timeline_tells_the_story_before_the_drop_and_the_recovery(demo_db) -> None:
    events = timeline.events(demo_db, Scope.admin(), "medicin", "da")
    phases = project_queries.phases(demo_db, "medicin").set_index("kind")
    udvikling = pd.Timestamp(phases.loc["udvikling", "starts"]).date()
    implementering = pd.Timestamp(phases.loc["implementering", "starts"]).date()
    informed = next(e for e in events if "Lokal-MED Ældreområde Syd: Udviklingsfasen" in e.label)
    # The discussion in the first week of udvikling, before its first wave.
    assert udvikling <= informed.day < udvikling + dt.timedelta(days=14)
    assert informed.label.startswith(informed.day.strftime("%d.%m") + " ")
    assert "Medarbejderne informeres" in informed.detail
    into_test = next(e for e in events if e.kind == timeline.ACTION and "testgruppen" in e.label)
    assert informed.day < into_test.day < implementering
    assert into_test.label == f"{into_test.day:%d.%m} Handling: Superbrugere fra Syd i testgruppen"
    assert [e.day for e in events] == sorted(e.day for e in events)


def test_a_member_of_lokal_med_nord_does_not_see_syd_on_the_timeline(demo_db) -> None:
    member = Scope(
        role=Role.MED, unit_roots=frozenset({"AELDRE-NORD"}), committee_ids=frozenset({"LMED-NORD"})
    )
    labels = [e.label for e in timeline.events(demo_db, member, "medicin", "en")]
    assert labels and not any("Syd" in label for label in labels)
    assert any("Action: Afklar adgangen" in label for label in labels)
