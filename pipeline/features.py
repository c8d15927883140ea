"""Numeric features of texts, in plain numpy (no scikit-learn), shared by training and prediction.

- :func:`lexicon_features`: weighted framework-term counts per dimension and per category;
- :func:`actor_features`: actor-mention counts per type, distinct types, mentions with a role;
- :func:`char_ngram_ids` / :func:`word_ids`: hashed n-gram ids (no vocabulary to store);
- :func:`char_ngram_rows`: the same ids for a whole batch at once;
- :func:`tfidf_coo`: sublinear TF × IDF, L2-normalised, for a batch of texts.

The scikit-learn estimators in :mod:`pipeline.classify` wrap these functions, and
:class:`pipeline.predict.PortableModel` calls them directly, so both compute the same numbers.

Example:
    >>> ids = char_ngram_ids("产教融合", ngram_range=(2, 3), n_features=2**15)
    >>> len(ids)       # 3 bigrams + 2 trigrams
    5
"""
from __future__ import annotations

import zlib
from itertools import chain, compress, repeat
from operator import is_, itemgetter

import numpy as np

from .codebook import load_framework

_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits of h·φ are well mixed
_P = np.uint64(0x100000001B3)


def _top_bits(h: np.ndarray, n_features: int) -> np.ndarray:
    bits = int(n_features).bit_length() - 1
    if 1 << bits != n_features:
        raise ValueError("n_features must be a power of two")
    return ((h * _MIX) >> np.uint64(64 - bits)).astype(np.int64)


def char_ngram_ids(text: str, *, ngram_range: tuple[int, int] = (2, 4), n_features: int = 2**15) -> np.ndarray:
    """Hashed ids of every character n-gram of ``text`` (vectorised: no Python loop per n-gram)."""
    return char_ngram_rows([text], ngram_range=ngram_range, n_features=n_features)[1]


def word_ids(tokens: list[str], *, n_features: int = 2**15) -> np.ndarray:
    """Hashed ids of word tokens (CRC-32 of the UTF-8 bytes, then mixed)."""
    if not tokens:
        return np.zeros(0, dtype=np.int64)
    h = np.fromiter((zlib.crc32(t.encode("utf-8")) for t in tokens), dtype=np.uint64, count=len(tokens))
    with np.errstate(over="ignore"):
        return _top_bits(h + _MIX, n_features)


def smooth_idf(doc_ids: list[np.ndarray], n_features: int) -> np.ndarray:
    """IDF as scikit-learn's smooth_idf: log((1 + n) / (1 + df)) + 1."""
    df = np.zeros(n_features)
    for ids in doc_ids:
        df[np.unique(ids)] += 1
    return np.log((1 + len(doc_ids)) / (1 + df)) + 1.0


def tfidf_coo(doc_ids: list[np.ndarray], idf: np.ndarray, *, n_features: int, sublinear: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, ids, values) of sublinear TF × IDF, L2-normalised per text, for a whole batch at
    once, sorted by row then id: one sort instead of one per text."""
    lengths = np.fromiter((len(x) for x in doc_ids), dtype=np.int64, count=len(doc_ids))
    rows = np.repeat(np.arange(len(doc_ids), dtype=np.int64), lengths)
    ids = np.concatenate(doc_ids) if len(doc_ids) else np.zeros(0, dtype=np.int64)
    return tfidf_coo_rows(rows, ids, len(doc_ids), idf, n_features=n_features, sublinear=sublinear)


def tfidf_coo_rows(rows: np.ndarray, ids: np.ndarray, n_docs: int, idf: np.ndarray, *, n_features: int,
                   sublinear: bool = True) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`tfidf_coo` from flat (row, id) pairs, in any order (see :func:`char_ngram_rows`)."""
    if not len(ids):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
    rows, ids, tf, vals, norms = _weighted_pairs(rows, ids, n_docs, idf, n_features, sublinear)
    return rows, ids, vals / norms[rows]


