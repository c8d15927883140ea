"""Throughput of classification and of the whole pipeline over ../shared/corpora/gwr against bare
jieba.lcut over the same text, all in one run (issues 4 and 5).

- classification: chanjiao's classify stage (default model) over every report, in-process,
  start-up (model and dictionary loading) included;
- whole pipeline: `chanjiao run` over the two .jsonl files (ingest → segment → keywords → actors
  → classify → Parquet), start-up included, with 1 and with 2 workers;
- baseline: jieba.lcut over every report's text, timed warm (jieba's own start-up excluded, which
  favours it; the ratios against this are the ones we hold ourselves to) and, for reference, with
  its dictionary load included (chanjiao's start-up is always included).
Prints the ratios (>1 means faster than jieba.lcut), each taken within one round of interleaved
timings, and their medians over the rounds. The reserved reports are used only here.
Usage: python benchmarks/bench_throughput.py [--rounds N] [--skip-run] [--repeat N]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import GWR, compile_package, machine

FILES = [GWR / "cpc_congress_reports.jsonl", GWR / "government_work_reports.jsonl"]


def texts() -> list[str]:
    out = []
    for f in FILES:
        with open(f, encoding="utf-8") as fh:
            out += [json.loads(line)["content"] for line in fh]
    return out


def time_jieba(docs: list[str]) -> tuple[float, float]:
    """(seconds of jieba.lcut over the texts with jieba already initialised,
        seconds from before ``import jieba`` — its dictionary load included, as a fresh
        process pays it on its first lcut — to the last text)."""
    code = ("import json,sys,time\ndocs=json.load(sys.stdin)\nt0=time.perf_counter()\nimport jieba\n"
            "jieba.setLogLevel(60)\njieba.initialize()\nt=time.perf_counter()\n"
            "for d in docs: jieba.lcut(d)\nt1=time.perf_counter()\nprint(t1-t, t1-t0)")
    r = subprocess.run([sys.executable, "-c", code], input=json.dumps(docs), capture_output=True, text=True, check=True)
    warm, cold = map(float, r.stdout.split())
    return warm, cold


def time_classify(docs: list[str]) -> float:
    code = ("import json,sys,time\nt=time.perf_counter()\nfrom pipeline import read_text\n"
            "from pipeline.classify import classify_documents\n"
            "docs=json.load(sys.stdin)\nn=0\n"
            "for r in classify_documents(read_text(d) for d in docs): n+=1\nprint(time.perf_counter()-t)")
    r = subprocess.run([sys.executable, "-c", code], input=json.dumps(docs), capture_output=True, text=True, check=True)
    return float(r.stdout.strip())


def time_run(workers: int, repeat: int = 1) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        inputs = [str(f) for f in FILES]
        if repeat > 1:  # the same records repeated: a bigger corpus, start-up and finishing amortised
            big = Path(tmp) / "repeated.jsonl"
            with open(big, "w", encoding="utf-8") as out:
                for k in range(repeat):
                    for f in FILES:
                        for n, line in enumerate(open(f, encoding="utf-8")):
                            rec = json.loads(line)
                            rec["id"] = f"{k}-{f.stem}-{n}"
                            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            inputs = [str(big)]
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pipeline", "run", *inputs, "-o", str(Path(tmp) / "out"),
                        "--workers", str(workers)], check=True, capture_output=True)
        return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--skip-run", action="store_true", help="only the classification ratio")
    ap.add_argument("--rounds", type=int, default=3,
                    help="rounds of (jieba, classify, run ×1, run ×2), interleaved so that a slow spell of the "
                         "shared machine hits both sides of a ratio; medians are reported")
    ap.add_argument("--repeat", type=int, default=0, help="also time 1 and 2 workers over the corpus repeated N times")
    args = ap.parse_args()
    compile_package()
    docs = texts()
    chars = sum(map(len, docs))
    print(f"machine: {machine()}")
    print(f"{len(docs)} documents, {chars} characters")
    rows = []
    for k in range(1, args.rounds + 1):
        t_jieba, t_jieba_cold = time_jieba(docs)
        t_cls = time_classify(docs)
        t1 = t2 = float("nan")
        if not args.skip_run:
            t1, t2 = time_run(1), time_run(2)
        rows.append((t_jieba, t_jieba_cold, t_cls, t1, t2))
        print(f"round {k}: jieba.lcut warm {t_jieba:.2f}s (dictionary load incl. {t_jieba_cold:.2f}s) | classify {t_cls:.2f}s"
              + ("" if args.skip_run else f" | run 1 worker {t1:.2f}s, 2 workers {t2:.2f}s"))
    med = statistics.median
    jw, jc, cl, r1, r2 = (med(col) for col in zip(*rows))
    print(f"medians over {args.rounds} round(s); each ratio is taken within its round:")
    print(f"jieba.lcut (warm):                 {jw:6.2f}s  {chars / jw / 1e6:.2f} M chars/s")
    print(f"jieba.lcut (dictionary load incl.): {jc:5.2f}s")
    ratio_cls = [j / c for j, _, c, _, _ in rows]
    print(f"classify stage (start-up incl.):   {cl:6.2f}s  ratio vs jieba = {med(ratio_cls):.2f} "
          f"(rounds {min(ratio_cls):.2f}–{max(ratio_cls):.2f})  (target ≥ 1.0)")
    if args.skip_run:
        return
    ratio_1 = [j / a for j, _, _, a, _ in rows]
    ratio_1c = [jc_ / a for _, jc_, _, a, _ in rows]
    speedup = [a / b for _, _, _, a, b in rows]
    print(f"chanjiao run, 1 worker:            {r1:6.2f}s  ratio vs jieba = {med(ratio_1):.2f} "
          f"(rounds {min(ratio_1):.2f}–{max(ratio_1):.2f})  (target ≥ 1.0); vs jieba with its dictionary load = {med(ratio_1c):.2f}")
    print(f"chanjiao run, 2 workers:           {r2:6.2f}s  speed-up = {med(speedup):.2f}× "
          f"(rounds {min(speedup):.2f}–{max(speedup):.2f})  (target ≥ 1.6)")
    if args.repeat > 1:
        t_jieba = time_jieba(docs)[0]
        r1, r2 = time_run(1, args.repeat), time_run(2, args.repeat)
        print(f"corpus ×{args.repeat}: 1 worker {r1:.2f}s, 2 workers {r2:.2f}s, speed-up = {r1 / r2:.2f}×  "
              f"(1 worker vs jieba.lcut ×{args.repeat}: {t_jieba * args.repeat / r1:.2f})")


if __name__ == "__main__":
    main()
