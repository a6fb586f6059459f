"""The "correct a label" controls shared by the Negative feed and Explore pages.

An analyst picks the right sentiment and spam label of a mention and saves; each changed label becomes a
``label_correction`` row and the mention's label (``store.repo.record_correction``), so every page and KPI
shows it on the next render.
"""

from __future__ import annotations

import streamlit as st

from store.models import CORRECTION_LABELS
from ui.dashboard import queries

SENTIMENT_LABELS = {"negative": "Negative", "neutral": "Neutral", "positive": "Positive"}
SPAM_LABELS = {"ham": "Not spam", "spam": "Spam"}


def spam_label(is_spam: bool | None) -> str | None:
    """``is_spam`` as a spam-task label: "spam", "ham", or None when not labeled yet."""
    return None if is_spam is None else ("spam" if is_spam else "ham")


def _save(url: str, mention_id: int, current: dict[str, str | None], keys: dict[str, str]) -> None:
    """on_click of "Save correction": record each label that differs from the mention's current one."""
    by = st.session_state.get(keys["by"]) if "by" in keys else None
    note = st.session_state.get(keys["note"]) if "note" in keys else None
    changed = []
    for task in ("sentiment", "spam"):
        chosen = st.session_state.get(keys[task])
        if chosen is not None and chosen != current[task]:
            queries.save_correction(url, mention_id, task, chosen, corrected_by=by, note=note)
            changed.append(f"{task} → {chosen}")
    if changed:
        st.toast(f"Mention {mention_id}: {', '.join(changed)}")
    else:
        st.toast(f"Mention {mention_id}: the labels are unchanged, nothing saved")


def correction_controls(
    url: str,
    mention_id: int,
    sentiment: str | None,
    is_spam: bool | None,
    *,
    key: str,
    ask_who: bool = False,
) -> None:
    """Sentiment and spam pickers preset to the mention's labels, and a "Save correction" button.

    Widget keys are ``{key}_sentiment_{id}``, ``{key}_spam_{id}``, ``{key}_save_{id}`` (and ``{key}_by_{id}``,
    ``{key}_note_{id}`` with ``ask_who``).
    """
    current = {"sentiment": sentiment, "spam": spam_label(is_spam)}
    keys = {name: f"{key}_{name}_{mention_id}" for name in ("sentiment", "spam", "save")}
    for task, names in (("sentiment", SENTIMENT_LABELS), ("spam", SPAM_LABELS)):
        options = list(CORRECTION_LABELS[task])
        st.selectbox(
            task.capitalize(),
            options,
            index=options.index(current[task]) if current[task] in options else None,
            format_func=names.get,
            key=keys[task],
            placeholder="not labeled yet",
        )
    if ask_who:
        keys["by"], keys["note"] = f"{key}_by_{mention_id}", f"{key}_note_{mention_id}"
        st.text_input("Corrected by (optional)", key=keys["by"])
        st.text_input("Note (optional)", key=keys["note"])
    st.button(
        "Save correction",
        key=keys["save"],
        on_click=_save,
        args=(url, mention_id, current, keys),
        icon=":material/edit:",
    )
