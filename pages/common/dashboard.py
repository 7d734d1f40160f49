"""What the dashboard pages share: cached reads, the project/unit/construct pickers, downloads.

Reads are cached with ``st.cache_resource`` keyed by plain values (the database by its path;
the Database object itself is not hashed, the day is part of the key): one shared read-only
copy per key, not ``st.cache_data``'s pickled copy per run, whose unpickling (plotly figures
above all) cost a warm page hundreds of milliseconds. Nothing may change what they return (the
tables and charts built from a view are always new objects). They are cleared by
``clear_dashboard_reads`` when the organisation or a project changes. New answers do not clear
them: they arrive in an open wave, and the dashboards show closed waves only.
Query parameters (``?projekt=…&enhed=…&omraade=…``, as the Overblik links set them) may only
preselect something the user may already see: anything else is ignored with a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from medspil.errors import MedspilError
from medspil.text import markdown_text
from pages.common.frame import PageContext
from surveys.dashboards import basis as dashboard
from surveys.dashboards import changes, comments, views
from surveys.dashboards import involvement_effect as effect
from surveys.dashboards.first_results import first_results_sentence
from surveys.dashboards.overview import project_overviews
from surveys.dashboards.tables import csv_bytes
from surveys.dashboards.timeline_events import event_lines, unit_events

URL_PATHS = {"pages/udvikling.py": "udvikling"}  # as registered in app.py
MAX_ENTRIES = 512  # per cached read: scopes x projects x units x pickers, bounded memory
TTL = 600  # seconds; also how long Overblik's "responses so far" (open waves too) may lag
PROJECT_KEY = "dash_project"
UNIT_KEY = "dash_unit"
CONSTRUCTS_KEY = "dash_constructs"
_SYNCED = "address:"  # the value of a query parameter the widgets last took in or wrote out


def today() -> dt.date:
    return dt.date.today()


@st.cache_resource(ttl=TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def projects(_db, db_key: str, scope, day: dt.date) -> pd.DataFrame:
    return dashboard.visible_projects(_db, scope, today=day)[["id", "name"]]


@st.cache_resource(ttl=TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def choices(_db, db_key: str, scope, project_id: str, day: dt.date) -> dict:
    """The pickers' options (``surveys.dashboards.basis.picker_options``), cached."""
    return dashboard.picker_options(_db, scope, project_id, today=day)


