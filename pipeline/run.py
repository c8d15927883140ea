"""The batch job: inputs → ingest → segment/keywords → actors → classify → a Parquet dataset.

The only place with parallelism. Work items are chunks of input files; each worker builds its
own segmenter, matchers and model through the cached loaders (configuration crosses process
boundaries, live objects never do). Results are written as Parquet part files as chunks
finish, each with an atomic rename, and recorded in ``_state/done.jsonl``; a rerun into the
same folder skips files whose content hash is done, so a killed run resumes where it stopped.

Example:
    >>> summary = run_pipeline(["corpus/sample"], "out/sample")        # doctest: +SKIP
    >>> summary["ok"], summary["failed"]                                 # doctest: +SKIP
"""
from __future__ import annotations

import hashlib
import json
import os
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .errors import ConfigError, IngestError

TABLES = ("documents", "paragraphs", "actors", "keywords")
_STATE = "_state"
_PARTS = "_parts"


@dataclass(frozen=True)
class RunConfig:
    """Options every worker needs (plain values: they are pickled to the workers)."""

    framework: str | None = None
    model: str | None = None
    text_field: str | None = None
    id_field: str | None = None
    segmenter: str = "rjieba"
    keywords_top: int = 20
    extra: dict = field(default_factory=dict)


def file_hash(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes (first 16 hex digits), read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def process_files(paths: list[str], cfg: RunConfig) -> dict:
    """Run every stage over some files; returns table rows and one manifest row per file.

    Never raises for a bad file: its manifest row says ``failed`` and why.
    """
    from .classify import classify_documents, load_classifier, profile_document
    from .codebook import load_framework
    from .extract import extract_mentions, load_term_matcher
    from .ingest import read_file
    from .keywords import tfidf_keywords

    fw = load_framework(cfg.framework)
    dims = fw.dimension_ids
    est, _ = load_classifier(cfg.model, framework=cfg.framework)
    terms = load_term_matcher(cfg.framework)
    out: dict[str, list] = {t: [] for t in TABLES}
    manifest = []
    for path in paths:
        t0 = time.perf_counter()
        try:
            digest = file_hash(path)
            docs = read_file(path, text_field=cfg.text_field, id_field=cfg.id_field)
            units = 0
            for doc in docs:
                rows = list(classify_documents([doc], framework=cfg.framework, estimator=est, engine=cfg.segmenter))
                units += len(rows)
                prof = profile_document(rows, dims)
                drow = {"doc_id": doc.doc_id, "path": doc.path, "title": doc.title, "date": doc.date, "source": doc.source,
                        "original_source": doc.original_source, "issuer": doc.issuer, "doc_number": doc.doc_number,
                        "format": doc.format, "encoding": doc.encoding, "script": doc.script, "chars": len(doc.text),
                        "paragraphs": len(doc.paragraphs), "warnings": json.dumps(list(doc.warnings), ensure_ascii=False),
                        "meta": json.dumps(doc.meta, ensure_ascii=False, default=str), "content_hash": digest,
                        "units": prof["units"], "dominant": prof["dominant"], "covered": prof["covered"],
                        "actor_counts": json.dumps(prof["actor_counts"], ensure_ascii=False),
                        "dimension_actor": json.dumps(prof["dimension_actor"], ensure_ascii=False)}
                for d in dims:
                    drow[f"share_{d}"] = prof["share"][d]
                    drow[f"intensity_{d}"] = prof["intensity"][d]
                out["documents"].append(drow)
                for r in rows:
                    prow = {"doc_id": doc.doc_id, "para_idx": r["para_idx"], "start": r["start"], "end": r["end"],
                            "section": " > ".join(r["section"]), "text": r["text"]}
                    for d in dims:
                        prow[f"score_{d}"] = r["scores"][d]
                        prow[f"label_{d}"] = int(d in r["labels"])
                    prow["evidence"] = json.dumps(r["evidence"], ensure_ascii=False)
                    out["paragraphs"].append(prow)
                for _, mentions in extract_mentions([doc], framework=cfg.framework, engine=cfg.segmenter):
                    for m in mentions:
                        out["actors"].append({"doc_id": doc.doc_id, **asdict(m)})
                for p in doc.paragraphs:
                    for h in terms.find(p.text):
                        out["keywords"].append({"doc_id": doc.doc_id, "kind": "term", "dimension": h.dimension,
                                                "category": h.category, "term": h.term, "weight": h.weight,
                                                "para_idx": p.para_idx, "start": h.start + p.start, "end": h.end + p.start})
                body = "\n".join(p.text for p in doc.paragraphs if not p.is_heading)
                for rank, (w, s) in enumerate(tfidf_keywords(body, top=cfg.keywords_top, engine=cfg.segmenter, framework=cfg.framework), 1):
                    out["keywords"].append({"doc_id": doc.doc_id, "kind": "tfidf", "dimension": "", "category": "", "term": w,
                                            "weight": round(s, 6), "para_idx": rank, "start": -1, "end": -1})
            manifest.append({"path": str(path), "status": "ok", "reason": "", "content_hash": digest, "documents": len(docs),
                             "units": units, "seconds": round(time.perf_counter() - t0, 4)})
        except IngestError as exc:
            manifest.append({"path": str(path), "status": "failed", "reason": exc.reason, "content_hash": "", "documents": 0,
                             "units": 0, "seconds": round(time.perf_counter() - t0, 4)})
        except Exception as exc:  # a bug or an unforeseen file must not cost the batch
            manifest.append({"path": str(path), "status": "failed", "reason": f"{exc.__class__.__name__}: {exc}",
                             "content_hash": "", "documents": 0, "units": 0, "seconds": round(time.perf_counter() - t0, 4)})
    return {"tables": out, "manifest": manifest}


def _write_part(outdir: Path, result: dict) -> dict:
    import pandas as pd

    from .io import atomic_path

    part_id = uuid.uuid4().hex[:12]
    written = []
    for table, rows in result["tables"].items():
        if not rows:
            continue
        path = outdir / _PARTS / table / f"part-{part_id}.parquet"
        with atomic_path(path) as tmp:
            pd.DataFrame(rows).to_parquet(tmp, index=False)
        written.append(table)
    record = {"part": part_id, "tables": written, "manifest": result["manifest"]}
    # The done line is appended only after every part file exists: the line is the commit.
    with open(outdir / _STATE / "done.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())
    return record


def _read_done(outdir: Path) -> list[dict]:
    path = outdir / _STATE / "done.jsonl"
    if not path.exists():
        return []
    done = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            done.append(json.loads(line))
        except json.JSONDecodeError:
            break  # a line cut by a kill: everything after it is not committed
    return done


def _repair_done(outdir: Path, done: list[dict]) -> None:
    """Rewrite the state file with only its committed lines (a kill may have cut the last one)."""
    from .io import atomic_path

    path = outdir / _STATE / "done.jsonl"
    if not path.exists():
        return
    good = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in done)
    if path.read_text(encoding="utf-8") != good:
        with atomic_path(path) as tmp:
            Path(tmp).write_text(good, encoding="utf-8")


def _clean_orphans(outdir: Path, done: list[dict]) -> None:
    keep = {d["part"] for d in done}
    for p in (outdir / _PARTS).glob("*/*"):
        if p.suffix == ".tmp" or p.name.startswith(".") or p.stem.removeprefix("part-") not in keep:
            p.unlink(missing_ok=True)


def run_pipeline(
    inputs,
    outdir,
    *,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    framework: str | None = None,
    model: str | None = None,
    text_field: str | None = None,
    id_field: str | None = None,
    formats: list[str] | None = None,
    segmenter: str = "rjieba",
    chunk_size: int = 16,
    progress: bool = False,
    log: Callable[[str], None] | None = None,
) -> dict:
    """Run the pipeline over inputs into ``outdir``; resumable and idempotent.

    Args:
        inputs: files and folders.
        outdir: output folder (created).
        workers: processes (default: CPU count); 1 runs in this process.
        engine: "local" (process pool) or "dask".
        scheduler: Dask scheduler address (default: a LocalCluster).
        framework, model, text_field, id_field, segmenter: stage options.
        formats: extra copies of the tables: any of parquet (always), csv, xlsx.
        chunk_size: files per work item.
        progress: show a progress bar (terminal).
        log: receives plain progress lines.

    Returns:
        a summary dict (ok, failed, skipped, documents, units, seconds, table: printable text).
    """
    from .codebook import load_framework
    from .ingest import SUPPORTED, iter_paths

    log = log or (lambda m: None)
    if engine not in ("local", "dask"):
        raise ConfigError(f"invalid engine {engine!r}; valid: local, dask")
    fw = load_framework(framework)
    outdir = Path(outdir)
    (outdir / _STATE).mkdir(parents=True, exist_ok=True)
    (outdir / _PARTS).mkdir(parents=True, exist_ok=True)
    started = datetime.now(timezone.utc)
    t0 = time.perf_counter()
    cfg = RunConfig(framework=framework, model=model, text_field=text_field, id_field=id_field, segmenter=segmenter)
    # Fail fast on a bad model or framework before any worker starts.
    from .classify import load_classifier

    _, card = load_classifier(model, framework=framework)

    done = _read_done(outdir)
    _repair_done(outdir, done)
    _clean_orphans(outdir, done)
    parts_before = {d["part"] for d in done}
    done_hashes = {m["content_hash"] for d in done for m in d["manifest"] if m["status"] == "ok"}
    todo, pre_manifest = [], []
    for p in iter_paths(inputs):
        if not p.exists() and not p.is_symlink():
            pre_manifest.append({"path": str(p), "status": "failed", "reason": "no such file", "content_hash": "", "documents": 0, "units": 0, "seconds": 0.0})
            continue
        if p.suffix.lower() not in SUPPORTED:
            pre_manifest.append({"path": str(p), "status": "skipped", "reason": f"unsupported format {p.suffix or '(none)'}", "content_hash": "", "documents": 0, "units": 0, "seconds": 0.0})
            continue
        try:
            h = file_hash(p)
        except OSError as exc:
            pre_manifest.append({"path": str(p), "status": "failed", "reason": f"cannot read: {exc.strerror or exc}", "content_hash": "", "documents": 0, "units": 0, "seconds": 0.0})
            continue
        if h in done_hashes:
            pre_manifest.append({"path": str(p), "status": "skipped", "reason": "already done (same content hash)", "content_hash": h, "documents": 0, "units": 0, "seconds": 0.0})
            continue
        todo.append(str(p))
    workers = workers or os.cpu_count() or 1
    # Enough chunks to keep every worker busy, none larger than chunk_size.
    size = max(1, min(chunk_size, -(-len(todo) // (workers * 4)) if todo else 1))
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    already = sum(1 for m in pre_manifest if m["reason"].startswith("already"))
    log(f"chanjiao run: {len(todo)} file(s) to process in {len(chunks)} chunk(s), {already} already done, "
        f"{len(pre_manifest) - already} skipped or failed up front; engine {engine}, {workers} worker(s)")
    bar = _Progress(len(todo), enabled=progress, log=log)
    if engine == "dask":
        _run_dask(chunks, cfg, outdir, scheduler, workers, bar)
    elif workers <= 1 or len(chunks) <= 1:  # no pool: nothing to share, start-up saved
        for chunk in chunks:
            bar.update(_write_part(outdir, process_files(chunk, cfg)))
    else:
        import multiprocessing as mp

        # "spawn": workers must not inherit the parent's loaded segmenter or model state.
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn")) as pool:
            futures = [pool.submit(process_files, chunk, cfg) for chunk in chunks]
            for fut in as_completed(futures):
                bar.update(_write_part(outdir, fut.result()))
    bar.close()
    done = _read_done(outdir)
    summary = _finalize(outdir, done, pre_manifest, fw, card, cfg, formats or ["parquet"], started, t0, inputs, workers, engine)
    summary["processed"] = sum(1 for d in done if d["part"] not in parts_before for m in d["manifest"] if m["status"] == "ok")
    return summary


def _run_dask(chunks, cfg, outdir, scheduler, workers, bar) -> None:
    try:
        from dask.distributed import Client, LocalCluster
        from dask.distributed import as_completed as dask_completed
    except ImportError:
        raise ConfigError("--engine dask needs Dask: pip install 'chanjiao[dask]'") from None
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        futures = client.map(process_files, chunks, cfg=cfg, pure=False)
        for fut in dask_completed(futures):
            bar.update(_write_part(outdir, fut.result()))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class _Progress:
    def __init__(self, total: int, *, enabled: bool, log):
        self.total, self.enabled, self.log = total, enabled, log
        self.done = 0
        self.chars = 0
        self.t0 = time.perf_counter()
        self.bar = None
        if enabled:
            try:
                from tqdm import tqdm

                self.bar = tqdm(total=total, unit="file", desc="chanjiao")
            except ImportError:
                self.bar = None

    def update(self, record: dict) -> None:
        n = len(record["manifest"])
        self.done += n
        if self.bar is not None:
            self.bar.update(n)
            return
        elapsed = time.perf_counter() - self.t0
        rate = self.done / elapsed if elapsed else 0.0
        eta = (self.total - self.done) / rate if rate else 0.0
        self.log(f"  {self.done}/{self.total} files, {rate:.1f} files/s, ETA {eta:.0f}s")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _concat_parts(outdir: Path, table: str, parts: list[str], target: Path) -> int:
    """Stream part files into one Parquet file, one row group per part (memory stays flat)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .io import atomic_path

    files = [outdir / _PARTS / table / f"part-{p}.parquet" for p in parts]
    files = [f for f in files if f.exists()]
    if not files:
        return 0
    schemas = [pq.read_schema(f) for f in files]
    schema = pa.unify_schemas(schemas, promote_options="permissive")
    n = 0
    with atomic_path(target) as tmp:
        with pq.ParquetWriter(tmp, schema) as writer:
            for f in files:
                t = pq.read_table(f)
                t = t.select([c for c in schema.names if c in t.column_names])
                for name in schema.names:
                    if name not in t.column_names:
                        t = t.append_column(name, pa.nulls(len(t), type=schema.field(name).type))
                writer.write_table(t.select(schema.names).cast(schema))
                n += len(t)
    return n


def _finalize(outdir, done, pre_manifest, fw, card, cfg, formats, started, t0, inputs, workers, engine) -> dict:
    import pandas as pd

    from . import __version__
    from .io import atomic_path

    parts = [d["part"] for d in done]
    counts = {}
    for table in TABLES:
        counts[table] = _concat_parts(outdir, table, [d["part"] for d in done if table in d["tables"]], outdir / f"{table}.parquet")
    # Co-occurrence tables from the paragraphs and actors (sentence-free, paragraph window).
    if counts.get("paragraphs") and counts.get("actors"):
        _cooccurrence(outdir, fw)
    manifest = [m for d in done for m in d["manifest"]]
    seen = {m["path"] for m in manifest}
    manifest += [m for m in pre_manifest if not (m["status"] == "skipped" and m["reason"].startswith("already") and m["path"] in seen)]
    mdf = pd.DataFrame(manifest, columns=["path", "status", "reason", "content_hash", "documents", "units", "seconds"])
    with atomic_path(outdir / "manifest.csv") as tmp:
        mdf.to_csv(tmp, index=False, encoding="utf-8")
    for fmt in formats:
        if fmt in ("csv", "xlsx"):
            for table in TABLES:
                src = outdir / f"{table}.parquet"
                if src.exists():
                    df = pd.read_parquet(src)
                    with atomic_path(outdir / f"{table}.{fmt}") as tmp:
                        if fmt == "csv":
                            df.to_csv(tmp, index=False, encoding="utf-8-sig")
                        else:
                            df.to_excel(tmp, index=False, engine="openpyxl")
        elif fmt != "parquet":
            raise ConfigError(f"unknown output format {fmt!r}; valid: parquet, csv, xlsx")
    ok = int((mdf.status == "ok").sum())
    failed = int((mdf.status == "failed").sum())
    skipped = int((mdf.status == "skipped").sum())
    ended = datetime.now(timezone.utc)
    run_info = {
        "chanjiao": __version__, "started": started.isoformat(timespec="seconds"), "ended": ended.isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - t0, 3), "inputs": [str(i) for i in inputs], "engine": engine, "workers": workers,
        "framework": {"id": fw.id, "sha256": fw.sha256, "path": fw.path},
        "model": {"name": card.get("name"), "framework_sha256": card.get("framework", {}).get("sha256"), "created": card.get("created")},
        "options": {k: v for k, v in asdict(cfg).items() if k != "extra"},
        "totals": {"files_ok": ok, "files_failed": failed, "files_skipped": skipped, **{f"rows_{k}": v for k, v in counts.items()}},
        "parts": parts,
    }
    from .models import library_versions

    run_info["versions"] = library_versions()
    with atomic_path(outdir / "run.json") as tmp:
        Path(tmp).write_text(json.dumps(run_info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    docs_ok = int(mdf.loc[mdf.status == "ok", "documents"].sum())
    table = (f"files: {ok} ok, {failed} failed, {skipped} skipped | documents: {docs_ok} | paragraphs: {counts.get('paragraphs', 0)} | "
             f"actor mentions: {counts.get('actors', 0)} | {run_info['seconds']:.1f}s → {outdir}")
    if failed:
        table += "\nfailed:\n" + "\n".join(f"  {r.path}: {r.reason}" for r in mdf[mdf.status == "failed"].itertuples())
    return {"ok": ok,
            "failed": failed, "skipped": skipped, "documents": docs_ok, "units": counts.get("paragraphs", 0),
            "seconds": run_info["seconds"], "table": table}


def _cooccurrence(outdir: Path, fw) -> None:
    """actor_cooccurrence.parquet (type × type) and dimension_actor.parquet (dimension × type) at
    paragraph level, from the written tables."""
    import pandas as pd

    from .io import atomic_path

    actors = pd.read_parquet(outdir / "actors.parquet", columns=["doc_id", "type", "start"])
    paras = pd.read_parquet(outdir / "paragraphs.parquet", columns=["doc_id", "para_idx", "start", "end"] + [f"label_{d}" for d in fw.dimension_ids])
    types, dims = list(fw.actor_type_ids), list(fw.dimension_ids)
    aa = pd.DataFrame(0, index=types, columns=types)
    da = pd.DataFrame(0, index=dims, columns=types)
    for doc_id, grp in actors.groupby("doc_id"):
        pp = paras[paras.doc_id == doc_id]
        for p in pp.itertuples():
            present = sorted(set(grp.loc[(grp.start >= p.start) & (grp.start < p.end), "type"]))
            for i, a in enumerate(present):
                for b in present[i:]:
                    aa.loc[a, b] += 1
                    if a != b:
                        aa.loc[b, a] += 1
                for d in dims:
                    if getattr(p, f"label_{d}"):
                        da.loc[d, a] += 1
    for name, df in (("actor_cooccurrence", aa), ("dimension_actor", da)):
        with atomic_path(outdir / f"{name}.parquet") as tmp:
            df.rename_axis("row").reset_index().to_parquet(tmp, index=False)
