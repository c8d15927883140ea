import json

from pipeline.training import evaluate_model, train_model


def test_training_writes_model_and_card_with_all_three_scores(tmp_path, tiny_labels):
    card = train_model(tiny_labels, tmp_path / "m", cv=2)
    summary = card["metrics"]["summary"]
    assert set(summary) >= {"lexicon", "supervised", "combined"} and summary["n_test"] == 18
    saved = json.loads((tmp_path / "m" / "model_card.json").read_text(encoding="utf-8"))
    assert saved["framework"]["sha256"] and saved["training_data"]["sha256"]
    assert len(saved["metrics"]["thresholds"]["combined"]) == 4
    report = evaluate_model(tiny_labels, model=str(tmp_path / "m"))
    assert 0 <= report["macro_f1"] <= 1
