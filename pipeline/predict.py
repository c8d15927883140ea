"""A portable form of a trained :class:`~pipeline.classify.FrameworkClassifier`: plain numpy.

``model.npz`` holds the fitted numbers (IDF vectors, the linear weights with their Platt scaling
folded in, blend weight, thresholds) and is loaded with ``allow_pickle=False``: nothing in it can
run code. Prediction uses :mod:`pipeline.features` directly, without importing scikit-learn,
so ``chanjiao classify`` starts fast. The skops file stays the canonical estimator (``Pipeline``,
``GridSearchCV``, notebooks); a test checks that both give the same probabilities.

Example:
    >>> model = PortableModel.load("models/default")                  # doctest: +SKIP
    >>> model.predict_proba(["校企共建实训基地"]).round(2)              # doctest: +SKIP
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

import numpy as np

from . import features
from .errors import ModelError

PORTABLE_FILE = "model.npz"
_BLOCKS = ("lexicon", "actors", "words", "chars")


def export_portable(model, out_dir: str | os.PathLike) -> Path:
    """Write ``model.npz`` for a fitted FrameworkClassifier."""
    union = model.model_.named_steps["features"]
    parts = dict(union.transformer_list)
    if tuple(parts) != _BLOCKS:
        raise ModelError(f"cannot export a model with feature blocks {tuple(parts)}; expected {_BLOCKS}")
    estimators = model.model_.named_steps["clf"].estimators_
    coef = np.vstack([e.coef_.ravel() for e in estimators])
    intercept = np.array([float(e.intercept_[0]) for e in estimators])
    words, chars = parts["words"], parts["chars"]
    config = {
        "classes": [str(c) for c in model.classes_],
        "framework": model.framework,
        "engine": model.engine,
        "n_lexicon": len(parts["lexicon"].feature_names_),
        "n_actors": len(parts["actors"].feature_names_),
        "words": {"n_features": words.n_features},
        "chars": {"n_features": chars.n_features, "ngram_range": list(chars.ngram_range)},
        "lexicon_scale": float(model.lexicon_.scale),
        "weight": float(model.weight_),
    }
    path = Path(out_dir) / PORTABLE_FILE
    np.savez_compressed(path, coef=coef, intercept=intercept, idf_words=words.idf_, idf_chars=chars.idf_,
                        thresholds=np.asarray(model.thresholds_, dtype=float), config=np.array(json.dumps(config)))
    return path


class PortableModel:
    """Predicts like the FrameworkClassifier it was exported from.

    Attributes:
        classes_: dimension ids.
        thresholds_: per-dimension thresholds.
        weight_: blend weight of the supervised part.
    """

    def __init__(self, arrays: dict, config: dict):
        self.config = config
        self.classes_ = np.array(config["classes"], dtype=object)
        self.thresholds_ = arrays["thresholds"]
        self.weight_ = config["weight"]
        self.framework = config["framework"]
        self.engine = config["engine"]
        self._coef = arrays["coef"]
        self._intercept = arrays["intercept"]
        self._idf_words = arrays["idf_words"]
        self._idf_chars = arrays["idf_chars"]
        # the n-gram weights as (n_features × classes) arrays with the IDF folded in
        n0 = config["n_lexicon"] + config["n_actors"]
        nw, nc = config["words"]["n_features"], config["chars"]["n_features"]
        self._w_words = np.ascontiguousarray(self._coef[:, n0:n0 + nw].T * self._idf_words[:, None])
        self._w_chars = np.ascontiguousarray(self._coef[:, n0 + nw:n0 + nw + nc].T * self._idf_chars[:, None])

    @classmethod
    def load(cls, model_dir: str | os.PathLike) -> PortableModel:
        path = Path(model_dir) / PORTABLE_FILE if Path(model_dir).is_dir() else Path(model_dir)
        return _load(str(path.resolve()), path.stat().st_mtime_ns)

    def supervised_proba(self, texts: list[str], *, lexicon_counts: np.ndarray | None = None) -> np.ndarray:
        """Probabilities of the supervised part; ``lexicon_counts``: the raw (not log) lexicon
        features of ``texts`` when the caller has them already."""
        cfg = self.config
        n_lex, n_act = cfg["n_lexicon"], cfg["n_actors"]
        nw, nc = cfg["words"]["n_features"], cfg["chars"]["n_features"]
        if lexicon_counts is None:
            lexicon_counts = features.lexicon_features(texts, framework=self.framework, log=False)
        dense = np.hstack([np.log1p(lexicon_counts),
                           features.actor_features(texts, framework=self.framework, engine=self.engine)])
        z = dense @ self._coef[:, : n_lex + n_act].T + self._intercept
        word_rows = features.word_id_rows(texts, n_features=nw, engine=self.engine, framework=self.framework)
        char_rows = features.char_ngram_rows(texts, ngram_range=tuple(cfg["chars"]["ngram_range"]), n_features=nc)
        z += features.tfidf_dot(*word_rows, len(texts), self._idf_words, self._w_words, n_features=nw)
        z += features.tfidf_dot(*char_rows, len(texts), self._idf_chars, self._w_chars, n_features=nc)
        return 1.0 / (1.0 + np.exp(-z))

    def predict_proba(self, X) -> np.ndarray:
        texts = ["" if x is None else str(x) for x in X]
        out = np.zeros((len(texts), len(self.classes_)))
        nonempty = [i for i, t in enumerate(texts) if t.strip()]
        if nonempty:
            sub = [texts[i] for i in nonempty]
            # one pass of the term matcher serves both parts: counts for the features, sums for the scorer
            counts = features.lexicon_features(sub, framework=self.framework, log=False)
            lex = features.lexicon_scores(sub, framework=self.framework, scale=self.config["lexicon_scale"], raw=counts)
            out[nonempty] = self.weight_ * self.supervised_proba(sub, lexicon_counts=counts) + (1 - self.weight_) * lex
        return out

    def predict(self, X) -> np.ndarray:
        return (self.predict_proba(X) >= self.thresholds_).astype(int)


@lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> PortableModel:
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError) as exc:
        raise ModelError(f"{path}: not a readable portable model ({exc})") from None
    return PortableModel(arrays, json.loads(str(arrays.pop("config"))))
