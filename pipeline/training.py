"""Training and evaluation of classifiers on a label file (see :mod:`pipeline.evaluate`).

Example:
    >>> card = train_model("corpus/labels/labels.csv", "models/default")     # doctest: +SKIP
    >>> card["metrics"]["summary"]["combined"]                                 # doctest: +SKIP
"""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np
from sklearn.base import clone

from .classify import load_classifier
from .codebook import load_framework
from .errors import ChanjiaoError
from .estimators import FrameworkClassifier, LexiconScorer, _best_threshold, build_classifier, oof_proba
from .evaluate import label_matrix, load_labels, score_predictions


def _split(rows, split):
    if split == "all":
        return rows
    out = [r for r in rows if r.get("split", "train") == split]
    if not out:
        raise ChanjiaoError(f"no rows with split={split!r} in the label file (use --split all)")
    return out


def _data_hash(rows) -> str:
    h = hashlib.sha256()
    for r in rows:
        h.update(f"{r['unit_id']}\t{r['text']}\t{sorted(r['labels'].items())}\n".encode())
    return h.hexdigest()


def train_model(labels_path, out_dir, *, framework: str | None = None, cv: int = 5, random_state: int = 0) -> dict:
    """Fit the default model on the ``train`` split; score lexicon, supervised and combined on
    ``test``; save model and card to ``out_dir``.

    Returns:
        the model card.
    """
    from .models import make_card, save_model

    fw = load_framework(framework)
    dims = fw.dimension_ids
    rows = load_labels(labels_path, dimensions=dims)
    train = [r for r in rows if r.get("split", "train") == "train"]
    test = [r for r in rows if r.get("split") == "test"]
    if len(train) < 20:
        raise ChanjiaoError(f"{labels_path}: only {len(train)} training rows")
    X, Y = [r["text"] for r in train], label_matrix(train, dims)
    model = FrameworkClassifier(framework, cv=cv, random_state=random_state).fit(X, Y)
    metrics: dict = {"oof_f1": {d: round(float(f), 4) for d, f in zip(dims, model.oof_f1_)}}
    if test:
        Xt, Yt = [r["text"] for r in test], label_matrix(test, dims)
        # The lexicon scorer gets its own thresholds chosen on the training rows, as the model does.
        lex = LexiconScorer(framework).fit()
        lex_th = np.array([_best_threshold(Y[:, j], lex.predict_proba(X)[:, j])[0] for j in range(len(dims))])
        # "supervised" alone: the same learner on the n-grams only, without the lexicon's features
        ngrams = build_classifier(framework, engine=model.engine, alpha=model.alpha, lexicon_features=False)
        sup_th = _oof_thresholds(ngrams, X, Y, cv, random_state)
        sup = clone(ngrams).fit(X, Y).predict_proba(Xt)
        metrics["test"] = {
            "lexicon": score_predictions(Yt, (lex.predict_proba(Xt) >= lex_th).astype(int), dims),
            "supervised": score_predictions(Yt, (sup >= sup_th).astype(int), dims),
            "combined": score_predictions(Yt, model.predict(Xt), dims),
        }
        metrics["thresholds"] = {"lexicon": lex_th.tolist(), "supervised": sup_th.tolist(), "combined": model.thresholds_.tolist()}
        metrics["summary"] = {k: v["macro_f1"] for k, v in metrics["test"].items()}
        metrics["summary"]["n_train"], metrics["summary"]["n_test"] = len(train), len(test)
    else:
        metrics["summary"] = {"n_train": len(train), "n_test": 0}
    card = make_card(model, framework=fw, metrics=metrics, name=Path(out_dir).name,
                     training_data={"file": Path(labels_path).name, "sha256": _data_hash(rows), "n_train": len(train),
                                    "n_test": len(test), "positives_train": {d: int(Y[:, j].sum()) for j, d in enumerate(dims)}})
    save_model(model, out_dir, card)
    return card


def _oof_thresholds(estimator, X, Y, cv, random_state) -> np.ndarray:
    """Per-dimension thresholds for ``estimator`` from out-of-fold predictions on the training rows."""
    oof = oof_proba(estimator, X, Y, cv=cv, random_state=random_state)
    return np.array([_best_threshold(Y[:, j], oof[:, j])[0] for j in range(Y.shape[1])])


def evaluate_model(labels_path, *, model: str | None = None, framework: str | None = None, cv: int = 0, split: str = "test",
                   errors_path: str | None = None) -> dict:
    """Score a saved model on a split of a label file, or cross-validate a new one (``cv`` ≥ 2).

    Writes the misclassified units to ``errors_path`` (CSV: unit, text, human and model codes).
    """
    fw = load_framework(framework)
    dims = fw.dimension_ids
    rows = load_labels(labels_path, dimensions=dims)
    if cv and cv >= 2:
        from sklearn.model_selection import KFold

        X, Y = [r["text"] for r in rows], label_matrix(rows, dims)
        pred = np.zeros(Y.shape, dtype=int)
        for tr, te in KFold(n_splits=cv, shuffle=True, random_state=0).split(X):
            m = FrameworkClassifier(framework, cv=3).fit([X[i] for i in tr], Y[tr])
            pred[te] = m.predict([X[i] for i in te])
        scored = rows
    else:
        est, _ = load_classifier(model, framework=framework)
        scored = _split(rows, split)
        X, Y = [r["text"] for r in scored], label_matrix(scored, dims)
        pred = est.predict(X)
    report = score_predictions(Y, pred, dims)
    if errors_path:
        with open(errors_path, "w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f)
            w.writerow(["unit_id", "dimension", "error", "human", "model", "text"])
            for r, y, p in zip(scored, Y, pred):
                for j, d in enumerate(dims):
                    if y[j] != p[j]:
                        w.writerow([r["unit_id"], d, "false positive" if p[j] else "false negative", int(y[j]), int(p[j]), r["text"]])
    return report
