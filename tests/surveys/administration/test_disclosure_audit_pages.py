"""Udvikling, Enheder and Faser show only numbers the disclosure audit collected.

The audit reads the dashboards' basis, not the pages; these tests run each page with AppTest
on the audited demo, as an administrator and as a leder of Ældreområde Nord (the night team's
area), read every number the page renders (its tables and the data of its plotly charts) and
look each one up among the audit's facts for the same construct, units and waves:

- a score's n, mean or quantile must be an audited number (the mean at the precision shown);
- a change must be the difference of two audited means of the same group (the period before
  being the latest earlier one the audit knows, as the pages compare with the previous shown);
- a run chart's median and the Faser page's comparison by involvement must follow from
  audited means alone (recomputed here from the facts);
- a spread-based number (CI, p, effect size, the shift monitor's size) may only stand beside an
  audited mean: spreads are not modelled by the audit (see its docstring).

A leder's numbers must also be about units inside the leder's area. A table column or a chart
trace this file does not know fails the test: a new kind of number must be classified here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import statistics
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from analytics.involvement_effect import welch_difference
from data import open_database
from medspil.i18n import t
from surveys.administration.disclosure_audit import (
    ANSWERS,
    COMMENTS,
    FAVOURABLE,
    Fact,
    collected_quantiles,
    project_truth,
)
from surveys.dashboards.basis import ProjectBasis, involvement_of

TODAY = dt.date.today()
PROJECT = "medicin"
LEDER = "AELDRE-NORD"  # the area of the night team that suppression protects
NIGHT = "NORD-NAT"  # the night team: its own pages show no number today
ROLES = [("admin", None), ("leder", LEDER)]
ROUNDED = 0.05 + 1e-9  # a number shown with one decimal
EXACT = 1e-6  # a chart's data (means, quantiles): the floats themselves
HIDDEN = t("ui.fewer_than_k", "da")
DASH = "–"


def col(key: str) -> str:
    return t(f"dash.col_{key}", "da")


def parse(text: str) -> float:
    """A number as the pages write it: "1.234,5", "−3,1", "+2", "±0"."""
    clean = text.strip().replace("\u2212", "-").replace("±", "").replace("+", "")
    return float(clean.replace(".", "").replace(",", "."))


NUMBER = r"[−\-+±]?\d[\d.]*(?:,\d+)?"


# --- the audit's numbers, by what they are about --------------------------------------------


@dataclass
class Audit:
    """The audit's facts and quantiles about the project, keyed by construct, units and waves."""

    basis: ProjectBasis
    members: Any  # unit -> its direct units, as the audit's facts name groups
    n: dict[tuple, set[float]]
    sums: dict[tuple, list[float]]
    quantiles: dict[tuple, set[float]]

    def mean(self, construct: str, units: tuple[str, ...], waves: tuple[int, ...]):
        """The audited mean of the group, or None when the audit has no n and sum for it."""
        key = (construct, units, waves)
        if len(self.n.get(key, ())) != 1 or not self.sums.get(key):
            return None
        [n] = self.n[key]
        return self.sums[key][0] / n if n else None

    def earlier(self, construct: str, units: tuple[str, ...], waves: tuple[int, ...]):
        """The latest period before ``waves`` (a wave or a phase) with an audited mean."""
        periods = self.wave_periods if len(waves) == 1 else self.phase_periods
        if waves not in periods:
            return None
        before = periods[: periods.index(waves)]
        known = [p for p in before if self.mean(construct, units, p) is not None]
        return known[-1] if known else None

    @property
    def wave_periods(self) -> list[tuple[int, ...]]:
        return [(int(w),) for w in self.basis.waves["id"]]

    @property
    def phase_periods(self) -> list[tuple[int, ...]]:
        return [self.phase_waves(int(p)) for p in self.basis.phases["id"]]

    def phase_waves(self, phase: int) -> tuple[int, ...]:
        waves = self.basis.waves
        return tuple(int(w) for w in waves.loc[waves["phase_id"] == phase, "id"])


