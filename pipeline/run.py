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

import csv
import hashlib
import json
import os
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from .errors import ConfigError, IngestError

TABLES = ("documents", "paragraphs", "actors", "keywords")
RECORD_SUFFIXES = (".jsonl", ".ndjson", ".csv")
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


def _pre_row(path, status: str, reason: str) -> dict:
    return {"path": str(path), "lo": None, "hi": None, "status": status, "reason": reason, "content_hash": "",
            "documents": 0, "units": 0, "seconds": 0.0}


def file_hash(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes (first 16 hex digits), read in blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def _doc_row(doc, digest: str, prof: dict, dims) -> dict:
    row = {"doc_id": doc.doc_id, "path": doc.path, "title": doc.title, "date": doc.date, "source": doc.source,
           "original_source": doc.original_source, "issuer": doc.issuer, "doc_number": doc.doc_number,
           "format": doc.format, "encoding": doc.encoding, "script": doc.script, "chars": len(doc.text),
           "paragraphs": len(doc.paragraphs), "warnings": json.dumps(list(doc.warnings), ensure_ascii=False),
           "meta": json.dumps(doc.meta, ensure_ascii=False, default=str), "content_hash": digest, "text": doc.text,
           "units": prof["units"], "dominant": prof["dominant"], "covered": prof["covered"],
           "actor_counts": json.dumps(prof["actor_counts"], ensure_ascii=False),
           "dimension_actor": json.dumps(prof["dimension_actor"], ensure_ascii=False)}
    for d in dims:
        row[f"share_{d}"] = prof["share"][d]
        row[f"intensity_{d}"] = prof["intensity"][d]
    return row


def process_files(items: list, cfg: RunConfig) -> dict:
    """Run every stage over some files; returns table rows and one manifest row per item.

    Args:
        items: file paths, or (path, first record, end record[, content hash[, size]]) for a
            slice of a record file (None, None for a whole file).
        cfg: the stage options.

    Never raises for a bad file: its manifest row says ``failed`` and why. Each paragraph is
    segmented and matched once: classification, actor mentions and keywords share the results
    (the matchers and the segmenter memoise recent texts).
    """
    with _fewer_collections():
        return _process_files(items, cfg)


@contextmanager
def _fewer_collections():
    """Let the cyclic garbage collector run rarely while a chunk is processed.

    The stages allocate millions of small acyclic objects (token tuples, records): with the
    default thresholds the collector runs thousands of times per chunk and rescans the loaded
    dictionaries and caches at each full pass, about 4 % of a run, and finds nothing. The old
    thresholds come back afterwards.
    """
    import gc

    with _GC_LOCK:
        if _GC_SAVED[1] == 0:  # the outermost of overlapping calls (threads) saves and restores
            _GC_SAVED[0] = gc.get_threshold()
            gc.set_threshold(max(_GC_SAVED[0][0], 50_000), *_GC_SAVED[0][1:])
        _GC_SAVED[1] += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_SAVED[1] -= 1
            if _GC_SAVED[1] == 0:
                gc.set_threshold(*_GC_SAVED[0])


_GC_LOCK = threading.Lock()
_GC_SAVED: list = [None, 0]  # thresholds before the first call, calls running


def _process_files(items: list, cfg: RunConfig) -> dict:
    import bisect

    from .classify import classify_documents, load_classifier, profile_document
    from .codebook import load_framework
    from .extract import load_term_matcher
    from .ingest import read_file
    from .keywords import tfidf_keywords
    from .segment import load_segmenter

    fw = load_framework(cfg.framework)
    dims = fw.dimension_ids
    est, _ = load_classifier(cfg.model, framework=cfg.framework)
    terms = load_term_matcher(cfg.framework)
    seg = load_segmenter(cfg.segmenter, cfg.framework)
    out: dict[str, list] = {t: [] for t in TABLES}
    manifest = []
    types = list(fw.actor_type_ids)
    type_index = {t: k for k, t in enumerate(types)}
    # paragraph-window co-occurrence, counted here so the finaliser only adds up small matrices
    actor_actor = [[0] * len(types) for _ in types]
    dimension_actor = [[0] * len(types) for _ in dims]
    for item in items:
        path, lo, hi, digest = (item, None, None, None) if isinstance(item, (str, os.PathLike)) else (*item, None)[:4]
        t0 = time.perf_counter()
        row = {"path": str(path), "lo": lo, "hi": hi}
        try:
            digest = digest or file_hash(path)  # run_pipeline hashed the file already
            docs = read_file(path, text_field=cfg.text_field, id_field=cfg.id_field, records=None if lo is None else slice(lo, hi))
            units = 0
            for doc in docs:
                # In a dataset every paragraph is a row, records included.
                rows = list(classify_documents([doc], framework=cfg.framework, estimator=est, engine=cfg.segmenter,
                                               records_as_units=False))
                units += len(rows)
                out["documents"].append(_doc_row(doc, digest, profile_document(rows, dims), dims))
                sent_starts = [x.start for x in doc.sentences]
                for r in rows:
                    prow = {"doc_id": doc.doc_id, "para_idx": r["para_idx"], "start": r["start"], "end": r["end"],
                            "section": " > ".join(r["section"]), "text": r["text"]}
                    for d in dims:
                        prow[f"score_{d}"] = r["scores"][d]
                        prow[f"label_{d}"] = int(d in r["labels"])
                    prow["evidence"] = json.dumps(r["evidence"], ensure_ascii=False)
                    out["paragraphs"].append(prow)
                    present = sorted({type_index[a["type"]] for a in r["actors"] if a["type"] in type_index})
                    for i in present:
                        for j in present:
                            actor_actor[i][j] += 1
                    for k, d in enumerate(dims):
                        if d in r["labels"]:
                            for j in present:
                                dimension_actor[k][j] += 1
                    for a in r["actors"]:
                        start = r["start"] + a["start"]
                        out["actors"].append({"doc_id": doc.doc_id, "text": a["text"], "type": a["type"], "start": start,
                                              "end": r["start"] + a["end"], "name": a["name"], "role": a["role"],
                                              "sent_idx": bisect.bisect_right(sent_starts, start) - 1, "para_idx": r["para_idx"]})
                tagged = []
                for p in doc.paragraphs:
                    for h in terms.find(p.text):
                        out["keywords"].append({"doc_id": doc.doc_id, "kind": "term", "dimension": h.dimension,
                                                "category": h.category, "term": h.term, "weight": h.weight,
                                                "para_idx": p.para_idx, "start": h.start + p.start, "end": h.end + p.start})
                    if not p.is_heading:
                        tagged += seg.tag(p.text)
                for rank, (w, s) in enumerate(tfidf_keywords("", top=cfg.keywords_top, engine=cfg.segmenter, tagged=tagged), 1):
                    out["keywords"].append({"doc_id": doc.doc_id, "kind": "tfidf", "dimension": "", "category": "", "term": w,
                                            "weight": round(s, 6), "para_idx": rank, "start": -1, "end": -1})
            manifest.append({**row, "status": "ok", "reason": "", "content_hash": digest, "documents": len(docs),
                             "units": units, "seconds": round(time.perf_counter() - t0, 4)})
        except IngestError as exc:
            manifest.append({**row, "status": "failed", "reason": exc.reason, "content_hash": "", "documents": 0,
                             "units": 0, "seconds": round(time.perf_counter() - t0, 4)})
        except Exception as exc:  # a bug or an unforeseen file must not cost the batch
            manifest.append({**row, "status": "failed", "reason": f"{exc.__class__.__name__}: {exc}",
                             "content_hash": "", "documents": 0, "units": 0, "seconds": round(time.perf_counter() - t0, 4)})
    return {"tables": out, "manifest": manifest,
            "cooccurrence": {"types": types, "dimensions": list(dims), "actor_actor": actor_actor, "dimension_actor": dimension_actor}}


def _warm(cfg: RunConfig) -> None:
    """Load every per-process resource of the stages (before forking workers)."""
    from .classify import load_classifier
    from .extract import load_actor_matcher, load_term_matcher
    from .keywords import load_idf
    from .segment import load_segmenter, load_stopwords

    load_classifier(cfg.model, framework=cfg.framework)
    load_segmenter(cfg.segmenter, cfg.framework).tag("预热")
    load_term_matcher(cfg.framework)
    load_actor_matcher(cfg.framework, cfg.segmenter)
    load_idf()
    load_stopwords()
    # the Parquet writer, loaded once here: the workers inherit it
    import pyarrow.parquet  # noqa: F401


CHUNK_BYTES = 4 * 1024 * 1024


#: Characters of record text per slice of a record file: small enough that two or more workers
#: share a file evenly, big enough that per-slice overhead stays small.
SLICE_CHARS = 100_000


def _item_bytes(item) -> float:
    """Input size of a work item in bytes: the file's size, or a record slice's (its 5th field)."""
    path, lo, hi = item[:3]
    if lo is not None and len(item) > 4:
        return item[4]
    size = Path(path).stat().st_size
    if lo is None:
        return size
    slices = _record_slices_cached(str(path), 1 << 62, item[3] if len(item) > 3 else "")
    return size * (hi - lo) / max(slices[-1][1] if slices else 0, 1)


def _chunks(todo: list, *, workers: int, max_items: int) -> list[list]:
    """Work items grouped into chunks of nearly equal input, largest first.

    At least 4 chunks per worker so all stay busy to the end, and enough that none holds much
    more than CHUNK_BYTES of input or more than max_items items, so memory does not grow with
    the corpus. Items go, largest first, to the chunk with least input so far (the LPT rule):
    a pool handing out the largest chunks first then finishes its workers close together.
    """
    import heapq
    import math

    if not todo:
        return []
    sized = sorted(((_item_bytes(it), it) for it in todo), key=lambda x: -x[0])
    total = sum(b for b, _ in sized)
    n = min(len(sized), max(workers * 4, math.ceil(total / CHUNK_BYTES), math.ceil(len(sized) / max_items)))
    members: list[list] = [[] for _ in range(n)]
    load = [0.0] * n
    heap = [(0.0, k) for k in range(n)]
    for b, it in sized:
        used, k = heapq.heappop(heap)
        while len(members[k]) >= max_items:  # full: it leaves the heap (n·max_items ≥ items)
            used, k = heapq.heappop(heap)
        members[k].append(it)
        load[k] = used + b
        heapq.heappush(heap, (load[k], k))
    order = sorted(range(n), key=lambda k: -load[k])
    # within a chunk, the slices of one record file in a row: the file is decoded once for them
    return [sorted(members[k], key=_item_order) for k in order if members[k]]


def _item_order(item) -> tuple:
    path, lo = (item, -1) if isinstance(item, (str, os.PathLike)) else (item[0], item[1] if item[1] is not None else -1)
    return str(path), lo


@lru_cache(maxsize=256)
def _record_slices_cached(path: str, max_records: int, digest: str) -> tuple[tuple[int, int, int], ...]:
    return tuple(_record_slices(Path(path), max_records))


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, merged [lo, hi) ranges."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _uncovered(lo: int, hi: int, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [lo, hi) outside the merged ranges ``covered``."""
    out, pos = [], lo
    for a, b in covered:
        if b <= pos or a >= hi:
            continue
        if a > pos:
            out.append((pos, a))
        pos = max(pos, b)
    if pos < hi:
        out.append((pos, hi))
    return out


def _record_slices(path: Path, max_records: int) -> list[tuple[int, int, int]]:
    """(first, end, characters) record ranges of a record file: at most ``max_records`` records
    and about SLICE_CHARS characters each (CSV: by count only). Fixed by the file's content
    alone, so a rerun with any number of workers finds the same slices done."""
    import csv

    from .ingest import decode_bytes, record_lines

    text, _, _ = decode_bytes(path.read_bytes())
    if path.suffix.lower() == ".csv":
        n = max(0, sum(1 for _ in csv.reader(text.splitlines())) - 1)
        per = len(text) / max(n, 1)
        return [(lo, min(lo + max_records, n), int(per * (min(lo + max_records, n) - lo))) for lo in range(0, n, max_records)]
    bounds, lo, size = [], 0, 0
    for i, (_, line) in enumerate(record_lines(text)):
        if i > lo and (i - lo >= max_records or size >= SLICE_CHARS):
            bounds.append((lo, i, size))
            lo, size = i, 0
        size += len(line)
    if size:
        bounds.append((lo, i + 1, size))
    return bounds


def _write_part(outdir: Path, result: dict) -> dict:
    """Write one chunk's tables as part files and commit them."""
    return _commit_part(outdir, _write_part_files(outdir, result))


def _write_part_files(outdir: Path, result: dict) -> dict:
    """Write one chunk's tables as Parquet part files (atomically); return the part's record.

    Runs in the worker that processed the chunk, so the writing is done in parallel and only
    the small record travels back to the parent."""
    import pyarrow.parquet as pq

    from .io import arrow_table, atomic_path

    part_id = uuid.uuid4().hex[:12]
    written = []
    for table, rows in result["tables"].items():
        if not rows:
            continue
        path = outdir / _PARTS / table / f"part-{part_id}.parquet"
        with atomic_path(path) as tmp:
            # LZ4 for the temporary parts: as small as snappy here, at under half the time
            pq.write_table(arrow_table(rows), tmp, compression="lz4")
        written.append(table)
    return {"part": part_id, "tables": written, "manifest": result["manifest"], "cooccurrence": result.get("cooccurrence"),
            "chars": sum(int(r.get("chars", 0)) for r in result["tables"].get("documents", []))}


def _process_and_write(chunk: list, cfg: RunConfig, outdir: Path) -> dict:
    return _write_part_files(outdir, process_files(chunk, cfg))


def _commit_part(outdir: Path, record: dict) -> dict:
    """Append the part's line to the state file: the line is the commit, written only after
    every part file exists (a part file without its line is an orphan, removed on the next run)."""
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
    done_keys = {(m["content_hash"], m.get("lo"), m.get("hi")) for d in done for m in d["manifest"] if m["status"] == "ok"}
    done_ranges: dict[str, list[tuple[int, int]]] = {}
    for h_, lo_, hi_ in done_keys:
        if lo_ is not None:
            done_ranges.setdefault(h_, []).append((lo_, hi_))
    todo, pre_manifest = [], []
    for p in iter_paths(inputs):
        if not p.exists() and not p.is_symlink():
            # (a run resumes by the files' content: standard input has none to come back to)
            reason = "standard input is not read by run, which works on files: save it to a file" if str(p) == "-" else "no such file"
            pre_manifest.append(_pre_row(p, "failed", reason))
            continue
        if p.suffix.lower() not in SUPPORTED:
            pre_manifest.append(_pre_row(p, "skipped", f"unsupported format {p.suffix or '(none)'}"))
            continue
        try:
            h = file_hash(p)
        except OSError as exc:
            pre_manifest.append(_pre_row(p, "failed", f"cannot read: {exc.strerror or exc}"))
            continue
        items: list = [(str(p), None, None, h)]
        if p.suffix.lower() in RECORD_SUFFIXES and (h, None, None) not in done_keys:
            slices = _record_slices_cached(str(p), chunk_size, h)
            if len(slices) > 1 or h in done_ranges:
                # Big record files are split into slices of records, so workers share them. What
                # is done is known by the records it covers, whatever slices an earlier run (other
                # --chunk-size, other version) cut: only records not yet covered are processed.
                # (the 5th field sizes the slice for chunking: ~3 UTF-8 bytes a Chinese character)
                covered = _merge(done_ranges.get(h, []))
                items = [(str(p), a, b, h, 3 * chars * (b - a) // max(hi - lo, 1))
                         for lo, hi, chars in slices for a, b in _uncovered(lo, hi, covered)]
                if len(items) == 1 and items[0][1:3] == (0, slices[-1][1]):
                    items = [(str(p), None, None, h)]
        left = [it for it in items if (h, it[1], it[2]) not in done_keys]
        if not left:
            pre_manifest.append({**_pre_row(p, "skipped", "already done (same content hash)"), "content_hash": h})
        todo += left
    workers = workers or os.cpu_count() or 1
    chunks = _chunks(todo, workers=workers, max_items=chunk_size)
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

        # Where the OS can fork, workers start as copies of this process with the dictionary,
        # matchers and model already loaded (no thread has been started yet); elsewhere each
        # spawned worker builds its own through the same cached loaders.
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        if method == "fork":
            _warm(cfg)
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context(method),
                                 initializer=_exit_with_parent) as pool:
            futures = [pool.submit(_process_and_write, chunk, cfg, outdir) for chunk in chunks]
            for fut in as_completed(futures):
                bar.update(_commit_part(outdir, fut.result()))
    bar.close()
    done = _read_done(outdir)
    summary = _finalize(outdir, done, pre_manifest, fw, card, cfg, formats or ["parquet"], started, t0, inputs, workers, engine)
    summary["processed"] = sum(1 for d in done if d["part"] not in parts_before for m in d["manifest"] if m["status"] == "ok")
    return summary


def _exit_with_parent() -> None:
    """Pool worker initializer: leave when the parent is gone (killed with SIGKILL or by the
    OOM killer) instead of waiting forever for work nobody will send. The parent is whoever
    started this worker (the main process, or a fork server)."""
    import threading

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="chanjiao-parent-watch", daemon=True).start()


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
        self.docs = 0
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
        self.docs += sum(int(m.get("documents") or 0) for m in record["manifest"])
        self.chars += int(record.get("chars", 0))
        elapsed = time.perf_counter() - self.t0
        speed = self.chars / elapsed if elapsed else 0.0
        if self.bar is not None:
            self.bar.update(n)
            self.bar.set_postfix(documents=self.docs, chars_per_s=f"{speed / 1000:.0f}k")
            return
        rate = self.done / elapsed if elapsed else 0.0
        eta = (self.total - self.done) / rate if rate else 0.0
        self.log(f"  {self.done}/{self.total} work items, {self.docs} documents, {speed / 1000:.0f}k chars/s, ETA {eta:.0f}s")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


