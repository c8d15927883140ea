"""Assemble corpus/labels/labels.csv from the unit pointers, the coders' files and our own texts.

- corpus/labels/units.csv (+ units_*.csv): pointers (source, start, end, sha1) into ../shared
- corpus/labels/coders/c*_batch*.csv: primary codes (unit_id + one 0/1 column per dimension)
- corpus/labels/coders/c4_overlap.csv: an independent second coding of 130 units (agreement only)
- corpus/labels/coders/c9_field_laws.csv: an independent second coding of `field` for every law unit;
  corpus/labels/coders/adjudicated_field.csv: the adjudicated code where the two disagreed (applied)
- corpus/labels/coders/primary_codes.csv (written here): the first coding of every unit, before
  the second coding below was adjudicated (for `chanjiao agreement`)
- corpus/labels/coders/c12_second_heldout.csv, c13_second_train.csv, c15_second_K.csv,
  c17_second_L.csv: an independent second coding of every unit (held-out split, training split,
  batches K and L coded later); corpus/labels/coders/adjudicated_heldout.csv, adjudicated_train.csv,
  adjudicated_K.csv, adjudicated_L.csv: the adjudicated code of every disagreement (applied)
- corpus/labels/written_units*.csv, corpus/labels/sample_units.csv: our own texts with codes

The held-out split is fixed by a hash of the unit id (25 %; units coded later, from u1400 on, are
training only), and the four section bodies of the
seed essay are always held out, so the essay target is measured on text the model never saw.

Usage: python scripts/assemble_labels.py
"""
from __future__ import annotations

import csv
import glob
import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "corpus" / "labels"
DIMS = ["field", "actors", "resources", "value"]
ESSAY_SECTIONS = {"u0591", "u0592", "u0593", "u0594"}
#: Units from u1400 on (batches I and J: 600 more law articles and CPC report paragraphs) were
#: coded after the held-out split was fixed; they only ever go to training.
FIRST_TRAIN_ONLY = 1400
#: Batch L (u2600–u3199: 600 CPC report paragraphs and law articles, coded twice and adjudicated)
#: is a second evaluation split ("eval"): the model is never trained or tuned on it.
FIRST_EVAL_ONLY = 2600


def split_of(unit_id: str) -> str:
    if unit_id.startswith("u") and unit_id[1:].isdigit() and FIRST_EVAL_ONLY <= int(unit_id[1:]) < FIRST_EVAL_ONLY + 600:
        return "eval"  # batch L: a second evaluation set, never trained on (see the model card)
    if unit_id.startswith("u") and unit_id[1:].isdigit() and int(unit_id[1:]) >= FIRST_TRAIN_ONLY:
        return "train"  # coded after the held-out split was fixed: training only, so it stays fixed
    if unit_id in ESSAY_SECTIONS:
        return "test"
    return "test" if int(hashlib.sha1(unit_id.encode()).hexdigest(), 16) % 4 == 0 else "train"


def main() -> None:
    pointers = {}
    for f in sorted(LABELS.glob("units*.csv")):
        for r in csv.DictReader(open(f, encoding="utf-8")):
            pointers[r["unit_id"]] = r
    rows = []
    for f in sorted(glob.glob(str(LABELS / "coders" / "c*_batch*.csv"))):
        coder = Path(f).name.split("_")[0]
        for r in csv.DictReader(open(f, encoding="utf-8")):
            p = pointers[r["unit_id"]]
            rows.append({"unit_id": r["unit_id"], "source": p["source"], "start": p["start"], "end": p["end"], "sha1": p["sha1"],
                         "text": "", **{d: r[d] for d in DIMS}, "coder": coder})
    for name, coder in (("written_units.csv", "w1"), ("written_units_2.csv", "w2"), ("sample_units.csv", "c6")):
        f = LABELS / name
        if f.exists():
            for r in csv.DictReader(open(f, encoding="utf-8")):
                rows.append({"unit_id": r["unit_id"], "source": r.get("source", "written"), "start": "", "end": "", "sha1": "",
                             "text": r["text"], **{d: r[d] for d in DIMS}, "coder": coder})
    adjudicated = LABELS / "coders" / "adjudicated_field.csv"
    if adjudicated.exists():
        final = {r["unit_id"]: r["field"] for r in csv.DictReader(open(adjudicated, encoding="utf-8"))}
        for r in rows:
            if r["unit_id"] in final:
                r["field"] = final[r["unit_id"]]
    for r in rows:
        r["split"] = split_of(r["unit_id"])
    # The first coding of every unit, kept for the agreement check against the second coding
    with open(LABELS / "coders" / "primary_codes.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["unit_id", *DIMS])
        for r in rows:
            w.writerow([r["unit_id"], *(r[d] for d in DIMS)])
    # Every unit was coded a second time, independently (coders/c12_second_heldout.csv for the
    # held-out split, coders/c13_second_train.csv for the training split); an adjudicating coder
    # settled every disagreement by the codebook (adjudicated_heldout.csv, adjudicated_train.csv).
    # The codes in labels.csv are the adjudicated ones.
    for split, second_file, adjudicated_file in (("test", "c12_second_heldout.csv", "adjudicated_heldout.csv"),
                                                  ("train", "c13_second_train.csv", "adjudicated_train.csv"),
                                                  ("train", "c15_second_K.csv", "adjudicated_K.csv"),
                                                  ("eval", "c17_second_L.csv", "adjudicated_L.csv")):
        adjudicated = LABELS / "coders" / adjudicated_file
        if not adjudicated.exists():
            continue
        final = {(r["unit_id"], r["dimension"]): r["code"] for r in csv.DictReader(open(adjudicated, encoding="utf-8"))}
        second = {r["unit_id"]: r for r in csv.DictReader(open(LABELS / "coders" / second_file, encoding="utf-8"))}
        for r in rows:
            if r["split"] != split or r["unit_id"] not in second:
                continue
            for d in DIMS:
                if str(r[d]) != second[r["unit_id"]][d]:
                    r[d] = final[(r["unit_id"], d)]
    cols = ["unit_id", "split", *DIMS, "coder", "source", "start", "end", "sha1", "text"]
    with open(LABELS / "labels.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, cols)
        w.writeheader()
        for r in rows:
            w.writerow({k: r[k] for k in cols})
    n_test = sum(r["split"] == "test" for r in rows)
    print(f"{len(rows)} units ({n_test} held out) → {LABELS / 'labels.csv'}")
    for d in DIMS:
        print(d, sum(int(r[d]) for r in rows))
    print("none", sum(all(r[d] == "0" for d in DIMS) for r in rows))


if __name__ == "__main__":
    main()
