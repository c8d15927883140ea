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



def test_estimators_calibrated_ridge_probabilities():
    from scipy.sparse import csr_matrix

    from pipeline.estimators import CalibratedRidge

    rng = np.random.default_rng(0)
    X = csr_matrix(rng.random((60, 5)))
    y = (X.toarray()[:, 0] > 0.5).astype(int)
    clf = CalibratedRidge().fit(X, y)
    p = clf.predict_proba(X)[:, 1]
    # probabilities are the sigmoid of the folded linear model, and they follow the signal
    assert np.allclose(p, 1 / (1 + np.exp(-(X @ clf.coef_.T).ravel() - clf.intercept_[0])))
    assert p[y == 1].mean() > 0.7 > 0.3 > p[y == 0].mean()
    # one class only: a constant probability, no error
    const = CalibratedRidge().fit(X, np.zeros(60, dtype=int)).predict_proba(X)[:, 1]
    assert (const < 0.01).all()
