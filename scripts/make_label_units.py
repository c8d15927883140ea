"""Draw the units to be hand-labeled from ../shared (laws, CPC reports, the essay).

Writes a work file of units with their text (outside the repository) for the coders, and a
pointer table (no text) that goes into ``corpus/labels/units.csv``: the text of a unit is
read back from ``../shared`` by its source, start and end, and checked against its sha1.

Usage: python scripts/make_label_units.py SHARED_DIR WORK_DIR [--seed 13]
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import random
import re
from pathlib import Path

ARTICLE = re.compile(r"^第[一二三四五六七八九十百零〇]+条", re.M)
HEADING = re.compile(r"^#+ ", re.M)


def _sha(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def law_units(path: Path, rel: str):
    raw = path.read_text(encoding="utf-8")
    starts = [m.start() for m in ARTICLE.finditer(raw)]
    for i, s in enumerate(starts):
        e = starts[i + 1] if i + 1 < len(starts) else len(raw)
        h = HEADING.search(raw, s, e)
        if h:
            e = h.start()
        text = raw[s:e]
        e = s + len(text.rstrip())
        yield rel, s, e, raw[s:e]


def cpc_units(path: Path, rel: str):
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        rec = json.loads(line)
        if rec["congress"] < 9:
            continue
        content = rec["content"]
        pos = 0
        for para in content.split("\n"):
            s = pos
            pos += len(para) + 1
            stripped = para.strip()
            if len(stripped) < 25:
                continue
            s += len(para) - len(para.lstrip())
            yield f"{rel}#{n}", s, s + len(stripped), stripped


def essay_units(path: Path, rel: str):
    raw = path.read_text(encoding="utf-8")
    pos = 0
    seen = set()
    for line in raw.split("\n"):
        s = pos
        pos += len(line) + 1
        t = line.strip()
        if len(t) < 40 or t in seen:
            continue
        seen.add(t)
        s += len(line) - len(line.lstrip())
        yield rel, s, s + len(t), t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("shared", type=Path)
    ap.add_argument("work", type=Path)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--per-law", type=int, default=12)
    ap.add_argument("--cpc", type=int, default=230)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    units = []
    for law in sorted((args.shared / "corpora/laws").glob("*.md")):
        arts = [u for u in law_units(law, f"corpora/laws/{law.name}") if len(u[3]) >= 20]
        units += rng.sample(arts, min(args.per_law, len(arts)))
    cpc = list(cpc_units(args.shared / "corpora/gwr/cpc_congress_reports.jsonl",
                         "corpora/gwr/cpc_congress_reports.jsonl"))
    units += rng.sample(cpc, args.cpc)
    for seed in sorted((args.shared / "seeds").glob("*.txt")):
        units += list(essay_units(seed, f"seeds/{seed.name}"))
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, (src, s, e, text) in enumerate(units):
        uid = f"u{i:04d}"
        rows.append({"unit_id": uid, "source": src, "start": s, "end": e, "sha1": _sha(text), "text": text})
    with open(args.work / "units.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    with open(args.work / "units.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, ["unit_id", "source", "start", "end", "sha1"])
        w.writeheader()
        for r in rows:
            w.writerow({k: r[k] for k in w.fieldnames})
    print(len(rows), "units")


if __name__ == "__main__":
    main()
