"""The classify stage: units (sentences, paragraphs, documents) → scores, labels, evidence, actors.

Models come from :mod:`pipeline.estimators` (scikit-learn) or, for speed, their numpy-only
form :mod:`pipeline.predict`; this module imports neither scikit-learn nor spaCy.

Example:
    >>> from pipeline import read_text
    >>> row = next(classify_documents([read_text("学校与企业共建共享实训基地。")]))
    >>> sorted(row["scores"]) == ["actors", "field", "resources", "value"]
    True
"""
from __future__ import annotations

import logging

import numpy as np

from .codebook import load_framework
from .extract import load_term_matcher

UNITS = ("sentence", "paragraph", "document")
log = logging.getLogger(__name__)
_WARNED: set = set()


def load_classifier(model: str | None = None, *, framework: str | None = None, portable: bool = True):
    """The estimator to classify with, and its card.

    Args:
        portable: prefer the numpy-only form of a model (same predictions, fast start-up);
            False gives the scikit-learn estimator.
        model: a model directory; "lexicon" for the lexicon scorer; None for the default model
            (falls back to the lexicon scorer, with a card saying so, when the framework is not
            the one the default model was trained for).
    """
    from .models import default_model_dir, load_model

    fw = load_framework(framework)
    if model == "lexicon":
        from .estimators import LexiconScorer

        return LexiconScorer(framework).fit(), {"name": "lexicon", "model": {"class": "LexiconScorer"}, "framework": {"id": fw.id, "sha256": fw.sha256}}
    if model is None:
        found = default_model_dir()
        if found is None:
            return load_classifier("lexicon", framework=framework)
        est, card = load_model(found, portable=portable)
        trained_for = card.get("framework", {})
        if trained_for.get("sha256") != fw.sha256:
            if trained_for.get("id") == fw.id and (fw.path, fw.sha256) not in _WARNED:
                # the same scheme, edited: say so once, or scores quietly change their nature
                _WARNED.add((fw.path, fw.sha256))
                log.warning("%s differs from the framework the default model was trained on; classifying with "
                            "the lexicon scorer (retrain with `chanjiao train LABELS -o DIR --framework FILE`)", fw.path)
            est, card = load_classifier("lexicon", framework=framework)
            return est, {**card, "note": "default model trained for another framework: lexicon scorer used"}
        return est, card
    return load_model(model, framework=fw, portable=portable)


def classify_documents(docs, *, unit: str = "paragraph", model: str | None = None, framework: str | None = None,
                       engine: str = "rjieba", include_headings: bool = False, records_as_units: bool = True,
                       estimator=None):
    """Classify the units of documents and attach evidence and actor mentions.

    Args:
        docs: Document records.
        unit: "sentence", "paragraph" (default) or "document"; a record of a .jsonl/.csv input is
            one unit unless ``records_as_units`` is False.
        model: model directory, "lexicon", or None for the default.
        framework: framework file or bundled name.
        engine: segmenter engine (actor name detection).
        include_headings: classify heading lines too.
        estimator: an already loaded estimator (skips loading ``model``).

    Yields:
        One dict per unit: ``id``, ``doc_id``, ``unit``, ``para_idx``, ``sent_idx``, ``start``,
        ``end``, ``section``, ``text``, ``labels``, ``scores``, ``evidence`` (dimension → terms
        and sentences), ``actors`` (text, type, start, end, name, role; offsets into ``text``).
    """
    from .errors import ConfigError, value_invalid_msg
    from .extract import load_actor_matcher
    from .split import iter_units

    if unit not in UNITS:
        raise ConfigError(value_invalid_msg("unit", unit, UNITS))
    est = estimator if estimator is not None else load_classifier(model, framework=framework)[0]
    fw = load_framework(framework)
    dims = list(fw.dimension_ids)
    terms = load_term_matcher(framework)
    actors = load_actor_matcher(framework, engine)
    batch: list[tuple] = []
    sentences_of: dict = {}  # paragraph units reuse the sentences ingest already found

    def flush():
        if not batch:
            return
        probs = est.predict_proba([b[2] for b in batch])
        thresholds = getattr(est, "thresholds_", None)
        if thresholds is None:
            thresholds = np.full(len(dims), getattr(est, "threshold", 0.5))
        for (doc, meta, text, start, end), p in zip(batch, probs):
            yield _unit_row(doc, meta, text, start, end, p, thresholds, dims, terms, actors, sentences_of.get((meta["para_idx"], meta["sent_idx"])))
        batch.clear()
        sentences_of.clear()

    for doc in docs:
        is_record = doc.format in ("jsonl", "csv") and records_as_units
        if unit == "document" or (is_record and unit == "paragraph"):
            spans = [(-1, -1, doc.text, 0, len(doc.text), ())]
        else:
            paras = {p.para_idx: p for p in doc.paragraphs}
            sections = {p.para_idx: p.section for p in doc.paragraphs}
            spans = [(pi, si, t, s, e, sections.get(pi, ())) for pi, si, t, s, e in iter_units(doc.paragraphs, unit=unit, include_headings=include_headings)]
        for pi, si, text, s, e, section in spans:
            uid = doc.doc_id if (unit == "document" or is_record and unit == "paragraph") else (f"{doc.doc_id}:{pi}" if si < 0 else f"{doc.doc_id}:{pi}:{si}")
            batch.append((doc, {"id": uid, "para_idx": pi, "sent_idx": si, "section": list(section), "unit": unit}, text, s, e))
            if unit == "paragraph" and pi >= 0:
                sentences_of[(pi, -1)] = (paras[pi].sentences, s)  # offsets into the document: shifted by s
            if len(batch) >= 256:
                yield from flush()
    yield from flush()


