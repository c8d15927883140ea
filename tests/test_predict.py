import numpy as np
import pytest

from pipeline.errors import ModelError
from pipeline.predict import PortableModel


def test_predict_portable_model_loads_without_pickles(texts_zh):
    from pipeline.models import default_model_dir

    model = PortableModel.load(default_model_dir())
    p = model.predict_proba(texts_zh)
    assert p.shape == (len(texts_zh), 4) and ((p >= 0) & (p <= 1)).all()
    assert model.predict(["", "   "]).sum() == 0  # empty units: empty labels
    assert list(model.classes_) == ["field", "actors", "resources", "value"]


def test_predict_refuses_a_file_that_is_not_a_model(tmp_path):
    bad = tmp_path / "model.npz"
    np.save(tmp_path / "x.npy", np.array([object()], dtype=object), allow_pickle=True)
    bad.write_bytes((tmp_path / "x.npy").read_bytes())
    with pytest.raises(ModelError, match="not a readable portable model"):
        PortableModel.load(tmp_path)