def read_audit(facts: list[Fact], members, basis: ProjectBasis, quantiles) -> Audit:
    n: dict[tuple, set[float]] = defaultdict(set)
    sums: dict[tuple, list[float]] = defaultdict(list)
    for fact in facts:
        if fact.measure in (ANSWERS, COMMENTS) or fact.measure.startswith(FAVOURABLE):
            continue  # not a score (these pages show no answers, comments or shares favourable)
        key = (fact.measure, fact.units, fact.waves)
        if fact.kind == "n" and fact.low == fact.high:
            n[key].add(fact.low)
        elif fact.kind == "sum":
            sums[key].append((fact.low + fact.high) / 2)
    found: dict[tuple, set[float]] = defaultdict(set)
    for q in quantiles:
        found[(q.construct, q.name, q.units, q.waves)].add(q.value)
    return Audit(basis, members, n, sums, found)


@pytest.fixture(scope="module")
def audit(audited_demo: Path, audited_facts) -> Audit:
    db = open_database(audited_demo)
    try:
        basis = project_truth(db, PROJECT, TODAY).project.basis
        quantiles = collected_quantiles(db, PROJECT, today=TODAY)
    finally:
        db.close()
    facts, members = audited_facts
    return read_audit(facts[PROJECT], members[PROJECT], basis, quantiles)