def tfidf_dot(rows: np.ndarray, ids: np.ndarray, n_docs: int, idf: np.ndarray, weights: np.ndarray, *,
              n_features: int, sublinear: bool = True) -> np.ndarray:
    """TF-IDF rows (as :func:`tfidf_coo_rows`) times ``weights`` (n_features × k): an
    (n_docs × k) array, computed without materialising the normalised values.

    ``weights`` should already hold the IDF (``weights * idf[:, None]``): the value of a pair is
    tf·idf/‖row‖, so the row's score is Σ tf·(idf·w) / ‖row‖ — one gather of k numbers per pair.
    """
    out = np.zeros((n_docs, weights.shape[1]))
    if not len(ids):
        return out
    rows, ids, tf, _, norms = _weighted_pairs(rows, ids, n_docs, idf, n_features, sublinear)
    # rows come out sorted: one reduceat sums each row's pairs
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    present = rows[starts]
    per_pair = np.take(weights, ids, axis=0)  # (np.take: several times faster than weights[ids] here)
    per_pair *= tf[:, None]
    out[present] = np.add.reduceat(per_pair, starts, axis=0) / norms[present, None]
    return out


def _weighted_pairs(rows: np.ndarray, ids: np.ndarray, n_docs: int, idf: np.ndarray, n_features: int,
                    sublinear: bool) -> tuple[np.ndarray, ...]:
    """(rows, ids, tf, tf·idf, L2 norm per row) of the distinct pairs; a norm of 0 (a row whose
    values are all 0) is given as 1, so dividing by it leaves those values 0."""
    rows, ids, tf = _pair_counts(rows, ids, n_docs, n_features, sublinear)
    vals = tf * idf[ids]
    norms = np.sqrt(np.bincount(rows, weights=vals * vals, minlength=n_docs))
    return rows, ids, tf, vals, np.where(norms > 0, norms, 1.0)


def _pair_counts(rows: np.ndarray, ids: np.ndarray, n_docs: int, n_features: int,
                 sublinear: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (row, id) pairs sorted by row then id, with their term frequency (1 + log count
    when ``sublinear``)."""
    # 32-bit keys when they fit: the sort, which dominates, runs about twice as fast
    bits = int(n_features).bit_length() - 1  # n_features is a power of two (see _top_bits)
    dtype = np.int32 if n_docs << bits < 2**31 else np.int64
    keys = (rows.astype(dtype) << dtype(bits)) | ids.astype(dtype)
    keys.sort()
    first = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    counts = np.diff(np.r_[first, len(keys)])
    distinct = keys[first].astype(np.int64)
    rows, ids = distinct >> bits, distinct & (n_features - 1)
    tf = counts.astype(float)
    if sublinear:
        tf = 1.0 + np.log(tf)
    return rows, ids, tf


def char_ngram_rows(texts: list[str], *, ngram_range: tuple[int, int] = (2, 4), n_features: int = 2**15) -> tuple[np.ndarray, np.ndarray]:
    """(row, id) of every character n-gram of a batch of texts: the ids of
    :func:`char_ngram_ids`, computed over the texts joined, with the n-grams that would
    cross from one text into the next dropped — a few numpy calls per batch, not per text."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    if not lengths.sum():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    doc_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    lo, hi = ngram_range
    rows, ids = [], []
    h = codes.copy()
    with np.errstate(over="ignore"):
        for n in range(1, hi + 1):
            if n > 1:
                if len(h) <= 1:
                    break
                h = h[:-1] * _P + codes[n - 1:]
            if n >= lo:
                inside = doc_of[:len(h)] == doc_of[n - 1:]
                rows.append(doc_of[:len(h)][inside])
                ids.append(_top_bits(h[inside] + np.uint64(n) * _MIX, n_features))
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows), np.concatenate(ids)


def lexicon_feature_names(framework: str | None = None) -> list[str]:
    fw = load_framework(framework)
    names = list(fw.dimension_ids)
    for d in fw.dimensions:
        names += [f"{d.id}:{c}" for c, _ in d.categories]
    return names


def lexicon_features(texts: list[str], *, framework: str | None = None, log: bool = True) -> np.ndarray:
    """Weighted term counts, one column per dimension and per ``dimension:category``."""
    from .extract import load_term_matcher

    matcher = load_term_matcher(framework)
    index = {n: i for i, n in enumerate(lexicon_feature_names(framework))}
    out = np.zeros((len(texts), len(index)))
    for row, text in enumerate(texts):
        for h in matcher.find(text):
            out[row, index[h.dimension]] += h.weight
            j = index.get(f"{h.dimension}:{h.category}")
            if j is not None:
                out[row, j] += h.weight
    return np.log1p(out) if log else out


