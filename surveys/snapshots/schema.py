"""The stored format of a snapshot's frozen content, as ``TypedDict``s (issue 11).

This is the JSON that ``content.build_content`` returns, ``freeze.create_snapshot`` hashes and
stores in ``snapshots.content``, and every renderer (view, charts, tables, PDF, XLSX) reads back:

- header parts: ``project``, ``area``, ``instrument``, ``k_min``, ``k_comments``, and the names
  the renderers need without the live database: ``constructs``, ``units`` (the area's roots and
  their children, tree order), ``phases`` (with the levels of involvement per unit) and
  ``waves`` (closed waves only, by number);
- protected results of the area's roots: ``scores`` (per wave), ``phase_scores``,
  ``wave_changes`` and ``phase_changes`` (Benjamini-Hochberg per root), ``runcharts``,
  ``long_runs``, ``changepoints``, ``trends``, ``response_rates`` and the ``heatmap`` of the
  latest wave. A hidden cell keeps its row with ``hidden: true`` and every number ``None``;
- what changed and what it means: ``shifts`` (the shift monitor's alarms), ``findings`` (the
  finding sentences as numbers and word keys), ``involvement_effect`` (the Faser comparison);
- ``comments`` (only when asked for and the group is large enough) and ``together`` (the
  parties' plan, roles, MED discussions, actions and "since last time").

Waves are named by number and phases by id throughout; dates are ISO strings.

Format changes. Every stored snapshot has ``format_version`` 1 (``freeze.FORMAT_VERSION``) and
is hashed over its exact text, so stored content is never rewritten. Parts added after the
first snapshots were frozen are ``NotRequired`` here, and readers must render a snapshot that
lacks them: ``imported`` (per wave), ``findings``, ``involvement_effect``, ``together``, and
``shifts`` (older snapshots hold a ``significant`` list instead), ``spreads`` (absent: SDs of
everyone in a cell, see ``analytics.protection.spread_members``). Adding a part the same way
keeps version 1: mark it ``NotRequired`` and let readers do without it. Renaming or removing a
key, or changing a value's type, needs a new ``format_version`` and a reader of the old one in
``freeze._parsed`` (which today refuses any version but 1). The drift test
(``tests/surveys/snapshots/test_snapshot_schema.py``) fails when the builder and this schema
disagree.
"""

# No ``from __future__ import annotations``: on Python 3.11 it hides ``NotRequired`` from
# ``__optional_keys__`` (the annotations stay strings), and the drift test reads those.
from typing import NotRequired, TypedDict

# --- header parts ----------------------------------------------------------------------------


class ProjectPart(TypedDict):
    id: str
    name: str
    description: str


class AreaPart(TypedDict):
    kind: str  # "committee" or "unit" (medspil.vocabulary.AreaKind)
    id: str
    name: str
    roots: list[str]  # the subtree roots the area covers; results are per root


class InstrumentPart(TypedDict):
    id: str
    name: str
    version: int | None  # None (and name = id, no title) when the instrument could not be read
    title: dict[str, str]  # by language


class ConstructPart(TypedDict):
    id: str
    name: dict[str, str]  # by language ("da", "en")


class UnitPart(TypedDict):
    id: str
    name: str
    parent: str | None  # None for an area root


class UnitLevel(TypedDict):
    """A unit (or a whole subtree, said once) whose level differs from its phase's."""

    unit: str
    unit_name: str
    involvement: str
    root: str  # the area root the unit lies under


class PhasePart(TypedDict):
    id: int
    kind: str
    starts: str
    ends: str
    involvement: str  # the phase's planned level
    unit_levels: list[UnitLevel]


class WavePart(TypedDict):
    number: int
    opens: str
    closes: str
    phase: int
    imported: NotRequired[dict[str, str]]  # only for imported waves: source, file, imported_on


# --- protected results -----------------------------------------------------------------------


class ScoreRow(TypedDict):
    """One root, construct and wave (``scores``); every number None where hidden."""

    unit: str
    construct: str
    wave: int
    n: int | None
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    favourable_share: float | None
    mdd: float | None
    hidden: bool


class PhaseScoreRow(TypedDict):
    """One root, construct and phase (``phase_scores``), with quantiles."""

    unit: str
    construct: str
    phase: int
    n: int | None
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    favourable_share: float | None
    mdd: float | None
    q10: float | None
    q25: float | None
    median: float | None
    q75: float | None
    q90: float | None
    hidden: bool


