"""Peak memory of `chanjiao run` over ../shared/corpora/gwr repeated 10× against 1× (issue 5:
at most 1.5×), measured in one run. Each copy gets its own title suffix so its content hash
differs (identical files would be skipped as already done). One worker, so the peak is the
peak of one process. Usage: python benchmarks/bench_memory.py [--times 10]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import GWR, machine

FILES = ["cpc_congress_reports.jsonl", "government_work_reports.jsonl"]


def make_corpus(folder: Path, times: int) -> int:
    folder.mkdir(parents=True)
    chars = 0
    for k in range(times):
        for name in FILES:
            with open(GWR / name, encoding="utf-8") as src, open(folder / f"{k:02d}_{name}", "w", encoding="utf-8") as dst:
                for line in src:
                    rec = json.loads(line)
                    rec["title"] = f"{rec['title']} #{k}"
                    chars += len(rec["content"])
                    dst.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return chars


def peak_rss_mb(cmd: list[str]) -> float:
    """Peak resident memory of a child process (its own process, run alone)."""
    code = ("import resource,subprocess,sys;subprocess.run(sys.argv[1:],check=True,capture_output=True);"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    r = subprocess.run([sys.executable, "-c", code, *cmd], check=True, capture_output=True, text=True)
    return int(r.stdout.strip()) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--times", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        c1 = make_corpus(tmp / "x1", 1)
        cn = make_corpus(tmp / f"x{args.times}", args.times)
        run = [sys.executable, "-m", "pipeline", "run", "--workers", "1", "-o"]
        m1 = peak_rss_mb(run + [str(tmp / "out1"), str(tmp / "x1")])
        mn = peak_rss_mb(run + [str(tmp / "outn"), str(tmp / f"x{args.times}")])
    print(f"machine: {machine()}")
    print(f"1×: {c1} characters, peak RSS {m1:.0f} MB")
    print(f"{args.times}×: {cn} characters, peak RSS {mn:.0f} MB")
    print(f"ratio = {mn / m1:.2f}   (target ≤ 1.5)")


if __name__ == "__main__":
    main()
