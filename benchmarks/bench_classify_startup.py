"""Wall time of `chanjiao classify` on one 5,000-character document, start-up included
(issue 4: under 2 s, median of several runs). The document is assembled from our own sample
corpus. Usage: python benchmarks/bench_classify_startup.py [--runs 7]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, compile_package, machine


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    compile_package()
    src = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus" / "sample_src").glob("*.txt")))
    lines, doc = src.splitlines(), []
    while sum(map(len, doc)) < 5000 and lines:
        doc.append(lines.pop(0))
    text = "\n".join(doc)[:5000]
    exe = shutil.which("chanjiao") or f"{sys.executable} -m pipeline"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.txt"
        path.write_text(text, encoding="utf-8")
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run([*exe.split(), "classify", str(path), "--format", "jsonl", "-o", str(Path(tmp) / "out.jsonl")],
                           check=True, capture_output=True)
            times.append(time.perf_counter() - t0)
    print(f"machine: {machine()}")
    print(f"document: {len(text)} characters; runs: {', '.join(f'{t:.2f}' for t in times)} s")
    print(f"median wall time = {statistics.median(times):.2f} s   (target < 2 s)")


if __name__ == "__main__":
    main()
