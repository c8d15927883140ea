"""Per-type precision and recall of actor mentions on the gold set corpus/labels/actor_mentions.jsonl.

The gold sentences come from ../shared (laws, CPC congress reports); the file keeps pointers and
mention offsets only. Run from the repository root:

    python scripts/eval_actors.py [--by-round] [--errors]
"""
from __future__ import annotations

import argparse
from pathlib import Path

from pipeline.codebook import load_framework
from pipeline.evaluate import load_mention_gold, score_mentions
from pipeline.extract import find_mentions

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default=str(ROOT / "corpus" / "labels" / "actor_mentions.jsonl"))
    ap.add_argument("--framework", default=None)
    ap.add_argument("--errors", action="store_true", help="print every miss and false alarm")
    ap.add_argument("--by-round", action="store_true",
                    help="also score each annotation round alone (sentence ids s000–s199 round 1, s200–s399 round 2, …)")
    args = ap.parse_args()
    gold = load_mention_gold(args.gold)
    pred = [[{"text": m.text, "type": m.type, "start": m.start, "end": m.end} for m in find_mentions(g["text"], framework=args.framework)] for g in gold]
    types = load_framework(args.framework).actor_type_ids
    report = score_mentions(gold, pred, types)
    print(f"{len(gold)} sentences, {sum(len(g['mentions']) for g in gold)} gold mentions")
    for mode in ("overlap", "strict"):
        print(f"\n{mode} match   {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
        for t, m in report[mode].items():
            print(f"{t:<15}{m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f} {m['tp']:>4} {m['fp']:>4} {m['fn']:>4}")
    if args.by_round:
        rounds: dict[int, list[int]] = {}
        for i, g in enumerate(gold):
            rounds.setdefault(int(g["sent_id"][1:]) // 200 + 1, []).append(i)
        for r, idx in sorted(rounds.items()):
            sub = score_mentions([gold[i] for i in idx], [pred[i] for i in idx], types)["overlap"]
            print(f"\nround {r} ({len(idx)} sentences), overlap: "
                  + ", ".join(f"{t} {m['precision']:.2f}/{m['recall']:.2f}" for t, m in sub.items()))
    if args.errors:
        for g, p in zip(gold, pred):
            gs = {(m["start"], m["end"], m["type"]) for m in g["mentions"]}
            ps = {(m["start"], m["end"], m["type"]) for m in p}
            if gs != ps:
                print("\n" + g["text"])
                print("  missed:", sorted((g["text"][s:e], t) for s, e, t in gs - ps))
                print("  extra: ", sorted((g["text"][s:e], t) for s, e, t in ps - gs))


if __name__ == "__main__":
    main()
