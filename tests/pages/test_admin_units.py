"""Enheder page: upload a unit file, preview the counts, apply it; rejections with line numbers."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from data import open_database
from data import org as org_queries
from data.audit import entries
from surveys.installation.demo import UNITS
from tests.conftest import app_file
from tests.pages.login_support import TIMEOUT, role_file, signed_in

__all__ = ["role_file"]


def _demo_file(drop: set[str], extra: str = "") -> bytes:
    lines = ["id;parent_id;name;type;headcount"]
    lines += [
        f"{uid};{parent or ''};{name};{kind};{count}"
        for uid, parent, name, kind, count in UNITS
        if uid not in drop
    ]
    return ("\r\n".join(lines) + extra).encode("cp1252")


def test_a_file_is_previewed_with_counts_and_applied_on_request(app_env: Path) -> None:
    at = AppTest.from_file(app_file("pages/organisation.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.title[0].value == "Organisation"
    new_unit = "\r\nSYD-NY;AELDRE-SYD;Plejecenter Nyhøj;enhed;20"
    at.file_uploader[0].upload("enheder.csv", _demo_file({"ADM-OKO"}, new_unit), "text/csv")
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"Nye": "1", "Ændres": "0", "Genåbnes": "0", "Uændrede": "39", "Lukkes": "1"}
    assert any("40 enheder (Windows-1252, adskilt med semikolon)" in c.value for c in at.caption)
    changes = at.dataframe[0].value
    assert set(changes["Id"]) == {"SYD-NY", "ADM-OKO"}
    db = open_database(app_env)
    assert "SYD-NY" not in set(org_queries.units(db)["id"])  # the preview changed nothing
    db.close()
    at.button(key="units_apply").click().run()
    assert not at.exception
    assert (
        "Importen er gennemført: 1 nye, 0 ændrede, 0 genåbnede og 1 lukkede" in at.success[0].value
    )
    tree = at.dataframe[-1].value.set_index("Id")
    assert tree.loc["SYD-NY", "Navn"] == "Plejecenter Nyhøj"
    assert tree.loc["ADM-OKO", "Status"] == "lukket"
    db = open_database(app_env)
    assert entries(db).iloc[0]["action"] == "units.import"
    db.close()


def test_a_bad_file_is_rejected_with_line_numbers_and_no_apply_button(app_env: Path) -> None:
    at = AppTest.from_file(app_file("pages/organisation.py"), default_timeout=TIMEOUT).run()
    bad = "id,parent_id,name,type,headcount\nA,,Top,kommune,0\nB,A,Team,team,seks\nC,X,C,team,1\n"
    at.file_uploader[0].upload("bad.csv", bad.encode(), "text/csv").run()
    assert not at.exception
    error = at.error[0].value
    assert "Filen blev afvist, og intet er ændret" in error
    assert "Linje 3: »seks« er ikke et helt tal" in error
    assert "Linje 4: den overordnede enhed »X« findes ikke i filen" in error
    assert not [b for b in at.button if b.key == "units_apply"]


def test_a_signed_in_administrator_is_the_actor_in_the_audit_log(role_file, app_env) -> None:
    at = signed_in("pages/organisation.py", "admin").run()
    at.file_uploader[0].upload("enheder.csv", _demo_file({"NORD-NAT"}), "text/csv").run()
    at.button(key="units_apply").click().run()
    assert not at.exception
    db = open_database(app_env)
    assert entries(db).iloc[0]["actor"] == "it@fjordby.dk"
    assert bool(org_queries.units(db).set_index("id").loc["NORD-NAT", "closed"])
    db.close()
    log = signed_in("pages/logbog.py", "admin").run()
    assert not log.exception
    table = log.dataframe[0].value
    assert list(table.columns) == ["Tidspunkt", "Hvem", "Handling", "Detaljer"]
    assert table.iloc[0]["Hvem"] == "it@fjordby.dk"
    assert "1 lukkede" in table.iloc[0]["Detaljer"]


def test_the_page_offers_the_unit_file_template(app_env: Path) -> None:
    at = AppTest.from_file(app_file("pages/organisation.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == ["Hent skabelon (CSV)"]
