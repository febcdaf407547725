"""Find repeated reports incrementally: exact copies, near-duplicates (MinHash LSH), syndicated
copies and verbatim shared passages.  Every lookup goes through an index, never all pairs.

Kinds, strongest first for each pair: `exact` (same fingerprint, same outlet), `near_duplicate`
(MinHash Jaccard of word 5-shingles >= threshold, same outlet), `syndicated` (another outlet or
an aggregator's `via`, with the same text, Jaccard >= threshold, sentence containment >=
`containment`, or the same title), `shared_passage` (at least one verbatim sentence of 8+ words;
similarity = shared sentences / sentences of the shorter report)."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Mapping

import numpy as np
from datasketch import MinHash, MinHashLSH

from ..model import CleanReport, DuplicateRelation

SCHEME = "affine32"  # datasketch hashing scheme: stored signatures are only comparable within one
SHINGLE = 5  # words per shingle for near-duplicate detection
SENTENCE_MIN_WORDS = 8  # shorter sentences are too common to show copying
_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)\]]*|$)")
_QUOTE = re.compile(r"[“\"]([^”“\"\n]{20,})[”\"]")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class DocMeta:
    """What the index needs besides the text: who published a report and under what title."""

    outlet: str | None = None
    via: str | None = None
    title: str | None = None

    @classmethod
    def of(cls, clean: CleanReport) -> "DocMeta":
        extra = dict(clean.raw.extra)
        title = clean.raw.title
        if not title and clean.paragraphs:
            s, e = clean.paragraphs[0]
            first = clean.text[s:e]
            title = first if len(first.split()) <= 30 else None
        return cls(clean.raw.outlet, extra.get("via"), title)

    @classmethod
    def from_mapping(cls, meta: "DocMeta | Mapping[str, str | None] | None") -> "DocMeta":
        if meta is None:
            return cls()
        if isinstance(meta, DocMeta):
            return meta
        return cls(meta.get("outlet"), meta.get("via"), meta.get("title"))


def _norm(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _norm_name(value: str | None) -> str:
    return " ".join(_norm(value)) if value else ""


def sentence_keys(text: str) -> list[str]:
    """Hashes of the normalised sentences of at least 8 words, in order, without repeats; the
    words inside quotation marks count as a sentence too (one quote, framed differently)."""
    seen: dict[str, None] = {}
    pieces = [m.group(0) for m in _SENTENCE.finditer(text)] + [m.group(1) for m in _QUOTE.finditer(text)]
    for piece in pieces:
        words = _norm(piece)
        if len(words) >= SENTENCE_MIN_WORDS:
            seen.setdefault(hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()[:16], None)
    return list(seen)


def shingles(text: str, size: int = SHINGLE) -> set[bytes]:
    """Word `size`-shingles of the normalised text (the whole text when it is shorter)."""
    words = _norm(text)
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i:i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


class DuplicateIndex:
    """Incremental duplicate finder; persist `signature()` and the sentence keys per document and
    rebuild with `load()`."""

    def __init__(self, threshold: float = 0.8, num_perm: int = 128, containment: float = 0.8) -> None:
        self.threshold = threshold
        self.num_perm = num_perm
        self.containment = containment
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._minhash: dict[str, MinHash] = {}
        self._by_fingerprint: dict[str, str] = {}
        self._fingerprint: dict[str, str] = {}
        self._keys: dict[str, list[str]] = {}
        self._by_sentence: dict[str, set[str]] = {}
        self._by_title: dict[str, set[str]] = {}
        self._meta: dict[str, DocMeta] = {}

    def __len__(self) -> int:
        return len(self._minhash)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._minhash

    def minhash(self, text: str) -> MinHash:
        m = MinHash(num_perm=self.num_perm, scheme=SCHEME)
        m.update_batch(sorted(shingles(text)))
        return m

    def add(self, doc_id: str, clean: CleanReport) -> list[DuplicateRelation]:
        """Index a cleaned report; return its relations to reports indexed before it."""
        m = self.minhash(clean.text)
        keys = sentence_keys(clean.text)
        meta = DocMeta.of(clean)
        relations = self.relations(doc_id, clean.fingerprint, m, keys, meta)
        self._insert(doc_id, clean.fingerprint, m, keys, meta)
        return relations

    def signature(self, doc_id: str) -> bytes:
        """The MinHash signature of an indexed document, as bytes to store."""
        return self._minhash[doc_id].hashvalues.tobytes()

    def sentence_keys_of(self, doc_id: str) -> list[str]:
        return list(self._keys[doc_id])

    def meta(self, doc_id: str) -> DocMeta:
        return self._meta[doc_id]

    def load(self, doc_id: str, fingerprint: str, signature: bytes, sentence_keys: list[str],
             meta: DocMeta | Mapping[str, str | None] | None = None) -> None:
        """Re-index a stored document (no relations computed): how the index is rebuilt on start."""
        dtype = MinHash(num_perm=self.num_perm, scheme=SCHEME).hashvalues.dtype
        values = np.frombuffer(signature, dtype=dtype)
        if len(values) != self.num_perm:
            raise ValueError(f"signature of {doc_id} holds {len(values)} values, expected {self.num_perm}")
        m = MinHash(num_perm=self.num_perm, hashvalues=values.copy(), scheme=SCHEME)
        self._insert(doc_id, fingerprint, m, list(sentence_keys), DocMeta.from_mapping(meta))

    def _insert(self, doc_id: str, fp: str, m: MinHash, keys: list[str], meta: DocMeta) -> None:
        if doc_id in self._minhash:
            raise ValueError(f"document {doc_id} is already indexed")
        self._lsh.insert(doc_id, m)
        self._minhash[doc_id] = m
        self._fingerprint[doc_id] = fp
        if fp:
            self._by_fingerprint.setdefault(fp, doc_id)
        self._keys[doc_id] = keys
        for k in keys:
            self._by_sentence.setdefault(k, set()).add(doc_id)
        title = _norm_name(meta.title)
        if title:
            self._by_title.setdefault(title, set()).add(doc_id)
        self._meta[doc_id] = meta

    def relations(self, doc_id: str, fp: str, m: MinHash, keys: list[str], meta: DocMeta) -> list[DuplicateRelation]:
        """Relations of a (not yet indexed) document to the indexed ones, strongest kind per pair."""
        exact = self._by_fingerprint.get(fp) if fp else None
        shared = Counter(b for k in set(keys) for b in self._by_sentence.get(k, ()))
        title = _norm_name(meta.title)
        same_title = self._by_title.get(title, set()) if title else set()
        candidates = set(self._lsh.query(m)) | set(shared) | same_title
        if exact:
            candidates.add(exact)
        out = []
        for b in sorted(candidates - {doc_id}):
            rel = self._relate(doc_id, b, fp, m, keys, meta, shared[b], b in same_title)
            if rel is not None:
                out.append(rel)
        order = {"exact": 0, "near_duplicate": 1, "syndicated": 2, "shared_passage": 3}
        return sorted(out, key=lambda r: (order[r.kind], -r.similarity, r.b))

    def _relate(self, a: str, b: str, fp: str, m: MinHash, keys: list[str], meta: DocMeta,
                shared: int, same_title: bool) -> DuplicateRelation | None:
        elsewhere = _different_source(meta, self._meta[b])
        if fp and self._fingerprint[b] == fp:  # the same text: a copy, or a copy through another outlet
            return DuplicateRelation(a, b, "syndicated" if elsewhere else "exact", 1.0)
        jaccard = float(m.jaccard(self._minhash[b]))
        smaller = min(len(set(keys)), len(self._keys[b])) or 1
        contained = shared / smaller
        if elsewhere and (jaccard >= self.threshold or contained >= self.containment or same_title):
            return DuplicateRelation(a, b, "syndicated", round(max(jaccard, contained), 3))
        if jaccard >= self.threshold:
            return DuplicateRelation(a, b, "near_duplicate", round(jaccard, 3))
        if shared:
            return DuplicateRelation(a, b, "shared_passage", round(contained, 3))
        return None


def _different_source(a: DocMeta, b: DocMeta) -> bool:
    """Published by different outlets, or one came through an aggregator (`via`)."""
    oa, ob = _norm_name(a.outlet), _norm_name(b.outlet)
    if oa and ob and oa != ob:
        return True
    return _norm_name(a.via) != _norm_name(b.via)
