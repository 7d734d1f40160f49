"""MED-log: the MED committees' discussions of a project, newest meeting first, with corrections in
place of what they correct; the administrator and a committee's secretary write here."""

import datetime as dt
from collections.abc import Callable

import streamlit as st

from medspil.errors import MedspilError
from medspil.text import markdown_text
from medspil.vocabulary import MED_PRINCIPLES, MED_QUESTIONS, Role
from pages.common.frame import page_setup
from pages.common.together import action_link, done, pick_project, show_done
from surveys.together import med_log
from surveys.together.views import (
    EntryCard,
    committee_choices,
    entry_action_params,
    entry_label,
    log_cards,
    phase_choices,
    snapshot_choices,
    writable_committees,
    writable_entries,
)

ALL = ""
SEEN_KEY = "log_change_seen"  # entry id -> locked or not, as the form last showed it


def show_entry(card: EntryCard) -> None:
    entry = card.entry
    st.markdown(f"**{markdown_text(card.heading)}**  \n{markdown_text(entry.topic)}")
    if entry.decision:
        st.markdown(f"{ctx.tr('med_log.decision')}: {markdown_text(entry.decision)}")
    if card.tags:
        st.caption(" · ".join(markdown_text(tag) for tag in card.tags))
    for line in (card.snapshot_line, card.frozen_line, card.correction_line):
        if line:
            st.caption(line)


def entry_fields(prefix: str, entry: med_log.LogEntry | None) -> dict:
    """The fields of an entry (empty, or holding ``entry``'s values), as ``EntryInput`` keys."""
    phase_names = {ALL: ctx.tr("med_log.no_phase"), **phases}
    snapshot_names: dict[int | None, str] = {None: ctx.tr("med_log.no_snapshot")}
    snapshot_names.update(snapshots.items())
    tags = {n: ctx.tr(f"med_log.question_{n}") for n in MED_QUESTIONS}
    principles = {n: ctx.tr(f"med_log.principle_{n}") for n in MED_PRINCIPLES}
    phase = entry.phase_kind if entry is not None and entry.phase_kind else ALL
    snapshot = entry.snapshot_id if entry is not None else None
    return dict(
        met_on=st.date_input(
            ctx.tr("med_log.met_on"), value=entry.met_on if entry else today, key=f"{prefix}_day"
        ),
        phase_kind=st.selectbox(
            ctx.tr("med_log.phase"),
            list(phase_names),
            index=list(phase_names).index(phase) if phase in phase_names else 0,
            format_func=phase_names.__getitem__,
            key=f"{prefix}_phase",
            placeholder=ctx.tr("ui.choose_option"),
        )
        or None,
        topic=st.text_input(
            ctx.tr("med_log.topic"), value=entry.topic if entry else "", key=f"{prefix}_topic"
        ),
        decision=st.text_area(
            ctx.tr("med_log.decision"),
            value=entry.decision if entry else "",
            key=f"{prefix}_decision",
        ),
        questions=tuple(
            st.multiselect(
                ctx.tr("med_log.questions"),
                list(tags),
                default=list(entry.questions) if entry else [],
                format_func=lambda n: f"{n}. {tags[n]}",
                placeholder=ctx.tr("ui.choose_options"),
                key=f"{prefix}_questions",
            )
        ),
        principles=tuple(
            st.multiselect(
                ctx.tr("med_log.principles"),
                list(principles),
                default=list(entry.principles) if entry else [],
                format_func=lambda n: f"{n}. {principles[n]}",
                placeholder=ctx.tr("ui.choose_options"),
                key=f"{prefix}_principles",
            )
        ),
        snapshot_id=st.selectbox(
            ctx.tr("med_log.snapshot"),
            list(snapshot_names),
            index=list(snapshot_names).index(snapshot) if snapshot in snapshot_names else 0,
            format_func=snapshot_names.__getitem__,
            key=f"{prefix}_snapshot",
            placeholder=ctx.tr("ui.choose_option"),
        ),
    )


def write(call: Callable[[], int], message_key: str) -> None:
    try:
        entry_id = call()
    except MedspilError as e:
        st.error(e.message(ctx.lang))
        return
    done(ctx.tr(message_key, id=entry_id))


