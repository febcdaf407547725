"""What the fine-tuning scripts share (train_tagger.py, train_pronoun.py): starting from exported
weights, AdamW with linear warm-up and decay, and checkpoints that a rerun resumes from."""
from __future__ import annotations

import os
from typing import Any


def start_training(model: Any, init: str | None, lr: float, total: int, warm: int, ckpt_path: str,
                   steps_per_epoch: int) -> tuple[Any, Any, int, int]:
    """(optimizer, schedule, epoch, step within it) for `model`: weights from the `init` folder
    (exported fp16, trained on in fp32) when given, then the checkpoint at `ckpt_path` if one exists."""
    import torch

    if init:
        from safetensors.torch import load_file

        state = load_file(os.path.join(init, "model.safetensors"))
        model.load_state_dict({k: v.float() for k, v in state.items()})
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / (total - warm))))
    epoch, done = 0, 0
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, weights_only=False)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        sched.load_state_dict(ck["sched"])
        epoch, done = ck["epoch"], ck["done"]
        print(f"resumed at epoch {epoch + 1}, step {done}/{steps_per_epoch}", flush=True)
    return opt, sched, epoch, done


def save_checkpoint(ckpt_path: str, model: Any, opt: Any, sched: Any, epoch: int, done: int) -> None:
    """Write the training state atomically (a crash mid-write leaves the previous checkpoint)."""
    import torch

    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                "epoch": epoch, "done": done}, ckpt_path + ".tmp")
    os.replace(ckpt_path + ".tmp", ckpt_path)


def optimise(model: Any, opt: Any, sched: Any, loss: Any) -> float:
    """One optimiser step on `loss` (gradients clipped to norm 1.0, schedule advanced); its value."""
    import torch

    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    sched.step()
    opt.zero_grad()
    return loss.item()


def export_weights(out_dir: str, state: dict, meta: dict, meta_name: str) -> None:
    """Ship trained weights: `model.safetensors` in fp16 (readable by all) and `meta` as JSON."""
    import json

    import torch
    from safetensors.torch import save_file

    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "model.safetensors")
    save_file({k: v.to(torch.float16).contiguous() for k, v in state.items()}, path)
    os.chmod(path, 0o644)
    with open(os.path.join(out_dir, meta_name), "w", encoding="utf-8") as f:
        json.dump(meta, f, indent=1)
    print(f"exported {out_dir}")