def _unit_row(doc, meta, text, start, end, probs, thresholds, dims, terms, actors, sentences=None) -> dict:
    """One unit's row. ``sentences``: (sentences, shift) with offsets ``shift`` ahead of the
    unit's own, when the caller has them (a paragraph's sentences from ingest)."""
    from .split import split_sentences

    nonempty = bool(text.strip())
    hits = terms.find(text) if nonempty else []
    if sentences is None:
        sentences = (split_sentences(text) if nonempty else [], 0)
    labels = [d for d, p, t in zip(dims, probs, thresholds) if nonempty and p >= t]
    by_dim: dict[str, list] = {}
    for h in hits:
        by_dim.setdefault(h.dimension, []).append(h)
    evidence = {}
    for d in dims:
        dh = by_dim.get(d, [])
        if not dh and d not in labels:
            continue
        counts: dict[str, int] = {}
        for h in dh:
            counts[h.term] = counts.get(h.term, 0) + 1
        evidence[d] = {"terms": [{"term": k, "count": v} for k, v in counts.items()], "sentences": _sentences_with(*sentences, dh, 3)}
    mentions = [{"text": m.text, "type": m.type, "start": m.start, "end": m.end, "name": m.name, "role": m.role}
                for m in (actors.find(text) if nonempty else [])]
    return {
        **meta,
        "doc_id": doc.doc_id,
        "title": doc.title,
        "path": doc.path,
        "start": start,
        "end": end,
        "text": text,
        "labels": labels,
        "scores": {d: round(float(p), 4) for d, p in zip(dims, probs)},
        "evidence": evidence,
        "actors": mentions,
    }


def _sentences_with(sentences, shift: int, hits, limit: int) -> list[str]:
    """Texts of the first ``limit`` sentences that contain a hit (hits sorted by position;
    sentence offsets are ``shift`` ahead of the hits')."""
    import bisect

    if not hits:
        return []
    starts = [s.start for s in sentences]
    out: list[str] = []
    seen: set[int] = set()
    for h in hits:
        pos = h.start + shift
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and i not in seen and pos < sentences[i].end:
            seen.add(i)
            out.append(sentences[i].text)
            if len(out) >= limit:
                break
    return out


def profile_document(rows: list[dict], dimensions) -> dict:
    """A document's profile from its unit rows: share of units per dimension, mean intensity,
    dominant dimension, dimensions covered, actor counts by type, dimension × actor matrix."""
    n = len(rows) or 1
    share = {d: sum(1 for r in rows if d in r["labels"]) / n for d in dimensions}
    mean = {d: float(np.mean([r["scores"][d] for r in rows])) if rows else 0.0 for d in dimensions}
    actor_counts: dict[str, int] = {}
    matrix: dict[str, dict[str, int]] = {d: {} for d in dimensions}
    for r in rows:
        types = sorted({a["type"] for a in r["actors"]})  # sorted: identical output in every process
        for a in r["actors"]:
            actor_counts[a["type"]] = actor_counts.get(a["type"], 0) + 1
        for d in r["labels"]:
            for t in types:
                matrix[d][t] = matrix[d].get(t, 0) + 1
    dominant = max(dimensions, key=lambda d: (share[d], mean[d])) if rows and any(mean.values()) else ""
    return {
        "units": len(rows),
        "share": {d: round(v, 4) for d, v in share.items()},
        "intensity": {d: round(v, 4) for d, v in mean.items()},
        "dominant": dominant,
        "covered": sum(1 for d in dimensions if share[d] > 0),
        "actor_counts": actor_counts,
        "dimension_actor": matrix,
    }