@pytest.fixture(scope="module")
def pages_on_audited(audited_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    """The app on one copy of ``audited_demo`` for the module (the pages only read)."""
    from tests.conftest import app_on

    copy = tmp_path_factory.mktemp("pages") / "demo.duckdb"
    shutil.copy(audited_demo, copy)
    with pytest.MonkeyPatch.context() as patch, app_on(copy, patch) as path:
        yield path


def run(page: str, role: str, unit: str | None, **kwargs):
    from tests.pages.dash_support import run_page

    at = run_page(page, role=role, unit=unit, **kwargs)
    assert not at.exception, at.exception
    assert not at.metric and not at.table  # numbers this file does not read: classify them here
    return at


def figures(at) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


# --- checking one page's numbers ------------------------------------------------------------


@dataclass
class Check:
    """Looks up every number a page shows; collects what the audit does not know."""

    audit: Audit
    within: str | None  # a leder's unit: every number must be about units inside it
    compared: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    problems: list[str] = field(default_factory=list)

    # labels -> ids
    def construct(self, label: str) -> str:
        found = [
            c
            for c in self.audit.basis.constructs
            if self.audit.basis.construct_label(c, "da") == label
        ]
        assert len(found) == 1, label
        return found[0]

    def wave(self, label: str) -> tuple[int, ...]:
        waves = [
            int(w)
            for w in self.audit.basis.waves["id"]
            if self.audit.basis.wave_label(int(w), "da") == label
        ]
        assert len(waves) == 1, label
        return (waves[0],)

    def wave_at(self, day: str) -> tuple[int, ...]:
        waves = self.audit.basis.waves
        found = [
            int(w)
            for w, opens in zip(waves["id"], waves["opens"], strict=True)
            if str(opens)[:10] == day[:10]
        ]
        assert len(found) == 1, day
        return (found[0],)

    def phase(self, label: str) -> tuple[int, ...]:
        phases = self.audit.basis.phases
        found = [
            int(p)
            for p, kind in zip(phases["id"], phases["kind"], strict=True)
            if t(f"phase.{kind}", "da") == label
        ]
        assert len(found) == 1, label
        return self.audit.phase_waves(found[0])

    def unit(self, label: str) -> str:
        found = [u for u, name in self.audit.basis.names.items() if name == label.strip()]
        assert len(found) == 1, label
        return found[0]

    # the checks
    def _units(self, where: str, unit: str) -> tuple[str, ...]:
        units = self.audit.members(unit)
        if self.within is not None and not set(units) <= set(self.audit.members(self.within)):
            self.problems.append(f"{where}: {unit} is outside the leder's {self.within}")
        return units

    def n(
        self, where: str, construct: str, unit: str, waves: tuple[int, ...], shown: float
    ) -> None:
        audited = self.audit.n.get((construct, self._units(where, unit), waves), set())
        self.compared["n"] += 1
        if shown not in audited:
            self.problems.append(
                f"{where}: n {shown} of {construct} {unit} {waves}: audit {audited}"
            )

    def mean(
        self, where: str, construct: str, unit: str, waves, shown: float, tolerance: float
    ) -> None:
        audited = self.audit.mean(construct, self._units(where, unit), waves)
        self.compared["mean"] += 1
        if audited is None or abs(audited - shown) > tolerance:
            self.problems.append(
                f"{where}: mean {shown} of {construct} {unit} {waves}: audit {audited}"
            )

    def quantile(
        self,
        where: str,
        construct: str,
        name: str,
        unit: str,
        waves,
        shown: float,
        tolerance: float,
    ) -> None:
        audited = self.audit.quantiles.get(
            (construct, name, self._units(where, unit), waves), set()
        )
        self.compared["quantile"] += 1
        if not any(abs(a - shown) <= tolerance for a in audited):
            self.problems.append(
                f"{where}: {name} {shown} of {construct} {unit} {waves}: audit {audited}"
            )

    def difference(
        self,
        where: str,
        construct: str,
        unit: str,
        waves,
        shown: float,
        tolerance: float,
        earlier=None,
    ) -> None:
        """``shown`` must be the audited mean of ``waves`` minus the audited mean before it."""
        units = self._units(where, unit)
        later = self.audit.mean(construct, units, waves)
        earlier = earlier if earlier is not None else self.audit.earlier(construct, units, waves)
        before = None if earlier is None else self.audit.mean(construct, units, earlier)
        self.compared["difference"] += 1
        if later is None or before is None or abs(later - before - shown) > tolerance:
            self.problems.append(
                f"{where}: change {shown} of {construct} {unit} {waves} from {earlier}: "
                f"audit {later} - {before}"
            )

    def beside(self, where: str, construct: str, unit: str, waves) -> None:
        """A spread-based number (CI, p, effect size, shift size): only beside an audited mean."""
        self.compared["beside"] += 1
        if self.audit.mean(construct, self._units(where, unit), waves) is None:
            self.problems.append(
                f"{where}: a statistic of {construct} {unit} {waves}, whose mean the audit "
                "does not know"
            )

    def unknown(self, where: str, what: object) -> None:
        self.problems.append(f"{where}: a number this test does not know: {what!r}")

    def summary(self, where: str, row: dict, construct: str, unit: str, waves) -> None:
        """The n, score and CI columns of a dashboard table (``tables._summary``)."""
        if row[col("n")] == HIDDEN:
            assert row[col("score")] == HIDDEN and row[col("ci")] == DASH, row
            return
        self.n(where, construct, unit, waves, parse(row[col("n")]))
        self.mean(where, construct, unit, waves, parse(row[col("score")]), ROUNDED)
        self.beside(where + " CI", construct, unit, waves)

    def change(self, where: str, row: dict, construct: str, unit: str, waves) -> None:
        """The change and p columns (``tables._comparison``): "▼ 3,1 point (signifikant)"."""
        text = row[col("change")]
        if text != DASH:
            arrow, size = text[0], parse(re.search(NUMBER, text).group())
            sign = {"▲": 1, "▼": -1, "■": 0}[arrow]
            self.difference(where, construct, unit, waves, sign * size, ROUNDED)
        if row[col("p")] != DASH:
            self.beside(where + " p", construct, unit, waves)

    def assert_audited(self, **at_least: int) -> None:
        """No number the audit does not know, and at least so many of each kind compared."""
        assert not self.problems, "\n".join(self.problems[:20])
        assert all(self.compared[kind] >= n for kind, n in at_least.items()), dict(self.compared)


def rows_of(frame) -> list[dict]:
    return [
        dict(zip(frame.columns, map(str, values), strict=True))
        for values in frame.itertuples(index=False)
    ]


def check_columns(check: Check, where: str, frame, known: set[str]) -> None:
    for column in frame.columns:
        if column not in known and frame[column].astype(str).str.contains(r"\d").any():
            check.unknown(where, column)


# --- Udvikling ------------------------------------------------------------------------------


TREND_COLUMNS = {
    col(k)
    for k in (
        "construct",
        "wave",
        "phase",
        "n",
        "score",
        "ci",
        "change",
        "p",
        "change_point",
        "shift",
    )
}


def check_trend(check: Check, at, unit: str) -> None:
    for table in (d.value for d in at.dataframe):  # none when every wave is hidden
        check_columns(check, "Udvikling table", table, TREND_COLUMNS)
        for row in rows_of(table):
            construct, waves = check.construct(row[col("construct")]), check.wave(row[col("wave")])
            check.summary("Udvikling table", row, construct, unit, waves)
            check.change("Udvikling table", row, construct, unit, waves)
            if row[col("shift")] != DASH:
                check.beside("Udvikling shift", construct, unit, waves)
    for figure in figures(at):
        check_time_traces(check, "Udvikling chart", figure, unit)


def check_time_traces(
    check: Check, where: str, figure: dict, unit: str, construct: str | None = None
) -> None:
    """The traces of a trend or run chart (x: the days the waves opened)."""
    labels = {check.audit.basis.construct_label(c, "da"): c for c in check.audit.basis.constructs}
    band = None
    for trace in figure["data"]:
        name, group = trace.get("name", ""), trace.get("legendgroup", "")
        xs, ys = trace.get("x", []), trace.get("y", [])
        if group.startswith("event-") or name.startswith(t("dash.chart_change_point", "da")):
            assert set(ys) <= {0, 6, 12, 80, 86, None}, trace  # marks drawn at fixed heights
        elif trace.get("fill") == "toself":
            band = trace  # the CI band of the series that follows
        elif trace.get("mode") == "lines+markers":
            series = construct or labels[name]
            for x, y, data in zip(xs, ys, trace["customdata"], strict=True):
                waves = check.wave_at(x)
                if y is None:
                    assert data[1:] == [DASH] * 3, data
                    continue
                check.mean(where, series, unit, waves, y, EXACT)
                check.n(where, series, unit, waves, parse(data[1]))
                check.beside(where + " CI", series, unit, waves)
            for x in (band or {}).get("x", []):
                if x is not None:
                    check.beside(where + " CI band", series, unit, check.wave_at(x))
            band = None
        elif name == HIDDEN:
            assert set(ys) == {2}, trace
        elif group in ("shift", "significant") or name == t("dash.chart_long_run", "da"):
            series = construct or labels[name.split(":")[0]]
            for x, y in zip(xs, ys, strict=True):
                check.mean(where + " " + (group or name), series, unit, check.wave_at(x), y, EXACT)
                check.beside(where + " " + (group or name), series, unit, check.wave_at(x))
        elif name.startswith(t("dash.chart_median", "da")) and construct is not None:
            check.compared["median"] += 1
            median = run_chart_median(check, construct, unit, [check.wave_at(x) for x in xs])
            if median is None or any(abs(y - median) > EXACT for y in ys):
                check.problems.append(f"{where}: median {ys} of {construct}: audit {median}")
        else:
            check.unknown(where, name or trace.get("type"))


def run_chart_median(check: Check, construct: str, unit: str, ends: list[tuple[int, ...]]):
    """The median of the audited wave means from the first to the last wave of the chart."""
    periods = check.audit.wave_periods
    inside = periods[periods.index(ends[0]) : periods.index(ends[-1]) + 1]
    means = [check.audit.mean(construct, check.audit.members(unit), w) for w in inside]
    known = [m for m in means if m is not None]
    return statistics.median(known) if known else None


def check_run_charts(check: Check, at, unit: str) -> None:
    constructs = [check.construct(s.value) for s in at.subheader]
    frames = [d.value for d in at.dataframe]
    charts = figures(at)
    assert len(frames) == 2 * len(constructs) == 2 * len(charts)  # every construct has a chart
    for construct, figure, summary, rows in zip(
        constructs, charts, frames[::2], frames[1::2], strict=True
    ):
        check_time_traces(check, "run chart", figure, unit, construct)
        check_columns(
            check,
            "run chart table",
            rows,
            {col("wave"), col("n"), col("score"), col("ci"), col("in_run")},
        )
        days = []
        for row in rows_of(rows):
            waves = check.wave(row[col("wave")])
            days.append(waves)
            check.summary("run chart table", row, construct, unit, waves)
        measures = dict(zip(summary[col("measure")], summary[col("value")], strict=True))
        median = run_chart_median(check, construct, unit, [days[0], days[-1]])
        check.compared["median"] += 1
        shown = parse(measures[t("dash.anhoej_median", "da")])
        if median is None or abs(shown - median) > ROUNDED:
            check.problems.append(
                f"run chart summary: median {shown} of {construct}: audit {median}"
            )
        # Anhøj's useful points: the audited means off the median.
        means = [check.audit.mean(construct, check.audit.members(unit), w) for w in days]
        useful = sum(m is not None and median is not None and m != median for m in means)
        if int(measures[t("dash.anhoej_useful", "da")]) != useful:
            check.problems.append(f"run chart summary: {useful} audited points of {construct}")
        # The longest run and the crossings count the audited points around that median.


@pytest.mark.parametrize(("role", "unit"), ROLES)
def test_udvikling_shows_only_numbers_the_audit_collected(
    pages_on_audited, audit, role, unit
) -> None:
    check = Check(audit, unit)
    params = {"projekt": PROJECT}
    at = run("trends", role, unit, params=params)
    shown = at.selectbox(key="dash_unit").value
    assert shown == (unit or "SAE")
    check_trend(check, at, shown)
    runs = run("trends", role, unit, params=params, state={"dash_mode": "runchart"})
    check_run_charts(check, runs, shown)
    night = run("trends", role, unit, params={**params, "enhed": NIGHT})
    assert night.selectbox(key="dash_unit").value == NIGHT
    check_trend(check, night, NIGHT)
    check.assert_audited(n=400, mean=400, difference=90, median=8, beside=700)


# --- Enheder --------------------------------------------------------------------------------


HEATMAP_COLUMNS = {col(k) for k in ("unit", "construct", "n", "score", "ci", "change", "p")}
HOVER = re.compile(
    rf"^(?P<unit>.+) · (?P<construct>.+)<br>(?P<mean>{NUMBER}) "
    rf"\(.* (?P<low>{NUMBER})–(?P<high>{NUMBER})\)"
    rf"<br>.* = (?P<n>\d+)(?:<br>.*: (?P<change>{NUMBER})(?: \(.*\))?)?$"
)


def check_heatmap(check: Check, at, waves: tuple[int, ...], mode: str) -> None:
    [table] = [d.value for d in at.dataframe]
    check_columns(check, "Enheder table", table, HEATMAP_COLUMNS)
    for row in rows_of(table):
        construct, unit = check.construct(row[col("construct")]), check.unit(row[col("unit")])
        check.summary("Enheder table", row, construct, unit, waves)
        check.change("Enheder table", row, construct, unit, waves)
    [figure] = figures(at)
    shown, hidden = figure["data"]
    assert all(z in (1, None) for zs in hidden["z"] for z in zs)  # the grey overlay: no numbers
    for i, unit_label in enumerate(shown["y"]):
        unit = check.unit(unit_label)
        for j, construct_label in enumerate(shown["x"]):
            construct = check.construct(construct_label)
            z, text, hover = shown["z"][i][j], shown["text"][i][j], shown["customdata"][i][j]
            if z is None and not text:
                assert HIDDEN in hover and not re.search(r"\d", hover), hover
                continue
            where = f"heatmap {unit_label} {construct_label}"
            found = HOVER.match(hover)
            assert found, hover
            check.mean(where + " hover", construct, unit, waves, parse(found["mean"]), ROUNDED)
            check.n(where + " hover", construct, unit, waves, parse(found["n"]))
            check.beside(where + " CI", construct, unit, waves)
            if found["change"]:
                check.difference(
                    where + " hover", construct, unit, waves, parse(found["change"]), ROUNDED
                )
            value = re.match(NUMBER, text).group()
            if mode == "level":
                check.mean(where, construct, unit, waves, z, EXACT)
                check.mean(where + " text", construct, unit, waves, parse(value), 0.5 + 1e-9)
            elif z is None:  # no change to show: the cell reads "63 (–)", the mean rounded
                check.mean(where + " text", construct, unit, waves, parse(value), 0.5 + 1e-9)
            else:
                check.difference(where, construct, unit, waves, z, EXACT)
                check.difference(where + " text", construct, unit, waves, parse(value), 0.5 + 1e-9)


@pytest.mark.parametrize(("role", "unit"), ROLES)
def test_enheder_shows_only_numbers_the_audit_collected(
    pages_on_audited, audit, role, unit
) -> None:
    check = Check(audit, unit)
    latest = audit.wave_periods[-1]
    # The latest wave by change (the page's default), then the night team's area per phase.
    at = run("units", role, unit, params={"projekt": PROJECT})
    assert at.selectbox(key="dash_parent").value == (unit or "SAE")
    check_heatmap(check, at, latest, "change")
    phases = [int(p) for p in audit.basis.phases["id"]]
    for phase, mode in ((phases[1], "level"), (phases[2], "change")):
        state = {"dash_heatmap_phase": phase, "dash_heatmap_mode": mode}
        at = run("units", role, unit, params={"projekt": PROJECT, "enhed": LEDER}, state=state)
        assert at.selectbox(key="dash_parent").value == LEDER
        check_heatmap(check, at, audit.phase_waves(phase), mode)
    check.assert_audited(n=50, mean=70, difference=90, beside=80)


# --- Faser ----------------------------------------------------------------------------------


BOX_COLUMNS = {
    col(k) for k in ("construct", "phase", "n", "score", "ci", "q10", "q25", "median", "q75", "q90")
}
COMPARISON_COLUMNS = {
    col(k)
    for k in (
        *("construct", "from_phase", "to_phase", "n_before", "n_after", "score_before"),
        *("score_after", "change", "d", "cliff", "p", "significant"),
    )
}
INVOLVEMENT_COLUMNS = {col(k) for k in ("phase", "involvement", "n", "score", "ci")}
QUANTILES = {"q10": "lowerfence", "q25": "q1", "median": "median", "q75": "q3", "q90": "upperfence"}


def check_phases(check: Check, at, unit: str) -> None:
    frames = [d.value for d in at.dataframe]
    if not frames:  # every phase hidden: the page says why
        assert not figures(at)
        return
    boxes, comparisons = frames[0], frames[1]
    check_columns(check, "Faser boxes", boxes, BOX_COLUMNS)
    for row in rows_of(boxes):
        construct, waves = check.construct(row[col("construct")]), check.phase(row[col("phase")])
        check.summary("Faser boxes", row, construct, unit, waves)
        for name in QUANTILES:
            if row[col(name)] != DASH:
                check.quantile(
                    "Faser boxes", construct, name, unit, waves, parse(row[col(name)]), ROUNDED
                )
    check_columns(check, "Faser comparisons", comparisons, COMPARISON_COLUMNS)
    for row in rows_of(comparisons):
        construct = check.construct(row[col("construct")])
        before, after = check.phase(row[col("from_phase")]), check.phase(row[col("to_phase")])
        where = "Faser comparisons"
        check.n(where, construct, unit, before, parse(row[col("n_before")]))
        check.n(where, construct, unit, after, parse(row[col("n_after")]))
        check.mean(where, construct, unit, before, parse(row[col("score_before")]), ROUNDED)
        check.mean(where, construct, unit, after, parse(row[col("score_after")]), ROUNDED)
        check.difference(where, construct, unit, after, parse(row[col("change")]), ROUNDED, before)
        if check.audit.earlier(construct, check.audit.members(unit), after) != before:
            check.problems.append(
                f"{where}: {construct} {after} against {before}, not the phase before"
            )
        for waves in (before, after):
            check.beside(where + " d, delta, p", construct, unit, waves)
    rest = frames[2:]
    if rest and set(rest[0].columns) == INVOLVEMENT_COLUMNS:
        for row in rows_of(rest[0]):
            check.summary("Faser involvement", row, "medspil", unit, check.phase(row[col("phase")]))
        rest = rest[1:]
    for frame in rest:
        check_effect(check, at, frame, unit)
    for figure in figures(at):
        check_phase_traces(check, figure, unit)


def check_phase_traces(check: Check, figure: dict, unit: str) -> None:
    labels = {check.audit.basis.construct_label(c, "da"): c for c in check.audit.basis.constructs}
    levels = {
        t(f"involvement.{level}", "da")
        for level in ("information", "medindflydelse", "medbestemmelse")
    }
    levels.add(t("dash.mixed", "da"))
    for trace in figure["data"]:
        where = f"Faser chart {trace['type']} {trace.get('name')}"
        if trace["type"] == "box":
            construct = labels[trace["name"]]
            for i, phase in enumerate(trace["x"]):
                for name, key in QUANTILES.items():
                    check.quantile(
                        where, construct, name, unit, check.phase(phase), trace[key][i], EXACT
                    )
        elif trace["type"] in ("scatter", "bar"):
            if trace["type"] == "scatter":
                construct = labels[trace["name"].rsplit(":", 1)[0]]
            else:
                assert trace["name"] in levels, trace["name"]
                construct = "medspil"
            for x, y, data in zip(trace["x"], trace["y"], trace["customdata"], strict=True):
                waves = check.phase(x)
                check.mean(where, construct, unit, waves, y, EXACT)
                check.n(where, construct, unit, waves, parse(data[1]))
                check.beside(where + " CI", construct, unit, waves)
        else:
            check.unknown(where, trace["type"])
    for note in figure["layout"].get("annotations", []):
        if re.search(r"\d", note.get("text", "")):
            check.unknown("Faser chart annotation", note["text"])


def effect_inputs(check: Check, unit: str, phase: int):
    """Per level, the means of the leaf units under ``unit`` in the phase, recomputed from the
    audited wave means (a unit's answer-weighted mean over its audited waves), with the phase
    before's for the change."""
    ids = [int(p) for p in check.audit.basis.phases["id"]]
    before = ids[ids.index(phase) - 1] if ids.index(phase) > 0 else None
    inside = check.audit.members(check.within) if check.within else check.audit.members(unit)
    leaves = [
        u for u in check.audit.members(unit) if u in inside and check.audit.members(u) == (u,)
    ]

    def pooled(construct: str, leaf: str, phase_id: int):
        cells = [(w,) for w in check.audit.phase_waves(phase_id)]
        known = [
            (check.audit.n[(construct, (leaf,), w)], check.audit.mean(construct, (leaf,), w))
            for w in cells
        ]
        known = [(next(iter(n)), m) for n, m in known if m is not None]
        total = sum(n for n, _ in known)
        return sum(n * m for n, m in known) / total if total else None

    found: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for construct in check.audit.basis.constructs:
        for leaf in leaves:
            now = pooled(construct, leaf, phase)
            if now is None:
                continue
            level = involvement_of(check.audit.basis, leaf, phase) or ""
            found[(construct, level)]["mean"].append(now)
            earlier = pooled(construct, leaf, before) if before is not None else None
            if earlier is not None:
                found[(construct, level)]["change"].append(now - earlier)
    return found


def check_effect(check: Check, at, frame, unit: str) -> None:
    """The comparison by involvement: means, differences and intervals from audited means."""
    phase = at.selectbox(key="effect_phase").value
    inputs = effect_inputs(check, unit, phase)
    names = {
        t(f"involvement.{level}", "da"): level
        for level in ("information", "medindflydelse", "medbestemmelse")
    }
    columns = list(frame.columns)
    known = {
        t(f"effect.col_{k}", "da")
        for k in ("construct", "levels", "units", "means", "difference", "p")
    }
    for column in columns:
        if column not in known and not column.startswith(
            t("effect.col_change", "da", phase="").split("(")[0].strip()
        ):
            check.unknown("effect table", column)
    for row in rows_of(frame):
        construct = check.construct(row[t("effect.col_construct", "da")])
        high, low = (names[x] for x in row[t("effect.col_levels", "da")].split(" mod "))
        means_high, means_low = inputs[(construct, high)]["mean"], inputs[(construct, low)]["mean"]
        where = f"effect {construct} {high}/{low}"
        check.compared["effect"] += 1
        if row[t("effect.col_units", "da")] != f"{len(means_high)} mod {len(means_low)}":
            check.problems.append(f"{where}: units {row[t('effect.col_units', 'da')]}")
        within = welch_difference(means_low, means_high)
        shown = [parse(x) for x in re.findall(NUMBER, row[t("effect.col_means", "da")])]
        if len(shown) == 2:
            expected = [within.mean_second, within.mean_first]
            expected += [within.difference, within.ci_low, within.ci_high]
            shown += [parse(x) for x in re.findall(NUMBER, row[t("effect.col_difference", "da")])]
            if len(shown) != 5 or any(
                e is None or abs(e - s) > ROUNDED for e, s in zip(expected, shown, strict=True)
            ):
                check.problems.append(f"{where}: {shown}, audited means give {expected}")
        change_column = columns[5]
        numbers = [parse(x) for x in re.findall(NUMBER, row[change_column])]
        if len(numbers) == 5:
            changes_high, changes_low = (
                inputs[(construct, high)]["change"],
                inputs[(construct, low)]["change"],
            )
            change = welch_difference(changes_low, changes_high)
            expected = [
                change.mean_second,
                change.mean_first,
                change.difference,
                change.ci_low,
                change.ci_high,
            ]
            if any(
                e is None or abs(e - s) > ROUNDED for e, s in zip(expected, numbers, strict=True)
            ):
                check.problems.append(f"{where} change: {numbers}, audited means give {expected}")
            check.compared["effect"] += 1


@pytest.mark.parametrize(("role", "unit"), ROLES)
def test_faser_shows_only_numbers_the_audit_collected(pages_on_audited, audit, role, unit) -> None:
    check = Check(audit, unit)
    at = run("phases", role, unit, params={"projekt": PROJECT})
    shown = at.selectbox(key="dash_unit").value
    assert shown == (unit or "SAE")
    check_phases(check, at, shown)
    night = run("phases", role, unit, params={"projekt": PROJECT, "enhed": NIGHT})
    assert night.selectbox(key="dash_unit").value == NIGHT
    check_phases(check, night, NIGHT)
    # The comparison by involvement has two levels to compare under the administrator's unit.
    check.assert_audited(n=60, mean=60, quantile=150, difference=12, effect=8 * (role == "admin"))
