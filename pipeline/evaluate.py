"""Labeled data, evaluation metrics and inter-coder agreement.

Label files are CSV with a ``unit_id`` column, one 0/1 column per dimension id and either a
``text`` column or a pointer to text in the shared corpora (``source``, ``start``, ``end``,
``sha1``): the repository never copies external text, it reads it back and checks its hash.

Example:
    >>> cohen_kappa([1, 0, 1, 1], [1, 0, 0, 1])
    0.5
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
from pathlib import Path

import numpy as np

from .errors import ChanjiaoError


def find_shared_dir(start: str | os.PathLike | None = None) -> Path | None:
    """The shared corpora folder: $CHANJIAO_SHARED, else a ``shared`` folder beside a parent of
    ``start`` (a label file: its repository's neighbour), of the working directory, or of the
    installed package."""
    env = os.environ.get("CHANJIAO_SHARED")
    if env:
        return Path(env)
    for root in (start, Path.cwd(), Path(__file__).resolve().parents[1]):
        if root is None:
            continue
        here = Path(root).resolve()
        for base in [here, *here.parents]:
            cand = base.parent / "shared" if base.name != "shared" else base
            if (cand / "corpora").is_dir():
                return cand
    return None


def _read_source(shared: Path, source: str, cache: dict) -> str:
    if source not in cache:
        path, _, rec = source.partition("#")
        full = shared / path
        if rec:
            with open(full, encoding="utf-8") as f:
                for n, line in enumerate(f):
                    if n == int(rec):
                        cache[source] = json.loads(line)["content"]
                        break
        else:
            cache[source] = full.read_text(encoding="utf-8")
    return cache[source]


def load_labels(path: str | os.PathLike, *, dimensions: tuple[str, ...] | None = None, shared_dir: str | os.PathLike | None = None,
                require_text: bool = True, resolve_text: bool = True) -> list[dict]:
    """Rows of a label file with their text resolved.

    Args:
        path: CSV file.
        dimensions: dimension ids to read (default: every column with only 0/1 values).
        shared_dir: where pointer rows are resolved (default: :func:`find_shared_dir`).
        require_text: raise when a pointer row cannot be resolved (else the row is skipped).
        resolve_text: read pointer rows' text at all (agreement needs only the codes).

    Returns:
        dicts with ``unit_id``, ``text``, ``labels`` (dict dimension → 0/1) and the other columns.
    """
    path = Path(path)
    if not path.exists():
        raise ChanjiaoError(f"{path}: label file not found")
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise ChanjiaoError(f"{path}: no rows")
    if "unit_id" not in rows[0] and "id" not in rows[0]:
        raise ChanjiaoError(f"{path}: needs a unit_id (or id) column")
    if dimensions is None:
        dimensions = tuple(k for k in rows[0] if k not in ("unit_id", "id", "start", "end") and all(r.get(k) in ("0", "1") for r in rows))
    missing = [d for d in dimensions if d not in rows[0]]
    if missing:
        raise ChanjiaoError(f"{path}: missing dimension column(s) {missing}")
    shared = Path(shared_dir) if shared_dir else None
    cache: dict[str, str] = {}
    out = []
    for r in rows:
        uid = r.get("unit_id") or r.get("id")
        text = r.get("text") or ""
        if not text and r.get("source") and resolve_text:
            if shared is None:
                shared = find_shared_dir(path)
            if shared is None:
                if require_text:
                    raise ChanjiaoError(f"{path}: unit {uid} points into the shared corpora; set CHANJIAO_SHARED to that folder")
                continue
            raw = _read_source(shared, r["source"], cache)
            text = raw[int(r["start"]):int(r["end"])]
            if r.get("sha1") and hashlib.sha1(text.encode("utf-8")).hexdigest()[:12] != r["sha1"]:
                raise ChanjiaoError(f"{path}: unit {uid}: text at {r['source']} [{r['start']}:{r['end']}] does not match its sha1")
        out.append({**r, "unit_id": uid, "text": text, "labels": {d: int(r[d]) for d in dimensions}})
    return out


def label_matrix(rows: list[dict], dimensions) -> np.ndarray:
    return np.array([[r["labels"][d] for d in dimensions] for r in rows], dtype=int)


def cohen_kappa(a, b) -> float:
    """Cohen's κ of two 0/1 codings (1.0 when both are constant and equal)."""
    a, b = np.asarray(a, int), np.asarray(b, int)
    po = float(np.mean(a == b))
    pa, pb = a.mean(), b.mean()
    pe = pa * pb + (1 - pa) * (1 - pb)
    if pe >= 1.0:
        return 1.0 if po == 1.0 else 0.0
    return float((po - pe) / (1 - pe))


def krippendorff_alpha_nominal(a, b) -> float:
    """Krippendorff's α for two coders, nominal data, no missing values."""
    a, b = np.asarray(a), np.asarray(b)
    values = np.concatenate([a, b])
    n = len(values)
    cats, counts = np.unique(values, return_counts=True)
    do = float(np.mean(a != b))
    de = 1.0 - float(np.sum(counts * (counts - 1))) / (n * (n - 1)) if n > 1 else 0.0
    if de == 0:
        return 1.0 if do == 0 else 0.0
    return 1.0 - do / de


def prf(y_true, y_pred) -> dict:
    """Precision, recall, F1 and support of one binary column."""
    t, p = np.asarray(y_true, bool), np.asarray(y_pred, bool)
    tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4), "support": int(t.sum())}


