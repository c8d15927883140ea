import csv

import yaml

from pipeline.codebook import bundled_framework_path, load_framework
from pipeline.keywords import (
    accept_suggestions,
    build_idf,
    load_idf,
    save_idf,
    suggest_terms,
    textrank_keywords,
    tfidf_keywords,
)


def test_keywords_tfidf_prefers_domain_terms():
    words = [w for w, _ in tfidf_keywords("市域产教联合体推动校企合作，校企合作服务产业集群。推进工作。", top=3)]
    assert "校企合作" in words and "推进" not in words


def test_keywords_tfidf_keeps_a_candidate_whose_idf_is_zero(tmp_path):
    # a user's table may give a word IDF 0: it still counts in the document's length
    table = tmp_path / "idf.tsv"
    table.write_text("#default\t5.0\n企业\t0.0\n学校\t2.0\n", encoding="utf-8")
    pairs = [("企业", "n"), ("企业", "n"), ("学校", "n"), ("合作", "vn"), ("的", "uj")]
    assert tfidf_keywords("", idf=str(table), tagged=pairs) == [("合作", 1.25), ("学校", 0.5), ("企业", 0.0)]
    assert tfidf_keywords("", idf=str(table), tagged=pairs, engine="jieba") == [("合作", 1.25), ("学校", 0.5), ("企业", 0.0)]


def test_keywords_textrank_scores_sum_to_one(texts_zh):
    ranked = textrank_keywords("\n".join(texts_zh), top=100)
    assert ranked and abs(sum(s for _, s in ranked) - 1.0) < 1e-6
    assert all(len(w) >= 2 for w, _ in ranked)


def test_keywords_idf_round_trip(tmp_path, texts_zh):
    table = build_idf(texts_zh * 2, min_df=1)
    assert table["实训基地"] > table[""] - 10
    path = tmp_path / "idf.tsv"
    save_idf(table, path)
    loaded = load_idf(str(path))
    assert abs(loaded["实训基地"] - table["实训基地"]) < 1e-4 and loaded[""] == round(table[""], 5)


def test_keywords_bundled_policy_idf_is_used():
    table = load_idf()
    assert len(table) > 1000  # built from laws and CPC reports, not jieba's news IDF


def test_keywords_bundled_idf_matches_the_current_dictionary(shared_dir, tmp_path):
    # rebuilt as the README says whenever the framework or the dictionary changes; a stale table
    # gives framework terms the IDF of unseen words
    from click.testing import CliRunner

    from pipeline.cli import cli
    from pipeline.segment import resource_path

    out = tmp_path / "idf.tsv"
    corpora = shared_dir / "corpora"
    result = CliRunner().invoke(cli, ["idf", str(corpora / "laws"), str(corpora / "gwr" / "cpc_congress_reports.jsonl"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    fresh = {line.split("\t")[0] for line in out.read_text(encoding="utf-8").splitlines()}
    bundled = {line.split("\t")[0] for line in resource_path("idf_policy.tsv").read_text(encoding="utf-8").splitlines()}
    assert fresh == bundled, f"rebuild pipeline/resources/idf_policy.tsv: {sorted(fresh ^ bundled)[:10]}"


def test_keywords_suggest_terms_scores_association():
    sentences = ["市域产教联合体推动产业链延伸。"] * 4 + ["推动产业链延伸。"] + ["会议定于三时召开。"] * 20
    rows = suggest_terms(sentences, min_count=3)
    field = [r for r in rows if r["dimension"] == "field"]
    top = {r["term"]: r for r in field}
    assert "产业链" in top and top["产业链"]["g2"] > 0 and top["产业链"]["pmi"] > 0
    assert top["产业链"]["example"].startswith("市域产教联合体")
    assert "会议" not in top


def test_keywords_accept_merges_reviewed_terms(tmp_path):
    sugg = tmp_path / "s.csv"
    with open(sugg, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["dimension", "term", "accept"])
        w.writeheader()
        w.writerows([{"dimension": "field", "term": "园区飞地测试词", "accept": "1"}, {"dimension": "value", "term": "某词", "accept": ""}])
    out = tmp_path / "fw.yaml"
    assert accept_suggestions(bundled_framework_path(), sugg, out) == 1
    fw = load_framework(out)
    assert "园区飞地测试词" in [t.text for t in fw.dimension("field").terms]
    assert "某词" not in fw.all_terms()
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["id"] == "four-dimensions"
