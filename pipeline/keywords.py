"""Data-driven keywords (TF-IDF, TextRank), IDF tables, and lexicon expansion suggestions.

Our own implementations over a :class:`~pipeline.segment.Segmenter` instance, because
``jieba.analyse`` is tied to jieba's global tokenizer and its general-news IDF table. The
default IDF table is built from policy text (laws and regulations, CPC congress reports).

Example:
    >>> [w for w, _ in tfidf_keywords("市域产教联合体推动校企合作，校企合作服务产业集群。", top=2)]
    ['校企合作', '市域产教联合体']
"""
from __future__ import annotations

import math
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from itertools import compress, filterfalse, repeat
from operator import itemgetter, mul
from pathlib import Path

from .codebook import load_framework
from .errors import ChanjiaoError
from .segment import load_segmenter, load_stopwords, resource_path

try:
    from . import _cengine
except ImportError:  # not built: the Python path below serves (same keywords, slower)
    _cengine = None

#: words a per-process memo keeps before it starts afresh (a few tens of MB at most)
MEMO_WORDS = 500_000

#: POS tags kept as keyword candidates: nouns, verbal nouns, idioms, abbreviations, English.
KEEP_POS = frozenset({"n", "nz", "ns", "nt", "nr", "nrt", "vn", "l", "j", "i", "an", "eng", "nw", "v"})


def _candidate(word: str, pos: str, stop: frozenset[str]) -> bool:
    # (a word that starts with a digit — 2024年, 3D — is no keyword; that covers all-digit words)
    return len(word) >= 2 and not word[0].isdigit() and word not in stop and (pos in KEEP_POS or pos[:1] == "n")


def candidate_tokens(text: str, *, engine: str = "rjieba", framework: str | None = None,
                     tagged: list[tuple[str, str]] | None = None) -> list[str]:
    """Tokens of ``text`` that may be keywords (POS filter, stop words, length ≥ 2).

    ``tagged``: the (token, POS) pairs of ``text`` if already at hand (saves a segmentation).
    """
    pairs = tagged if tagged is not None else load_segmenter(engine, framework).tag(text)
    return _candidates(pairs, engine)


def _candidates(pairs, engine: str = "rjieba") -> list[str]:
    """The words of ``pairs`` that are keyword candidates, in order."""
    if engine != "rjieba":
        judge = _pair_judge()
        return [w for w, t in pairs if judge(w, t)]
    words = list(map(itemgetter(0), pairs))
    # .get, not []: another thread may have just cleared the memo
    return list(filter(_judged(pairs, words).get, words))


def _judged(pairs, words) -> dict[str, bool]:
    """The memo word → keyword candidate?, with the new ``words`` (taken from ``pairs``) judged.

    A word is judged once, with the POS it has where first seen. That is exact for the default
    engine, which gives a word the same tag everywhere (measured on the government work reports:
    none of 27,241 words changes candidacy between occurrences), and keeps the counting at C
    speed. Python jieba's tagger does change some words' tags with the context (初心 n/d), so
    for it candidacy is judged per (word, POS) pair (:func:`_pair_judge`).
    """
    memo = _candidate_memo()
    new = set(filterfalse(memo.__contains__, words))  # (not words - memo.keys(): that walks the memo)
    if new:
        if len(memo) > MEMO_WORDS:  # bound the memo on a corpus with a huge vocabulary
            memo.clear()
            new = set(words)
        tag_of = dict(reversed(pairs))  # the POS of each word's first occurrence
        stop = load_stopwords()
        for w in new:
            memo[w] = _candidate(w, tag_of[w], stop)
    return memo


@lru_cache(maxsize=1)
def _candidate_memo() -> dict[str, bool]:
    return {}


@lru_cache(maxsize=1)
def _pair_judge():
    stop = load_stopwords()

    @lru_cache(maxsize=500_000)
    def judge(word: str, pos: str) -> bool:
        return _candidate(word, pos, stop)

    return judge


def build_idf(texts: Iterable[str], *, engine: str = "rjieba", framework: str | None = None, min_df: int = 2) -> dict[str, float]:
    """Smoothed IDF ``log((1+N)/(1+df)) + 1`` over ``texts`` (each text one document, e.g. a paragraph).

    Returns:
        word → idf, plus the key ``""`` holding the IDF given to unseen words.
    """
    df: Counter[str] = Counter()
    n = 0
    for text in texts:
        n += 1
        df.update(set(candidate_tokens(text, engine=engine, framework=framework)))
    idf = {w: math.log((1 + n) / (1 + c)) + 1 for w, c in df.items() if c >= min_df}
    idf[""] = math.log((1 + n) / 1) + 1
    return idf


