"""The arithmetic of the default blend (``nlp.classifier.BlendClassifier``) that training shares: language
groups, the per-row log-linear mix of e5 and moe with the polarity-only rule, the neutral head's sigmoid."""

from __future__ import annotations

import numpy as np

from nlp.mixture import softmax

BLEND_GROUPS = ("en", "ko", "zh", "vi")


def lang_group(lang: str) -> str:
    """The language group a blend weight is chosen for: our four markets' languages, else "other"."""
    return lang if lang in BLEND_GROUPS else "other"


def blend_log_probs(
    log_e5: np.ndarray,
    log_moe: np.ndarray,
    w: np.ndarray,
    polarity_only: np.ndarray,
    neutral: int | None,
    p_neutral: np.ndarray | None = None,
) -> np.ndarray:
    """The blend's unnormalised log-probabilities: ``w · log p_e5 + (1 − w) · log p_moe`` per row.

    Rows flagged ``polarity_only`` (languages whose every sentiment set is binary, so moe's experts never
    saw a neutral text in them and call nearly everything polar) take p(neutral) from ``p_neutral`` (per
    row: the neutral head's, see ``nlp.training.neutral_head``; NaN where the head has no bias for the row's
    group), else from e5, and blend only the split of the rest between negative and positive.
    """
    z = w * log_e5 + (1 - w) * log_moe
    if neutral is None or not polarity_only.any():
        return z
    rows = np.flatnonzero(polarity_only)
    polar = [k for k in range(z.shape[1]) if k != neutral]
    split = softmax(z[np.ix_(rows, polar)])
    p_neu = np.exp(log_e5[rows, neutral])
    if p_neutral is not None:
        head = np.asarray(p_neutral, float)[rows]
        p_neu = np.where(np.isnan(head), p_neu, head)
    out = z.copy()
    out[np.ix_(rows, polar)] = np.log(np.clip(split * (1 - p_neu)[:, None], 1e-9, 1.0))
    out[rows, neutral] = np.log(np.clip(p_neu, 1e-9, 1.0))
    return out


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))
