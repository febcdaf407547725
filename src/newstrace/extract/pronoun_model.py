"""Learned pronoun resolution: a fine-tuned MiniLM that scores (pronoun, candidate) pairs in their text.

One input per pair: the word pieces around the pronoun (at most MAX_PIECES, centred on the pronoun
and shifted to take in the candidate's nearest mention), the pronoun between PRONOUN_MARKS and
every mention of the candidate in that window between CANDIDATE_MARKS.  The encoder's states at the
sentence start, at the pronoun's opening mark and (averaged) at the candidate's opening marks go
through a small head to one logit: the probability that the candidate is what the pronoun means.
"Neither" is both (all) candidates scoring under the threshold chosen at training time.

Training (`benchmarks/train_pronoun.py`, on GAP development) and inference share `encode_pair`,
so the model reads exactly what it was trained on.  Weights ship in `resources/pronoun_model/`
(fp16 safetensors + `pronoun.json`); torch and transformers are imported only when the model is
first loaded (`load_pronoun_model`), never by importing this module.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Sequence

MODEL_DIR = "pronoun_model"
MAX_PIECES = 192  # word pieces per input, [CLS] and [SEP] included
CONTEXT_CHARS = 1500  # characters either side of the pronoun that are read at all
PRONOUN_MARKS = ("[unused2]", "[unused3]")
CANDIDATE_MARKS = ("[unused4]", "[unused5]")
HEAD_HIDDEN = 256

Span = tuple[int, int]


@dataclass(frozen=True)
class Pair:
    """One encoded (pronoun, candidate) input: piece ids with [CLS]/[SEP], where the marks open."""

    ids: list[int]
    pronoun_at: int  # position of the pronoun's opening mark
    candidate_at: tuple[int, ...]  # positions of the candidate's opening marks (empty: out of view)


def _marked(text: str, pronoun: Span, candidate: Sequence[Span]) -> list[tuple[int, int, str]]:
    """The spans to mark, in text order, within the read region: (start, end, 'p' | 'c').
    Candidate spans overlapping the pronoun or an earlier candidate span are dropped."""
    lo, hi = max(0, pronoun[0] - CONTEXT_CHARS), min(len(text), pronoun[1] + CONTEXT_CHARS)
    out = [(pronoun[0], pronoun[1], "p")]
    for a, b in sorted(set(candidate)):
        if a < lo or b > hi or a >= b:
            continue
        if any(a < y and x < b for x, y, _k in out):
            continue
        out.append((a, b, "c"))
    return sorted(out)


def encode_pair(tokenizer: Any, text: str, pronoun: Span, candidate: Sequence[Span],
                max_pieces: int = MAX_PIECES) -> Pair:
    """Word pieces of the text around `pronoun` with the pronoun and the candidate's mentions marked."""
    marks = _marked(text, pronoun, candidate)
    lo, hi = max(0, pronoun[0] - CONTEXT_CHARS), min(len(text), pronoun[1] + CONTEXT_CHARS)
    segments: list[str] = []
    kinds: list[str] = []  # '' plain text, 'p' / 'c' a marked span
    pos = lo
    for a, b, k in marks:
        segments.append(text[pos:a])
        kinds.append("")
        segments.append(text[a:b])
        kinds.append(k)
        pos = b
    segments.append(text[pos:hi])
    kinds.append("")
    pieces = tokenizer(segments, add_special_tokens=False)["input_ids"]
    p_open, p_close = tokenizer.convert_tokens_to_ids(list(PRONOUN_MARKS))
    c_open, c_close = tokenizer.convert_tokens_to_ids(list(CANDIDATE_MARKS))
    ids: list[int] = []
    p_at, c_at = 0, []
    for seg_ids, k in zip(pieces, kinds):
        if k == "p":
            p_at = len(ids)
            ids += [p_open, *seg_ids, p_close]
        elif k == "c":
            c_at.append(len(ids))
            ids += [c_open, *seg_ids, c_close]
        else:
            ids += seg_ids
    size = max_pieces - 2
    a = 0
    if len(ids) > size:
        a = min(max(0, p_at - size // 2), len(ids) - size)
        if c_at:
            near = min(c_at, key=lambda c: abs(c - p_at))
            if near < a:
                a = max(near - 2, p_at + 3 - size, 0)
            elif near + 3 > a + size:
                a = min(near + 4 - size, max(0, p_at - 2))
            a = min(max(0, a), len(ids) - size)
    window = ids[a:a + size]
    inside = tuple(c - a + 1 for c in c_at if a <= c < a + size)
    return Pair([tokenizer.cls_token_id, *window, tokenizer.sep_token_id], p_at - a + 1, inside)


@lru_cache(maxsize=1)
def _scorer_class() -> type:
    """The pair scorer's torch module (defined on first use, so importing this module needs no torch)."""
    import torch
    from torch import nn

    class PairScorer(nn.Module):
        """Encoder + head over [state at CLS, at the pronoun, at the candidate, pronoun * candidate]."""

        def __init__(self, encoder: Any, hidden: int = HEAD_HIDDEN):
            super().__init__()
            self.encoder = encoder
            width = encoder.config.hidden_size
            self.head = nn.Sequential(nn.Linear(4 * width, hidden), nn.GELU(), nn.Dropout(0.1), nn.Linear(hidden, 1))

        def forward(self, ids, mask, pronoun_at, candidate_weights):
            states = self.encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            rows = torch.arange(ids.shape[0])
            cls = states[:, 0]
            pro = states[rows, pronoun_at]
            cand = (candidate_weights.unsqueeze(-1) * states).sum(1)
            return self.head(torch.cat([cls, pro, cand, pro * cand], dim=-1)).squeeze(-1)

    return PairScorer


def collate(pairs: Sequence[Pair]) -> tuple:
    """Padded tensors for a batch of pairs: ids, mask, pronoun positions, candidate weights."""
    import torch

    width = max(len(p.ids) for p in pairs)
    ids = torch.zeros(len(pairs), width, dtype=torch.long)
    mask = torch.zeros(len(pairs), width, dtype=torch.long)
    pro = torch.zeros(len(pairs), dtype=torch.long)
    weights = torch.zeros(len(pairs), width)
    for r, p in enumerate(pairs):
        ids[r, :len(p.ids)] = torch.tensor(p.ids)
        mask[r, :len(p.ids)] = 1
        pro[r] = p.pronoun_at
        for c in p.candidate_at:
            weights[r, c] = 1.0 / len(p.candidate_at)
    return ids, mask, pro, weights


def build_scorer(base: str, pretrained: bool = True) -> Any:
    """A pair scorer on the MiniLM at `base`: its pretrained weights, or only its architecture."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoConfig, AutoModel
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    encoder = AutoModel.from_pretrained(base) if pretrained else AutoModel.from_config(AutoConfig.from_pretrained(base))
    return _scorer_class()(encoder)


class PronounModel:
    """The fine-tuned pair scorer with its tokenizer and decision threshold."""

    def __init__(self, model: Any, tokenizer: Any, threshold: float = 0.5, max_pieces: int = MAX_PIECES):
        self.model = model
        self.tokenizer = tokenizer
        self.threshold = threshold
        self.max_pieces = max_pieces

    def score(self, text: str, pronoun: Span, candidates: Sequence[Sequence[Span]]) -> list[float]:
        """Probability that each candidate (its mention spans in `text`) is what the pronoun at the
        character span `pronoun` means; a candidate with no mention in view scores 0.  One batch."""
        pairs = [encode_pair(self.tokenizer, text, pronoun, spans, self.max_pieces) for spans in candidates]
        return self.score_pairs(pairs)

    def score_pairs(self, pairs: Sequence[Pair], batch_size: int = 16) -> list[float]:
        import torch

        out = [0.0] * len(pairs)
        todo = [k for k, p in enumerate(pairs) if p.candidate_at]
        with torch.inference_mode():
            for s in range(0, len(todo), batch_size):
                chunk = todo[s:s + batch_size]
                logits = self.model(*collate([pairs[k] for k in chunk]))
                for k, v in zip(chunk, torch.sigmoid(logits.float()).tolist()):
                    out[k] = v
        return out

    def choose(self, text: str, pronoun: Span, candidates: Sequence[Sequence[Span]]) -> tuple[int | None, list[float]]:
        """The index of the candidate the pronoun means (None: none scores at the threshold), and the scores."""
        scores = self.score(text, pronoun, candidates)
        if not scores:
            return None, scores
        best = max(range(len(scores)), key=scores.__getitem__)
        return (best if scores[best] >= self.threshold else None), scores


def weights_present(weights_dir: str | None = None) -> bool:
    """Whether a trained pronoun model is there (without loading anything)."""
    from ..resources import resource_path

    folder = weights_dir or resource_path(MODEL_DIR)
    return os.path.exists(os.path.join(folder, "model.safetensors"))


@lru_cache(maxsize=2)
def load_pronoun_model(weights_dir: str | None = None) -> PronounModel | None:
    """The shipped pronoun model (loaded on first call), or None when its weights are not there."""
    from ..resources import resource_path

    folder = weights_dir or resource_path(MODEL_DIR)
    weights = os.path.join(folder, "model.safetensors")
    meta_path = os.path.join(folder, "pronoun.json")
    if not os.path.exists(weights) or not os.path.exists(meta_path):
        return None
    from safetensors.torch import load_file

    from .tagger import default_base_path, load_tokenizer

    with open(meta_path, encoding="utf-8") as f:
        meta = json.load(f)
    base = default_base_path()
    model = build_scorer(base, pretrained=False)
    model.load_state_dict({k: v.float() for k, v in load_file(weights).items()})
    model.eval()
    return PronounModel(model, load_tokenizer(base), float(meta.get("threshold", 0.5)),
                        int(meta.get("max_pieces", MAX_PIECES)))


def name_spans(text: str, name: str, given: Span, others: Sequence[str] = ()) -> list[Span]:
    """Where a person named `name` (one mention at `given`) is mentioned in `text`: the given span, the
    full name elsewhere, and its first or last word alone, except words the `others` names share
    ("Clinton" when both Bill and Hillary Clinton are in view).  Used where only one mention of each
    candidate is known (GAP); the pipeline passes its own entity mentions."""
    import re

    words = [w for w in re.findall(r"[\w'\u2019.-]+", name) if w[:1].isupper() and len(w.strip(".")) > 1]
    words = [re.sub(r"['\u2019]s$", "", w) for w in words]
    shared = {w.lower() for o in others for w in re.findall(r"[\w'\u2019.-]+", o)}
    forms = [name] + [w for w in {words[0], words[-1]} if w.lower() not in shared] if words else [name]
    out = [given]
    for form in forms:
        for m in re.finditer(r"(?<![\w])" + re.escape(form) + r"(?![\w])", text):
            if not any(m.start() < b and a < m.end() for a, b in out):
                out.append((m.start(), m.end()))
    return sorted(out)
