"""Learned cue detector: a linear model over parse-token features scoring which tokens head a cue."""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Sequence

from ..model import ParsedReport
from ..resources import load_json, load_yaml

MODEL_FILE = "cue_model.json"
CANDIDATE_POS = frozenset({"VERB", "AUX"})
SPEECH_DEPS = ("ccomp", "xcomp", "dobj", "nsubj", "nsubjpass", "prep", "dative", "attr", "acomp",
               "advcl", "prt", "neg", "aux", "auxpass", "mark", "agent", "pobj")
QUOTE_CHARS = "\u201c\u201d\"\u00ab\u00bb"


@lru_cache(maxsize=1)
def _ratios() -> dict[str, float]:
    try:
        data = load_yaml("cue_lemmas_learned.yaml") or {}
    except FileNotFoundError:
        return {}
    return {str(k): float(v) for k, v in (data.get("verbs") or {}).items()}


def _bucket(x: float) -> str:
    return "0" if x <= 0 else str(min(9, int(x * 10)))


def token_features(parsed: ParsedReport, children: Sequence[Sequence[int]], i: int) -> list[str]:
    """Feature strings of token `i` (its word, its place in the tree, quotes and cue ratio)."""
    toks = parsed.tokens
    t = toks[i]
    lemma = t.lemma.lower()
    low = t.text.lower()
    head = toks[t.head]
    sent = parsed.sentences[t.sent]
    feats = [
        "bias", "l=" + lemma, "w=" + low, "p=" + t.pos, "t=" + t.tag, "d=" + t.dep,
        "ld=" + lemma + "|" + t.dep, "lp=" + lemma + "|" + t.pos, "pd=" + t.pos + "|" + t.dep,
        "hl=" + head.lemma.lower(), "hp=" + head.pos, "hd=" + head.dep, "dhp=" + t.dep + "|" + head.pos,
        "r=" + _bucket(_ratios().get(lemma, 0.0)), "rp=" + _bucket(_ratios().get(lemma, 0.0)) + "|" + t.pos,
        "cap=" + str(t.text[:1].isupper()),
    ]
    prev = toks[i - 1].text.lower() if i > sent.token_start else "<s>"
    nxt = toks[i + 1].text.lower() if i + 1 < sent.token_end else "</s>"
    feats += ["pw=" + prev, "nw=" + nxt, "lnw=" + lemma + "|" + nxt, "lpw=" + lemma + "|" + prev]
    kids = children[i]
    deps = set()
    for c in kids:
        d = toks[c].dep
        if d in SPEECH_DEPS:
            deps.add(d)
            if d in ("nsubj", "nsubjpass"):
                feats.append("subj=" + toks[c].pos + "|" + (toks[c].ent_type or "-"))
                feats.append("subjw=" + toks[c].lemma.lower())
            elif d == "prep":
                feats.append("prep=" + toks[c].text.lower())
                feats.append("lprep=" + lemma + "|" + toks[c].text.lower())
            elif d == "ccomp":
                first = toks[min(c, *(g for g in children[c]))] if children[c] else toks[c]
                feats.append("cc_that=" + str(first.text.lower() == "that"))
                feats.append("cc_side=" + ("R" if c > i else "L"))
            elif d == "dobj":
                feats.append("obj=" + toks[c].pos)
    for d in sorted(deps):
        feats.append("c=" + d)
        feats.append("lc=" + lemma + "|" + d)
    feats.append("cs=" + "+".join(sorted(deps & {"ccomp", "xcomp", "dobj", "nsubj", "nsubjpass"})))
    text = parsed.text
    left = text[sent.start:t.start]
    right = text[t.end:sent.end]
    feats.append("qL=" + str(any(q in left for q in QUOTE_CHARS)))
    feats.append("qR=" + str(any(q in right for q in QUOTE_CHARS)))
    feats.append("colon=" + str(":" in right[:3]))
    pos = (i - sent.token_start) / max(1, sent.token_end - sent.token_start)
    feats.append("pos=" + str(int(pos * 4)))
    return feats


def is_candidate(parsed: ParsedReport, i: int) -> bool:
    """Tokens worth scoring: verbs (nominal cues and 'according to' stay with the rules)."""
    t = parsed.tokens[i]
    return (t.pos in CANDIDATE_POS or t.tag.startswith("VB")) and not t.is_punct


@lru_cache(maxsize=1)
def load_model() -> dict | None:
    """The shipped weights {feature: weight, ...} plus threshold, or None if absent."""
    return load_json(MODEL_FILE)


def score_tokens(parsed: ParsedReport, children: Sequence[Sequence[int]], a: int, b: int) -> dict[int, float]:
    """Cue-head probability of each candidate token in [a, b)."""
    model = load_model()
    if model is None:
        return {}
    w = model["weights"]
    bias = float(model.get("intercept", 0.0))
    out = {}
    for i in range(a, b):
        if not is_candidate(parsed, i):
            continue
        z = bias + sum(w.get(f, 0.0) for f in token_features(parsed, children, i))
        out[i] = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
    return out


def threshold() -> float:
    """Decision threshold tuned on train cross-validation (0.5 if no model)."""
    model = load_model()
    return float(model.get("threshold", 0.5)) if model else 0.5