def lexicon_scores(texts: list[str], *, framework: str | None = None, scale: float = 1.0, raw: np.ndarray | None = None) -> np.ndarray:
    """The lexicon scorer: 1 − exp(−Σ weights / scale) per dimension.

    ``raw``: ``lexicon_features(texts, log=False)`` if the caller has it already.
    """
    k = len(load_framework(framework).dimension_ids)
    if raw is None:
        raw = lexicon_features(texts, framework=framework, log=False)
    return 1.0 - np.exp(-raw[:, :k] / scale)


def actor_feature_names(framework: str | None = None) -> list[str]:
    types = load_framework(framework).actor_type_ids
    return [f"actor:{t}" for t in types] + ["actor:distinct", "actor:roles"]


def actor_features(texts: list[str], *, framework: str | None = None, engine: str = "rjieba") -> np.ndarray:
    """log1p of actor-mention counts per type, of distinct types and of mentions with a role."""
    from .extract import load_actor_matcher

    matcher = load_actor_matcher(framework, engine)
    types = list(load_framework(framework).actor_type_ids)
    col = {t: i for i, t in enumerate(types)}
    out = np.zeros((len(texts), len(types) + 2))
    for row, text in enumerate(texts):
        found = matcher.find(text)
        for m in found:
            out[row, col[m.type]] += 1
        out[row, len(types)] = len({m.type for m in found})
        out[row, len(types) + 1] = sum(1 for m in found if m.role)
    return np.log1p(out)


def _is_punct(token: str) -> bool:
    return not any(c.isalpha() for c in token)


_WORD_ID_MEMO: dict[int, dict[str, int]] = {}


def text_word_ids(text: str, *, n_features: int = 2**15, engine: str = "rjieba", framework: str | None = None) -> np.ndarray:
    """Hashed ids of the word tokens of ``text`` (segmenter tokens with letters in them)."""
    return word_id_rows([text], n_features=n_features, engine=engine, framework=framework)[1]


def word_id_rows(texts: list[str], *, n_features: int = 2**15, engine: str = "rjieba",
                 framework: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(row, id) of the word tokens of a batch of texts, with a per-process memo of token → id
    (−1: not a word).

    Policy text reuses a small vocabulary, so after a few documents almost every token is one
    dictionary look-up (done with ``map``, at C speed) instead of a filter and a hash; the
    tokens of the whole batch go through one look-up and one array.
    """
    from .segment import load_segmenter

    memo = _WORD_ID_MEMO.setdefault(n_features, {})
    seg = load_segmenter(engine, framework)
    # the tagger's tokens are the cutter's tokens; its result is shared with actors and keywords
    tagged = [seg.tag(t) for t in texts]
    tokens = list(map(itemgetter(0), chain.from_iterable(tagged)))
    ids = list(map(memo.get, tokens))
    if ids.count(None):  # new tokens: hash the words among them, mark the rest −1
        new = set(compress(tokens, map(is_, ids, repeat(None))))
        words = [t for t in new if not _is_punct(t)]
        # final values in one update: a thread reading meanwhile never sees a word marked −1
        fresh = dict.fromkeys(new, -1)
        fresh.update(zip(words, word_ids(words, n_features=n_features).tolist()))
        if len(memo) + len(fresh) > 2_000_000:  # bound the memo on a corpus with a huge vocabulary
            # replaced, not cleared: a thread reading the old memo keeps a complete one
            _WORD_ID_MEMO[n_features] = fresh
            ids = [fresh[t] if i is None else i for t, i in zip(tokens, ids)]
        else:
            memo.update(fresh)
            ids = list(map(memo.get, tokens))
    arr = np.array(ids, dtype=np.int64)
    rows = np.repeat(np.arange(len(texts), dtype=np.int64), np.fromiter(map(len, tagged), dtype=np.int64, count=len(texts)))
    keep = arr >= 0
    return rows[keep], arr[keep]