def save_idf(idf: dict[str, float], path: str | os.PathLike) -> None:
    """Write an IDF table as TSV (word, idf), most common words first."""
    from .io import atomic_path

    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as f:
        f.write(f"#default\t{idf.get('', 10.0):.5f}\n")
        for w, v in sorted(((w, v) for w, v in idf.items() if w), key=lambda x: x[1]):
            f.write(f"{w}\t{v:.5f}\n")


@lru_cache(maxsize=4)
def load_idf(path: str | None = None) -> dict[str, float]:
    """An IDF table (TSV); None: the bundled policy-domain table."""
    p = Path(path) if path else resource_path("idf_policy.tsv")
    idf: dict[str, float] = {}
    if not p.exists():
        return {"": 10.0}
    for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
        w, _, v = line.partition("\t")
        if w and v:
            try:
                value = float(v)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise ChanjiaoError(f"{p}: line {n}: IDF {v!r} of {w!r} is not a finite number")
            idf["" if w == "#default" else w] = value
    idf.setdefault("", max(idf.values(), default=10.0))
    return idf


def tfidf_keywords(text: str, *, top: int = 20, idf: str | None = None, engine: str = "rjieba", framework: str | None = None,
                   tagged: list[tuple[str, str]] | None = None) -> list[tuple[str, float]]:
    """Top TF-IDF keywords of one text: (word, score), highest first.

    ``tagged``: the (token, POS) pairs of ``text`` if already at hand (saves a segmentation).
    """
    import heapq

    pairs = tagged if tagged is not None else load_segmenter(engine, framework).tag(text)
    if engine == "rjieba" and _cengine is not None:
        # the same counting and ranking in C, on the words' code points (see _cengine.c)
        return _keyword_counter(idf).top(pairs, top)
    table = load_idf(idf)
    if engine == "rjieba":
        # every word counted at C speed; its weight (IDF, or 0 for a non-candidate) remembered
        tf = Counter(map(itemgetter(0), pairs))
        weights = _tfidf_weights(idf, table, pairs, tf)
    else:
        tf = Counter(_candidates(pairs, engine))
        weights = list(map(table.get, tf, repeat(table[""])))
    total = sum(compress(tf.values(), map(_NOT_CANDIDATE.__lt__, weights)))
    if not total:
        return []
    # score = tf · idf, built with map/zip so the per-word work stays in C; ties go to the later word
    best = heapq.nlargest(top, zip(map(mul, tf.values(), weights), tf))
    return [(w, score / total) for score, w in best if score != _NOT_CANDIDATE]


#: the weight of a word that is no keyword candidate (an IDF table may hold 0)
_NOT_CANDIDATE = float("-inf")


def _tfidf_weights(idf: str | None, table: dict[str, float], pairs, counts) -> list[float]:
    """Per word of ``counts``: its IDF when it is a keyword candidate, else ``_NOT_CANDIDATE``.

    Remembered per IDF table; candidacy comes from :func:`_judged` (the default engine tags a
    word alike everywhere)."""
    memo = _weight_memo(idf)
    weights = list(map(memo.get, counts))
    if None in weights:
        if len(memo) > MEMO_WORDS:  # bound the memo on a corpus with a huge vocabulary
            memo.clear()
        new = [w for w, weight in zip(counts, weights) if weight is None]
        judged = _judged(pairs, new)
        default = table[""]
        for k, w in enumerate(counts):
            if weights[k] is None:
                weights[k] = memo[w] = table.get(w, default) if judged.get(w) else _NOT_CANDIDATE
    return weights


@lru_cache(maxsize=4)
def _weight_memo(idf: str | None) -> dict[str, float]:
    return {}


@lru_cache(maxsize=4)
def _keyword_counter(idf: str | None):
    """The C engine's TF-IDF counter for an IDF table: judges each word once, as
    :func:`_judged` does, and ranks as the Python path below (ties to the greater word)."""
    table = load_idf(idf)
    return _cengine.KeywordCounter(table, table[""], load_stopwords(), KEEP_POS, MEMO_WORDS)


