"""clean_report: one RawReport -> CleanReport (repairs, boilerplate removal, run-on sentences, fused
words, offsets)."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from typing import Mapping

from ..model import CleanReport, RawReport, Removal, Repair
from .boilerplate import classify_lines
from .fused import find_fused
from .runons import find_runons
from .textmap import MappedText, clean_line, make_offset_map, split_lines

_NAME_TOKEN = re.compile(r"[^\W\d_]+")
_FINGERPRINT_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def clean_report(raw: RawReport, outlet_lines: Mapping[str, int] | None = None) -> CleanReport:
    """Repair, strip boilerplate, part run-on sentences and split fused words; every kept character
    maps back to raw.text.

    `outlet_lines` counts, for each `line_key`, the earlier reports of the same outlet holding
    that line; lines seen often enough are taken as the outlet's furniture.
    """
    repairs: list[Repair] = []
    spans = split_lines(raw.text)
    pieces = [clean_line(raw.text, s, e, repairs) for s, e in spans]
    verdicts = classify_lines([p.text for p in pieces], raw.title, raw.author, outlet_lines)
    removals = []
    for i, v in sorted(verdicts.items()):
        o1, o2 = pieces[i].span_to_original(0, len(pieces[i].chars))
        removals.append(Removal(v.kind, o1, o2, raw.text[o1:o2], v.reason))
    removed_spans = [(r.start, r.end) for r in removals]
    repairs = [r for r in repairs if not any(s <= r.start < e for s, e in removed_spans)]

    kept = [p.text for i, p in enumerate(pieces) if i not in verdicts]
    repeated = Counter(t.lower() for line in kept for t in _NAME_TOKEN.findall(line))
    protected = _metadata_names(raw) | {t for t, n in repeated.items() if n > 1}
    out = MappedText()
    paragraphs: list[tuple[int, int]] = []
    gap = ""
    for i, piece in enumerate(pieces):
        if not piece.chars:
            gap = "\n\n" if out.chars else ""
            continue
        if i in verdicts:
            continue
        piece = _split_runons(piece, repairs, raw.text)
        piece = _split_fused(piece, protected, repairs, raw.text)
        if out.chars:
            out.append_inserted(gap or "\n")
        start = len(out.chars)
        out.append(piece)
        paragraphs.append((start, len(out.chars)))
        gap = ""
    text = out.text
    repairs.sort(key=lambda r: (r.start, r.end))
    return CleanReport(raw=raw, text=text, offsets=make_offset_map(out.origin), removals=tuple(removals),
                       repairs=tuple(repairs), fingerprint=fingerprint(text), paragraphs=tuple(paragraphs))


def fingerprint(text: str) -> str:
    """sha256 of the text with case, quote style, dashes and spacing normalised."""
    norm = unicodedata.normalize("NFKC", text).casefold().translate(_FINGERPRINT_QUOTES)
    return hashlib.sha256(" ".join(norm.split()).encode("utf-8")).hexdigest()


def _metadata_names(raw: RawReport) -> frozenset[str]:
    """Lower-cased tokens of the outlet, site and author: brand names are never split."""
    values = [raw.outlet, raw.site, raw.author] + [v for k, v in raw.extra if k in ("via", "outlet", "site")]
    return frozenset(t.lower() for v in values if v for t in _NAME_TOKEN.findall(v))


def _split_runons(piece: MappedText, repairs: list[Repair], raw: str) -> MappedText:
    """Insert a space between sentences run together ("fighting.The"); the rest keeps its offsets."""
    cuts = find_runons(piece.text)
    if not cuts:
        return piece
    out = MappedText(list(piece.chars), list(piece.origin))
    for cut in reversed(cuts):
        out.insert(cut, " ")
        o1, o2 = piece.span_to_original(cut - 1, cut + 1)
        repairs.append(Repair("run_on", o1, o2, raw[o1:o2], piece.chars[cut - 1] + " " + piece.chars[cut]))
    return out


def _split_fused(piece: MappedText, protected: frozenset[str], repairs: list[Repair], raw: str) -> MappedText:
    """Insert a space inside each fused token; both halves keep their original offsets."""
    splits = find_fused(piece.text, protected)
    if not splits:
        return piece
    out = MappedText(list(piece.chars), list(piece.origin))
    for sp in reversed(splits):
        out.insert(sp.cut, " ")
        o1, o2 = piece.span_to_original(sp.start, sp.end)
        repairs.append(Repair("fused_word", o1, o2, raw[o1:o2], f"{sp.left} {sp.right}"))
    return out