ctx = page_setup("page.med_log")
today = dt.date.today()
show_done()
project_id = pick_project(ctx)
if project_id is None:
    st.stop()
entries = med_log.visible_entries(ctx.db, ctx.scope, project_id)
phases = phase_choices(ctx.db, project_id, ctx.lang)
committees = {ALL: ctx.tr("med_log.all_committees"), **committee_choices(entries)}
phase_filter = {ALL: ctx.tr("med_log.all_phases"), **phases}
left, right = st.columns(2)
committee = left.selectbox(
    ctx.tr("med_log.committee"),
    list(committees),
    format_func=committees.__getitem__,
    key="log_committee",
    placeholder=ctx.tr("ui.choose_option"),
)
phase = right.selectbox(
    ctx.tr("med_log.phase"),
    list(phase_filter),
    format_func=phase_filter.__getitem__,
    key="log_phase",
    placeholder=ctx.tr("ui.choose_option"),
)
cards = log_cards(entries, ctx.lang, committee_id=committee or None, phase_kind=phase or None)
if not cards:
    st.info(ctx.tr("med_log.empty"))
for card in cards:
    with st.container(border=True):
        show_entry(card)
        if card.original is not None:
            with st.expander(ctx.tr("med_log.before_correction")):
                earlier: EntryCard | None = card.original
                while earlier is not None:
                    show_entry(earlier)
                    earlier = earlier.original
        action_link(ctx, entry_action_params(ctx.db, ctx.scope, card.entry))

mine = writable_committees(ctx.db, ctx.scope)
if not mine:
    st.stop()
snapshots = snapshot_choices(ctx.db, ctx.scope, project_id, ctx.lang)
st.divider()
st.subheader(ctx.tr("med_log.form_new"))
if ctx.scope.role != Role.ADMIN:
    st.caption(ctx.tr("med_log.own_committees", names=", ".join(mine.values())))
with st.form("log_new"):
    chosen = st.selectbox(
        ctx.tr("med_log.committee"),
        list(mine),
        format_func=mine.__getitem__,
        key="log_new_committee",
        placeholder=ctx.tr("ui.choose_option"),
    )
    fields = entry_fields("log_new", None)
    if st.form_submit_button(ctx.tr("med_log.save_new"), type="primary"):
        given = med_log.EntryInput(project_id=project_id, committee_id=chosen, **fields)
        write(lambda: med_log.add_entry(ctx.db, ctx.scope, given, today=today), "med_log.saved")

changeable = {e.id: e for e in writable_entries(ctx.scope, entries)}
if not changeable:
    st.stop()
st.subheader(ctx.tr("med_log.form_change"))
entry_id = st.selectbox(
    ctx.tr("med_log.choose_entry"),
    list(changeable),
    format_func=lambda i: entry_label(changeable[i], ctx.lang),
    key="log_change_entry",
    placeholder=ctx.tr("ui.choose_option"),
)
original = changeable[entry_id]
# What the form showed when it was sent decides: an edit of an entry a snapshot froze meanwhile
# is refused (with the reason), never turned into a correction the writer did not see.
seen_frozen = st.session_state.get(SEEN_KEY, {}).get(entry_id, original.frozen)
st.session_state[SEEN_KEY] = {entry_id: original.frozen}
if original.frozen:
    st.info(ctx.tr("med_log.frozen_explained", id=original.frozen_by), icon=":material/lock:")
with st.form(f"log_change_{entry_id}"):
    fields = entry_fields(f"log_change_{entry_id}", original)
    label = "med_log.save_correction" if original.frozen else "med_log.save_change"
    if st.form_submit_button(ctx.tr(label), type="primary", key="log_change_save"):
        given = med_log.EntryInput(
            project_id=project_id, committee_id=original.committee_id, **fields
        )
        if seen_frozen:
            write(
                lambda: med_log.add_entry(ctx.db, ctx.scope, given, today=today, corrects=entry_id),
                "med_log.saved_correction",
            )
        else:

            def change() -> int:
                med_log.edit_entry(ctx.db, ctx.scope, entry_id, given, today=today)
                return entry_id

            write(change, "med_log.saved_change")
