"""The brief: a journalist-ready "what we know" document (Markdown or one self-contained HTML file)."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..model import (Ledger, LedgerClaim, LedgerDocument, LedgerEntity, LedgerFigure, LedgerFigureConflict,
                     LedgerSeries, LedgerStatement)
from ..resolve.evidence import MATERIAL_KINDS, sentence_spans, statement_evidence
from ..resolve.summaries import taken_from
from ..resolve.names import country_role
from ..resolve.origins import (dependent_documents, dependent_statements, independence_key, joint_origins,
                               origin_label, outlet_name, statement_origins, statement_parties)
from ..resolve.status import analyse_claims, claim_stance, is_government, origin_first_dates
from .svgmap import MapPlace, main_cluster, render_map

STATUS_ORDER = ("disputed", "corroborated", "alleged")
PLACE_TYPES = ("GPE", "LOC", "FAC", "FACILITY")
_MAX_SENTENCE = 320


@dataclass
class Ref:
    """A pointer to the report and sentence a line rests on: "[d3:s12]"."""

    key: str  # d3:s12 | d3:@120 | d3
    doc: LedgerDocument
    sentence: str

    @property
    def anchor(self) -> str:
        return "ref-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.key)


@dataclass
class _Refs:
    """Every reference the brief cites, in first-cited order (the sources section)."""

    items: dict[str, Ref] = field(default_factory=dict)

    def add(self, key: str, doc: LedgerDocument, sentence: str) -> Ref:
        if key not in self.items:
            self.items[key] = Ref(key, doc, _shorten(sentence))
        return self.items[key]


def _shorten(text: str, limit: int = _MAX_SENTENCE) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def render_brief(ledger: Ledger, fmt: str = "md", since: str | None = None) -> str:
    """The brief as Markdown (`fmt="md"`) or one self-contained HTML page (`fmt="html"`).

    `since` (YYYY-MM-DD) adds a "what changed" section: claims first reported after the date,
    claims whose second independent origin came after it, and origins new since then.
    """
    if fmt not in ("md", "html"):
        raise ValueError(f"unknown brief format {fmt!r} (md or html)")
    data = build_brief(ledger, since=since)
    md = fmt == "md"
    # Report text is untrusted: HTML autoescapes it; Markdown escapes every value it prints
    # (finalize) and only our own reference tags pass as Markup.
    env = Environment(loader=PackageLoader("newstrace.report", "templates"), undefined=StrictUndefined,
                      autoescape=not md, finalize=escape_markdown if md else None,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["link_url"] = markdown_link_url if md else http_url
    if md:
        env.globals["r"] = _markdown_ref
    return env.get_template(f"brief.{fmt}.j2").render(**data)


def escape_markdown(value: Any) -> Any:
    """A value as literal Markdown text: no HTML, links, emphasis or table cells break out of it."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    text = _SPACE_RUN.sub(" ", value)  # a newline in a value could open a new block
    # most values need no escape: a search first, and a function (not a template) where one does
    return _MD_SPECIAL.sub(_backslashed, text) if _MD_SPECIAL.search(text) else text


def _backslashed(m: re.Match[str]) -> str:
    return "\\" + m.group(0)


_SPACE_RUN = re.compile(r"\s+")


# Backslash-escaped punctuation is literal text in CommonMark (and in GFM tables, `\|`); `&` only
# where it would start an entity.
_MD_SPECIAL = re.compile(r"[\\`*_\[\]|#~!<>]|&(?=#?\w+;)")


def http_url(url: str | None) -> str:
    """`url` if it is an http(s) URL (the only links a brief makes), else ""."""
    if not url:
        return ""
    scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
    if scheme not in ("http", "https") or any(c in url for c in "\x00\n\r\t"):
        return ""
    return url


def markdown_link_url(url: str | None) -> Markup:
    """An http(s) URL made safe inside a Markdown autolink `<...>` (which takes no escapes), else ""."""
    url = http_url(url)
    return Markup(quote(url, safe=_URL_SAFE)) if url else Markup("")


_URL_SAFE = "/:?#[]@!$&'()*+,;=%-._~"


def _markdown_ref(ref: "Ref | None") -> Markup:
    """The Markdown reference tag `[d3:s12]` of a line (our own ids: nothing to escape)."""
    return Markup(f"[{ref.key}]") if ref else Markup("")


