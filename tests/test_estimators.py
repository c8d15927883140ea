import json
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, KFold

from pipeline import read
from pipeline.estimators import (
    FrameworkClassifier,
    HashedTfidf,
    JiebaTokenizer,
    LexiconFeaturizer,
    LexiconScorer,
    build_classifier,
)

Y6 = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 1, 0, 0], [0, 0, 0, 0]]


@pytest.fixture(scope="module")
def tiny(texts_zh):
    texts = texts_zh + ["以县域为单元协调发展，校企共建实训基地。"]
    y = np.array(Y6 + [[1, 1, 1, 0]])
    return texts * 3, np.vstack([y] * 3)


def test_estimators_lexicon_scorer_is_transparent(texts_zh):
    clf = LexiconScorer().fit()
    p = clf.predict_proba(texts_zh)
    assert p.shape == (6, 4) and ((p >= 0) & (p <= 1)).all()
    assert clf.predict(texts_zh)[5].tolist() == [0, 0, 0, 0]
    assert list(clf.classes_) == ["field", "actors", "resources", "value"]


def test_estimators_lexicon_featurizer_names(texts_zh):
    f = LexiconFeaturizer().fit(texts_zh)
    X = f.transform(texts_zh)
    assert X.shape[1] == len(f.get_feature_names_out()) and X[5].sum() == 0


def test_estimators_hashed_tfidf_rows_are_l2_normalised(texts_zh):
    for analyzer in ("char", "word"):
        X = HashedTfidf(analyzer).fit(texts_zh).transform(texts_zh)
        norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1))).ravel()
        np.testing.assert_allclose(norms, 1.0)


def test_estimators_contract(tiny):
    X, y = tiny
    model = FrameworkClassifier(cv=2, weights=(0.5, 1.0))
    assert model.get_params()["cv"] == 2
    assert clone(model).get_params() == model.get_params()
    model.fit(X, y)
    assert list(model.classes_) == ["field", "actors", "resources", "value"]
    assert model.thresholds_.shape == (4,) and 0 <= model.weight_ <= 1
    again = pickle.loads(pickle.dumps(model))
    np.testing.assert_allclose(again.predict_proba(X), model.predict_proba(X))
    assert model.predict([""]).tolist() == [[0, 0, 0, 0]]


def test_estimators_supervised_pipeline_in_grid_search(tiny):
    X, y = tiny
    grid = GridSearchCV(build_classifier(), {"clf__estimator__alpha": [0.5, 2.0]}, cv=KFold(2), scoring="f1_macro")
    grid.fit(X, y)
    assert grid.best_params_["clf__estimator__alpha"] in (0.5, 2.0)


def test_estimators_tokenizer_pickles():
    tok = pickle.loads(pickle.dumps(JiebaTokenizer()))
    assert tok("校企合作，共建实训基地！") == ["校企合作", "共建", "实训基地"]


def test_estimators_seed_sections_score_highest_on_their_dimension(seed_path, default_model):
    est, _ = default_model
    doc = read(seed_path)
    expected = {"一、场域重合": "field", "二、主体吻合": "actors", "三、资源聚合": "resources", "四、价值耦合": "value"}
    bodies = [p for p in doc.paragraphs if not p.is_heading and p.section and p.section[0] in expected]
    probs = est.predict_proba([p.text for p in bodies])
    won = [list(est.classes_)[int(np.argmax(row))] == expected[p.section[0]] for p, row in zip(bodies, probs)]
    assert sum(won) == 4, json.dumps(probs.round(2).tolist())


def test_estimators_batch_ids_equal_per_text_ids(texts_zh):
    """The batched hashing used for prediction gives every text the ids of the per-text functions."""
    import numpy as np

    from pipeline import features

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
