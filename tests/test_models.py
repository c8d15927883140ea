import json
import shutil

import pytest

from pipeline.codebook import load_framework
from pipeline.errors import ModelError
from pipeline.models import CARD_FILE, MODEL_FILE, default_model_dir, load_model


def test_models_default_model_is_found_with_its_card(default_model):
    est, card = default_model
    assert default_model_dir() is not None
    assert card["framework"]["sha256"] == load_framework().sha256
    assert set(card["metrics"]["summary"]) >= {"lexicon", "supervised", "combined"}
    assert card["training_data"]["sha256"] and card["versions"]["scikit-learn"]
    assert list(est.classes_) == ["field", "actors", "resources", "value"]


@pytest.fixture()
def model_copy(tmp_path):
    src = default_model_dir()
    dst = tmp_path / "m"
    shutil.copytree(src, dst)
    return dst


def test_models_refuse_newer_format(model_copy):
    card = json.loads((model_copy / CARD_FILE).read_text(encoding="utf-8"))
    card["format"] = 99
    (model_copy / CARD_FILE).write_text(json.dumps(card), encoding="utf-8")
    with pytest.raises(ModelError, match="newer"):
        load_model(model_copy)


def test_models_refuse_other_framework(model_copy):
    with pytest.raises(ModelError, match="trained for framework"):
        load_model(model_copy, framework=load_framework("policy_instruments"))


def test_models_missing_card_or_file(model_copy):
    (model_copy / CARD_FILE).unlink()
    with pytest.raises(ModelError, match="card"):
        load_model(model_copy)
    with pytest.raises(ModelError, match="not found"):
        load_model(model_copy / "nothing")


class Payload:
    """A type outside the allow-list (as an attacker's object would be)."""

    def __init__(self):
        self.x = 1


def test_models_untrusted_types_refused(tmp_path, model_copy):
    import pickle

    import skops.io as sio

    bad = tmp_path / "bad"
    bad.mkdir()
    shutil.copy(model_copy / CARD_FILE, bad / CARD_FILE)
    sio.dump({"payload": Payload()}, bad / MODEL_FILE)
    with pytest.raises(ModelError, match="untrusted types"):
        load_model(bad)
    (bad / MODEL_FILE).write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ModelError, match="skops"):
        load_model(bad)
