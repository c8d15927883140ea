import numpy as np
import pytest

from pipeline import read_text
from pipeline.classify import classify_documents, load_classifier, profile_document
from pipeline.errors import ConfigError


def test_classify_documents_rows_with_evidence(document_zh):
    rows = list(classify_documents([document_zh]))
    assert [r["para_idx"] for r in rows] == [p.para_idx for p in document_zh.paragraphs if not p.is_heading]
    for r in rows:
        assert set(r["scores"]) == {"field", "actors", "resources", "value"}
        assert all(r["text"][a["start"]:a["end"]] == a["text"] for a in r["actors"])
        for d in r["labels"]:
            assert d in r["evidence"]
    assert rows[-1]["labels"] == []  # the meeting notice
    prof = profile_document(rows, ["field", "actors", "resources", "value"])
    assert prof["covered"] == 4 and prof["units"] == len(rows)
    assert set(prof["dimension_actor"]) == {"field", "actors", "resources", "value"}


def test_classify_units(document_zh):
    sents = list(classify_documents([document_zh], unit="sentence"))
    assert len(sents) >= len(list(classify_documents([document_zh])))
    assert all(document_zh.text[r["start"]:r["end"]] == r["text"] for r in sents)
    whole = list(classify_documents([document_zh], unit="document"))
    assert len(whole) == 1 and whole[0]["id"] == document_zh.doc_id
    with pytest.raises(ConfigError, match="unit"):
        list(classify_documents([document_zh], unit="page"))


def test_classify_empty_unit_gets_empty_labels():
    rows = list(classify_documents([read_text("")], unit="document"))
    assert rows[0]["labels"] == [] and set(rows[0]["scores"].values()) == {0.0}


def test_classify_lexicon_model_for_another_framework(document_zh):
    rows = list(classify_documents([document_zh], framework="policy_instruments"))
    assert set(rows[0]["scores"]) == {"supply", "environment", "demand"}


def test_classify_portable_model_matches_the_estimator(texts_zh):
    import json

    import sklearn

    from pipeline.models import default_model_dir

    saved = json.loads((default_model_dir() / "model_card.json").read_text(encoding="utf-8"))["versions"]["scikit-learn"]
    if saved.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        pytest.skip(f"the default model was saved with scikit-learn {saved}, this is {sklearn.__version__}")
    est, _ = load_classifier(portable=False)
    fast, _ = load_classifier()
    assert type(fast).__name__ == "PortableModel" and type(est).__name__ == "FrameworkClassifier"
    np.testing.assert_allclose(fast.predict_proba(texts_zh), est.predict_proba(texts_zh), atol=1e-9)
    assert (fast.predict(texts_zh) == est.predict(texts_zh)).all()
