"""MED-øjebliksbillede: create a frozen snapshot (administrator, leder), list the snapshots the
user may see, and open one read-only with its hash check and PDF, XLSX and CSV downloads."""

import datetime as dt

import streamlit as st

from medspil.cells import cell_int, cell_timestamp
from medspil.errors import MedspilError, SnapshotRenderFailed
from medspil.formatting import date_text
from medspil.text import markdown_text
from pages.common.frame import page_setup
from pages.common.snapshot_together import draw_since_last, draw_together
from pages.common.together import action_link
from surveys.snapshots.charts import snapshot_figures
from surveys.snapshots.freeze import (
    area_label,
    can_create,
    creatable_areas,
    creatable_projects,
    create_snapshot,
    open_snapshot,
    verify_snapshot,
    visible_snapshots,
)
from surveys.snapshots.pdf import render_pdf
from surveys.snapshots.spreadsheet import render_csv_zip, render_xlsx
from surveys.snapshots.tables import SECTIONS, snapshot_list_table
from surveys.snapshots.text import display_frame
from surveys.snapshots.view import file_stem, snapshot_view
from surveys.together.views import snapshot_action_params

OPEN_KEY = "snapshot_open"

ctx = page_setup("snapshot.page_title")
db, scope, lang = ctx.db, ctx.scope, ctx.lang
listing = visible_snapshots(db, scope)
if can_create(scope):
    projects = creatable_projects(db, scope)
    areas = {f"{a.kind}:{a.id}": a for a in creatable_areas(db, scope)}
    expander = st.expander(ctx.tr("snapshot.create_heading"), expanded=listing.empty)
    with expander, st.form("snapshot_create"):
        project = st.selectbox(
            ctx.tr("snapshot.project"),
            list(projects),
            format_func=projects.__getitem__,
            placeholder=ctx.tr("ui.choose_option"),
        )
        area = areas[
            st.selectbox(
                ctx.tr("snapshot.area"),
                list(areas),
                format_func=lambda a: area_label(areas[a], lang),
                placeholder=ctx.tr("ui.choose_option"),
            )
        ]
        comments = st.checkbox(ctx.tr("snapshot.include_comments"))
        replaces = st.selectbox(
            ctx.tr("snapshot.replaces"),
            [None, *listing["id"]],
            format_func=lambda i: ctx.tr("snapshot.replaces_none") if i is None else f"{i}",
            placeholder=ctx.tr("ui.choose_option"),
        )
        if st.form_submit_button(ctx.tr("snapshot.create"), type="primary"):
            try:
                new_id = create_snapshot(
                    db,
                    scope,
                    project_id=project,
                    area_kind=area.kind,
                    area_id=area.id,
                    today=dt.date.today(),
                    include_comments=comments,
                    replaces=replaces,
                )
                st.session_state[OPEN_KEY] = new_id
                st.success(ctx.tr("snapshot.created", id=new_id))
                listing = visible_snapshots(db, scope)
            except MedspilError as e:
                st.error(e.message(lang))
if listing.empty:
    st.info(ctx.tr("snapshot.none_yet"))
    st.stop()
st.subheader(ctx.tr("snapshot.list_heading"))
st.dataframe(snapshot_list_table(listing, lang), hide_index=True, width="stretch")
labels = {
    cell_int(row.id): f"{row.id} · {date_text(cell_timestamp(row.created_on))} · {row.area_name}"
    for row in listing.itertuples()
}
if st.session_state.get(OPEN_KEY) not in labels:
    st.session_state.pop(OPEN_KEY, None)
chosen = st.selectbox(
    ctx.tr("snapshot.choose"),
    list(labels),
    format_func=labels.__getitem__,
    key=OPEN_KEY,
    placeholder=ctx.tr("ui.choose_option"),
)
try:
    snapshot = open_snapshot(db, scope, chosen)
    check = verify_snapshot(db, chosen, scope)
except MedspilError as e:
    st.error(e.message(lang))
    st.stop()
