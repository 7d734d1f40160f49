"""Overblik: per project the phase timeline, the latest wave's scores and what has changed."""

from typing import Literal

import streamlit as st

from medspil.text import markdown_text
from pages.common import dashboard as dash
from pages.common.first_day import show_first_day
from pages.common.frame import page_setup
from pages.common.together import action_link, actions_link
from surveys.dashboards.findings import cards_to_show
from surveys.dashboards.tables import latest_metrics, latest_rows
from surveys.together.rights import action_unit_filter
from surveys.together.views import finding_action_params, open_actions_summary


def show_card(card, project_id: str, writable) -> None:
    with st.container(border=True):
        st.markdown(f"**{markdown_text(card.title)}**")
        st.markdown(markdown_text(card.sentence))
        if card.member_lines:
            heading = ctx.tr("findings.members_heading")
            st.caption(
                f"{heading}: " + " · ".join(markdown_text(line) for line in card.member_lines)
            )
        lead = card.lead
        trend = {"projekt": project_id, "enhed": lead.unit_id, "omraade": lead.construct}
        dash.link(ctx, "pages/udvikling.py", ctx.tr("dash.see_trend"), trend)
        params = finding_action_params(
            ctx.db, ctx.scope, project_id, card, ctx.lang, writable=writable
        )
        action_link(ctx, params)
        with st.expander(ctx.tr("findings.about")):
            st.markdown("\n".join(f"- {markdown_text(line)}" for line in card.details))


def show_findings(item) -> None:
    st.markdown(f"#### {ctx.tr('dash.changed')}")
    cards = item.findings.cards
    if item.findings.nothing_yet:
        st.info(item.findings.nothing_yet)
        return
    st.caption(item.findings.budget_note)
    if item.findings.small_note:
        st.caption(item.findings.small_note)
    if not cards:
        st.caption(ctx.tr("dash.nothing_changed"))
        return
    shown = cards_to_show(cards)
    writable = action_unit_filter(ctx.db, ctx.scope)  # the reader's units, read once
    for card in shown.first:
        show_card(card, item.project_id, writable)
    if shown.more:
        with st.expander(ctx.tr("dash.more_changes", n=len(shown.more))):
            for card in shown.more:
                show_card(card, item.project_id, writable)
            if shown.not_shown:
                st.caption(ctx.tr("dash.changes_not_shown", n=shown.not_shown))


def show_open_actions(project_id: str) -> None:
    """The open actions for the units the reader sees: at most three, and how many more."""
    summary = open_actions_summary(ctx.db, ctx.scope, project_id, today=dash.today(), lang=ctx.lang)
    if not summary.lines:
        return
    st.markdown(f"#### {ctx.tr('actions.overview_heading')}")
    lines = [f"- {markdown_text(line)}" for line in summary.lines]
    if summary.more:
        lines.append(f"- {ctx.tr('actions.overview_more', n=summary.more)}")
    st.markdown("\n".join(lines))
    actions_link(ctx, ctx.tr("actions.overview_link"), {"project": project_id})


ctx = page_setup("page.overview")
show_first_day(ctx)
items = dash.overviews(ctx.db, str(ctx.db.path), ctx.scope, ctx.lang, dash.today())
if not items:
    st.info(ctx.tr("overview.no_projects"))
for item in items:
    with st.container(border=True):
        st.subheader(markdown_text(item.name))
        st.caption(markdown_text(item.description))
        left, middle, right = st.columns([2, 1, 1])  # the phase name must not be cut off
        left.metric(ctx.tr("overview.phase_now"), item.current_phase_label)
        middle.metric(ctx.tr("overview.waves"), item.waves_started)
        right.metric(ctx.tr("overview.responses"), item.responses_label)
        if item.live_label:
            st.caption(item.live_label)
        if item.first_results:  # nothing has closed yet: say when something will
            st.info(item.first_results)
        else:
            show_findings(item)
        show_open_actions(item.project_id)
        st.plotly_chart(item.timeline, width="stretch", key=f"timeline-{item.project_id}")
        st.dataframe(item.phase_table, hide_index=True, width="stretch")
        for latest in [] if item.first_results else item.latest:
            if latest.wave_label is None:
                st.info(ctx.tr("dash.empty_no_waves"))
                continue
            heading = ctx.md("dash.latest", wave=latest.wave_label, unit=latest.unit_label)
            st.markdown(f"#### {heading}")
            if latest.hidden_sentence:
                st.info(markdown_text(latest.hidden_sentence))
                continue
            metrics = latest_metrics(latest, ctx.lang)
            for column, metric in zip(st.columns(len(metrics)), metrics, strict=True):
                colour: Literal["normal", "off"] = "normal" if metric.significant else "off"
                column.metric(metric.label, metric.value, metric.delta, colour, help=metric.help)
            st.caption(ctx.tr("dash.latest_family", n=latest.family_size))
            rows = latest_rows(latest, ctx.lang)
            name = f"seneste-{item.project_id}-{latest.unit_id}"
            dash.table_with_download(ctx, rows, name, name)
