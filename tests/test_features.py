import numpy as np

from pipeline import features


def test_features_batch_ids_equal_per_text_ids(texts_zh):
    """The batched hashing used for prediction gives every text the ids of the per-text functions."""
    texts = [*texts_zh, "", "a", "产教"]
    rows, ids = features.char_ngram_rows(texts, ngram_range=(2, 4), n_features=2**15)
    wrows, wids = features.word_id_rows(texts, n_features=2**15)
    for k, t in enumerate(texts):
        assert sorted(ids[rows == k]) == sorted(features.char_ngram_ids(t, ngram_range=(2, 4), n_features=2**15))
        assert list(wids[wrows == k]) == list(features.text_word_ids(t, n_features=2**15))
    idf = np.ones(2**15)
    per_text = features.tfidf_coo([ids[rows == k] for k in range(len(texts))], idf, n_features=2**15)
    flat = features.tfidf_coo_rows(rows, ids, len(texts), idf, n_features=2**15)
    for a, b in zip(per_text, flat):
        assert np.allclose(a, b)


def test_features_char_ngrams_count():
    # 4 characters: 3 bigrams, 2 trigrams, 1 four-gram
    assert len(features.char_ngram_ids("产教融合", ngram_range=(2, 4), n_features=2**10)) == 6
    assert features.char_ngram_ids("", n_features=2**10).size == 0


def test_features_tfidf_rows_are_unit_length(texts_zh):
    rows, ids = features.char_ngram_rows(texts_zh, n_features=2**12)
    r, _, v = features.tfidf_coo_rows(rows, ids, len(texts_zh), np.ones(2**12), n_features=2**12)
    norms = np.bincount(r, weights=v * v, minlength=len(texts_zh))
    assert np.allclose(norms, 1.0)


def test_features_lexicon_and_actor_features(texts_zh):
    lex = features.lexicon_features(texts_zh)
    act = features.actor_features(texts_zh)
    assert lex.shape[0] == act.shape[0] == len(texts_zh)
    assert lex[5].sum() == 0 and act[5].sum() == 0  # the meeting notice carries nothing
    assert act[1].sum() > 0  # 政府、企业、学校、科研机构
