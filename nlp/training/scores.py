"""Dev scores of the moe trainer: macro-F1 per dev set (per language where a set has several; spam precision,
recall and flag rate), and the character TF-IDF baselines each dataset's model is compared with.

(The e5 trainer scores with ``nlp.evaluate.score``, as ``brandpulse eval`` does: the same macro-F1 over the
gold labels, with per-label recall.)
"""

from __future__ import annotations

from collections.abc import Sequence

from nlp.training.domains import baseline_rows


def macro_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """Macro-F1 over the gold labels."""
    from sklearn.metrics import f1_score

    # A binary set is scored on its two labels; "neutral" predictions on it count as errors.
    labels = sorted(set(gold))
    return float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0))


def dev_scores(rows_by_set: dict[str, list[dict]], preds_by_set: dict[str, list[str]], task: str) -> dict:
    """Per dev set: n, macro-F1, macro-F1 per language (sets of several languages); for spam also spam
    precision, recall and the share of texts flagged."""
    out: dict[str, dict] = {}
    for name, rows in rows_by_set.items():
        gold = [r["label"] for r in rows]
        pred = preds_by_set[name]
        entry: dict = {"n": len(rows), "macro_f1": round(macro_f1(gold, pred), 4)}
        langs = sorted({r["lang"] for r in rows})
        if len(langs) > 1:
            entry["by_lang"] = {
                lang: round(
                    macro_f1(
                        [g for g, r in zip(gold, rows, strict=True) if r["lang"] == lang],
                        [p for p, r in zip(pred, rows, strict=True) if r["lang"] == lang],
                    ),
                    4,
                )
                for lang in langs
            }
        if task == "spam":
            tp = sum(g == "spam" and p == "spam" for g, p in zip(gold, pred, strict=True))
            entry["spam_precision"] = round(tp / max(1, sum(p == "spam" for p in pred)), 4)
            entry["spam_recall"] = round(tp / max(1, sum(g == "spam" for g in gold)), 4)
            entry["flagged_as_spam"] = round(sum(p == "spam" for p in pred) / max(1, len(pred)), 4)
        out[name] = entry
    return out


def baseline_preds(
    domains: dict[str, dict[str, list]],
    clean: dict[str, list[str]],
    clean_dev: dict[str, list[str]],
    *,
    c: float,
    ngram_range: tuple[int, int],
) -> dict[str, list[str]]:
    """Per dev set, the baseline's predictions: one char TF-IDF (``ngram_range``) + logistic regression (L2,
    ``c``) per dataset, trained on that dataset's train split (``baseline_rows``) and scored on its dev split;
    the hand-written rows are scored by one such model of all the training data."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    preds: dict[str, list[str]] = {}
    for name, texts in clean_dev.items():
        pairs = baseline_rows(name, domains, clean)
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, sublinear_tf=True, min_df=2)
        base = LogisticRegression(C=c, max_iter=3000, tol=1e-4).fit(
            vec.fit_transform([t for _, t in pairs]), [r["label"] for r, _ in pairs]
        )
        preds[name] = list(base.predict(vec.transform(texts)))
    return preds