class _Comparison(TypedDict):
    """The numbers of one comparison of two groups (welch_t/df left out)."""

    unit: str
    construct: str
    n_earlier: int
    n_later: int
    mean_earlier: float | None
    mean_later: float | None
    difference: float | None
    welch_p: float | None
    mannwhitney_p: float | None
    cohens_d: float | None
    cliffs_delta: float | None
    p_adjusted: float | None
    significant: bool


class WaveChangeRow(_Comparison):
    """A wave against the previous shown wave (``analytics.compare_waves``)."""

    wave: int
    previous_wave: int


class PhaseChangeRow(_Comparison):
    """A phase against the previous one (``analytics.compare_phases``)."""

    phase: int
    previous_phase: int


class RunChartRow(TypedDict):
    """Anhøj's run chart rules for a root and construct (``analytics.run_charts``)."""

    unit: str
    construct: str
    n_useful: int
    median: float | None
    longest_run: int
    longest_run_max: int
    n_crossings: int
    n_crossings_min: int
    long_run_signal: bool
    few_crossings_signal: bool
    runs_signal: bool


class LongRunRow(TypedDict):
    """A wave that lies in a long run (``analytics.long_run_flags``)."""

    unit: str
    construct: str
    wave: int
    in_long_run: bool


class ChangepointRow(TypedDict):
    """A change point between waves (``analytics.wave_changepoints``)."""

    unit: str
    construct: str
    phase: int
    wave: int


class TrendRow(TypedDict):
    """Mann-Kendall and Sen's slope over a phase's waves (``analytics.phase_trends``)."""

    unit: str
    construct: str
    phase: int
    n_waves: int
    s: int
    z: float | None
    p: float | None
    sen_slope: float | None


class ResponseRateRow(TypedDict):
    unit: str
    wave: int
    responses: int | None
    invited: int | None
    rate: float | None
    hidden: bool


class HeatmapCell(TypedDict):
    """A root or child unit and construct in the latest wave, with the change since before."""

    unit: str
    construct: str
    n: int | None
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    hidden: bool
    difference: float | None
    p_adjusted: float | None
    cohens_d: float | None
    significant: bool


class HeatmapPart(TypedDict):
    wave: int | None  # None (and no cells) when the project has no closed wave
    cells: list[HeatmapCell]


# --- what changed ----------------------------------------------------------------------------


class ShiftAlarm(TypedDict):
    unit: str
    construct: str
    wave: int  # the wave the monitor raised the alarm
    start: int  # the wave the shift started
    phase: int  # the phase of the start wave
    direction: int  # +1 or -1
    size: float
    level_before: float
    level_after: float


class ShiftsPart(TypedDict):
    """The shift monitor's alarms (latest first) and the false-alarm budget they meet."""

    per_unit_year: float
    per_construct_year: float
    waves_per_year: float
    alarms: list[ShiftAlarm]


# Snapshots frozen before the shift monitor listed the significant comparisons instead.
# ("from" is a Python keyword, hence the functional form.)
SignificantRow = TypedDict(
    "SignificantRow",
    {
        "kind": str,  # "phase" or "wave"
        "unit": str,
        "construct": str,
        "from": int,
        "to": int,
        "difference": float | None,
        "cohens_d": float | None,
        "p_adjusted": float | None,
    },
)


class FindingStatistics(TypedDict):
    """``surveys.dashboards.findings.Statistics`` as frozen."""

    test: str | None
    difference: float | None
    p_adjusted: float | None
    cohens_d: float | None
    family_size: int
    alarm_wave: int | None
    start_wave: int | None
    monitor_size: float | None
    runchart: str | None
    change_points: list[int]


class FindingRecord(TypedDict):
    """``surveys.dashboards.findings.finding_record``: a finding without its words."""

    unit_id: str
    unit_label: str
    has_units: bool
    construct: str
    direction: int
    points: float
    phase: str
    before_phase: str | None
    start_wave: int | None
    certain: bool
    involvement: str | None
    mixed: list[tuple[str, list[str]]]  # [level, [unit ids]] pairs
    statistics: FindingStatistics


