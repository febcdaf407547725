"""Text with a per-character link back to the original, and the Unicode/whitespace repairs on it."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

import ftfy

from ..model import OffsetMap, Repair

INSERTED = -1  # origin of a character that cleaning inserted or produced by a non 1:1 repair

# One-for-one substitutions: the length never changes, so offsets stay exact.
_SPACE_CHARS = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\v\f"
_QUOTE_CHARS = {"\u201e": "\u201c", "\u201f": "\u201c", "\u201a": "\u2018", "\u201b": "\u2018", "\u2033": '"'}
_DROP_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, explain=False)
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
REPAIR_SPAN = 1000  # longest piece of a line that ftfy sees at once


@dataclass
class MappedText:
    """A piece of cleaned text; `origin[i]` is the original offset of `chars[i]` or INSERTED."""

    chars: list[str] = field(default_factory=list)
    origin: list[int] = field(default_factory=list)

    @classmethod
    def from_original(cls, text: str, start: int = 0) -> "MappedText":
        return cls(list(text), list(range(start, start + len(text))))

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def append(self, other: "MappedText") -> None:
        self.chars.extend(other.chars)
        self.origin.extend(other.origin)

    def append_inserted(self, s: str) -> None:
        self.chars.extend(s)
        self.origin.extend([INSERTED] * len(s))

    def insert(self, pos: int, s: str) -> None:
        self.chars[pos:pos] = list(s)
        self.origin[pos:pos] = [INSERTED] * len(s)

    def strip(self) -> "MappedText":
        s, e = 0, len(self.chars)
        while s < e and self.chars[s].isspace():
            s += 1
        while e > s and self.chars[e - 1].isspace():
            e -= 1
        return MappedText(self.chars[s:e], self.origin[s:e])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original [start, end) of chars[start:end] (inserted characters borrow a neighbour)."""
        known = [o for o in self.origin[start:end] if o != INSERTED]
        if not known:
            before = [o for o in self.origin[:start] if o != INSERTED]
            o = before[-1] + 1 if before else 0
            return (o, o)
        return (known[0], known[-1] + 1)


def make_offset_map(origin: list[int]) -> OffsetMap:
    """Runs of consecutive original offsets -> the model's OffsetMap."""
    runs: list[tuple[int, int, int]] = []
    i, n = 0, len(origin)
    while i < n:
        if origin[i] == INSERTED:
            i += 1
            continue
        j = i + 1
        while j < n and origin[j] == origin[j - 1] + 1:
            j += 1
        runs.append((i, origin[i], j - i))
        i = j
    return OffsetMap(tuple(runs), n)


def split_lines(text: str) -> list[tuple[int, int]]:
    """[start, end) of every line of `text`, line breaks excluded (\\n, \\r\\n or \\r)."""
    spans = []
    for m in _LINE.finditer(text):
        if m.start() == m.end():
            break
        line = m.group(0).rstrip("\r\n")
        spans.append((m.start(), m.start() + len(line)))
    return spans


def repair_unicode(piece: MappedText, repairs: list[Repair], raw: str) -> MappedText:
    """Fix mojibake and odd characters with ftfy; unchanged characters keep their origin.

    ftfy sees a line in windows of at most REPAIR_SPAN characters cut at spaces, and a changed
    window is aligned word by word: difflib's alignment is quadratic on repetitive text (one
    100 KB line took minutes as a whole), on a word it costs nothing.
    """
    before = piece.text
    if len(before) <= REPAIR_SPAN:
        return _repair_window(piece, repairs, raw)
    out = MappedText()
    start = 0
    while start < len(before):
        end = min(len(before), start + REPAIR_SPAN)
        if end < len(before):
            cut = before.rfind(" ", start + 1, end)
            end = cut if cut > start else end  # no space in the window: cut inside a word
        out.append(_repair_window(MappedText(piece.chars[start:end], piece.origin[start:end]), repairs, raw))
        start = end
    return out


def _repair_window(piece: MappedText, repairs: list[Repair], raw: str) -> MappedText:
    """ftfy on one window; its changes aligned word by word when ftfy kept the spaces where they were."""
    before = piece.text
    after = ftfy.fix_text(before, _FTFY_CONFIG)
    if after == before:
        return piece
    old_words, new_words = before.split(" "), after.split(" ")
    if len(old_words) != len(new_words):
        return _align(piece, after, repairs, raw)
    out = MappedText()
    pos = 0
    for k, (old, new) in enumerate(zip(old_words, new_words)):
        if k:  # the space between words is unchanged
            out.chars.append(" ")
            out.origin.append(piece.origin[pos])
            pos += 1
        word = MappedText(piece.chars[pos:pos + len(old)], piece.origin[pos:pos + len(old)])
        out.append(word if old == new else _align(word, new, repairs, raw))
        pos += len(old)
    return out


def _align(piece: MappedText, after: str, repairs: list[Repair], raw: str) -> MappedText:
    """`after` (ftfy's repair of piece.text) with the origins of the characters it kept."""
    before = piece.text
    out = MappedText()
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or (op == "replace" and i2 - i1 == j2 - j1):
            out.chars.extend(after[j1:j2])
            out.origin.extend(piece.origin[i1:i2])
        elif j2 > j1:  # inserted or replaced with a different length: first char keeps the position
            first = next((o for o in piece.origin[i1:i2] if o != INSERTED), INSERTED)
            out.chars.extend(after[j1:j2])
            out.origin.extend([first] + [INSERTED] * (j2 - j1 - 1))
        if op != "equal":
            o1, o2 = piece.span_to_original(i1, i2)
            repairs.append(Repair("unicode", o1, o2, raw[o1:o2], after[j1:j2]))
    return out


def normalise_chars(piece: MappedText, repairs: list[Repair], raw: str) -> MappedText:
    """Odd spaces -> ' ', low/reversed quotes -> curly quotes, invisible characters dropped,
    runs of spaces collapsed to one; leading and trailing spaces stripped."""
    out = MappedText()
    for ch, o in zip(piece.chars, piece.origin):
        if ch in _DROP_CHARS:
            if o != INSERTED:
                repairs.append(Repair("unicode", o, o + 1, raw[o:o + 1], ""))
            continue
        if ch in _SPACE_CHARS:
            if o != INSERTED and ch != "\t":
                repairs.append(Repair("whitespace", o, o + 1, raw[o:o + 1], " "))
            ch = " "
        elif ch in _QUOTE_CHARS:
            if o != INSERTED:
                repairs.append(Repair("quotes", o, o + 1, ch, _QUOTE_CHARS[ch]))
            ch = _QUOTE_CHARS[ch]
        if ch == " " and out.chars and out.chars[-1] == " ":
            continue  # collapse runs of spaces: the first one keeps its position
        out.chars.append(ch)
        out.origin.append(o)
    return out.strip()


def clean_line(raw: str, start: int, end: int, repairs: list[Repair]) -> MappedText:
    """One original line -> its repaired, whitespace-normalised MappedText."""
    piece = MappedText.from_original(raw[start:end], start)
    piece = repair_unicode(piece, repairs, raw)
    return normalise_chars(piece, repairs, raw)