def textrank_keywords(text: str, *, top: int = 20, window: int = 5, damping: float = 0.85, iterations: int = 50,
                      engine: str = "rjieba", framework: str | None = None,
                      tagged: list[tuple[str, str]] | None = None) -> list[tuple[str, float]]:
    """Top TextRank keywords of one text (co-occurrence graph in a sliding window), scores sum to 1."""
    words = candidate_tokens(text, engine=engine, framework=framework, tagged=tagged)
    if not words:
        return []
    neighbours: dict[str, Counter[str]] = defaultdict(Counter)
    for i, w in enumerate(words):
        for u in words[i + 1:i + window]:
            if u != w:
                neighbours[w][u] += 1
                neighbours[u][w] += 1
    nodes = list(neighbours) or list(dict.fromkeys(words))
    rank = dict.fromkeys(nodes, 1.0 / len(nodes))
    out_weight = {w: sum(neighbours[w].values()) for w in nodes}
    for _ in range(iterations):
        rank = {w: (1 - damping) / len(nodes) + damping * sum(rank[u] * c / out_weight[u] for u, c in neighbours[w].items() if out_weight[u])
                for w in nodes}
    total = sum(rank.values()) or 1.0
    return sorted(((w, r / total) for w, r in rank.items()), key=lambda x: (-x[1], x[0]))[:top]


def suggest_terms(sentences: Iterable[str], *, framework: str | None = None, engine: str = "rjieba", min_count: int = 3,
                  top: int = 50) -> list[dict]:
    """Words associated with each dimension, as candidate new framework terms.

    A sentence belongs to a dimension when it contains one of the dimension's terms. For each
    other candidate word, the 2×2 table (word present × dimension present) over sentences is
    scored with Dunning's log-likelihood G² and PMI; only positive associations are kept.

    Returns:
        rows ``dimension, term, g2, pmi, count, dim_count, example`` (best first per dimension).
    """
    from .extract import load_term_matcher

    fw = load_framework(framework)
    matcher = load_term_matcher(framework)
    known = set(fw.all_terms())
    stop = load_stopwords()
    word_n: Counter[str] = Counter()
    joint: dict[str, Counter[str]] = {d: Counter() for d in fw.dimension_ids}
    dim_n: Counter[str] = Counter()
    example: dict[tuple[str, str], str] = {}
    n = 0
    seg = load_segmenter(engine, framework)
    for s in sentences:
        n += 1
        dims = {h.dimension for h in matcher.find(s)}
        words = {w for w, p in seg.tag(s) if _candidate(w, p, stop) and w not in known}
        word_n.update(words)
        for d in dims:
            dim_n[d] += 1
            joint[d].update(words)
            for w in words:
                example.setdefault((d, w), s)
    rows = []
    for d in fw.dimension_ids:
        scored = []
        for w, a in joint[d].items():
            if a < min_count:
                continue
            b, c = word_n[w] - a, dim_n[d] - a
            dd = n - a - b - c
            exp_a = word_n[w] * dim_n[d] / n
            if a <= exp_a:
                continue
            g2 = 2 * sum(o * math.log(o / e) for o, e in (
                (a, exp_a), (b, word_n[w] * (n - dim_n[d]) / n), (c, (n - word_n[w]) * dim_n[d] / n),
                (dd, (n - word_n[w]) * (n - dim_n[d]) / n)) if o > 0 and e > 0)
            pmi = math.log2(a * n / (word_n[w] * dim_n[d]))
            scored.append({"dimension": d, "term": w, "g2": round(g2, 3), "pmi": round(pmi, 3), "count": a,
                           "dim_count": dim_n[d], "example": example[(d, w)]})
        scored.sort(key=lambda r: -r["g2"])
        rows += scored[:top]
    return rows


def accept_suggestions(framework_path: str | os.PathLike, suggestions_csv: str | os.PathLike, out_path: str | os.PathLike,
                       *, category: str = "expanded") -> int:
    """Merge reviewed suggestions (rows whose ``accept`` column is 1/yes/y/true) into a copy of a
    framework file, in a category ``expanded`` of each dimension. Returns the number added."""
    import csv

    import yaml

    from .codebook import parse_framework

    data = yaml.safe_load(Path(framework_path).read_text(encoding="utf-8"))
    by_dim = {d["id"]: d for d in data["dimensions"]}
    existing = {d["id"]: {t if isinstance(t, str) else t["term"] for c in d["categories"] for t in c["terms"]} for d in data["dimensions"]}
    added = 0
    with open(suggestions_csv, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            if str(r.get("accept", "")).strip().lower() not in ("1", "y", "yes", "true", "是"):
                continue
            d, term = r["dimension"], r["term"].strip()
            if d not in by_dim or not term or term in existing[d]:
                continue
            cats = by_dim[d]["categories"]
            cat = next((c for c in cats if c.get("id") == category), None)
            if cat is None:
                cat = {"id": category, "name": "扩展词（人工审核）", "terms": []}
                cats.append(cat)
            cat["terms"].append(term)
            existing[d].add(term)
            added += 1
    parse_framework(data, source=str(out_path))  # validate before writing
    Path(out_path).write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return added
