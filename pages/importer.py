"""Importér data: bring earlier SurveyXact or CSV pulse data in (mapping, preview, one apply)."""

import datetime as dt

import streamlit as st

from medspil.errors import MedspilError
from pages.common.auth import admin_access
from pages.common.dashboard import invalidate_results
from pages.common.frame import page_setup
from surveys.administration.projects import project_choices
from surveys.importing.importer import (
    apply_import,
    import_list,
    preview_import,
    remove_import,
    suggested_mapping,
)
from surveys.importing.mapping import dump_mapping, mapping_text, parse_mapping
from surveys.importing.sources import read_source

PROJECT_KEY = "import_project"
FILES_KEY = "import_files"
MAPPING_FILE_KEY = "import_mapping_file"
MAPPING_KEY = "import_mapping"
DONE_KEY = "import_done"
LOADED_KEY = "import_mapping_loaded"

ctx = page_setup("import.title")
editable = admin_access(ctx.scope, ctx.lang)
if DONE_KEY in st.session_state:
    st.success(st.session_state.pop(DONE_KEY))

if editable:
    st.markdown(ctx.tr("import.help"))
    choices = project_choices(ctx.db)
    project = st.selectbox(
        ctx.tr("import.project"),
        list(choices),
        format_func=choices.__getitem__,
        key=PROJECT_KEY,
        placeholder=ctx.tr("ui.choose_option"),
    )
    uploads = st.file_uploader(
        ctx.tr("import.files"),
        type=["xlsx", "csv", "txt"],
        accept_multiple_files=True,
        key=FILES_KEY,
    )
    saved = st.file_uploader(ctx.tr("import.mapping_file"), type=["toml"], key=MAPPING_FILE_KEY)
    if uploads:
        try:
            source = read_source({u.name: u.getvalue() for u in uploads})
            if saved is not None and st.session_state.get(LOADED_KEY) != saved.file_id:
                # A newly chosen mapping file replaces the text once; edits after that stay.
                st.session_state[MAPPING_KEY] = mapping_text(saved.getvalue(), saved.name)
                st.session_state[LOADED_KEY] = saved.file_id
            elif MAPPING_KEY not in st.session_state:
                st.session_state[MAPPING_KEY] = dump_mapping(
                    suggested_mapping(ctx.db, source, project)
                )
            text = st.text_area(ctx.tr("import.mapping"), key=MAPPING_KEY, height=400)
            st.download_button(
                ctx.tr("import.save_mapping"), text, "mapping.toml", key="import_save"
            )
            mapping = parse_mapping(text)
            preview = preview_import(ctx.db, source, mapping, today=dt.date.today())
        except MedspilError as e:
            st.error(e.message(ctx.lang))
        else:
            st.subheader(ctx.tr("import.preview_heading"))
            st.markdown(preview.summary(ctx.lang).replace("\n", "  \n"))
            st.dataframe(preview.table(ctx.lang), hide_index=True, width="stretch")
            if st.button(ctx.tr("import.apply"), type="primary", key="import_apply"):
                try:
                    import_id, done = apply_import(
                        ctx.db, source, mapping, scope=ctx.scope, today=dt.date.today()
                    )
                except MedspilError as e:
                    st.error(e.message(ctx.lang))
                else:
                    invalidate_results()
                    st.session_state.pop(MAPPING_KEY, None)
                    st.session_state[DONE_KEY] = ctx.tr(
                        "import.applied", id=import_id, responses=done.stored
                    )
                    st.rerun()

st.subheader(ctx.tr("import.list_heading"))
listing = import_list(ctx.db, ctx.lang)
st.dataframe(listing, hide_index=True, width="stretch")
if listing.empty:
    st.caption(ctx.tr("import.none"))
elif editable:
    ids = [int(i) for i in listing.iloc[:, 0]]
    chosen = st.selectbox(
        ctx.tr("import.remove_which"),
        ids,
        key="import_remove_id",
        placeholder=ctx.tr("ui.choose_option"),
    )
    if st.button(ctx.tr("import.remove"), key="import_remove"):
        try:
            record = remove_import(ctx.db, int(chosen), scope=ctx.scope)
        except MedspilError as e:
            st.error(e.message(ctx.lang))
        else:
            invalidate_results()
            st.session_state[DONE_KEY] = ctx.tr(
                "import.removed", id=record.id, file=record.file_name
            )
            st.rerun()
