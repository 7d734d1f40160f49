"""Enheder: import the organisation tree from a CSV file (preview, then apply) and see it."""

import streamlit as st

from medspil.errors import MedspilError
from pages.common.auth import admin_access
from pages.common.dashboard import invalidate_results
from pages.common.frame import page_setup
from surveys.administration.organisation import (
    apply_import,
    preview_import,
    unit_file_template,
    unit_tree,
)

FILE_KEY = "units_file"
DONE_KEY = "units_import_done"
DELIMITERS = {";": "admin_units.delimiter_semicolon", ",": "admin_units.delimiter_comma"}

ctx = page_setup("admin_units.title")
editable = admin_access(ctx.scope, ctx.lang)

if editable:
    st.subheader(ctx.tr("admin_units.import_heading"))
    st.markdown(ctx.tr("admin_units.import_help"))
    st.download_button(
        ctx.tr("admin_units.template"),
        data=unit_file_template(),
        file_name="enheder-skabelon.csv",
        mime="text/csv",
        on_click="ignore",
    )
    upload = st.file_uploader(ctx.tr("admin_units.file"), type=["csv", "txt", "tsv"], key=FILE_KEY)
    if DONE_KEY in st.session_state:
        st.success(st.session_state.pop(DONE_KEY))
    elif upload is not None:
        data = upload.getvalue()
        try:
            preview = preview_import(ctx.db, data)
        except MedspilError as e:
            st.error(e.message(ctx.lang))
        else:
            counts = preview.counts
            st.caption(
                ctx.tr(
                    "admin_units.file_read",
                    rows=counts["rows"],
                    encoding=preview.encoding,
                    delimiter=ctx.tr(DELIMITERS[preview.delimiter]),
                )
            )
            columns = st.columns(5)
            for column, name in zip(
                columns, ("new", "changed", "reopened", "unchanged", "closing"), strict=True
            ):
                column.metric(ctx.tr(f"admin_units.count_{name}"), counts[name])
            changes = preview.changes(ctx.db, ctx.lang)
            if not changes.empty:
                st.dataframe(changes, hide_index=True, width="stretch")
            if counts["closing"]:
                st.info(ctx.tr("admin_units.closing_note"))
            if st.button(ctx.tr("admin_units.apply"), type="primary", key="units_apply"):
                try:
                    done = apply_import(ctx.db, data, scope=ctx.scope)
                except MedspilError as e:
                    st.error(e.message(ctx.lang))
                else:
                    invalidate_results()
                    st.session_state[DONE_KEY] = ctx.tr("admin_units.applied", **done.counts)
                    st.rerun()

st.subheader(ctx.tr("admin_units.tree_heading"))
st.dataframe(unit_tree(ctx.db, ctx.lang), hide_index=True, width="stretch")