class InvolvementEffectRow(TypedDict):
    """One row of ``analytics.compare_involvement`` (its ``EFFECT_COLUMNS``)."""

    construct: str
    level_low: str
    level_high: str
    units_low: int
    units_high: int
    enough_units: bool
    mean_low: float | None
    mean_high: float | None
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    df: float | None
    p_value: float | None
    p_adjusted: float | None
    change_units_low: int
    change_units_high: int
    change_enough_units: bool
    change_low: float | None
    change_high: float | None
    change_difference: float | None
    change_ci_low: float | None
    change_ci_high: float | None
    change_df: float | None
    change_p_value: float | None
    change_p_adjusted: float | None


class InvolvementEffectPart(TypedDict):
    """The Faser comparison of the area's leaf units by involvement.

    Without a phase with shown numbers only ``phase`` (None), ``reason`` ("no_waves"),
    ``units`` ({}) and ``left_out`` are frozen.
    """

    phase: int | None
    previous_phase: NotRequired[int | None]
    reason: str | None  # None: the comparison was made
    min_units: NotRequired[int]
    units: dict[str, int]  # units per level of involvement
    left_out: int
    rows: NotRequired[list[InvolvementEffectRow]]


# --- comments and together -------------------------------------------------------------------


class CommentItem(TypedDict):
    wave: int
    text: str


class CommentsPart(TypedDict):
    included: bool
    reason: str  # "included", "not_requested" or "group_too_small"
    items: list[CommentItem]


class PlanEntry(TypedDict):
    phase: str
    unit: str
    unit_name: str
    planned: str
    actual: str | None  # None: not recorded (yet)
    started: bool
    note: str


class RoleEntry(TypedDict):
    kind: str
    unit: str
    unit_name: str
    phases: list[str]
    people: int
    note: str


class FramingEntry(TypedDict):
    phase: str
    fixed: str
    open: str


class LogEntry(TypedDict):
    id: int
    met_on: str
    committee: str
    committee_name: str
    phase: str | None
    topic: str
    decision: str
    questions: list[int]
    principles: list[int]
    snapshot: int | None
    corrects: int | None


class ActionEntry(TypedDict):
    id: int
    what: str
    units: list[str]
    unit_names: list[str]
    responsible: str
    agreed_on: str
    due: str | None
    status: str
    source: str
    source_ref: str
    closed_on: str | None
    outcome: str


class ConstructMovement(TypedDict):
    unit: str
    construct: str
    wave_before: int
    wave_now: int
    before: float | None  # None where hidden in either snapshot
    now: float | None


class SinceLast(TypedDict):
    snapshot: int  # the area's previous snapshot (an earlier day)
    created_on: str
    actions: list[int]  # ids of the actions agreed at it or since
    constructs: list[ConstructMovement]


class TogetherPart(TypedDict):
    """``surveys.together.frozen.together_content``: what the parties planned, did and agreed."""

    plan: list[PlanEntry]
    roles: list[RoleEntry]
    framing: list[FramingEntry]
    med_log: list[LogEntry]
    actions: list[ActionEntry]
    since_last: SinceLast | None  # None: the area's first snapshot


# --- the whole -------------------------------------------------------------------------------


class SnapshotContent(TypedDict):
    """A snapshot's frozen content (format version 1), as stored and as read back."""

    project: ProjectPart
    area: AreaPart
    instrument: InstrumentPart
    k_min: int
    k_comments: int
    constructs: list[ConstructPart]
    units: list[UnitPart]
    phases: list[PhasePart]
    waves: list[WavePart]
    scores: list[ScoreRow]
    phase_scores: list[PhaseScoreRow]
    wave_changes: list[WaveChangeRow]
    phase_changes: list[PhaseChangeRow]
    runcharts: list[RunChartRow]
    long_runs: list[LongRunRow]
    changepoints: list[ChangepointRow]
    trends: list[TrendRow]
    response_rates: list[ResponseRateRow]
    heatmap: HeatmapPart
    shifts: NotRequired[ShiftsPart]  # from 2026-12-03 (9124bd0); before: ``significant``
    significant: NotRequired[list[SignificantRow]]  # only before ``shifts``
    comments: CommentsPart
    findings: NotRequired[list[FindingRecord]]  # from 2026-12-03 (4d49e41)
    involvement_effect: NotRequired[InvolvementEffectPart]  # from 2026-12-03 (2aac7a6)
    together: NotRequired[TogetherPart]  # from 2026-12-03 (c5eed13)
    # from 2026-12-05: SD, CI, quantiles and tests of each cell's shown parts (before: everyone)
    spreads: NotRequired[str]  # "shown_parts"