view = snapshot_view(snapshot, lang)
st.header(markdown_text(view.title))
day = date_text(snapshot.created_on)
st.caption(ctx.tr("snapshot.header_line", id=snapshot.id, date=day, sha=snapshot.sha256))
(st.success if check.intact else st.error)(check.message(lang))
st.info(ctx.tr("snapshot.read_only", date=day), icon=":material/lock:")
replaced_by = listing.loc[listing["id"] == chosen, "replaced_by"].iloc[0]
if replaced_by is not None:
    st.warning(ctx.tr("snapshot.replaced_by", id=replaced_by))
action_link(ctx, snapshot_action_params(scope, snapshot.project_id, snapshot.id))
name = file_stem(view)
pdf_key = f"snapshot_pdf_{snapshot.id}"  # UI state: the PDF made in this session, if any
downloads = (
    (
        "download_xlsx",
        lambda: render_xlsx(view),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("download_csv", lambda: render_csv_zip(view), f"{name}-csv.zip", "application/zip"),
)
pdf_column, *columns = st.columns(3)
if pdf_key in st.session_state:
    pdf_column.download_button(
        ctx.tr("snapshot.download_pdf"),
        st.session_state[pdf_key],
        f"{name}.pdf",
        "application/pdf",
        key="snapshot_download_pdf",
        on_click="ignore",
    )
elif pdf_column.button(ctx.tr("snapshot.make_pdf"), key="snapshot_make_pdf"):
    try:
        with st.spinner(ctx.tr("snapshot.making_pdf")):
            st.session_state[pdf_key] = render_pdf(view)
        st.rerun()
    except SnapshotRenderFailed as e:
        pdf_column.error(e.message(lang))
for column, (key, data, file_name, mime) in zip(columns, downloads, strict=True):
    column.download_button(
        ctx.tr(f"snapshot.{key}"), data, file_name, mime, key=f"snapshot_{key}", on_click="ignore"
    )
draw_since_last(view.together, lang)
st.subheader(ctx.tr("snapshot.resume_findings"))
for card in view.findings:
    st.markdown(f"**{card.title}.** {card.sentence}")
if not view.findings:
    st.caption(ctx.tr("snapshot.resume_no_findings"))
if view.involvement_effect:
    st.subheader(ctx.tr("effect.title"))
    for line in view.involvement_effect:
        st.markdown(markdown_text(line))
draw_together(view.together, lang)
st.subheader(ctx.tr("snapshot.s_summary"))
st.markdown(
    ctx.tr("snapshot.summary_intro")
    + "\n\n"
    + "\n".join(f"- {markdown_text(s)}" for s in view.summary)
)
st.markdown(f"**{ctx.tr('snapshot.s_significant')}**")
st.markdown(
    "\n".join(f"- {markdown_text(s)}" for s in view.significant)
    or ctx.tr("snapshot.no_significant")
)
figures = snapshot_figures(view)
sections = [s for s in SECTIONS if any(t.key in s[2] for t in view.tables)]
tabs = st.tabs([ctx.tr(f"snapshot.{s[0]}") for s in sections] + [ctx.tr("snapshot.s_discussion")])
for tab, (_, groups, tables) in zip(tabs, sections, strict=False):
    for figure in (f for f in figures if f.group in groups):
        tab.markdown(f"**{figure.title}**")
        tab.plotly_chart(figure.figure, width="stretch", key=f"snapshot_fig_{figure.key}")
    for table in (t for t in view.tables if t.key in tables):
        tab.markdown(f"**{markdown_text(table.title)}**")
        tab.dataframe(display_frame(table.frame, lang), hide_index=True, width="stretch")
        if table.note:
            tab.caption(table.note)
with tabs[-1]:
    st.write(ctx.tr("snapshot.discuss_intro"))
    for heading, text in view.discussion:
        st.markdown(f"**{markdown_text(heading)}**  \n{markdown_text(text)}")
