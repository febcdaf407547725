"""Quantities: numbers with their unit or counted noun, ranges, qualifiers, money, calibres and rates."""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import Any, Sequence

from ..model import ParsedReport, Quantity, TimeExpr, Token
from ..resources import load_yaml
from .times import PrefixedMatch, time_spans

_DIGITS = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_UNIT_POS = {"NOUN", "ADJ", "PROPN", "VERB", "NUM"}  # tokens that may sit inside a unit ("round trips")


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    lex = dict(load_yaml("quantities.yaml"))
    lex["unit_lookup"] = {re.sub(r"\s+", " ", k.lower()): v for k, v in lex["measure_units"].items()}
    lex["skip"] = {w.lower() for w in lex["unit_skip_words"]}
    lex["time_set"] = {w.lower() for w in lex["time_units"]}
    return lex


def _alternation(words: Any, *, escape: bool = True) -> str:
    items = sorted({str(w) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") if escape else w for w in items)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, Any]:
    """Core patterns, matched at number tokens only, and the prefix read backwards from them."""
    lex = _lexicon()
    words = [w for w in lex["number_words"] if " " in w or w.isalpha()]
    tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    ones = "one|two|three|four|five|six|seven|eight|nine"
    num = rf"(?:{_DIGITS}|(?i:(?:{tens})-(?:{ones})|{_alternation(words)})(?![\w]))"
    scale = rf"(?:\s*(?i:{_alternation(lex['scales'])})|(?:{_alternation(lex['currency_scales'])}))(?![\w])"
    qual = rf"(?i:{_alternation(lex['qualifiers'])})"
    cur = _alternation(lex["currency_signs"])
    unit = rf"[\s-]?(?i:{_alternation(lex['unit_lookup'])})(?![\w])"
    lead = r"(?<![\w.,/#])(?<![A-Za-z]-)"
    first_words = {w.split()[0].split("-")[0] for w in lex["number_words"]} | set(tens.split("|"))
    return {
        "core": re.compile(
            rf"{lead}(?P<n1>{num})(?P<s1>{scale})?(?P<u1>{unit})?"
            rf"(?:(?P<sep>\s*[-–—]\s*|\s+(?i:to|and|or)\s+)(?:(?P<qual2>{qual})\s+)?(?:(?P<cur2>{cur})\s?)?"
            rf"(?P<n2>{num})(?P<s2>{scale})?)?(?P<unit>{unit})?"),
        "prefix": re.compile(rf"(?:\b(?P<pre>(?i:between|from))[^\S\n]+)?(?:\b(?P<qual>{qual})[^\S\n]+)?(?:(?P<cur>{cur})[^\S\n]?)?\Z"),
        "qual_prefix": re.compile(rf"\b(?P<qual>{qual})[^\S\n]+\Z"),
        "vague": re.compile(rf"(?P<vague>(?i:{_alternation(lex['vague_scales'])}))\s+of\s+"),
        "first_words": first_words,
        "vague_words": {w.split()[0] for w in lex["vague_scales"]},
    }


def _prefixed(p: dict[str, Any], key: str, text: str, core: re.Match[str]) -> PrefixedMatch:
    pre = p[key].search(text, max(0, core.start() - 50), core.start())
    return PrefixedMatch(core, pre if pre is not None and pre.start() < core.start() else None)


def extract_quantities(parsed: ParsedReport, times: Sequence[TimeExpr] | None = None) -> tuple[Quantity, ...]:
    """Every quantity of the report: values, unit, kind, qualifier, range and rate period.

    `times` are the report's time expressions when already found (numbers inside them are skipped).
    """
    p, text, lex = _patterns(), parsed.text, _lexicon()
    masked = sorted((t.start, t.end) for t in times) if times is not None else sorted(time_spans(parsed))
    starts = [t.start for t in parsed.tokens]
    found: list[Quantity] = []
    covered = 0
    for tok in parsed.tokens:
        low = tok.text.lower()
        if tok.start < covered:
            continue
        q = None
        if tok.text[:1].isdigit() or low in p["first_words"]:
            core = p["core"].match(text, tok.start)
            if core is not None and not _overlaps(masked, core.start("n1"), core.end("n1")):
                q = _from_core(parsed, starts, _prefixed(p, "prefix", text, core))
        elif low in p["vague_words"]:
            core = p["vague"].match(text, tok.start)
            q = _from_vague(parsed, starts, _prefixed(p, "qual_prefix", text, core)) if core else None
        elif low in lex["multiplier_words"]:
            m = _prefixed(p, "qual_prefix", text, re.compile(r"\w+").match(text, tok.start))  # type: ignore[arg-type]
            q = Quantity(m.group(0), m.start(), m.end(), (float(lex["multiplier_words"][low]),), "times", "multiplier",
                         bool(m.group("qual")), _qualifier(m.group("qual")))
        if q is not None and (q.unit or "").lower().replace(".", "") in _CLOCK:
            covered = q.end  # "6:01 p.m.", "at 4 pm": a time of day, not a count of anything
            continue
        if q is not None:
            q = _with_alternative(parsed, starts, q)
            found.append(q)
            covered = q.end
    return tuple(found)


_CLOCK = frozenset({"am", "pm"})
_ALTERNATIVE = re.compile(rf",?\s+(?i:or\s+(?:even\s+|perhaps\s+|possibly\s+|maybe\s+)?|perhaps\s+|possibly\s+)"
                          rf"(?i:as\s+many\s+as\s+)?(?P<n>{_DIGITS})(?![\w.,]\d|\w)")


def _with_alternative(parsed: ParsedReport, starts: list[int], q: Quantity) -> Quantity:
    """'about 1,000 crates, or perhaps 1,500': a bare higher number offered as an alternative makes the
    figure one either/or estimate (a range), not two figures.  A second number with its own counted
    noun is its own quantity (resolve/figures.py joins the two)."""
    if q.is_range or len(q.values) != 1 or q.kind not in ("count", "money"):
        return q
    m = _ALTERNATIVE.match(parsed.text, q.end)
    if m is None:
        return q
    k = _token_at(parsed, starts, m.end("n") - 1)
    after = parsed.tokens[k + 1] if k is not None and k + 1 < len(parsed.tokens) else None
    if after is not None and after.pos in ("NOUN", "PROPN", "ADJ"):
        return q  # "or 2,000 trucks": a quantity of its own
    value = _number(m.group("n"), None, False)
    if value is None or value <= q.values[0]:
        return q
    return Quantity(parsed.text[q.start:m.end("n")], q.start, m.end("n"), (q.values[0], value), q.unit, q.kind,
                    True, q.qualifier, True, q.per)


# --------------------------------------------------------------------------- one match
def _from_core(parsed: ParsedReport, starts: list[int], m: PrefixedMatch) -> Quantity | None:
    lex = _lexicon()
    sep = (m.group("sep") or "").strip().lower()
    u1 = _unit_of(m.group("u1"))
    u2 = _unit_of(m.group("unit"))
    if m.group("n2") and sep == "and" and m.group("pre") is None and u2 is None:
        sub = _reduced(m)  # "5 tanks and 3 ..." is not one quantity
        return _from_core(parsed, starts, sub) if sub else None
    if m.group("pre") and not m.group("n2"):
        sub = _reduced(m, drop_pre=True)
        return _from_core(parsed, starts, sub) if sub else None
    if _glued_letters(m, "n1", "s1", "u1") or (m.group("n2") and _glued_letters(m, "n2", "s2", "unit")):
        return None  # "12th", "2S19": an ordinal or a designation
    cur = m.group("cur") or m.group("cur2")
    v1 = _number(m.group("n1"), m.group("s1"), bool(cur))
    v2 = _number(m.group("n2"), m.group("s2"), bool(cur)) if m.group("n2") else None
    if v1 is None or (m.group("n2") and v2 is None):
        return None
    bare2 = _number(m.group("n2"), None, True)
    if v2 is not None and bare2 and m.group("s2") and not m.group("s1") and _number(m.group("n1"), None, True) <= bare2:
        v1 = v1 * (v2 / bare2)  # "2 to 3 million": the scale applies to both
    values = (v1,) if v2 is None else (v1, v2)
    unit, kind = "", "count"
    end = m.end()
    if cur:
        unit, kind = lex["currency_signs"][cur], "money"
    elif u2 or u1:
        unit, kind = u2 or u1  # type: ignore[misc]
    elif _short_metre(m):
        unit, kind = "m", "distance"
    if not unit:
        noun = _counted_noun(parsed, starts, m.end() - 1)
        measured = _measured_subject(parsed, starts, m.end() - 1) if noun is None else None
        if measured:
            unit = measured
        elif noun is None:
            if not (m.group("qual") or m.group("pre")) or _is_spelled_one(m):
                return None
        else:
            unit_text, end, root = noun
            between = re.findall(r"[a-z]+", parsed.text[m.end():end].lower())
            if any(w in lex["time_set"] for w in between):
                return None  # a duration or an age ("ten months", "61-year-old"), not a quantity
            if root.lower() in lex["currency_words"]:
                unit, kind = lex["currency_words"][root.lower()], "money"
            else:
                unit = unit_text
        if _is_spelled_one(m) or _is_reference(parsed.text, m):
            return None
    # "between 2 and 10" and "from 300 to 4,500" are ranges; "105mm and 155mm" is two values
    is_range = v2 is not None and (sep != "and" or (m.group("pre") or "").lower() == "between")
    qual = m.group("qual") or m.group("qual2")
    per, end = _rate(parsed, starts, m.start("n1"), end)
    text = parsed.text[m.start():end]
    return Quantity(text, m.start(), end, values, unit, kind, bool(qual) or sep == "or", _qualifier(qual),
                    is_range, per)


def _from_vague(parsed: ParsedReport, starts: list[int], m: PrefixedMatch) -> Quantity | None:
    lex = _lexicon()
    key = re.sub(r"\s+", " ", m.group("vague").lower())
    noun = _first_noun_after(parsed, starts, m.end())
    if noun is None:
        return None
    unit_text, end, root = noun
    unit, kind = unit_text, "count"
    if root.lower() in lex["currency_words"]:
        unit, kind = lex["currency_words"][root.lower()], "money"
    elif root.lower() in lex["time_set"]:
        return None
    per, end = _rate(parsed, starts, m.start("vague"), end)
    qualifier = _qualifier(m.group("qual")) or f"{key} of"
    return Quantity(parsed.text[m.start():end], m.start(), end, (float(lex["vague_scales"][key]),), unit, kind,
                    True, qualifier, False, per)


# --------------------------------------------------------------------------- helpers
def _number(raw: str | None, scale: str | None, currency: bool) -> float | None:
    if raw is None:
        return None
    lex = _lexicon()
    low = re.sub(r"\s+", " ", raw.lower())
    if re.fullmatch(_DIGITS, low):
        value = float(low.replace(",", ""))
    elif "-" in low and low not in lex["number_words"]:
        a, b = low.split("-", 1)
        value = float(lex["number_words"][a] + lex["number_words"][b])
    else:
        value = float(lex["number_words"][low])
    s = (scale or "").strip().lower()
    if s in lex["scales"]:
        value *= lex["scales"][s]
    elif s in lex["currency_scales"] and currency:
        value *= lex["currency_scales"][s]
    return value


def _glued_letters(m: PrefixedMatch, num: str, scale: str, unit: str) -> bool:
    end = m.end(num)
    if m.group(scale) or (m.group(unit) and m.start(unit) == end):
        return False
    return end < len(m.string) and m.string[end].isalpha()


def _short_metre(m: PrefixedMatch) -> bool:
    return (m.group("s1") or m.group("s2") or "").strip() == "m"


def _unit_of(raw: str | None) -> tuple[str, str] | None:
    if not raw:
        return None
    key = re.sub(r"\s+", " ", raw.strip(" -").lower())
    unit, kind = _lexicon()["unit_lookup"][key]
    return unit, kind


def _qualifier(raw: str | None) -> str | None:
    return re.sub(r"\s+", " ", raw.strip().lower()) if raw else None


def _is_spelled_one(m: PrefixedMatch) -> bool:
    """A lone "one" (or "a ...") without a measure is noise: "one of them", "one expert"."""
    return m.group("n2") is None and m.group("n1").lower() in ("one", "a")


def _is_reference(text: str, m: PrefixedMatch) -> bool:
    """A small spelled-out number after a determiner refers back ("the two countries")."""
    if m.group("n1")[0].isdigit() or m.group("qual") or m.group("n2"):
        return False
    before = text[max(0, m.start() - 12):m.start()].lower().split()
    return bool(before) and before[-1] in _lexicon()["reference_determiners"]


def _reduced(m: PrefixedMatch, drop_pre: bool = False) -> PrefixedMatch | None:
    """Re-match without the second number (not part of a range) or without a dangling "from"."""
    p = _patterns()
    if drop_pre:
        core = m.core
        pre = p["prefix"].search(m.string, m.end("pre"), core.start())
        return PrefixedMatch(core, pre if pre is not None and pre.start() < core.start() else None)
    end = max(m.end(g) for g in ("n1", "s1", "u1") if m.group(g))
    core = p["core"].match(m.string, m.core.start(), end)
    return PrefixedMatch(core, m.prefix) if core is not None else None


def _token_at(parsed: ParsedReport, starts: list[int], pos: int) -> int | None:
    k = bisect.bisect_right(starts, pos) - 1
    return k if 0 <= k < len(parsed.tokens) and parsed.tokens[k].end > pos else None


def _counted_noun(parsed: ParsedReport, starts: list[int], last_char: int) -> tuple[str, int, str] | None:
    """The noun the number counts, from its noun chunk or its head: (unit as written, end, root)."""
    k = _token_at(parsed, starts, last_char)
    if k is None:
        return None
    toks = parsed.tokens
    root = None
    for a, b in parsed.noun_chunks:
        if a <= k < b - 1:
            root = b - 1
            break
    if root is None:
        h = toks[k].head
        if h > k and toks[h].sent == toks[k].sent and h - k <= 6 and all(
                toks[j].pos in _UNIT_POS or toks[j].text == "-" for j in range(k + 1, h)):
            root = h
    if root is None or toks[root].pos != "NOUN" or not toks[root].text[:1].isalpha():
        return None
    return _unit_span(parsed, k, root)


def _measured_subject(parsed: ParsedReport, starts: list[int], last_char: int) -> str | None:
    """'the militia now totals some 8,000': a bare number measuring its verb's subject -> 'militia'."""
    k = _token_at(parsed, starts, last_char)
    if k is None:
        return None
    toks = parsed.tokens
    verb = toks[k].head
    if toks[verb].lemma.lower() not in _lexicon().get("measuring_verbs", ()) or verb == k:
        return None
    for t in toks[parsed.sentences[toks[verb].sent].token_start:verb]:
        if t.head == verb and t.dep in ("nsubj", "nsubjpass") and t.pos in ("NOUN", "PROPN"):
            return t.text.lower()
    return None


def _first_noun_after(parsed: ParsedReport, starts: list[int], pos: int) -> tuple[str, int, str] | None:
    k = _token_at(parsed, starts, pos)
    if k is None:
        return None
    for a, b in parsed.noun_chunks:
        if a <= k < b:
            if parsed.tokens[b - 1].pos == "NOUN":
                return _unit_span(parsed, a - 1, b - 1)
            return None
    return None


def _unit_span(parsed: ParsedReport, k: int, root: int) -> tuple[str, int, str]:
    """Compounds and adjectives between the number k and the root that belong to the unit."""
    toks, skip = parsed.tokens, _lexicon()["skip"]
    first = root
    j = root - 1
    while j > k:
        t = toks[j]
        if _not_unit(t, skip):
            break
        first = j
        j -= 1
    while first < root and toks[first].text == "-":
        first += 1
    text = parsed.text[toks[first].start:toks[root].end]
    return text.lower() if not text.isupper() else text, toks[root].end, toks[root].text


def _not_unit(t: Token, skip: set[str]) -> bool:
    if t.text == "-":
        return False
    if t.ent_type in ("NORP", "GPE", "ORG", "PERSON", "LOC") or t.text.lower() in skip:
        return True
    if t.pos in ("PROPN", "DET", "PRON", "PUNCT", "ADV", "ADP", "CCONJ") or t.like_num:
        return True
    return t.pos == "ADJ" and t.text[:1].isupper()  # nationality-like adjectives ("Soviet", "Russian")


def _rate(parsed: ParsedReport, starts: list[int], num_start: int, end: int) -> tuple[str | None, int]:
    """Rate period after the quantity ("each month", "a day", "daily") or before it ("daily consumption")."""
    lex = _lexicon()
    periods = _alternation(lex["rate_periods"])
    after = re.match(rf"\s+(?i:(?:{_alternation(lex['rate_introducers'])})\s+(?P<p>{periods})|(?P<adj>"
                     rf"{_alternation(lex['rate_adjectives'])}))\b", parsed.text[end:end + 30])
    if after:
        word = (after.group("p") or after.group("adj")).lower()
        per = lex["rate_periods"].get(word) or lex["rate_adjectives"].get(word)
        return per, end + after.end()
    k = _token_at(parsed, starts, num_start)
    if k is None:
        return None, end
    sent = parsed.sentences[parsed.tokens[k].sent]
    for j in range(k - 1, max(sent.token_start, k - 10) - 1, -1):
        t = parsed.tokens[j]
        if t.like_num or t.text in (";", ":"):
            break
        if t.text.lower() in lex["rate_adjectives"] and t.pos == "ADJ":
            return lex["rate_adjectives"][t.text.lower()], end
    return None, end


def _overlaps(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    k = bisect.bisect_right(spans, (e, e))
    return any(a < e and s < b for a, b in spans[max(0, k - 3):k])
