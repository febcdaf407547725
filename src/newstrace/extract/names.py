"""Names and roles of mentions: clean a mention's text (titles stripped from people) and find a person's role."""
from __future__ import annotations

import re

from ..model import Token
from .entity_lexicon import EntityLexicon, entity_lexicon
from .entity_spans import DETERMINERS, NameSpan, ParseView
from .places import place_key

_EDGE_PUNCT = "\"'“”‘’«»()[]{}.,;:!?—–-*"
_MAX_ROLE_TOKENS = 16


def _strip_titles(words: list[str], lex: EntityLexicon) -> tuple[list[str], list[str]]:
    """Remove leading titles/ranks ("Maj", "Foreign Secretary", "Mr.") from a person's name."""
    stripped: list[str] = []
    changed = True
    while changed and len(words) > 1:
        changed = False
        low = [w.lower().rstrip(".") for w in words]
        for t in lex.titles:
            if len(t) < len(words) and tuple(low[:len(t)]) == t:
                stripped.extend(words[:len(t)])
                words = words[len(t):]
                changed = True
                break
    return words, stripped


def clean_name(text: str, label: str, canonical: str | None = None) -> tuple[str, str | None]:
    """(cleaned name, stripped titles) of a mention's text."""
    lex = entity_lexicon()
    s = re.sub(r"\s+", " ", text).strip().strip(_EDGE_PUNCT.replace(".", "")).strip()
    s = re.sub(r"(?:'s|’s|'|’)$", "", s).strip()
    s = s.rstrip(",;:!?”\"'’)").strip()
    if label != "PERSON" and not re.search(r"(?:\b[A-Z]\.|Inc\.|Co\.)$", s):  # keep "U.S.", "D.C."
        s = s.rstrip(".")
    if re.match(r"(?i)^the\s", s):
        s = s[4:].strip()
    titles = None
    if label == "PERSON":
        words, lost = _strip_titles(s.split(" "), lex)
        s, titles = " ".join(words), (" ".join(lost).lower().replace(".", "") or None)
    if canonical and place_key(canonical) == place_key(s):
        s = canonical
    elif label in ("GPE", "LOC") and s.isupper() and len(s) > 4:
        s = s.title()  # datelines: "RIGA"
    return s, titles


def normalise_role(role: str) -> str | None:
    """Lower-case, possessives and articles dropped, synonyms mapped, 'spokesman for the X' -> 'X spokesman'."""
    lex = entity_lexicon()
    s = role.replace("’", "'").lower()
    s = re.sub(r"'s\b", "", s)
    s = re.sub(r"[\s,;:]+$", "", re.sub(r"\s+", " ", s)).strip(" ,;:-\"“”")
    words = [lex.role_synonyms.get(w, w) for w in s.split()]
    while words and words[0] in lex.role_drop:
        words = words[1:]
    s = " ".join(words)
    if not re.search(r"[a-z]", s):
        return None
    m = re.match(r"^([\w-]+) (?:for|of) (?:the )?(.+)$", s)
    if m and m.group(1) in lex.reorder_heads:
        s = f"{m.group(2)} {m.group(1)}"
    return s or None


def _names_person(t: Token, lex: EntityLexicon) -> bool:
    """Whether a noun can describe a person ("analyst", "head", "spokesman"), for appositions."""
    w = t.lemma.lower()
    return w in lex.role_nouns or w.endswith(lex.role_suffixes)


def person_role(doc: ParseView, sp: NameSpan, person_tokens: set[int]) -> str | None:
    """Descriptor around a person mention: pre-modifiers in its noun phrase, or an apposition."""
    toks = doc.toks
    heads = [k for k in range(sp.start, sp.end) if not sp.start <= toks[k].head < sp.end or toks[k].head == k]
    head = heads[-1] if heads else sp.end - 1
    pre, k = sp.start, sp.start - 1
    while k >= 0 and toks[k].sent == toks[sp.start].sent and k not in person_tokens:
        t = toks[k]
        if t.dep in ("det", "predet") or t.text.lower() in DETERMINERS or not (k < t.head < sp.end or t.dep == "case"):
            break
        if t.dep not in ("compound", "amod", "nmod", "poss", "case", "punct", "npadvmod", "nummod", "dep", "hyph") \
                or (t.is_punct and t.text not in "-‐–"):
            break
        pre, k = k, k - 1
    prefix = doc.text(pre, sp.start) if pre < sp.start else ""
    appos = None
    skip = frozenset({"relcl", "acl", "advcl", "punct", "appos", "parataxis"})
    for c in doc.children[head]:
        if toks[c].dep == "appos" and c not in person_tokens and toks[c].pos in ("NOUN", "PROPN") and c > head \
                and toks[c].ent_type != "PERSON" and _names_person(toks[c], entity_lexicon()):
            sub = doc.subtree(c, skip)
            if len(sub) <= _MAX_ROLE_TOKENS:
                appos = doc.text(sub[0], sub[-1] + 1)
            break
    h = toks[head].head
    if appos is None and toks[head].dep == "appos" and toks[h].pos in ("NOUN", "PROPN") \
            and toks[h].ent_type != "PERSON" and _names_person(toks[h], entity_lexicon()):
        sub = [k for k in doc.subtree(h, skip) if k < sp.start]
        cut = [j for j, k in enumerate(sub) if toks[k].dep == "cc" or k in person_tokens]
        sub = sub[cut[-1] + 1:] if cut else sub
        if sub and len(sub) <= _MAX_ROLE_TOKENS:
            appos = doc.text(sub[0], sub[-1] + 1)
    lex = entity_lexicon()
    pre_words = [w.lower().rstrip(".") for w in prefix.split()]
    descriptive = bool(pre_words) and _strip_titles(pre_words + ["x"], lex)[0] != ["x"]
    role = prefix if descriptive or not appos else appos
    if not role:
        return None
    role = normalise_role(role)
    return role if role and role.rstrip(".") not in lex.honorifics else None
