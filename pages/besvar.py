"""Besvar: the public answer page an employee reaches from a QR code or a link with ``?kode=``."""

import datetime as dt

import streamlit as st

from medspil.errors import CodeUsed, InvalidCode, MedspilError
from medspil.i18n import LANGUAGES
from medspil.text import markdown_text
from pages.common.frame import LANG_KEY, page_setup
from surveys.answering.codes import installation_secret
from surveys.answering.form import open_form, submit_form

CODE_PARAM = "kode"
THANKED_KEY = "answer_thanked_code"
LANG_SWITCH_KEY = "answer_lang"
CODE_INPUT_KEY = "answer_code_input"
# A compact form for a phone: the 5-point scale in one row under each statement, every option
# a thumb-sized target (at least 44 x 44 px, WCAG 2.5.5), and little space above the first one.
THUMB_CSS = """<style>
[class*="st-key-item_"] [role="radiogroup"] { gap: 0.25rem 0.5rem; }
[class*="st-key-item_"] [role="radiogroup"] label {
  min-height: 44px; min-width: 44px; align-items: center; margin: 0; }
[class*="st-key-item_"] { width: 100%; padding-bottom: 0.25rem; border-bottom: 1px solid #ccc; }
[class*="st-key-item_"] [data-testid="stWidgetLabel"] p { font-size: 1rem; font-weight: 600; }
[data-testid="stMainBlockContainer"] { padding-top: 1rem; }
</style>"""


def _follow_main_switch() -> None:
    if st.session_state[LANG_SWITCH_KEY]:
        st.session_state[LANG_KEY] = st.session_state[LANG_SWITCH_KEY]


def _use_typed_code() -> None:
    typed = st.session_state.get(CODE_INPUT_KEY) or ""
    st.query_params[CODE_PARAM] = typed.strip()


ctx = page_setup("answer.title", public=True)
st.html(THUMB_CSS)
# Phones hide the sidebar, so a small language switch is repeated where everyone sees it.
st.session_state[LANG_SWITCH_KEY] = ctx.lang
st.segmented_control(
    ctx.tr("answer.language"),
    options=list(LANGUAGES),
    format_func=lambda code: {"da": "Dansk", "en": "English"}[code],
    key=LANG_SWITCH_KEY,
    on_change=_follow_main_switch,
    label_visibility="collapsed",
    width="content",
)

code_text = st.query_params.get(CODE_PARAM, "")
if code_text and st.session_state.get(THANKED_KEY) == code_text:
    st.success(f"**{ctx.tr('answer.thanks_title')}**\n\n{ctx.tr('answer.thanks_text')}")
    st.stop()

form = None
if code_text:
    try:
        form = open_form(
            ctx.db,
            code_text,
            lang=ctx.lang,
            today=dt.date.today(),
            secret=installation_secret(ctx.db.path),
        )
    except CodeUsed:
        # Most often the same person reloading the page after sending: say it kindly.
        st.success(f"**{ctx.tr('answer.received_title')}**\n\n{ctx.tr('answer.received_text')}")
        st.stop()
    except MedspilError as e:
        st.error(e.message(ctx.lang))
        if not isinstance(e, InvalidCode):
            st.stop()

if form is None:
    st.subheader(ctx.tr("answer.title"))
    with st.form("answer_code"):
        st.write(ctx.tr("answer.code_intro"))
        st.text_input(
            ctx.tr("answer.code_label"),
            placeholder=ctx.tr("answer.code_placeholder"),
            key=CODE_INPUT_KEY,
            max_chars=20,
        )
        st.form_submit_button(ctx.tr("answer.code_submit"), on_click=_use_typed_code)
    st.stop()

# One compact line for the project and its phase; the promises one tap away.
st.markdown(f"**{markdown_text(form.project_name)}** · {form.phase_label}")
with st.expander(ctx.tr("answer.about"), icon=":material/lock:"):
    st.markdown(ctx.md("answer.phase_now", phase=form.phase_label, text=form.phase_text))
    st.markdown("\n".join(f"- {line}" for line in form.intro))
    st.markdown(ctx.tr("answer.closes", closes=form.closes))

short = {value: str(value) for value in form.options}
short[form.options[-1]] = form.option_labels[form.options[-1]]  # "Ved ikke" keeps its words
with st.form("answer_form"):
    scale = form.options[:-1]
    st.markdown(  # not a caption: grey caption text misses the 4.5:1 contrast (axe)
        ctx.tr(
            "answer.scale_legend",
            low=form.option_labels[scale[0]],
            high=form.option_labels[scale[-1]],
        )
    )
    for item in form.items:
        st.radio(
            item.text,
            options=form.options,
            format_func=short.get,
            index=None,
            key=f"item_{item.id}",
            horizontal=True,
        )
    st.warning(ctx.tr("answer.comment_warning"), icon=":material/visibility_off:")
    comment = st.text_area(
        ctx.tr("answer.comment_label", max=form.comment_max_chars),
        max_chars=form.comment_max_chars,
        key="answer_comment",
    )
    sent = st.form_submit_button(ctx.tr("answer.submit"), type="primary", width="stretch")

if sent:
    values = {item.id: st.session_state.get(f"item_{item.id}") for item in form.items}
    try:
        submit_form(
            ctx.db,
            form,
            values,
            comment,
            today=dt.date.today(),
            secret=installation_secret(ctx.db.path),
        )
    except MedspilError as e:
        st.error(e.message(ctx.lang))
        st.stop()
    # No cache is cleared: the answer went into an open wave, which no dashboard shows.
    st.session_state[THANKED_KEY] = code_text
    st.rerun()