@st.cache_resource(ttl=TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def overviews(_db, db_key: str, scope, lang: str, day: dt.date):
    return project_overviews(_db, scope, lang=lang, today=day)


def clear_dashboard_reads() -> None:
    """Forget the project bases in memory and every cached dashboard read (nothing else)."""
    dashboard.forget_bases()
    for cached_read in (projects, choices, cached, overviews, unit_events_read):
        cached_read.clear()


def clear_together_reads() -> None:
    """A MED log entry or an action was written: Overblik's open actions and timeline and the
    Udvikling markers show it at once (the results themselves are unchanged)."""
    for cached_read in (overviews, unit_events_read):
        cached_read.clear()


def invalidate_results() -> None:
    """The organisation or a project changed: drop the dashboards' bases and cached reads.

    Only those: other caches stay. Answers arriving in an open wave need nothing of this (the
    dashboards show closed waves only), so the answer page never calls it.
    """
    clear_dashboard_reads()


def options(ctx: PageContext, project_id: str) -> dict:
    return choices(ctx.db, str(ctx.db.path), ctx.scope, project_id, today())


@st.cache_resource(ttl=TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def cached(_db, db_key: str, name: str, scope, *args, **kwargs):
    """One cached call of a surveys function that takes ``(db, scope, *args, **kwargs)``."""
    functions: dict[str, Callable[..., Any]] = {
        "trend": views.trend_table,
        "runchart": views.runchart_table,
        "heatmap": views.heatmap_table,
        "phases": views.phase_table,
        "latest": changes.latest_scores,
        "themes": comments.comment_themes,
        "effect": effect.involvement_effect_table,
        "effect_phase": effect.effect_default_phase,
    }
    return functions[name](_db, scope, *args, **kwargs)


def call(ctx: PageContext, name: str, *args, **kwargs):
    """A cached read; a MedspilError (e.g. no access) stops the page with its plain message."""
    try:
        return cached(ctx.db, str(ctx.db.path), name, ctx.scope, *args, **kwargs)
    except MedspilError as e:
        st.error(e.message(ctx.lang))
        st.stop()


def comments_now(ctx: PageContext, project_id: str, unit_id: str, **filters):
    """The comments of a group in a fresh random order (never cached, never exported)."""
    try:
        return comments.comment_view(
            ctx.db, ctx.scope, project_id, unit_id, lang=ctx.lang, today=today(), **filters
        )
    except MedspilError as e:
        st.error(e.message(ctx.lang))
        st.stop()


# A MED log entry or an action written elsewhere reaches the charts within a minute.
EVENTS_TTL = 60


@st.cache_resource(ttl=EVENTS_TTL, max_entries=MAX_ENTRIES, show_spinner=False)
def unit_events_read(_db, db_key: str, scope, project_id: str, unit_id: str, **kwargs) -> list:
    return unit_events(_db, scope, project_id, unit_id, **kwargs)


def events_now(
    ctx: PageContext, project_id: str, unit_id: str, first: int | None, last: int | None
):
    """The MED discussions and agreed actions on the unit's charts within waves first..last."""
    try:
        return unit_events_read(
            ctx.db,
            str(ctx.db.path),
            ctx.scope,
            project_id,
            unit_id,
            lang=ctx.lang,
            today=today(),
            first_wave=first,
            last_wave=last,
        )
    except MedspilError as e:
        st.error(e.message(ctx.lang))
        st.stop()


def show_events(ctx: PageContext, found: list) -> None:
    """The events under a chart as a plain list, for screen readers and print."""
    st.markdown(f"#### {markdown_text(ctx.tr('events.heading'))}")
    if not found:
        st.caption(ctx.tr("events.none"))
        return
    st.caption(ctx.tr("events.chart_note"))
    st.markdown("\n".join(f"- {markdown_text(line)}" for line in event_lines(found, ctx.lang)))


def _preselect(ctx: PageContext, param: str, key: str, allowed: list[str]) -> None:
    """Take a query parameter into the widget when the address brings a new one, if the user
    may see it; else warn and drop it from the address."""
    wanted = st.query_params.get(param)
    if wanted is None or wanted == st.session_state.get(_SYNCED + param):
        return
    if wanted in allowed:
        st.session_state[key] = wanted
        st.session_state[_SYNCED + param] = wanted
    else:
        del st.query_params[param]
        st.warning(ctx.md("dash.param_ignored", value=wanted))


def _show_in_address(param: str, value: str | None) -> None:
    """Keep the current choice in the address bar, so the view can be copied and shared."""
    if value is None:
        return
    st.session_state[_SYNCED + param] = value
    if st.query_params.get(param) != value:
        st.query_params[param] = value


def pick_project(ctx: PageContext) -> str | None:
    """The project selector; None (with a message) when the scope sees no project."""
    frame = projects(ctx.db, str(ctx.db.path), ctx.scope, today())
    if frame.empty:
        st.info(ctx.tr("overview.no_projects"))
        return None
    names = dict(zip(frame["id"], frame["name"], strict=True))
    return _pick_one(ctx, "dash.project", names, key=PROJECT_KEY, param="projekt")


def pick_unit(ctx: PageContext, project_id: str, *, key: str = UNIT_KEY) -> str | None:
    units = options(ctx, project_id)["units"]
    if not units:
        st.info(ctx.tr("dash.no_units"))
        return None
    return _pick_one(ctx, "dash.unit", units, key=key, param="enhed")


def _pick_one(
    ctx: PageContext, label_key: str, choices: dict[str, str], *, key: str, param: str
) -> str | None:
    """A selectbox over ``choices`` (id -> label) that takes its start from the address and
    writes the choice back to it; the first choice when nothing valid is chosen."""
    _preselect(ctx, param, key, list(choices))
    if st.session_state.get(key) not in choices:
        st.session_state[key] = next(iter(choices))
    chosen = st.selectbox(
        ctx.tr(label_key),
        list(choices),
        format_func=choices.__getitem__,
        key=key,
        placeholder=ctx.tr("ui.choose_option"),
    )
    _show_in_address(param, chosen)
    return chosen


def pick_constructs(ctx: PageContext, project_id: str) -> list[str]:
    found = options(ctx, project_id)
    names = {c: found["construct_names"].get(c, {}).get(ctx.lang, c) for c in found["constructs"]}
    wanted = st.query_params.get("omraade")
    if wanted is not None and wanted != st.session_state.get(_SYNCED + "omraade"):
        asked = [c for c in wanted.split(",") if c]
        if asked and all(c in names for c in asked):
            st.session_state[CONSTRUCTS_KEY] = asked
        else:
            del st.query_params["omraade"]
            st.warning(ctx.md("dash.param_ignored", value=wanted))
    current = [c for c in st.session_state.get(CONSTRUCTS_KEY, list(names)) if c in names]
    st.session_state[CONSTRUCTS_KEY] = current
    chosen = st.multiselect(
        ctx.tr("dash.constructs"),
        list(names),
        format_func=names.__getitem__,
        key=CONSTRUCTS_KEY,
        placeholder=ctx.tr("ui.choose_options"),
    )
    ordered = [c for c in names if c in chosen]  # one order everywhere, whatever the clicks
    _show_in_address("omraade", ",".join(ordered) if ordered != list(names) else None)
    return ordered


def pick_period(ctx: PageContext, project_id: str) -> tuple[int | None, int | None]:
    """First and last wave number of the period to show (all closed waves by default)."""
    numbers = options(ctx, project_id)["waves"]
    if len(numbers) < 2:
        return (None, None)
    return st.select_slider(
        ctx.tr("dash.period"),
        options=numbers,
        value=(numbers[0], numbers[-1]),
        format_func=lambda n: ctx.tr("dash.wave_number", number=n),
        key="dash_period",
    )


def phase_labels(ctx: PageContext, project_id: str) -> dict[int, str]:
    """The phases with closed waves: id -> name in the user's language."""
    phases = options(ctx, project_id)["phases"]
    return {p: ctx.tr(f"phase.{kind}") for p, kind in phases.items()}


def link(ctx: PageContext, page: str, label: str, params: dict[str, str]) -> None:
    """A link to another page that preselects ``params`` there (which may only narrow).

    Run through ``app.py`` the link navigates within the session; a page file run on its own
    (no navigation registered) gets a plain link to the page's URL instead.
    """
    try:
        st.page_link(page, label=label, query_params=params, icon=":material/show_chart:")
    except StreamlitAPIException:
        query = urlencode(params)  # a unit id is data: encoded, it cannot end the link
        st.markdown(f"[{markdown_text(label)}](/{URL_PATHS[page]}?{query})")


def empty_note(ctx: PageContext, project_id: str, key: str, **values: object) -> str:
    """The text of an empty view (catalogue ``key``); while the project's first wave is open,
    instead the day its first results appear."""
    first = first_results_sentence(ctx.db, project_id, lang=ctx.lang, today=today())
    return first if first is not None else ctx.tr(key, **values)


def table_with_download(ctx: PageContext, frame: pd.DataFrame, name: str, key: str) -> None:
    """The numbers under a chart, and a CSV of exactly that table."""
    st.dataframe(frame, hide_index=True, width="stretch")
    st.download_button(
        ctx.tr("dash.download"),
        data=csv_bytes(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"download-{key}",
    )
