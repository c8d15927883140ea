import csv

import numpy as np
import pytest

from pipeline.errors import ChanjiaoError
from pipeline.evaluate import (
    agreement,
    cohen_kappa,
    krippendorff_alpha_nominal,
    load_labels,
    score_predictions,
)


def test_evaluate_kappa_hand_worked():
    # po = 2/4; pa = pb = 3/4 → pe = 9/16 + 1/16 = 10/16; κ = (8/16 − 10/16) / (6/16) = −1/3
    assert cohen_kappa([1, 1, 1, 0], [1, 1, 0, 1]) == pytest.approx(-1 / 3)
    assert cohen_kappa([1, 0, 1, 1], [1, 0, 0, 1]) == pytest.approx(0.5)
    assert cohen_kappa([1, 1], [1, 1]) == 1.0


def test_evaluate_krippendorff_alpha_hand_worked():
    # values 1,1,1,0 | 1,1,0,1 → n=8, counts {1:6, 0:2}; Do = 2/4; De = 1 − (6·5+2·1)/(8·7) = 24/56
    assert krippendorff_alpha_nominal([1, 1, 1, 0], [1, 1, 0, 1]) == pytest.approx(1 - 0.5 / (24 / 56))


def test_evaluate_score_predictions():
    y = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
    p = np.array([[1, 0], [1, 1], [0, 1], [0, 0]])
    r = score_predictions(y, p, ["a", "b"])
    assert r["per_dimension"]["a"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2, "kappa": 0.0}
    assert r["per_dimension"]["b"]["f1"] == 1.0 and r["macro_f1"] == 0.75
    assert r["co_label_confusion"]["a"] == {"a": 1, "b": 1}


def _write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def test_evaluate_agreement_files(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    _write(a, [{"unit_id": f"u{i}", "x": v, "y": 1} for i, v in enumerate([1, 1, 1, 0])])
    _write(b, [{"unit_id": f"u{i}", "x": v, "y": 1} for i, v in enumerate([1, 1, 0, 1])] + [{"unit_id": "extra", "x": 1, "y": 0}])
    r = agreement(a, b)
    assert r["n"] == 4
    assert r["per_dimension"]["x"]["kappa"] == pytest.approx(-0.3333, abs=1e-4)
    assert r["per_dimension"]["x"]["percent"] == 50.0
    assert r["per_dimension"]["y"]["kappa"] == 1.0


def test_evaluate_label_pointers_resolve_and_check_hash(tmp_path):
    shared = tmp_path / "shared"
    (shared / "corpora").mkdir(parents=True)
    (shared / "corpora" / "t.md").write_text("前言。学校与企业合作。后记。", encoding="utf-8")
    import hashlib

    good = {"unit_id": "u1", "source": "corpora/t.md", "start": 3, "end": 11,
            "sha1": hashlib.sha1("学校与企业合作。".encode()).hexdigest()[:12], "text": "", "actors": 1}
    _write(tmp_path / "l.csv", [good])
    rows = load_labels(tmp_path / "l.csv", dimensions=("actors",), shared_dir=shared)
    assert rows[0]["text"] == "学校与企业合作。" and rows[0]["labels"] == {"actors": 1}
    _write(tmp_path / "bad.csv", [{**good, "start": 4}])
    with pytest.raises(ChanjiaoError, match="does not match its sha1"):
        load_labels(tmp_path / "bad.csv", dimensions=("actors",), shared_dir=shared)


def test_evaluate_shared_folder_found_beside_the_label_file(tmp_path, tmp_path_factory, monkeypatch):
    # a repository beside its shared folder, used from elsewhere (another working directory,
    # chanjiao installed in a virtualenv outside the repository)
    shared = tmp_path / "shared"
    (shared / "corpora").mkdir(parents=True)
    (shared / "corpora" / "t.md").write_text("学校与企业合作。", encoding="utf-8")
    (tmp_path / "repo" / "labels").mkdir(parents=True)
    _write(tmp_path / "repo" / "labels" / "l.csv", [{"unit_id": "u1", "source": "corpora/t.md", "start": 0, "end": 8,
                                                     "sha1": "", "text": "", "actors": 1}])
    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    monkeypatch.delenv("CHANJIAO_SHARED", raising=False)
    rows = load_labels(tmp_path / "repo" / "labels" / "l.csv", dimensions=("actors",))
    assert rows[0]["text"] == "学校与企业合作。"


def test_evaluate_repository_labels(shared_dir):
    from pathlib import Path

    labels = Path(__file__).resolve().parents[1] / "corpus" / "labels" / "labels.csv"
    rows = load_labels(labels, dimensions=("field", "actors", "resources", "value"), shared_dir=shared_dir)
    assert len(rows) >= 600
    assert all(r["text"] for r in rows)
    counts = {d: sum(r["labels"][d] for r in rows) for d in ("field", "actors", "resources", "value")}
    assert min(counts.values()) >= 100
    assert sum(1 for r in rows if not any(r["labels"].values())) >= 200
    assert not any("government_work_reports" in r.get("source", "") for r in rows)
