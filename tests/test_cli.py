import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import cli

COMMANDS = ["ingest", "segment", "keywords", "actors", "expand", "idf", "framework", "classify", "train", "evaluate", "agreement", "run", "report", "compare", "export"]


@pytest.fixture()
def runner():
    return CliRunner()


def test_cli_every_command_has_help_with_example(runner):
    top = runner.invoke(cli, ["--help"])
    assert top.exit_code == 0
    for name in COMMANDS:
        assert name in top.output
        result = runner.invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
        if name != "framework":
            assert "Example:" in result.output, name
    for sub in ("check", "show"):
        assert "Example:" in runner.invoke(cli, ["framework", sub, "--help"]).output


def test_cli_ingest_jsonl_to_stdout(runner, data_dir):
    r = runner.invoke(cli, ["ingest", str(data_dir / "utf8.txt"), str(data_dir / "doc.docx"), "-o", "-"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert len(rows) == 2
    for row in rows:
        assert {"id", "path", "title", "date", "source", "text", "paragraphs"} <= set(row)
        assert all("text" in p for p in row["paragraphs"])


def test_cli_missing_and_bad_files_reported_rest_goes_on(runner, data_dir, tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    r = runner.invoke(cli, ["ingest", str(tmp_path / "missing.txt"), str(bad), str(data_dir / "utf8.txt"), "-o", "-"])
    assert r.exit_code == 0
    assert "missing.txt: no such file" in r.stderr and "bad.docx: not a zip archive" in r.stderr
    assert len(r.stdout.splitlines()) == 1
    r = runner.invoke(cli, ["ingest", str(tmp_path / "missing.txt"), "-o", "-"])
    assert r.exit_code == 1


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_cli_segment_formats(runner, data_dir, tmp_path, fmt):
    out = tmp_path / f"t.{fmt}"
    r = runner.invoke(cli, ["segment", str(data_dir / "utf8.txt"), "--format", fmt, "-o", str(out)])
    assert r.exit_code == 0, r.output
    if fmt == "jsonl":
        row = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
        assert "政府统筹" in [t["text"] for t in row["tokens"]] and row["id"]


def test_cli_actors_records_in_input_order(runner, data_dir):
    r = runner.invoke(cli, ["actors", str(data_dir / "records.jsonl"), "--text-field", "text", "--id-field", "id", "-o", "-"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["id"] for x in rows] == ["r1", "r2", "r3"]
    text = "深圳市人民政府支持江川职业技术学院。"
    for a in rows[2]["actors"]:
        assert text[a["start"]:a["end"]] == a["text"] and a["type"]
    assert rows[1]["actors"] == []


def test_cli_reads_standard_input_as_dash(runner):
    r = runner.invoke(cli, ["actors", "-", "--format", "jsonl", "-o", "-"], input="政府统筹、企业牵引、学校主体。".encode())
    assert r.exit_code == 0, r.output
    (row,) = [json.loads(x) for x in r.stdout.splitlines()]
    assert [(a["text"], a["role"]) for a in row["actors"]] == [("政府", "统筹"), ("企业", "牵引"), ("学校", "主体")]
    r = runner.invoke(cli, ["classify", "-", "--format", "jsonl", "-o", "-"], input="校企共建实训基地，共享设备与师资。")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout.splitlines()[0])["path"] == "<stdin>"


def test_cli_classify_records_jsonl(runner, data_dir):
    r = runner.invoke(cli, ["classify", str(data_dir / "records.jsonl"), "--text-field", "text", "--id-field", "id", "--format", "jsonl", "-o", "-"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["id"] for x in rows] == ["r1", "r2", "r3"]
    for x in rows:
        assert {"labels", "scores", "actors", "evidence"} <= set(x)
        assert set(x["scores"]) == {"field", "actors", "resources", "value"}
    assert rows[1]["labels"] == []


def test_cli_classify_table_shows_chinese_names(runner, data_dir):
    r = runner.invoke(cli, ["classify", str(data_dir / "utf8.txt")])
    assert r.exit_code == 0, r.output
    for name in ("场域", "主体", "资源", "价值"):
        assert name in r.stdout


def test_cli_keywords_kwic(runner, data_dir, tmp_path):
    out = tmp_path / "k.csv"
    r = runner.invoke(cli, ["keywords", str(data_dir / "utf8.txt"), "--format", "csv", "--kwic", "5", "-o", str(out)])
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out, encoding="utf-8-sig")
    terms = df[df.kind == "term"]
    assert (terms.left.fillna("").str.len() <= 5).all() and set(terms.dimension) >= {"actors", "resources"}
    assert (df.kind == "tfidf").any() and (df.kind == "textrank").any()


def test_cli_framework_check(runner, data_dir):
    r = runner.invoke(cli, ["framework", "check", "--corpus", str(data_dir)])
    assert r.exit_code == 0, r.output
    assert "split by the segmenter" in r.output and "never occur in the corpus" in r.output


def test_cli_expand_and_accept(runner, tmp_path, data_dir):
    out = tmp_path / "s.csv"
    r = runner.invoke(cli, ["expand", str(data_dir), "--min-count", "1", "-o", str(out)])
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out, encoding="utf-8-sig")
    assert {"dimension", "term", "g2", "pmi", "example", "accept"} <= set(df.columns)
    df.loc[df.index[:1], "accept"] = 1
    df.to_csv(out, index=False)
    fw = tmp_path / "fw.yaml"
    r = runner.invoke(cli, ["expand", str(data_dir), "--accept", str(out), "-o", str(fw)])
    assert r.exit_code == 0 and fw.exists()
    assert runner.invoke(cli, ["framework", "check", "--framework", str(fw)]).exit_code == 0


def test_cli_agreement(runner):
    from pathlib import Path

    labels = Path(__file__).resolve().parents[1] / "corpus" / "labels"
    r = runner.invoke(cli, ["agreement", str(labels / "labels.csv"), str(labels / "coders" / "c4_overlap.csv")])
    assert r.exit_code == 0, r.output
    assert "kappa" in r.output and "units coded by both: 130" in r.output


def test_cli_train_and_evaluate_small(runner, tmp_path, tiny_labels):
    labels = tiny_labels
    model = tmp_path / "m"
    r = runner.invoke(cli, ["train", str(labels), "-o", str(model), "--cv", "2"])
    assert r.exit_code == 0, r.output
    card = json.loads((model / "model_card.json").read_text(encoding="utf-8"))
    assert set(card["metrics"]["test"]) == {"lexicon", "supervised", "combined"}
    errors = tmp_path / "e.csv"
    r = runner.invoke(cli, ["evaluate", str(labels), "--model", str(model), "--errors", str(errors)])
    assert r.exit_code == 0, r.output
    assert "macro-F1" in r.output and "co-label confusion" in r.output and errors.exists()


def test_cli_run_and_strict(runner, tmp_path, data_dir):
    bad = tmp_path / "in" / "empty.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"")
    (tmp_path / "in" / "ok.txt").write_text("学校与企业合作。", encoding="utf-8")
    r = runner.invoke(cli, ["run", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "1 ok, 1 failed" in r.output
    r = runner.invoke(cli, ["run", str(tmp_path / "in"), "-o", str(tmp_path / "out2"), "--workers", "1", "--strict"])
    assert r.exit_code == 1


POLICY = "policy_instruments"


@pytest.mark.parametrize("args", [
    ["ingest"], ["segment"], ["keywords", "--framework", POLICY], ["actors", "--framework", POLICY],
    ["classify", "--framework", POLICY, "--format", "jsonl"],
])
def test_cli_every_command_runs_with_the_second_framework(runner, data_dir, args):
    r = runner.invoke(cli, [args[0], str(data_dir / "utf8.txt"), *args[1:], "-o", "-"])
    assert r.exit_code == 0, r.output
    if args[0] == "classify":
        assert set(json.loads(r.stdout.splitlines()[0])["scores"]) == {"supply", "environment", "demand"}


def test_cli_second_framework_other_commands(runner, data_dir, tmp_path):
    assert runner.invoke(cli, ["framework", "check", "--framework", POLICY]).exit_code == 0
    assert runner.invoke(cli, ["framework", "show", "--framework", POLICY]).exit_code == 0
    assert runner.invoke(cli, ["expand", str(data_dir), "--framework", POLICY, "--min-count", "1", "-o", str(tmp_path / "s.csv")]).exit_code == 0
    assert runner.invoke(cli, ["idf", str(data_dir), "--framework", POLICY, "-o", str(tmp_path / "i.tsv")]).exit_code == 0
    r = runner.invoke(cli, ["run", str(data_dir / "utf8.txt"), "-o", str(tmp_path / "o"), "--framework", POLICY, "--workers", "1"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["classify", str(data_dir / "utf8.txt"), "--framework", POLICY, "--model", "models/default"])
    assert r.exit_code == 1 and "trained for framework" in r.output


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    from pathlib import Path

    from pipeline.run import run_pipeline

    out = tmp_path_factory.mktemp("cli_run") / "sample"
    run_pipeline([Path(__file__).resolve().parents[1] / "corpus" / "sample"], out, workers=1)
    return out


def test_cli_report_export_compare(runner, sample_run, tmp_path):
    r = runner.invoke(cli, ["report", str(sample_run), "-o", str(tmp_path / "r.html")])
    assert r.exit_code == 0, r.output
    assert "<svg" in (tmp_path / "r.html").read_text(encoding="utf-8")
    r = runner.invoke(cli, ["export", str(sample_run), "--qdpx", str(tmp_path / "p.qdpx")])
    assert r.exit_code == 0, r.output
    from pipeline.qda import read_qdpx

    assert len(read_qdpx(tmp_path / "p.qdpx")["sources"]) == 16
    r = runner.invoke(cli, ["compare", "--run", str(sample_run), "--by", "source", "--values", "江川市教育局,青禾县人民政府",
                            "-o", str(tmp_path / "c.json")])
    assert r.exit_code == 0, r.output
    assert "coupling" in r.output or " D" in r.output
    out = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert set(out) == {"profiles", "coupling", "keyness", "actors", "roles"}


def test_cli_compare_two_folders(runner, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    (a / "1.txt").write_text("产业集群在市域内集聚，企业与学校共建实训基地。", encoding="utf-8")
    (b / "2.txt").write_text("市域产教联合体坚持共建共享、互利共赢。", encoding="utf-8")
    r = runner.invoke(cli, ["compare", str(a), str(b)])
    assert r.exit_code == 0, r.output
    assert "field" in r.output and "value" in r.output
    assert runner.invoke(cli, ["compare", str(a)]).exit_code == 2


def test_cli_keywords_corpus_level(runner, data_dir):
    r = runner.invoke(cli, ["keywords", str(data_dir / "utf8.txt"), str(data_dir / "doc.md"), "--corpus", "-o", "-"])
    assert r.exit_code == 0, r.output
    rows = [json.loads(x) for x in r.stdout.splitlines()]
    assert [x["id"] for x in rows][-1] == "corpus" and len(rows) == 3
    corpus = rows[-1]
    assert corpus["tfidf"] and corpus["textrank"]
    per_doc = sum(t["count"] for x in rows[:2] for t in x["dimension_terms"].get("resources", []))
    assert sum(t["count"] for t in corpus["dimension_terms"]["resources"]) == per_doc


def test_cli_classify_warns_when_the_framework_was_edited(runner, tmp_path, data_dir):
    from pipeline.codebook import bundled_framework_path

    edited = tmp_path / "four_dimensions.yaml"
    edited.write_text(bundled_framework_path().read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    r = runner.invoke(cli, ["classify", str(data_dir / "utf8.txt"), "--framework", str(edited), "-o", str(tmp_path / "o.jsonl")])
    assert r.exit_code == 0, r.output
    assert "differs from the framework the default model was trained on" in r.stderr and "lexicon scorer" in r.stderr
    # another scheme altogether is expected to have no trained model: no warning
    r = runner.invoke(cli, ["classify", str(data_dir / "utf8.txt"), "--framework", "policy_instruments", "-o", str(tmp_path / "p.jsonl")])
    assert r.exit_code == 0 and "differs" not in r.stderr


def test_cli_settings_file_gives_defaults_the_command_line_wins(runner, data_dir, tmp_path):
    # a framework file beside the settings file, named relative to it
    (tmp_path / "fw").mkdir()
    from pipeline.codebook import load_framework

    (tmp_path / "fw" / "policy.yaml").write_bytes(Path(load_framework(POLICY).path).read_bytes())
    settings = tmp_path / "study.yaml"
    settings.write_text("framework: fw/policy.yaml\nclassify:\n  format: jsonl\nkeywords:\n  kwic: 2\n", encoding="utf-8")
    r = runner.invoke(cli, ["--config", str(settings), "classify", str(data_dir / "utf8.txt")])
    assert r.exit_code == 0, r.output
    assert set(json.loads(r.stdout.splitlines()[0])["scores"]) == {"supply", "environment", "demand"}
    # the command line wins over the file; CHANJIAO_CONFIG names the file too
    r = runner.invoke(cli, ["classify", str(data_dir / "utf8.txt"), "--framework", "four_dimensions"],
                      env={"CHANJIAO_CONFIG": str(settings)})
    assert r.exit_code == 0, r.output
    assert set(json.loads(r.stdout.splitlines()[0])["scores"]) == {"field", "actors", "resources", "value"}
    out = tmp_path / "k.csv"
    r = runner.invoke(cli, ["--config", str(settings), "keywords", str(data_dir / "utf8.txt"), "--framework", "four_dimensions",
                            "--format", "csv", "-o", str(out)])
    assert r.exit_code == 0, r.output
    terms = pd.read_csv(out, encoding="utf-8-sig").query("kind == 'term'")
    assert len(terms) and (terms.left.fillna("").str.len() <= 2).all()


def test_cli_settings_file_option_names_as_typed(runner, tmp_path):
    # --segmenter is stored as `engine` by some commands and `segmenter` by run; the file says segmenter
    from pipeline.cli import _default_map
    from pipeline.config import load_config

    settings = tmp_path / "s.yaml"
    settings.write_text("segmenter: jieba\nrun:\n  chunk-size: 4\n  formats: [parquet, csv]\n", encoding="utf-8")
    defaults = _default_map(load_config(settings), cli)
    assert defaults["keywords"]["engine"] == "jieba" and defaults["run"]["segmenter"] == "jieba"
    assert defaults["framework"]["check"]["engine"] == "jieba"
    assert defaults["run"]["chunk_size"] == 4 and defaults["run"]["formats"] == "parquet,csv"
    # outputs are paths beside the settings file too; "-" (standard output) stays
    settings.write_text("keywords:\n  output: k.csv\nactors:\n  output: '-'\nrun:\n  output: runs/a\n", encoding="utf-8")
    defaults = _default_map(load_config(settings), cli)
    assert defaults["keywords"]["output"] == str(tmp_path / "k.csv") and defaults["actors"]["output"] == "-"
    assert defaults["run"]["outdir"] == str(tmp_path / "runs" / "a")


@pytest.mark.parametrize(("text", "message"), [
    ("run:\n  wokers: 2\n", "section 'run' has unknown option(s) wokers"),
    ("topp: 3\n", "no command has option 'topp'"),
    ("classfy:\n  unit: sentence\n", "no command 'classfy'"),
])
def test_cli_settings_file_errors_name_the_file(runner, data_dir, tmp_path, text, message):
    settings = tmp_path / "bad.yaml"
    settings.write_text(text, encoding="utf-8")
    r = runner.invoke(cli, ["--config", str(settings), "ingest", str(data_dir / "utf8.txt")])
    assert r.exit_code == 1
    assert "bad.yaml" in r.output and message in r.output
