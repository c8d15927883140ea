"""Helpers shared by the benchmark scripts (not part of the package)."""
from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CHANJIAO_SHARED", ROOT.parent / "shared"))
GWR = SHARED / "corpora" / "gwr"


def gwr_documents() -> list[list[str]]:
    """Paragraphs of each report of both files, one list per report."""
    docs = []
    for name in ("cpc_congress_reports.jsonl", "government_work_reports.jsonl"):
        with open(GWR / name, encoding="utf-8") as f:
            for line in f:
                docs.append([p for p in json.loads(line)["content"].split("\n") if p.strip()])
    return docs


def gwr_paragraphs() -> list[str]:
    """Every non-empty paragraph of both report files (throughput only: never labeled or tuned on)."""
    paras = []
    for name in ("cpc_congress_reports.jsonl", "government_work_reports.jsonl"):
        with open(GWR / name, encoding="utf-8") as f:
            for line in f:
                paras += [p for p in json.loads(line)["content"].split("\n") if p.strip()]
    return paras


def machine() -> str:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores, {cpu}"


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def compile_package() -> None:
    """Write the package's bytecode (.pyc), as ``pip install`` does, so that start-up times count
    what an installed chanjiao pays: an editable checkout under PYTHONDONTWRITEBYTECODE (as on
    the development machine) would otherwise compile every module at every start."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("pipeline")
    if spec and spec.submodule_search_locations:
        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)
