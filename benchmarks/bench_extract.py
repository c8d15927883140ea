"""Extraction cost against segmentation, in one run (issue 3: keywords + actors ≤ +30 %).

Segmentation = our segmenter's POS tagging of every paragraph of ../shared/corpora/gwr (tokens
and tags are what keywords and actor names consume), with the default engine (rjieba); the
Python reference (jieba.lcut) is timed too. Extraction = framework term hits of every dimension
and actor mentions per paragraph (given the tags), and TF-IDF keywords per document (from the
same tags), each part timed on its own. Segmentation and extraction interleave per document, as
in ``chanjiao run`` (segment a document, extract from it), so that both see the same moment of
this shared machine, whose speed drifts from second to second. Also the spaCy path of a
notebook: our tokenizer making Docs (with tags) against the terms and actors components on them.
Prints the ratios per round and their medians.
Usage: python benchmarks/bench_extract.py [--rounds N]
"""
from __future__ import annotations

import argparse
import statistics
import time

from _common import gwr_documents, machine

from pipeline.extract import load_actor_matcher, load_term_matcher
from pipeline.keywords import tfidf_keywords
from pipeline.segment import load_nlp, load_segmenter


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are reported")
    args = ap.parse_args()
    import jieba

    jieba.setLogLevel(60)
    docs = gwr_documents()
    paras = [p for d in docs for p in d]
    chars = sum(map(len, paras))
    seg, terms, actors = load_segmenter(), load_term_matcher(), load_actor_matcher()
    # Both sides start warm: resources (dictionary, automata, IDF, stop words) are loaded first.
    tfidf_keywords(paras[0], tagged=seg.tag(paras[0]))
    nlp = load_nlp()
    spacy_terms, spacy_actors = nlp.get_pipe("chanjiao_terms"), nlp.get_pipe("chanjiao_actors")
    for p in paras[:2000]:  # the vocabulary learns the corpus's words once, as in a notebook session
        spacy_actors(spacy_terms(nlp.make_doc(p)))
    jieba.initialize()
    rows = []
    pc = time.perf_counter
    for k in range(1, args.rounds + 1):
        seg._tag_cached.cache_clear()  # each round segments afresh
        # Per document: segmentation, then the extraction of what it gave, so that both see the
        # same moment of this shared machine (its speed drifts from second to second).
        t_seg = t_jieba = t_terms = t_actors = t_tfidf = 0.0
        n_hits = n_mentions = 0
        for d in docs:
            t0 = pc()
            tags = [seg.tag(p) for p in d]
            t1 = pc()
            for p in d:
                n_hits += len(terms._find(p))
            t2 = pc()
            for p, tg in zip(d, tags):
                n_mentions += len(actors._find(p, tg))
            t3 = pc()
            doc_pairs: list = []
            for tg in tags:
                doc_pairs += tg  # as chanjiao run gathers a document's tokens for its keywords
            tfidf_keywords("", top=20, tagged=doc_pairs)
            t4 = pc()
            t_seg, t_terms, t_actors, t_tfidf = t_seg + t1 - t0, t_terms + t2 - t1, t_actors + t3 - t2, t_tfidf + t4 - t3
        t0 = pc()
        for p in paras:
            jieba.lcut(p)
        t_jieba = pc() - t0
        t_ext = t_terms + t_actors + t_tfidf
        # the spaCy path (notebooks): our tokenizer making Docs, then the two components
        seg._tag_cached.cache_clear()
        t_doc = t_comp = 0.0
        for p in paras:
            t0 = pc()
            doc = nlp.make_doc(p)
            t1 = pc()
            spacy_actors(spacy_terms(doc))
            t_doc, t_comp = t_doc + t1 - t0, t_comp + pc() - t1
        rows.append((t_seg, t_jieba, t_ext, t_terms, t_actors, t_tfidf, t_doc, t_comp))
        print(f"round {k}: segmentation rjieba {t_seg:.2f}s, jieba.lcut {t_jieba:.2f}s; extraction {t_ext:.2f}s "
              f"= term hits {t_terms:.3f} + actors {t_actors:.3f} + tf-idf {t_tfidf:.3f} "
              f"({t_ext / t_seg:.2f} of rjieba, {t_ext / t_jieba:.2f} of jieba); spaCy Docs {t_doc:.2f}s, "
              f"components {t_comp:.2f}s ({t_comp / t_doc:.2f})")
    med = statistics.median
    t_seg, t_jieba, t_ext, t_terms, t_actors, t_tfidf, t_doc, t_comp = (med(c) for c in zip(*rows))

    def ratio(part: int, base: int = 0) -> float:
        return med([r[part] / r[base] for r in rows])

    print(f"machine: {machine()}")
    print(f"{len(docs)} documents, {len(paras)} paragraphs, {chars} characters; {n_hits} term hits, {n_mentions} actor mentions")
    print(f"medians over {args.rounds} round(s):")
    print(f"segmentation, default engine (rjieba tag): {t_seg:.2f}s ({chars / t_seg / 1e6:.2f} M chars/s)")
    print(f"segmentation, Python jieba.lcut:           {t_jieba:.2f}s ({chars / t_jieba / 1e6:.2f} M chars/s)")
    print(f"extraction (terms + actors + tf-idf):      {t_ext:.2f}s ({chars / t_ext / 1e6:.2f} M chars/s)")
    print(f"  of rjieba segmentation: term hits {ratio(3):.2f}, actor mentions {ratio(4):.2f}, tf-idf keywords {ratio(5):.2f}")
    print(f"extraction / rjieba segmentation = {ratio(2):.2f}   (target ≤ 0.30)")
    print(f"extraction / jieba segmentation  = {ratio(2, 1):.2f}   (target ≤ 0.30)")
    print(f"spaCy path: nlp.make_doc {t_doc:.2f}s, chanjiao_terms + chanjiao_actors {t_comp:.2f}s = {ratio(7, 6):.2f}")

if __name__ == "__main__":
    main()
