"""MED-udvalg page: the committees with their areas; create one and fix a rejected form."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data import open_database
from data import org as org_queries
from tests.conftest import app_file
from tests.pages.login_support import TIMEOUT


def test_the_committees_are_listed_and_a_new_one_is_created(app_env: Path) -> None:
    at = AppTest.from_file(app_file("pages/med_udvalg.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    table = at.dataframe[0].value.set_index("Id")
    assert table.loc["LMED-SYD", "Dækker"] == "Ældreområde Syd"
    assert table.loc["HMED", "Niveau"] == "Hoved-MED"
    at.text_input[0].input("LMED-TM-VEJ")
    at.text_input[1].input("Lokal-MED Vej og Park")
    at.multiselect[0].set_value(["VEJPARK", "VEJ-DRIFT"])
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    assert "Vej og Park ligger allerede under en anden valgt enhed" not in at.error[0].value
    assert "Vejdrift ligger allerede under en anden valgt enhed" in at.error[0].value
    at.multiselect[0].set_value(["VEJPARK"])
    at.button[0].click().run()
    assert not at.exception
    assert at.success[0].value == "Udvalget Lokal-MED Vej og Park er gemt."
    db = open_database(app_env)
    assert org_queries.committee_roots(db, "LMED-TM-VEJ") == ["VEJPARK"]
    db.close()
    assert "LMED-TM-VEJ" in set(at.dataframe[0].value["Id"])
    # After the save the form is empty again, ready for the next committee.
    assert at.text_input[0].value == "" and at.text_input[1].value == ""
    assert at.multiselect[0].value == []


def test_an_existing_committee_is_edited(app_env: Path) -> None:
    at = AppTest.from_file(app_file("pages/med_udvalg.py"), default_timeout=TIMEOUT).run()
    at.selectbox(key="committee_choice").set_value("LMED-BYG").run()
    assert [t.label for t in at.text_input] == ["Navn"]  # the id of an existing one is fixed
    assert at.multiselect[0].value == ["BYGPLAN"]
    at.multiselect[0].set_value(["BYGPLAN", "TEKADM"])
    at.button[0].click().run()
    assert not at.exception and at.success
    db = open_database(app_env)
    assert org_queries.committee_roots(db, "LMED-BYG") == ["BYGPLAN", "TEKADM"]
    db.close()
