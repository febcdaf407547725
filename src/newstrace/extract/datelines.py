"""Datelines: the place (and date, agency) opening a report or paragraph, which never speaks.

"ALMATY – Turkmenistan rejected ...", "WASHINGTON (AP) — ...", "FLINT, Mich., Oct. 4 (UPI) — ...",
"Kyiv, March 3, 2024 (Agency) – ...": the parser often makes the place the subject of the first
verb, so attribution must look past it.  A dateline is recognised by its shape only, at the start
of a paragraph's first sentence:

- a place in capitals (one to four words: "NEW YORK", "ST. PETERSBURG"), optionally followed by
  ", region or date" and "(Agency)" or "/Agency/", then a dash; or
- a place in title case followed by ", ..." holding a date (a digit) or by "(Agency)", then a dash
  ("John Smith, the envoy -- ..." has neither, so an aside between dashes is never a dateline).

A colon ("BEIJING: ...") is not accepted: in transcripts "SMITH: ..." labels a speaker.
"""
from __future__ import annotations

import re

from ..model import ParsedReport

_CAPS_WORD = r"[A-Z][A-Z.'\u2019\-]*"
_TITLE_WORD = r"[A-Z][a-z'\u2019\-]+\.?"
_REGION = r",\s*[A-Z0-9][\w.'\u2019]*(?:,?\s+[A-Z0-9][\w.'\u2019]*){0,5}"  # ", Mich., Oct. 4" / ", March 27, 2024"
_AGENCY = r"\s*(?:\([A-Z][\w&.'\u2019]+(?:\s+[A-Z][\w&.'\u2019]*){0,3}\)|/[A-Z][\w&.]+(?:\s+[A-Z][\w&.]*){0,3}/)"  # "(Reuters)", "/PRNewswire/"
_LONGEST = 120  # characters a dateline may run to, with its dash
_DASH = r"(?:\s*(?:\u2014|\u2013|--)|\s+-)\s*(?=\S)"
_CAPS = re.compile(rf"(?:{_CAPS_WORD}(?:\s+{_CAPS_WORD}){{0,3}})(?:{_REGION})?(?:{_AGENCY})?{_DASH}")
_TITLE = re.compile(rf"(?:{_TITLE_WORD}(?:\s+{_TITLE_WORD}){{0,2}})"
                    rf"(?:(?P<region>{_REGION})(?P<agency>{_AGENCY})?|(?P<only>{_AGENCY})){_DASH}")


def dateline_length(text: str) -> int:
    """Characters of the dateline opening `text` (dash and spaces included), 0 when there is none."""
    m = _CAPS.match(text)
    if m is not None and sum(c.isupper() for c in m.group(0)) >= 2:
        return m.end()
    m = _TITLE.match(text)
    if m is not None and (m.group("only") or m.group("agency") or re.search(r"\d", m.group("region") or "")):
        return m.end()
    return 0


def body_start(parsed: ParsedReport, s: int) -> int:
    """Offset where sentence `s` begins after any dateline (its own start when it holds none).

    The dateline is read from the start of the sentence's paragraph, since the sentence splitter
    may cut it off on its own ("RIGA (Reuters) –" | "The port said ..."); a sentence that
    is all dateline begins at its end.
    """
    sents = parsed.sentences
    sent = sents[s]
    f = s
    while f > 0 and sents[f - 1].paragraph == sent.paragraph:
        f -= 1
    start = sents[f].start
    if sent.start - start > _LONGEST:
        return sent.start
    end = sent.end
    k = s + 1
    while end - start < _LONGEST and k < len(sents) and sents[k].paragraph == sent.paragraph:
        end = sents[k].end
        k += 1
    n = dateline_length(parsed.text[start:end])
    if n == 0 or start + n <= sent.start:
        return sent.start
    return min(start + n, sent.end)


def in_dateline(parsed: ParsedReport, token: int) -> bool:
    """Whether token `token` lies inside the dateline of its sentence."""
    tok = parsed.tokens[token]
    return tok.start < body_start(parsed, tok.sent)


def clip_spans(parsed: ParsedReport, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Character spans with any dateline cut off their start (spans wholly inside one dropped)."""
    out = []
    for a, b in spans:
        k = _sentence_at(parsed, a)
        if k is not None:
            a = max(a, body_start(parsed, k))
        if a < b:
            out.append((a, b))
    return out


def _sentence_at(parsed: ParsedReport, pos: int) -> int | None:
    import bisect

    starts = [s.start for s in parsed.sentences]
    k = bisect.bisect_right(starts, pos) - 1
    return k if k >= 0 and pos < parsed.sentences[k].end else None
