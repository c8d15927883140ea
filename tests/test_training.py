import csv
import json

from pipeline.training import evaluate_model, train_model


def test_training_writes_model_and_card_with_all_three_scores(tmp_path, texts_zh):
    labels = tmp_path / "labels.csv"
    codes = [(1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1), (0, 1, 0, 0), (0, 0, 0, 0)]
    with open(labels, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["unit_id", "split", "field", "actors", "resources", "value", "text"])
        for k in range(12):
            for i, (t, lab) in enumerate(zip(texts_zh, codes)):
                w.writerow([f"u{k}{i}", "test" if k >= 9 else "train", *lab, t + "。" * k])
    card = train_model(labels, tmp_path / "m", cv=2)
    summary = card["metrics"]["summary"]
    assert set(summary) >= {"lexicon", "supervised", "combined"} and summary["n_test"] == 18
    saved = json.loads((tmp_path / "m" / "model_card.json").read_text(encoding="utf-8"))
    assert saved["framework"]["sha256"] and saved["training_data"]["sha256"]
    assert len(saved["metrics"]["thresholds"]["combined"]) == 4
    report = evaluate_model(labels, model=str(tmp_path / "m"))
    assert 0 <= report["macro_f1"] <= 1
