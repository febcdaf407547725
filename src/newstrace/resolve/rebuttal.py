"""Rebuttals: an assertion by the accused that negates a claim counts as a denial of it.

"Our ferries carry what is written in their documents, nothing more", said by the company a claim
accuses, is worded as an assertion but stands against the claim.  A statement joining a claim is
a rebuttal when its speaker's chain (speaker, institutions, country) shares nothing with the
claim's asserting speakers, reaches an entity the claim is about, and its content negates
(words from resources/claim_stance.yaml `negations` and the deny words of resources/stance.yaml).
"""
from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from ..resources import load_yaml


@lru_cache(maxsize=1)
def _negation() -> re.Pattern[str]:
    words = {str(w) for w in load_yaml("claim_stance.yaml").get("negations") or ()}
    words |= {str(w) for w in (load_yaml("stance.yaml") or {}).get("deny_content") or ()}
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?:\b(?:" + alternatives + r")\b|n['\u2019]t\b)", re.I)


def negates(content: str) -> bool:
    """The content carries a negation or a rejecting word ('no drones', 'never', 'fabricated')."""
    return bool(_negation().search(content or ""))


def is_rebuttal(content: str, speaker_chain: Collection[str], claim_speakers: Collection[str],
                claim_entities: Collection[str]) -> bool:
    """An assertion by an accused party of a claim, negating it (see the module docstring)."""
    chain = set(speaker_chain)
    if not chain or not claim_speakers or chain & set(claim_speakers):
        return False
    return bool(chain & set(claim_entities)) and negates(content)