def score_predictions(Y_true: np.ndarray, Y_pred: np.ndarray, dimensions) -> dict:
    """Per-dimension P/R/F1 and κ, macro-F1, and the co-label confusion (gold row × predicted column)."""
    per = {}
    for j, d in enumerate(dimensions):
        per[d] = {**prf(Y_true[:, j], Y_pred[:, j]), "kappa": round(cohen_kappa(Y_true[:, j], Y_pred[:, j]), 4)}
    macro = float(np.mean([per[d]["f1"] for d in dimensions]))
    co = {d: {e: int(((Y_true[:, i] == 1) & (Y_pred[:, j] == 1)).sum()) for j, e in enumerate(dimensions)} for i, d in enumerate(dimensions)}
    exact = float(np.mean((Y_true == Y_pred).all(axis=1)))
    return {"per_dimension": per, "macro_f1": round(macro, 4), "exact_match": round(exact, 4), "co_label_confusion": co, "n": int(len(Y_true))}


def agreement(path_a: str | os.PathLike, path_b: str | os.PathLike, *, dimensions: tuple[str, ...] | None = None) -> dict:
    """Per-dimension Cohen's κ, Krippendorff's α and percent agreement between two codings.

    Units are matched on ``unit_id`` (or ``id``); only units in both files count.

    Returns:
        {"n": units compared, "per_dimension": {dim: {"kappa", "alpha", "percent", "n_a", "n_b"}}, "mean_kappa"}
    """
    a = {r["unit_id"]: r for r in load_labels(path_a, dimensions=dimensions, resolve_text=False)}
    b = {r["unit_id"]: r for r in load_labels(path_b, dimensions=dimensions, resolve_text=False)}
    common = [u for u in a if u in b]
    if not common:
        raise ChanjiaoError(f"{path_a} and {path_b} share no unit ids")
    dims = dimensions or tuple(d for d in next(iter(a.values()))["labels"] if d in next(iter(b.values()))["labels"])
    per = {}
    for d in dims:
        x = [a[u]["labels"][d] for u in common]
        y = [b[u]["labels"][d] for u in common]
        per[d] = {"kappa": round(cohen_kappa(x, y), 4), "alpha": round(krippendorff_alpha_nominal(x, y), 4),
                  "percent": round(100 * float(np.mean(np.array(x) == np.array(y))), 2), "n_a": int(sum(x)), "n_b": int(sum(y))}
    return {"n": len(common), "per_dimension": per, "mean_kappa": round(float(np.mean([p["kappa"] for p in per.values()])), 4)}


def load_mention_gold(path: str | os.PathLike, *, shared_dir: str | os.PathLike | None = None) -> list[dict]:
    """Gold actor mentions (JSONL: sentence pointer into the shared corpora + mentions with offsets)."""
    shared = Path(shared_dir) if shared_dir else find_shared_dir(path)
    if shared is None:
        raise ChanjiaoError(f"{path}: sentences point into the shared corpora; set CHANJIAO_SHARED to that folder")
    cache: dict[str, str] = {}
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        text = r.get("text") or _read_source(shared, r["source"], cache)[r["start"]:r["end"]]
        if r.get("sha1") and hashlib.sha1(text.encode("utf-8")).hexdigest()[:12] != r["sha1"]:
            raise ChanjiaoError(f"{path}: sentence {r['sent_id']} does not match its sha1")
        out.append({**r, "text": text})
    return out


def score_mentions(gold: list[dict], predicted: list[list[dict]], types) -> dict:
    """Per-type precision/recall/F1 of actor mentions.

    A predicted mention matches a gold one of the same type whose span overlaps it (each gold
    mention matched once); ``strict`` counts only identical spans.
    """
    out = {}
    for mode in ("overlap", "strict"):
        per = {}
        for t in types:
            tp = fp = fn = 0
            for g, p in zip(gold, predicted):
                gs = [m for m in g["mentions"] if m["type"] == t]
                ps = [m for m in p if m["type"] == t]
                used = set()
                for m in ps:
                    hit = next((k for k, x in enumerate(gs) if k not in used and (
                        (x["start"], x["end"]) == (m["start"], m["end"]) if mode == "strict" else x["start"] < m["end"] and m["start"] < x["end"])), None)
                    if hit is None:
                        fp += 1
                    else:
                        used.add(hit)
                        tp += 1
                fn += len(gs) - len(used)
            prec = tp / (tp + fp) if tp + fp else 0.0
            rec = tp / (tp + fn) if tp + fn else 0.0
            per[t] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(2 * prec * rec / (prec + rec), 4) if prec + rec else 0.0,
                      "tp": tp, "fp": fp, "fn": fn}
        out[mode] = per
    return out