def build_brief(ledger: Ledger, since: str | None = None) -> dict[str, Any]:
    """The brief's content as plain data (what both templates render)."""
    if not ledger.analysed:  # a ledger built in memory; a stored one carries the analysis and hand-set statuses
        ledger = analyse_claims(ledger)
    b = _Builder(ledger)
    claims = sorted(ledger.claims, key=b.claim_rank)
    conflicts = list(ledger.figure_conflicts)  # decided and stored during ingest; the brief only reads them
    data: dict[str, Any] = {
        "title": "What we know",
        "n_reports": len(ledger.documents),
        "n_outlets": len({outlet_name(d).lower() for d in ledger.documents}),
        "period": b.period(),
        "story": b.story(claims),
        "claims_by_status": [(s, [b.claim_view(c) for c in claims if c.status == s]) for s in STATUS_ORDER],
        "denials": b.denials(),
        "conflicts": [b.conflict_view(c) for c in conflicts],
        "series": [b.series_view(s) for s in ledger.series],
        "events": b.events(),
        "reporting": b.reporting(),
        "actors": b.actors(),
        "places": [],
        "map_svg": "",
        "open_questions": b.open_questions(claims, conflicts),
        "since": since,
        "changes": b.changes(since) if since else [],
    }
    data["places"], data["map_svg"], data["off_map"] = b.places()
    data["sources"] = list(b.refs.items.values())
    return data


