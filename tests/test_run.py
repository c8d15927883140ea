import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pipeline.run import _read_done, process_files, run_pipeline


@pytest.fixture(scope="module")
def messy_folder(tmp_path_factory, data_dir):
    """Good files in every supported encoding mixed with every kind of bad file."""
    root = tmp_path_factory.mktemp("messy")
    for name in ("utf8.txt", "utf8_bom.txt", "utf16.txt", "gb18030.txt", "big5.txt", "doc.md", "page_gbk.html", "doc.docx", "doc.pdf", "records.jsonl"):
        shutil.copy(data_dir / name, root / name)
    (root / "带 空格 的 文件名.txt").write_text("县域职业教育与产业集群协同发展。", encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    (root / "random.txt").write_bytes(os.urandom(4096))
    (root / "zero.docx").write_bytes(b"")
    (root / "notzip.docx").write_bytes(b"plain text pretending to be a docx")
    secret = root / "secret.data"
    secret.write_text("SECRET-XXE-PAYLOAD", encoding="utf-8")
    xml = (f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file://{secret}">]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
           "<w:p><w:r><w:t>校企合作&x;</w:t></w:r></w:p></w:body></w:document>").encode()
    with zipfile.ZipFile(data_dir / "doc.docx") as src, zipfile.ZipFile(root / "xxe.docx", "w") as dst:
        for item in src.infolist():
            dst.writestr(item, xml if item.filename == "word/document.xml" else src.read(item.filename))
    with zipfile.ZipFile(data_dir / "doc.docx") as src, zipfile.ZipFile(root / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, src.read(item.filename))
        with dst.open("word/media/zeros.bin", "w") as f:
            for _ in range(300):
                f.write(b"\0" * (1 << 20))
    pdf = (data_dir / "doc.pdf").read_bytes()
    (root / "truncated.pdf").write_bytes(pdf[: len(pdf) // 3])
    # A 25 MB single-line text.
    unit = "江川市推动校企合作，共建共享实训基地，服务市域产业集群高质量发展。"
    (root / "big_one_line.txt").write_text(unit * (25_000_000 // len(unit.encode("utf-8"))), encoding="utf-8")
    (root / "sub").mkdir()
    os.symlink(root, root / "sub" / "loop")
    return root


@pytest.mark.slow
def test_run_messy_folder_finishes_and_reports_every_file(messy_folder, tmp_path):
    out = tmp_path / "out"
    summary = run_pipeline([messy_folder], out, workers=2)
    manifest = pd.read_csv(out / "manifest.csv")
    names = {os.path.basename(p): (s, r) for p, s, r in zip(manifest.path, manifest.status, manifest.reason.fillna(""))}
    for bad in ("empty.txt", "random.txt", "zero.docx", "notzip.docx", "bomb.docx", "truncated.pdf"):
        assert names[bad][0] == "failed" and names[bad][1], bad
    assert names["secret.data"][0] == "skipped"
    for good in ("utf8.txt", "utf8_bom.txt", "utf16.txt", "gb18030.txt", "big5.txt", "doc.md", "page_gbk.html", "doc.docx",
                 "doc.pdf", "records.jsonl", "带 空格 的 文件名.txt", "big_one_line.txt"):
        assert names[good][0] == "ok", (good, names[good])
    assert summary["failed"] == 6 and summary["ok"] >= 12
    paragraphs = pd.read_parquet(out / "paragraphs.parquet")
    assert not paragraphs.text.str.contains("SECRET-XXE-PAYLOAD").any()
    docs = pd.read_parquet(out / "documents.parquet")
    assert docs.title.str.contains("江川市推进市域产教联合体建设的通知").sum() >= 5


def test_run_sample_dataset_and_resume(tmp_path, data_dir):
    out = tmp_path / "out"
    inputs = [data_dir / "utf8.txt", data_dir / "records.jsonl", data_dir / "doc.md"]
    s1 = run_pipeline(inputs, out, workers=1, formats=["parquet", "csv"])
    assert s1["ok"] == 3 and s1["failed"] == 0
    for table in ("documents", "paragraphs", "actors", "keywords"):
        assert (out / f"{table}.parquet").exists() and (out / f"{table}.csv").exists()
    para = pd.read_parquet(out / "paragraphs.parquet")
    assert {"doc_id", "para_idx", "text", "section", "score_field", "label_field", "label_value"} <= set(para.columns)
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert info["framework"]["sha256"] and info["totals"]["files_ok"] == 3 and info["versions"]
    n_para = len(para)
    s2 = run_pipeline(inputs, out, workers=1)
    assert s2["processed"] == 0 and s2["ok"] == 3
    assert len(pd.read_parquet(out / "paragraphs.parquet")) == n_para


def test_run_cooccurrence_is_counted_by_name(tmp_path, data_dir):
    """The per-part counts add up to what the written tables give, also when a run is resumed
    with a framework that lists the actor types in another order; the manifest has LF lines."""
    import yaml

    from pipeline.codebook import bundled_framework_path, load_framework
    from pipeline.network import cooccurrence_tables

    out = tmp_path / "out"
    run_pipeline([data_dir / "utf8.txt"], out, workers=1, model="lexicon")
    data = yaml.safe_load(bundled_framework_path("four_dimensions").read_text(encoding="utf-8"))
    data["actors"]["types"] = data["actors"]["types"][::-1]
    reordered = tmp_path / "reordered.yaml"
    reordered.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    run_pipeline([data_dir / "utf8.txt", data_dir / "doc.md"], out, workers=1, model="lexicon", framework=str(reordered))
    fw = load_framework(str(reordered))
    actors = pd.read_parquet(out / "actors.parquet", columns=["doc_id", "para_idx", "type"]).drop_duplicates()
    paras = pd.read_parquet(out / "paragraphs.parquet")
    expected = cooccurrence_tables(actors, paras, actor_types=fw.actor_type_ids, dimensions=fw.dimension_ids)
    got = pd.read_parquet(out / "actor_cooccurrence.parquet").set_index("row")
    assert list(got.index) == list(fw.actor_type_ids)
    assert (got.values == expected["actor_actor"].values).all()
    assert b"\r\n" not in (out / "manifest.csv").read_bytes()


def test_run_resumes_after_a_kill_between_part_and_commit(tmp_path, data_dir):
    out = tmp_path / "out"
    run_pipeline([data_dir / "utf8.txt"], out, workers=1)
    # Simulate a kill: a part written but never committed, and a half-written done line.
    orphan = out / "_parts" / "paragraphs" / "part-deadbeef0000.parquet"
    orphan.write_bytes(b"garbage")
    with open(out / "_state" / "done.jsonl", "a", encoding="utf-8") as f:
        f.write('{"part": "cut-off')
    s = run_pipeline([data_dir / "utf8.txt", data_dir / "doc.md"], out, workers=1)
    assert s["processed"] == 1 and s["ok"] == 2
    assert not orphan.exists()
    assert len(_read_done(out)) == 2


def test_run_process_files_never_raises(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"")
    result = process_files([str(bad), str(tmp_path / "missing.txt")], __import__("pipeline.run", fromlist=["RunConfig"]).RunConfig())
    assert [m["status"] for m in result["manifest"]] == ["failed", "failed"]


def test_run_with_another_framework(tmp_path, data_dir):
    s = run_pipeline([data_dir / "utf8.txt"], tmp_path / "o", workers=1, framework="policy_instruments")
    assert s["ok"] == 1
    cols = pd.read_parquet(tmp_path / "o" / "paragraphs.parquet").columns
    assert "score_supply" in cols and "score_field" not in cols


@pytest.mark.slow
def test_run_dask_engine_gives_the_local_results(tmp_path, data_dir):
    pytest.importorskip("distributed")
    local = run_pipeline([data_dir], tmp_path / "local", workers=1)
    dask = run_pipeline([data_dir], tmp_path / "dask", workers=2, engine="dask")
    assert local["ok"] == dask["ok"]
    # identical texts in several formats share a content-hash id: order rows fully before comparing
    for table in ("paragraphs", "actors", "documents"):
        a = pd.read_parquet(tmp_path / "local" / f"{table}.parquet")
        b = pd.read_parquet(tmp_path / "dask" / f"{table}.parquet")
        key = list(a.columns)
        a, b = (x.sort_values(key).reset_index(drop=True) for x in (a, b))
        pd.testing.assert_frame_equal(a, b)


def test_run_does_not_import_pandas(tmp_path, data_dir):
    # pyarrow imports pandas on its first conversion of Python values and when reading through its
    # dataset layer: 0.2–0.3 s of every run, avoided by io.arrow_table and ParquetFile (issue 5's
    # throughput target counts start-up)
    code = ("import sys\nfrom pipeline.run import run_pipeline\n"
            f"s = run_pipeline([{str(data_dir / 'utf8.txt')!r}], {str(tmp_path / 'out')!r}, workers=1)\n"
            "assert s['ok'] == 1, s\nprint('pandas' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_run_slices_record_files_by_size_and_processes_each_record_once(tmp_path, monkeypatch):
    import pipeline.run as run_module

    recs = [{"id": f"r{i}", "text": "学校与企业合作共建实训基地。" * (20 if i % 3 else 200)} for i in range(30)]
    path = tmp_path / "recs.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n", encoding="utf-8")
    monkeypatch.setattr(run_module, "SLICE_CHARS", 5000)
    slices = run_module._record_slices(path, 16)
    assert slices[0][0] == 0 and slices[-1][1] == 30 and all(a[1] == b[0] for a, b in zip(slices, slices[1:]))
    assert len(slices) > 2 and all(hi - lo <= 16 for lo, hi, _ in slices)
    out = tmp_path / "out"
    s = run_pipeline([path], out, workers=2)
    assert s["ok"] == 1 and s["documents"] == 30
    assert sorted(pd.read_parquet(out / "documents.parquet").doc_id) == sorted(r["id"] for r in recs)


def test_run_chunks_are_balanced_largest_first():
    import pipeline.run as run_module

    items = [("f.jsonl", k, k + 1, "h", size) for k, size in enumerate([90, 10, 10, 10, 10, 30, 30, 50, 60, 20, 20, 20])]
    chunks = run_module._chunks(items, workers=2, max_items=16)
    loads = [sum(it[4] for it in c) for c in chunks]
    assert sorted(it for c in chunks for it in c) == sorted(items)  # every item once
    assert loads == sorted(loads, reverse=True) and len(chunks) == 8
    assert loads[0] == 90 and min(loads) == 30  # the largest item alone; the small ones pooled, none left tiny
    capped = run_module._chunks(items, workers=1, max_items=2)
    assert all(len(c) <= 2 for c in capped) and sum(map(len, capped)) == len(items)


def test_run_resume_goes_by_records_covered_whatever_the_slicing(tmp_path):
    recs = [{"id": f"r{i}", "text": f"第{i}号：学校与企业合作共建实训基地。"} for i in range(40)]
    path = tmp_path / "recs.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_pipeline([path], out, workers=1, chunk_size=16)["documents"] == 40
    # another --chunk-size (or another version's slicing) finds everything done
    again = run_pipeline([path], out, workers=1, chunk_size=5)
    assert again["processed"] == 0
    docs = pd.read_parquet(out / "documents.parquet")
    assert len(docs) == 40 and docs.doc_id.nunique() == 40
    # a run cut before its last commit: only the records not covered are processed, once
    state = out / "_state" / "done.jsonl"
    lines = state.read_text(encoding="utf-8").splitlines()
    last = json.loads(lines[-1])
    state.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    missing = sum(m["hi"] - m["lo"] for m in last["manifest"])  # records of the uncommitted part
    third = run_pipeline([path], out, workers=1, chunk_size=3)
    assert third["processed"] >= 1 and missing > 0
    docs = pd.read_parquet(out / "documents.parquet")
    assert len(docs) == 40 and sorted(docs.doc_id) == sorted(r["id"] for r in recs)


@pytest.mark.skipif("forkserver" not in __import__("multiprocessing").get_all_start_methods(), reason="no forkserver")
def test_run_worker_watch_keeps_healthy_workers_under_forkserver():
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from pipeline.run import _exit_with_parent

    # a forkserver's workers have the fork server as parent, not this process
    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("forkserver"), initializer=_exit_with_parent) as pool:
        assert pool.submit(os.getpid).result() > 0
        import time

        time.sleep(1.2)  # past the watcher's first look
        assert pool.submit(abs, -3).result() == 3


def _alive(pid: int) -> bool:
    """Whether a process runs (a zombie nobody reaped has exited)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_run_killed_with_sigkill_then_rerun_gives_the_clean_result(tmp_path, data_dir):
    import signal
    import time

    # a corpus that takes a few seconds: records built from our own test texts
    base = (data_dir / "utf8.txt").read_text(encoding="utf-8")
    recs = [{"id": f"k{i}", "text": f"（第{i}份）" + base * 6} for i in range(600)]
    path = tmp_path / "big.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in recs) + "\n", encoding="utf-8")
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    run_pipeline([path], clean, workers=1)
    cmd = [sys.executable, "-m", "pipeline", "run", str(path), "-o", str(killed), "--workers", "2"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    state = killed / "_state" / "done.jsonl"
    while time.monotonic() < deadline and not (state.exists() and state.stat().st_size):
        time.sleep(0.02)  # killed once at least one part is committed: mid-run, not before
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    workers = [int(x) for x in children.read_text().split()] if children.exists() else []
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (killed / "run.json").exists()  # it was cut mid-run
    # the pool's workers leave with their parent (they used to wait forever)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
    s = run_pipeline([path], killed, workers=2)
    assert s["ok"] == 1 and s["failed"] == 0
    for table in ("documents", "paragraphs", "actors", "keywords"):
        a = pd.read_parquet(clean / f"{table}.parquet").drop(columns=["path"], errors="ignore")
        b = pd.read_parquet(killed / f"{table}.parquet").drop(columns=["path"], errors="ignore")
        key = [c for c in ("doc_id", "para_idx", "start", "kind", "term") if c in a.columns]
        pd.testing.assert_frame_equal(a.sort_values(key).reset_index(drop=True), b.sort_values(key).reset_index(drop=True))
