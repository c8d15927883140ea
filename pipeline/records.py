"""Rows for output: documents, keyword hits, actor mentions; and the framework check.

These turn stage records into plain dicts (JSON/CSV/Parquet rows). They compute nothing the
stages do not; the CLI and :mod:`pipeline.run` share them.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

from .types import Document


def document_row(doc: Document, *, paragraphs: bool = True) -> dict:
    """A document as a JSON-ready dict (metadata, text, paragraphs with sections and sentences)."""
    row = {
        "id": doc.doc_id,
        "path": doc.path,
        "title": doc.title,
        "date": doc.date,
        "source": doc.source,
        "original_source": doc.original_source,
        "issuer": doc.issuer,
        "doc_number": doc.doc_number,
        "format": doc.format,
        "encoding": doc.encoding,
        "script": doc.script,
        "warnings": list(doc.warnings),
        "meta": doc.meta,
        "text": doc.text,
    }
    if doc.original_text:
        row["original_text"] = doc.original_text
    if paragraphs:
        row["paragraphs"] = [
            {"index": p.para_idx, "text": p.text, "start": p.start, "end": p.end, "section": list(p.section),
             "is_heading": p.is_heading, "heading_level": p.heading_level,
             "sentences": [{"text": s.text, "start": s.start, "end": s.end} for s in p.sentences]}
            for p in doc.paragraphs
        ]
    return row


def keyword_rows(docs: Iterable[Document], *, framework: str | None = None, kwic: int = 15, top: int = 20,
                 idf: str | None = None, engine: str = "rjieba", flat: bool = False, corpus: bool = False) -> Iterator[dict]:
    """Per document: dimension term hits (term, count, positions, sentence, weight, context) and
    TF-IDF / TextRank keywords. ``flat`` gives one row per hit/keyword instead of one per document.
    ``corpus`` adds a last entry (id ``corpus``) with the corpus-level term counts and keywords."""
    from .extract import extract_terms
    from .extract import kwic as kwic_of
    from .keywords import textrank_keywords, tfidf_keywords
    from .segment import load_segmenter

    all_counts: Counter = Counter()
    all_tags: list = []
    for doc, hits in extract_terms(docs, framework=framework):
        sentences = {(s.para_idx, s.sent_idx): s.text for s in doc.sentences}
        hit_rows = []
        for pi, si, h in hits:
            left, kw, right = kwic_of(doc.text, h.start, h.end, kwic)
            hit_rows.append({"dimension": h.dimension, "category": h.category, "term": h.term, "weight": h.weight,
                             "start": h.start, "end": h.end, "para_idx": pi, "sent_idx": si,
                             "left": left, "right": right, "sentence": sentences.get((pi, si), "")})
        counts = Counter((h["dimension"], h["term"]) for h in hit_rows)
        body = "\n".join(p.text for p in doc.paragraphs if not p.is_heading)
        tags = load_segmenter(engine, framework).tag(body)
        tfidf = tfidf_keywords(body, top=top, idf=idf, engine=engine, tagged=tags)
        textrank = textrank_keywords(body, top=top, engine=engine, tagged=tags)
        if corpus:
            all_counts.update(counts)
            all_tags += tags
        if flat:
            for h in hit_rows:
                yield {"id": doc.doc_id, "title": doc.title, "kind": "term", "count": counts[(h["dimension"], h["term"])], **h}
            for kind, kws in (("tfidf", tfidf), ("textrank", textrank)):
                for rank, (w, score) in enumerate(kws, 1):
                    yield {"id": doc.doc_id, "title": doc.title, "kind": kind, "term": w, "weight": round(score, 5), "count": rank}
            continue
        summary = {}
        for (d, t), c in counts.items():
            summary.setdefault(d, []).append({"term": t, "count": c})
        yield {"id": doc.doc_id, "title": doc.title, "path": doc.path, "dimension_terms": summary, "hits": hit_rows,
               "tfidf": [{"term": w, "score": round(s, 5)} for w, s in tfidf],
               "textrank": [{"term": w, "score": round(s, 5)} for w, s in textrank]}
    if corpus:
        tfidf = tfidf_keywords("", top=top, idf=idf, engine=engine, tagged=all_tags)
        textrank = textrank_keywords("", top=top, engine=engine, tagged=all_tags)
        if flat:
            for (d, t), c in all_counts.most_common():
                yield {"id": "corpus", "title": "", "kind": "term", "dimension": d, "term": t, "count": c}
            for kind, kws in (("tfidf", tfidf), ("textrank", textrank)):
                for rank, (w, score) in enumerate(kws, 1):
                    yield {"id": "corpus", "title": "", "kind": kind, "term": w, "weight": round(score, 5), "count": rank}
        else:
            summary = {}
            for (d, t), c in all_counts.most_common():
                summary.setdefault(d, []).append({"term": t, "count": c})
            yield {"id": "corpus", "title": "", "path": "", "dimension_terms": summary, "hits": [],
                   "tfidf": [{"term": w, "score": round(s, 5)} for w, s in tfidf],
                   "textrank": [{"term": w, "score": round(s, 5)} for w, s in textrank]}


def actor_rows(docs: Iterable[Document], *, framework: str | None = None, engine: str = "rjieba", flat: bool = False,
               collect: list | None = None) -> Iterator[dict]:
    """Per document (or record): actor mentions with offsets into that document's text.

    ``collect`` receives (doc_id, mentions) for building networks afterwards.
    """
    from .extract import extract_mentions

    for doc, mentions in extract_mentions(docs, framework=framework, engine=engine):
        if collect is not None:
            collect.append((doc.doc_id, mentions))
        sentences = {s.start: s for s in doc.sentences}
        sent_of = sorted(sentences)
        rows = []
        for m in mentions:
            rows.append({"text": m.text, "type": m.type, "start": m.start, "end": m.end, "name": m.name, "role": m.role,
                         "sentence": _sentence_at(doc, sent_of, sentences, m.start)})
        if flat:
            for r in rows:
                yield {"id": doc.doc_id, "title": doc.title, **r}
            continue
        yield {"id": doc.doc_id, "title": doc.title, "path": doc.path, "actors": rows,
               "counts": dict(Counter(r["type"] for r in rows))}


def _sentence_at(doc, starts, sentences, pos) -> str:
    import bisect

    i = bisect.bisect_right(starts, pos) - 1
    return sentences[starts[i]].text if i >= 0 else ""


def check_framework(framework: str | None = None, *, corpus: list | None = None, engine: str = "rjieba") -> dict:
    """Validate a framework and report terms the segmenter splits, terms in several places, and
    (with ``corpus``) terms that never occur in it."""
    from .codebook import load_framework
    from .segment import load_segmenter

    fw = load_framework(framework)
    seg = load_segmenter(engine, framework)
    places: Counter[str] = Counter()
    for d in fw.dimensions:
        places.update(t.text for t in d.terms)
    for a in fw.actor_types:
        places.update(set(a.terms) | set(a.suffixes))
    terms = fw.all_terms()
    split = [t for t in terms if seg.cut(t) != [t]]
    report = {
        "id": fw.id, "path": fw.path, "dimensions": list(fw.dimension_ids),
        "n_terms": sum(len(d.terms) for d in fw.dimensions),
        "n_actor_terms": sum(len(a.terms) for a in fw.actor_types),
        "split_terms": split,
        "duplicates": sorted(t for t, c in places.items() if c > 1),
    }
    if corpus:
        from .ingest import read_many

        text = "\n".join(d.text for d in read_many(corpus))
        report["unused_terms"] = [t for d in fw.dimensions for t in (x.text for x in d.terms) if t not in text]
    return report