#: Row groups of the final tables gather parts up to this many bytes (in memory at a time).
ROW_GROUP_BYTES = 16 * 1024 * 1024


def _concat_parts(outdir: Path, table: str, parts: list[str], target: Path) -> int:
    """Stream part files into one Parquet file; parts are gathered into row groups of up to
    ROW_GROUP_BYTES, so memory stays flat however many parts there are."""
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
        # zstd: the smallest of the codecs every Parquet reader (pandas, DuckDB, R arrow) knows
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            pending: list = []
            for f in files:
                t = pq.ParquetFile(f).read()  # (not read_table: its dataset layer imports pandas)
                if t.schema != schema:  # (a cast loads pyarrow.compute: only when a part differs)
                    t = t.select([c for c in schema.names if c in t.column_names])
                    for name in schema.names:
                        if name not in t.column_names:
                            t = t.append_column(name, pa.nulls(len(t), type=schema.field(name).type))
                    t = t.select(schema.names).cast(schema)
                pending.append(t)
                n += len(t)
                if sum(x.nbytes for x in pending) >= ROW_GROUP_BYTES:
                    writer.write_table(pa.concat_tables(pending))
                    pending = []
            if pending:
                writer.write_table(pa.concat_tables(pending))
    return n


def _finalize(outdir, done, pre_manifest, fw, card, cfg, formats, started, t0, inputs, workers, engine) -> dict:
    from . import __version__
    from .io import atomic_path

    parts = [d["part"] for d in done]
    # the tables are concatenated side by side: Parquet reading and writing release the GIL
    with ThreadPoolExecutor(max_workers=max(1, min(len(TABLES), workers or 1))) as pool:
        futures = {table: pool.submit(_concat_parts, outdir, table, [d["part"] for d in done if table in d["tables"]],
                                      outdir / f"{table}.parquet") for table in TABLES}
        counts = {table: f.result() for table, f in futures.items()}
    # Co-occurrence tables from the paragraphs and actors (sentence-free, paragraph window).
    if counts.get("paragraphs") and counts.get("actors"):
        _cooccurrence(outdir, fw, done)
    manifest = [m for d in done for m in d["manifest"]]
    seen = {m["path"] for m in manifest}
    manifest += [m for m in pre_manifest if not (m["status"] == "skipped" and m["reason"].startswith("already") and m["path"] in seen)]
    files = _manifest_per_file(manifest)
    with atomic_path(outdir / "manifest.csv") as tmp, open(tmp, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, MANIFEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(files)
    for fmt in formats:
        if fmt in ("csv", "xlsx"):
            import pandas as pd

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
    ok = sum(m["status"] == "ok" for m in files)
    failed = sum(m["status"] == "failed" for m in files)
    skipped = sum(m["status"] == "skipped" for m in files)
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
    docs_ok = sum(m["documents"] for m in files if m["status"] == "ok")
    table = (f"files: {ok} ok, {failed} failed, {skipped} skipped | documents: {docs_ok} | paragraphs: {counts.get('paragraphs', 0)} | "
             f"actor mentions: {counts.get('actors', 0)} | {run_info['seconds']:.1f}s → {outdir}")
    if failed:
        table += "\nfailed:\n" + "\n".join(f"  {m['path']}: {m['reason']}" for m in files if m["status"] == "failed")
    return {"ok": ok,
            "failed": failed, "skipped": skipped, "documents": docs_ok, "units": counts.get("paragraphs", 0),
            "seconds": run_info["seconds"], "table": table}


MANIFEST_COLUMNS = ["path", "status", "reason", "content_hash", "documents", "units", "seconds"]


def _manifest_per_file(manifest: list[dict]) -> list[dict]:
    """One row per input file: slices of a record file are summed; any failed slice fails it."""
    by_path: dict[str, list[dict]] = {}
    for m in manifest:
        by_path.setdefault(str(m["path"]), []).append(m)
    rows = []
    for path, group in by_path.items():
        statuses = {m["status"] for m in group}
        status = "failed" if "failed" in statuses else "ok" if "ok" in statuses else "skipped"
        rows.append({"path": path, "status": status, "reason": "; ".join(dict.fromkeys(m["reason"] for m in group if m["reason"])),
                     "content_hash": next((m["content_hash"] for m in group if m.get("content_hash")), ""),
                     "documents": sum(int(m.get("documents") or 0) for m in group),
                     "units": sum(int(m.get("units") or 0) for m in group),
                     "seconds": round(sum(float(m.get("seconds") or 0) for m in group), 4)})
    return rows


def _cooccurrence(outdir: Path, fw, done: list[dict]) -> None:
    """actor_cooccurrence.parquet (type × type) and dimension_actor.parquet (dimension × type),
    counted over paragraphs: the sums of the counts each part brought back. Every paragraph row
    counts, so a text that occurs in two input files counts twice, in both tables."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .io import arrow_table, atomic_path

    types, dims = list(fw.actor_type_ids), list(fw.dimension_ids)
    totals = {"actor_actor": [[0] * len(types) for _ in types], "dimension_actor": [[0] * len(types) for _ in dims]}
    for d in done:
        co = d.get("cooccurrence")
        if co is None or co.get("types") != types or co.get("dimensions") != dims:
            # a part from a version that did not count, or from another framework (a resumed run
            # with a different --framework): count from the tables, by name
            return _cooccurrence_from_tables(outdir, fw)
        for key, matrix in totals.items():
            for row, add in zip(matrix, co[key]):
                for j, v in enumerate(add):
                    row[j] += v
    for name, key, names in (("actor_cooccurrence", "actor_actor", types), ("dimension_actor", "dimension_actor", dims)):
        matrix = totals[key]
        rows = [{"row": name, **{t: int(r[j]) for j, t in enumerate(types)}} for name, r in zip(names, matrix)]
        table = arrow_table(rows) if rows else pa.schema([("row", pa.string())] + [(t, pa.int64()) for t in types]).empty_table()
        with atomic_path(outdir / f"{name}.parquet") as tmp:
            pq.write_table(table, tmp)


def _cooccurrence_from_tables(outdir: Path, fw) -> None:
    import pandas as pd

    from .io import atomic_path
    from .network import cooccurrence_tables

    dims = list(fw.dimension_ids)
    actors = pd.read_parquet(outdir / "actors.parquet", columns=["doc_id", "para_idx", "type"]).drop_duplicates()
    paras = pd.read_parquet(outdir / "paragraphs.parquet", columns=["doc_id", "para_idx"] + [f"label_{d}" for d in dims])
    tables = cooccurrence_tables(actors, paras, actor_types=fw.actor_type_ids, dimensions=dims)
    for name, key in (("actor_cooccurrence", "actor_actor"), ("dimension_actor", "dimension_actor")):
        with atomic_path(outdir / f"{name}.parquet") as tmp:
            tables[key].rename_axis("row").reset_index().to_parquet(tmp, index=False)