class _Builder:
    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.docs = {d.id: d for d in ledger.documents}
        self.entities = {e.id: e for e in ledger.entities}
        self.statements = {s.id: s for s in ledger.statements}
        self.figures = {f.id: f for f in ledger.figures}
        self.origins = statement_origins(ledger)
        self.joint = joint_origins(ledger)
        self.dependent = dependent_statements(ledger)
        self.copies = dependent_documents(ledger)
        self.refs = _Refs()
        self._by_date: list[LedgerDocument] | None = None
        self.by_claim: dict[str, list[LedgerStatement]] = {}
        for st in ledger.statements:
            if st.claim:
                self.by_claim.setdefault(st.claim, []).append(st)

    # ------------------------------------------------------------------ references
    def ref(self, st: LedgerStatement) -> Ref:
        doc = self.docs.get(st.document) or _blank_doc(st.document)
        return self.refs.add(f"{st.document}:{st.id}", doc, st.sentence)

    def ref_at(self, doc: LedgerDocument, start: int) -> Ref:
        for a, b in sentence_spans(doc.text):
            if a <= start < b:
                return self.refs.add(f"{doc.id}:@{a}", doc, doc.text[a:b])
        return self.refs.add(doc.id, doc, doc.title or "")

    def ref_doc(self, doc: LedgerDocument) -> Ref:
        return self.refs.add(doc.id, doc, doc.title or _first_sentence(doc))

    def published(self, doc_id: str) -> str:
        doc = self.docs.get(doc_id)
        return doc.published if doc and doc.published else "9999-99-99"

    # ------------------------------------------------------------------ claims
    def claim_rank(self, c: LedgerClaim) -> tuple:
        return (-len(c.origins), -c.outlets, -c.reports, c.first_reported or "9999", c.id)

    def members(self, c: LedgerClaim) -> list[LedgerStatement]:
        found = {s.id: s for s in self.by_claim.get(c.id, [])}
        found.update({s: self.statements[s] for s in c.statements if s in self.statements})
        return sorted(found.values(), key=lambda s: (self.published(s.document), s.document, s.start))

    def assertions(self, c: LedgerClaim) -> list[LedgerStatement]:
        """The claim's original (not copied) statements that assert or hedge it rather than deny it."""
        return [s for s in self.members(c) if not _is_denial(s) and s.id not in self.dependent]

    def _quote_order(self, c: LedgerClaim) -> Callable[[LedgerStatement], tuple]:
        """Sort key for the statement that speaks for a claim: the wording its summary was taken from
        (resolve/summaries.py), then not from an origin that also denies it, asserting before hedging,
        earliest report, attributed before unattributed."""
        denying = {independence_key(self.origins[s.id]) for s in self.members(c)
                   if _is_denial(s) and s.id not in self.dependent}
        return lambda s: (not taken_from(c.summary, s.content),
                          independence_key(self.origins[s.id]) in denying, claim_stance(s) != "support",
                          self.published(s.document), s.speaker is None, s.start)

    def best_statement(self, c: LedgerClaim) -> LedgerStatement | None:
        """The original statement that best speaks for a claim, in `_quote_order` (any member when every
        statement denies it or is a copy, so that the claim still has a reference)."""
        cands = self.assertions(c) or self.members(c)
        return min(cands, key=self._quote_order(c)) if cands else None

    def story_rank(self, c: LedgerClaim) -> tuple:
        """The story is what the reporting dwells on: the claims with the most original assertions,
        then the most outlets and origins (a claim relayed once by many voices ranks below one the
        reports keep returning to)."""
        return (-len(self.assertions(c)), -c.outlets, -len(c.origins), c.first_reported or "9999", c.id)

    def story(self, claims: list[LedgerClaim], n: int = 3) -> list[dict[str, Any]]:
        """The story in `n` lines: the most widely carried claims that someone asserts, each with who
        denies it."""
        lines = []
        for c in sorted(claims, key=self.story_rank):
            line = self.story_line(c)
            if line is not None:
                lines.append(line)
            if len(lines) == n:
                break
        return lines

    def story_line(self, c: LedgerClaim) -> dict[str, Any] | None:
        """One line of the story: the claim's best assertion, cited, and a cited note per denier.

        None for a claim that nobody asserts in an original report (denials only, or only copies):
        a denial is news only next to the allegation it answers.
        """
        cands = self.assertions(c)
        if not cands:
            return None
        st = min(cands, key=self._quote_order(c))
        return {"text": _shorten(st.sentence, 260), "ref": self.ref(st), "status": c.status, "claim": c.id,
                "denied_by": self.denied_by(c)}

    def denied_by(self, c: LedgerClaim, limit: int = 3) -> list[dict[str, Any]]:
        """Who denies a claim (its deniers that do not also assert it), each with their first denial."""
        first: dict[str, LedgerStatement] = {}
        for st in self.members(c):
            if _is_denial(st) and st.id not in self.dependent:
                for origin in statement_parties(st, self.origins, self.joint):  # each party of a joint denial
                    first.setdefault(independence_key(origin), st)
        out = []
        for origin in c.deniers[:limit]:
            st = first.get(independence_key(origin))
            if st is not None:
                out.append({"who": origin_label(origin, self.entities), "ref": self.ref(st)})
        return out

    def claim_view(self, c: LedgerClaim) -> dict[str, Any]:
        members = self.members(c)
        refs, seen_origins = [], set()
        for st in members:
            if st.id in self.dependent:
                continue
            origin = self.origins[st.id]
            if (origin, claim_stance(st)) not in seen_origins:
                seen_origins.add((origin, claim_stance(st)))
                refs.append(self.ref(st))
        joint = [{"who": self.speaker_name(st), "stance": claim_stance(st), "ref": self.ref(st)}
                 for st in members if st.co_speakers and st.id not in self.dependent]
        return {"id": c.id, "summary": c.summary, "status": c.status, "reasons": list(c.reasons),
                "origins": [origin_label(o, self.entities) for o in c.origins],
                "deniers": [origin_label(o, self.entities) for o in c.deniers],
                "outlets": c.outlets, "reports": c.reports,
                "evidence": list(c.evidence_reports) or self.evidence_reports(c, members),
                "first_reported": c.first_reported, "event_date": c.event_date, "refs": refs[:6],
                "joint": joint[:4]}

    def evidence_reports(self, c: LedgerClaim, members: list[LedgerStatement]) -> list[tuple[str, int]]:
        """(kind, reports describing it) for a claim whose stored analysis predates these counts
        (store migration 0008): read from its statements as the analysis does."""
        if not c.evidence:
            return []
        evidence: dict[str, set[str]] = {}
        for st in members:
            if st.id in self.dependent or claim_stance(st) == "deny":
                continue
            official = is_government(self.origins[st.id], self.entities)
            for kind in statement_evidence(st, self.docs.get(st.document), official):
                evidence.setdefault(kind, set()).add(st.document)
        return [(k, len(evidence.get(k, ()))) for k in c.evidence]

    def denials(self) -> list[dict[str, Any]]:
        out = []
        summaries = {c.id: c.summary for c in self.ledger.claims}
        for st in sorted(self.ledger.statements, key=lambda s: (self.published(s.document), s.start)):
            if st.id in self.dependent or (claim_stance(st) != "deny" and st.stance != "deny"):
                continue
            out.append({"who": self.speaker_name(st), "origin": origin_label(self.origins[st.id], self.entities),
                        "content": _shorten(st.content or st.sentence, 240), "cue": st.cue,
                        "claim": summaries.get(st.claim or "", None), "ref": self.ref(st),
                        "date": (self.docs.get(st.document).published if self.docs.get(st.document) else None)})
        return out

    def speaker_name(self, st: LedgerStatement) -> str:
        """Who made a statement, by name: every party of a joint statement ("Ruritania and Borduria")."""
        entity = self.entities.get(st.speaker) if st.speaker else None
        if entity is None:
            return st.speaker_text or f"{outlet_name(self.docs.get(st.document))} (unattributed)"
        names = [entity.name] + [self.entities[e].name for e in st.co_speakers if e in self.entities]
        names = list(dict.fromkeys(names))
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    # ------------------------------------------------------------------ figures
    def figures_of(self, ids: tuple[str, ...]) -> list[LedgerFigure]:
        return [self.figures[f] for f in ids if f in self.figures]

    def figure_ref(self, f: LedgerFigure) -> Ref:
        """The reference of a figure: its statement, else its sentence in its report."""
        if f.statement in self.statements:
            return self.ref(self.statements[f.statement])
        doc = self.docs.get(f.document) or _blank_doc(f.document)
        return self.refs.add(f"{doc.id}:@{_find(doc.text, f.sentence)}", doc, f.sentence)

    def conflict_view(self, c: LedgerFigureConflict) -> dict[str, Any]:
        """One row per origin and value (its relays and copies as outlets and references of that row)."""
        rows: dict[tuple[str, float, float], dict[str, Any]] = {}
        for f in self.figures_of(c.figures):
            doc = self.docs.get(f.document)
            row = rows.setdefault((independence_key(f.origin), f.low, f.high), {
                "text": f.text, "value": _value(f.low, f.high), "origin": origin_label(f.origin, self.entities),
                "outlets": [], "dates": [], "refs": []})
            if outlet_name(doc) not in row["outlets"]:
                row["outlets"].append(outlet_name(doc))
            if doc is not None and doc.published and doc.published not in row["dates"]:
                row["dates"].append(doc.published)
            row["refs"].append(self.figure_ref(f))
        return {"measure": c.measure, "unit": c.unit, "period": c.period, "reason": c.reason,
                "rows": list(rows.values())}

    def series_view(self, s: LedgerSeries) -> dict[str, Any]:
        """A series as dated points, one per figure an original report gives."""
        points = []
        for f in self.figures_of(s.figures):
            points.append({"date": f.refers_to, "value": _value(f.low, f.high), "text": f.text,
                           "origin": origin_label(f.origin, self.entities),
                           "outlet": outlet_name(self.docs.get(f.document)), "ref": self.figure_ref(f)})
        return {"measure": s.measure, "unit": s.unit, "trend": s.trend, "cumulative": s.cumulative,
                "periods": list(s.periods), "points": points}

    # ------------------------------------------------------------------ timelines
    def events(self) -> list[dict[str, Any]]:
        """Reported events: dates statements give for what they report (one row per date and claim)."""
        times: dict[str, list[str]] = {}
        for t in self.ledger.times:
            if t.statement:
                times.setdefault(t.statement, []).append(t.value)
        summaries = {c.id: c.summary for c in self.ledger.claims}
        rows: dict[tuple[str, str], dict[str, Any]] = {}
        for st in sorted(self.ledger.statements, key=lambda s: (self.published(s.document), s.start)):
            if st.id in self.dependent:
                continue
            for value in ([st.date] if st.date else times.get(st.id, [])):
                what = summaries.get(st.claim or "") or _shorten(st.content or st.sentence, 160)
                key = (value, st.claim or what)
                if key not in rows:
                    rows[key] = {"date": value, "what": what, "who": self.speaker_name(st),
                                 "stance": claim_stance(st), "ref": self.ref(st)}
        return sorted(rows.values(), key=lambda r: (r["date"], r["what"]))[:40]

    def reporting(self) -> list[dict[str, Any]]:
        firsts: dict[str, list[str]] = {}
        for c in self.ledger.claims:
            members = [s for s in self.members(c) if s.id not in self.dependent]
            if members:
                firsts.setdefault(members[0].document, []).append(c.id)
        copy_of = {}
        for rel in self.ledger.relations:
            if rel.a in self.copies:
                copy_of[rel.a] = rel.b
            elif rel.b in self.copies:
                copy_of[rel.b] = rel.a
        rows = []
        for d in sorted(self.ledger.documents, key=lambda d: (d.published or "9999", d.id)):
            rows.append({"date": d.published, "date_from": d.published_from, "outlet": outlet_name(d),
                         "title": d.title or _first_sentence(d), "url": d.url, "new_claims": firsts.get(d.id, []),
                         "copy_of": copy_of.get(d.id), "ref": self.ref_doc(d)})
        return rows

    def period(self) -> str:
        dates = sorted(d.published for d in self.ledger.documents if d.published)
        if not dates:
            return "undated reports"
        return dates[0] if dates[0] == dates[-1] else f"{dates[0]} to {dates[-1]}"

    # ------------------------------------------------------------------ actors and places
    def actors(self) -> list[dict[str, Any]]:
        stances: dict[str, Counter[str]] = {}
        first: dict[str, LedgerStatement] = {}
        for st in self.ledger.statements:
            if not st.speaker or st.speaker not in self.entities or st.id in self.dependent:
                continue
            for eid in dict.fromkeys((st.speaker, *st.co_speakers)):  # each party of a joint statement speaks
                if eid in self.entities:
                    stances.setdefault(eid, Counter())[claim_stance(st)] += 1
                    first.setdefault(eid, st)
        rows = []
        for eid, counts in sorted(stances.items(), key=lambda kv: (-sum(kv[1].values()), self.entities[kv[0]].name)):
            e = self.entities[eid]
            rows.append({"name": e.name, "type": e.type, "roles": list(e.roles), "chain": self.chain(e),
                         "statements": sum(counts.values()), "asserts": counts["support"],
                         "denies": counts["deny"], "hedges": counts["hedge"], "ref": self.ref(first[eid])})
        return rows[:15]

    def chain(self, e: LedgerEntity) -> list[str]:
        out, seen, cur = [], {e.id}, e
        while cur.parent and cur.parent in self.entities and cur.parent not in seen:
            cur = self.entities[cur.parent]
            seen.add(cur.id)
            out.append(cur.name)
        return out

    def places(self) -> tuple[list[dict[str, Any]], str, list[str]]:
        """The place rows, the map of the main area, and the places too far off to draw. A place
        weighs one plus the claim statements naming it, so the map centres on where the claims are
        (the supply route), not on the places named in passing."""
        rows, points = [], []
        places = [e for e in sorted(self.ledger.entities, key=lambda e: e.name)
                  if e.type in PLACE_TYPES and e.lat is not None and e.lon is not None]
        named_in_claims = self.claim_mentions(places)
        for e in places:
            ref = self.place_ref(e)
            anchor = "place-" + re.sub(r"[^A-Za-z0-9_-]", "-", e.id)
            rows.append({"name": e.name, "lat": e.lat, "lon": e.lon, "country": e.country, "type": e.type,
                         "anchor": anchor, "ref": ref})
            points.append(MapPlace(e.name, float(e.lat), float(e.lon), anchor=anchor,
                                   weight=1.0 + named_in_claims.get(e.id, 0)))
        near, far = main_cluster(points)
        return rows, render_map(near), [p.name for p in far]

    def claim_mentions(self, places: list[LedgerEntity]) -> dict[str, int]:
        """place id -> claim statements naming it, for towns, ports and sites (a country sits at its
        capital and a region has no one spot, so they do not count).  One pass of one pattern over
        the statements."""
        by_name: dict[str, str] = {}
        for e in places:
            if e.country and not any(country_role(n) for n in (e.name, *e.aliases)):
                for n in (e.name, *e.aliases):
                    if len(n) > 2:
                        by_name.setdefault(_bare(n), e.id)
        if not by_name:
            return {}
        names = sorted(by_name, key=len, reverse=True)
        pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in names) + r")(?!\w)")
        counts: dict[str, int] = {}
        for st in self.ledger.statements:
            if st.claim:
                for place in {by_name[m] for m in pattern.findall(_bare(st.sentence))}:
                    counts[place] = counts.get(place, 0) + 1
        return counts

    def place_ref(self, e: LedgerEntity) -> Ref | None:
        names = sorted({e.name, *e.aliases}, key=lambda n: (-len(n), n))  # ties in a fixed order, not a set's
        patterns = [(name, re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")) for name in names]
        for d in self.documents_by_date():
            for name, pattern in patterns:
                m = pattern.search(d.text) if name in d.text else None  # a substring test first: most reports lack it
                if m:
                    return self.ref_at(d, m.start())
        return None

    def documents_by_date(self) -> list[LedgerDocument]:
        """The reports, earliest first (undated last), sorted once per brief."""
        if self._by_date is None:
            self._by_date = sorted(self.ledger.documents, key=lambda d: (d.published or "9999", d.id))
        return self._by_date

    # ------------------------------------------------------------------ questions and changes
    def open_questions(self, claims: list[LedgerClaim], conflicts: list[LedgerFigureConflict]) -> list[dict[str, Any]]:
        out = []
        for c in claims:
            st = self.best_statement(c)
            if st is None:
                continue
            supporting = [o for o in c.origins]
            if len(supporting) <= 1:
                who = origin_label(supporting[0], self.entities) if supporting else "no named origin"
                out.append({"kind": "single origin", "text": f"{c.summary} — rests on one origin only ({who}).",
                            "ref": self.ref(st)})
            if not any(k in MATERIAL_KINDS for k in c.evidence):
                out.append({"kind": "no public evidence",
                            "text": f"{c.summary} — no imagery, documents, physical evidence or named expert "
                                    f"is described; it rests on statements.", "ref": self.ref(st)})
        for conflict in conflicts:
            values = " vs ".join(dict.fromkeys(_value(f.low, f.high) for f in self.figures_of(conflict.figures)))
            out.append({"kind": "conflicting figures",
                        "text": f"How many {conflict.measure} in {conflict.period}? ({values})",
                        "ref": None})
        return out

    def changes(self, since: str) -> list[dict[str, Any]]:
        first_dates = origin_first_dates(self.ledger)
        out = []
        for c in sorted(self.ledger.claims, key=lambda c: c.first_reported or "9999"):
            st = self.best_statement(c)
            if st is None:
                continue
            dates = sorted(d for d in first_dates.get(c.id, {}).values() if d)
            if c.first_reported and c.first_reported > since:
                out.append({"kind": "new claim", "date": c.first_reported, "text": c.summary, "ref": self.ref(st)})
                continue
            if len(dates) >= 2 and dates[1] > since:
                out.append({"kind": "status change", "date": dates[1],
                            "text": f"{c.summary} — its second independent origin came on {dates[1]} "
                                    f"(now {c.status})", "ref": self.ref(st)})
            for key, date in first_dates.get(c.id, {}).items():
                if date and date > since and (len(dates) < 2 or date != dates[1]):
                    origin_st = self.origin_statement(c, key)
                    out.append({"kind": "new origin", "date": date,
                                "text": f"{c.summary} — now also from {self.origin_name(key, origin_st)}",
                                "ref": self.ref(origin_st or st)})
        return sorted(out, key=lambda r: (r["date"] or "", r["kind"]))

    def origin_statement(self, c: LedgerClaim, key: str) -> LedgerStatement | None:
        for st in self.members(c):
            if st.id not in self.dependent and independence_key(self.origins[st.id]) == key:
                return st
        return None

    def origin_name(self, key: str, st: LedgerStatement | None) -> str:
        return origin_label(self.origins[st.id], self.entities) if st else key


def _is_denial(st: LedgerStatement) -> bool:
    """A statement that denies: toward its claim, or in its own words ("X denied that ...")."""
    return claim_stance(st) == "deny" or st.stance == "deny"


def _bare(text: str | None) -> str:
    """Text with its whitespace collapsed and edge quotes and commas cut."""
    return " ".join((text or "").split()).strip(" \"'\u201c\u201d,")


def _blank_doc(doc_id: str) -> LedgerDocument:
    return LedgerDocument(id=doc_id, source="", title=None, outlet=None, published=None, published_from="none",
                          text="")


def _first_sentence(doc: LedgerDocument) -> str:
    spans = sentence_spans(doc.text)
    return doc.text[spans[0][0]:spans[0][1]] if spans else ""


def _find(text: str, sentence: str) -> int:
    pos = text.find(sentence)
    return max(pos, 0)


def _value(low: float, high: float) -> str:
    if high == math.inf:
        return f"{low:,.0f}+"
    if low == high:
        return f"{low:,.0f}"
    return f"{low:,.0f}–{high:,.0f}"
