"""The per-report stage: one pure function from a parsed report to everything found in it."""
from __future__ import annotations

from dataclasses import replace
from typing import Sequence

from ..model import Extraction, ParsedReport
from .entities import extract_mentions
from .places import Gazetteer, geocode_mentions
from .quantities import extract_quantities
from .statements import extract_statements
from .tagger import Relation
from .links import link_to_statements, statement_date
from .times import extract_times


def extract_report(parsed: ParsedReport, gazetteer: Gazetteer,
                   relations: Sequence[Relation] | None = None, rule_spans: bool = True) -> Extraction:
    """Mentions (geocoded), statements, quantities and times of one report, linked together.

    `relations` are the learned tagger's attributions for this text (None: the rule-based finder);
    `rule_spans` lets the syntactic finder's spans stand in where it reads the same cue.
    """
    mentions = geocode_mentions(extract_mentions(parsed), parsed, gazetteer)
    statements = extract_statements(parsed, mentions, relations=relations, rule_spans=rule_spans)
    found_times = extract_times(parsed)
    times = tuple(link_to_statements(found_times, statements))
    quantities = tuple(link_to_statements(extract_quantities(parsed, found_times), statements))
    statements = tuple(s if s.date else replace(s, date=statement_date(s, times)) for s in statements)
    return Extraction(mentions=tuple(mentions), statements=statements, quantities=quantities, times=times)
