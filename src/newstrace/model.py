"""The typed model every stage shares: reports as read, cleaned, parsed and annotated.

Data flows one way: ingest -> clean -> extract (per report, pure) -> resolve (across reports)
-> store -> report.  Every stage reads and returns these frozen dataclasses; only
`extract/nlp.py` touches spaCy and converts its output to `ParsedReport` once.

Offsets: `RawReport.text` is the original text as read (for a .txt file, the file decoded as
UTF-8; for HTML, the main text trafilatura extracted).  `CleanReport.text` is what every later
stage reads; `OffsetMap` turns cleaned offsets back into original offsets, so every span shown
to a user can be found in what was ingested.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from functools import cached_property

Span = tuple[int, int]  # [start, end) character offsets


# --------------------------------------------------------------------------- ingest
@dataclass(frozen=True)
class RawReport:
    """One report as an ingest reader produced it, before cleaning."""

    source: str  # path or URL as ingested (for a WARC/feed/JSONL: "container#member")
    text: str  # original text; every exported span refers to it
    title: str | None = None
    outlet: str | None = None
    author: str | None = None
    url: str | None = None  # canonical URL when known
    published: str | None = None  # YYYY-MM-DD
    published_from: str = "none"  # metadata | html | text | none
    media_type: str = "text/plain"  # text/plain, text/markdown, text/html, application/json ...
    site: str | None = None
    extra: tuple[tuple[str, str], ...] = ()  # other sidecar fields (via, language_note, ...)


@dataclass(frozen=True)
class IngestProblem:
    """An input that could not be read; stored and shown, never raised through a batch."""

    source: str
    code: str  # stable error code, see errors.py
    message: str


# --------------------------------------------------------------------------- clean
@dataclass(frozen=True)
class OffsetMap:
    """Maps offsets in cleaned text back to offsets in the original text.

    `runs` are (clean_start, orig_start, length) triples, sorted by clean_start, for stretches
    copied unchanged; characters between runs were inserted or replaced by cleaning and map to
    the nearest original position before them.
    """

    runs: tuple[tuple[int, int, int], ...]
    clean_length: int = 0

    @classmethod
    def identity(cls, length: int) -> "OffsetMap":
        return cls(((0, 0, length),), length)

    def to_original(self, pos: int) -> int:
        """Original offset of the cleaned character at `pos` (pos == len maps past the end)."""
        if not self.runs:
            return pos
        starts = [r[0] for r in self.runs]
        k = bisect.bisect_right(starts, pos) - 1
        if k < 0:
            return self.runs[0][1]
        cs, os_, n = self.runs[k]
        if pos < cs + n:
            return os_ + (pos - cs)
        return os_ + n  # inserted/replaced text: the position just after the previous run

    def span_to_original(self, start: int, end: int) -> Span:
        """[start, end) in cleaned text -> [start, end) in the original text."""
        if end <= start:
            o = self.to_original(start)
            return (o, o)
        return (self.to_original(start), self.to_original(end - 1) + 1)


@dataclass(frozen=True)
class Removal:
    """A stretch of the original text that cleaning took out, and why."""

    kind: str  # donation | subscription | app_promo | related | comments | share | photo_credit
    #            | caption_repeat | social_handle | navigation | title_repeat | boilerplate
    start: int  # original offsets
    end: int
    text: str
    reason: str  # the features or lexicon entry that decided it


@dataclass(frozen=True)
class Repair:
    """A change cleaning made inside kept text (fused words split, mojibake fixed)."""

    kind: str  # fused_word | run_on | unicode | quotes | whitespace
    start: int  # original offsets of the text changed
    end: int
    before: str
    after: str


@dataclass(frozen=True)
class CleanReport:
    raw: RawReport
    text: str
    offsets: OffsetMap
    removals: tuple[Removal, ...] = ()
    repairs: tuple[Repair, ...] = ()
    fingerprint: str = ""  # sha256 of the normalised cleaned text (exact-duplicate key)
    paragraphs: tuple[Span, ...] = ()  # cleaned-text spans of paragraphs (blank-line or line breaks)


# --------------------------------------------------------------------------- parse
@dataclass(frozen=True)
class Token:
    i: int
    text: str
    start: int  # cleaned-text offsets
    end: int
    lemma: str
    pos: str
    tag: str
    dep: str
    head: int  # index of the head token (itself for a root)
    ent_type: str  # "" when outside an entity
    ent_iob: str  # B | I | O
    sent: int  # sentence index
    like_num: bool = False
    is_punct: bool = False


@dataclass(frozen=True)
class Sentence:
    i: int
    start: int  # cleaned-text offsets
    end: int
    token_start: int
    token_end: int  # exclusive
    paragraph: int


@dataclass(frozen=True)
class EntitySpan:
    label: str
    start: int  # cleaned-text offsets
    end: int
    token_start: int
    token_end: int  # exclusive
    text: str


@dataclass(frozen=True)
class ParsedReport:
    """The parse of one cleaned report: what spaCy gave, in our own types."""

    text: str
    published: str | None  # YYYY-MM-DD, the anchor for relative dates
    tokens: tuple[Token, ...]
    sentences: tuple[Sentence, ...]
    entities: tuple[EntitySpan, ...]
    noun_chunks: tuple[tuple[int, int], ...] = ()  # token [start, end) of base noun phrases

    @cached_property
    def token_starts(self) -> list[int]:
        """Start offset of every token (for bisecting a character offset to its token)."""
        return [t.start for t in self.tokens]

    def sentence_of(self, token_i: int) -> Sentence:
        return self.sentences[self.tokens[token_i].sent]

    def sentence_text(self, s: Sentence) -> str:
        return self.text[s.start:s.end]


# --------------------------------------------------------------------------- extract
@dataclass(frozen=True)
class Mention:
    """A name found in one report, before resolution across reports."""

    text: str  # as written
    name: str  # cleaned name: titles/ranks stripped, possessive removed
    label: str  # PERSON | ORG | GPE | LOC | FAC | NORP | WEAPON | VESSEL | FACILITY | MEDIA
    start: int  # cleaned-text offsets
    end: int
    sentence: int
    role: str | None = None  # descriptor kept as attribute: "Transport Ministry spokeswoman"
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO country code for places
    origin: str = "model"  # model | gazetteer | rule


@dataclass(frozen=True)
class CoSpeaker:
    """Another party to a joint statement ("Ruritania and Borduria said", "the foreign ministers of
    X and Y said"): resolved within the report like the main speaker, and an origin of its own."""

    text: str  # the conjunct as written ("Borduria", "the Bordurian Defence Ministry")
    name: str  # resolved within the report
    label: str | None  # PERSON | ORG | GPE | ... of the resolved party
    mention: int | None  # index into Extraction.mentions, like Statement.speaker_mention


@dataclass(frozen=True)
class Statement:
    """One attribution: who said what, how, how sure."""

    sentence: int  # index of the (first) sentence
    sentence_text: str  # the sentence(s) holding the statement
    start: int  # cleaned-text span covering the whole statement
    end: int
    speaker_text: str  # as written ("he", "people close to the talks", "" when no source)
    speaker_name: str | None  # resolved within the report ("Maria Olsen"); None = unnamed / none
    speaker_label: str | None  # PERSON | ORG | GPE | MEDIA | ... of the resolved speaker
    speaker_mention: int | None  # index into Extraction.mentions of the resolved speaker
    cue: str
    content: str
    quote_type: str  # direct | indirect | mixed | according_to | nominal | passive
    stance: str  # assert | deny | hedge
    hedges: tuple[str, ...] = ()
    cited_source: str | None = None  # "people close to the talks" cited by the speaker
    speaker_spans: tuple[Span, ...] = ()  # cleaned-text offsets
    cue_spans: tuple[Span, ...] = ()
    content_spans: tuple[Span, ...] = ()
    date: str | None = None  # ISO date of what the statement reports, when the sentence gives one
    # The attribution relation this statement belongs to, as (speaker, cue, content) spans, when it
    # is one sentence of a longer quotation: the ledger keeps one statement (one proposition, one
    # stance, one claim) per sentence, while the relation spans the whole quotation (PolNeAR's unit).
    relation: tuple[tuple[Span, ...], tuple[Span, ...], tuple[Span, ...]] | None = None
    # the other parties when the source is a coordination ("A and B said"): the speaker_* fields
    # hold the first party, these the rest (never an apposition, "A, B's spokesman", or a conjunct
    # without a name, "A and his aides")
    co_speakers: tuple[CoSpeaker, ...] = ()


@dataclass(frozen=True)
class Quantity:
    text: str
    start: int
    end: int
    values: tuple[float, ...]
    unit: str  # "crates", "mm", "km", "USD", "%", "men" ...
    kind: str = "count"  # count | money | percent | distance | calibre | rate | multiplier
    approximate: bool = False
    qualifier: str | None = None  # about | as many as | at least | more than | approximately ...
    is_range: bool = False
    per: str | None = None  # rate period: day | week | month | year
    statement: int | None = None  # index into Extraction.statements


@dataclass(frozen=True)
class TimeExpr:
    text: str
    start: int
    end: int
    value: str  # ISO with true precision: 2022-11-20 | 2022-11 | 2022 | 2022-W47
    precision: str  # day | week | month | season | year | range
    modifier: str | None = None  # early | mid | late | recent | approx
    statement: int | None = None


@dataclass(frozen=True)
class Extraction:
    """Everything the per-report stage found in one report."""

    mentions: tuple[Mention, ...] = ()
    statements: tuple[Statement, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    times: tuple[TimeExpr, ...] = ()
    published: str | None = None  # inferred publication date when the report had none
    published_from: str | None = None


@dataclass(frozen=True)
class ProcessedReport:
    """One report after the per-report stage: as read, cleaned, and what extraction found."""

    raw: RawReport
    clean: CleanReport
    extraction: Extraction
    published: str | None  # from metadata, the page, or inferred from the text
    published_from: str  # metadata | html | text | none
    # claim-matching text -> its unit vector as float32 bytes, computed in the per-report stage so
    # the single writer need not run the sentence encoder (it encodes whatever is missing here)
    claim_vectors: tuple[tuple[str, bytes], ...] = ()


# --------------------------------------------------------------------------- resolve
@dataclass(frozen=True)
class Merge:
    """Why two surface forms were resolved to one entity (so a user can undo it)."""

    alias: str
    into: str
    rule: str  # exact | surname | spelling | acronym | typo | place_alias | role
    evidence: str


@dataclass(frozen=True)
class DuplicateRelation:
    """Report `a` repeats report `b` (exact, near-duplicate or syndicated copy)."""

    a: str  # document ids
    b: str
    kind: str  # exact | near_duplicate | syndicated | shared_passage
    similarity: float


# --------------------------------------------------------------------------- ledger
# The resolved view across reports: what the store holds after resolution, what the export
# writes (EXPORT.md contract plus extra fields) and what the brief renders.
@dataclass(frozen=True)
class LedgerDocument:
    id: str
    source: str
    title: str | None
    outlet: str | None
    published: str | None
    published_from: str
    text: str  # cleaned text: statement start/end refer to it
    url: str | None = None
    author: str | None = None
    removals: tuple[Removal, ...] = ()


@dataclass(frozen=True)
class LedgerEntity:
    id: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    roles: tuple[str, ...] = ()
    country: str | None = None
    merges: tuple[Merge, ...] = ()
    parent: str | None = None  # institution this entity belongs to (Maria Olsen -> Transport Ministry -> Ruritania)


@dataclass(frozen=True)
class LedgerStatement:
    id: str
    document: str
    sentence: str
    sentence_index: int
    speaker: str | None  # entity id
    speaker_text: str
    cue: str
    stance: str
    content: str
    start: int
    end: int
    quote_type: str
    hedges: tuple[str, ...] = ()
    cited_source: str | None = None
    claim: str | None = None
    claim_stance: str | None = None  # support | deny | hedge toward its claim
    date: str | None = None
    spans: dict[str, list[list[int]]] = field(default_factory=dict)  # original offsets
    co_speakers: tuple[str, ...] = ()  # entity ids of the other parties to a joint statement


@dataclass(frozen=True)
class LedgerQuantity:
    document: str
    text: str
    values: tuple[float, ...]
    unit: str
    kind: str
    approximate: bool
    is_range: bool
    qualifier: str | None = None
    per: str | None = None
    statement: str | None = None
    start: int = 0
    end: int = 0
    id: str = ""  # "q12": the stored quantity (a figure read from it keeps its number, "f12")


@dataclass(frozen=True)
class LedgerTime:
    document: str
    text: str
    value: str
    precision: str
    modifier: str | None = None
    statement: str | None = None
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class LedgerClaim:
    id: str
    summary: str
    statements: tuple[str, ...]
    status: str = "alleged"  # alleged | corroborated | disputed
    reasons: tuple[str, ...] = ()
    origins: tuple[str, ...] = ()  # entity ids (or "unnamed:<outlet>") of independent origins
    outlets: int = 0
    reports: int = 0
    evidence: tuple[str, ...] = ()  # satellite imagery | intelligence assessment | ...
    deniers: tuple[str, ...] = ()  # entity ids
    first_reported: str | None = None
    event_date: str | None = None
    # (kind, reports describing it) for each kind of `evidence`, in its order: what the brief prints
    evidence_reports: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class LedgerFigure:
    """A quantity read as a figure: what it counts, the values it allows, when it holds, who gives it."""

    id: str  # "f12": read from quantity q12 (and, for an either/or estimate, the quantities merged into it)
    document: str
    text: str  # as written; an either/or estimate spans both numbers ("1,000 containers, or 2,000")
    block: str  # kind:family:per — figures are only compared within one block ("count:containers:")
    measure: str  # the family of what is counted ("containers")
    unit: str  # the counted noun as written ("shipping containers")
    kind: str  # count | money | ...
    counted: str  # what is counted, as written: the unit and its "of" phrase ("containers of artillery shells")
    low: float
    high: float  # math.inf for an open upper bound ("more than 20")
    is_range: bool  # a range or an either/or estimate in one sentence
    refers_to: str | None  # ISO date (its precision) the figure holds for
    refers_from: str  # text (a date in its sentence) | published (as of its report) | none
    origin: str  # origin id (resolve/origins.py)
    statement: str | None = None
    quantities: tuple[str, ...] = ()  # "q12", ...
    cumulative: bool = False  # a running total ("so far", "since January", "to date")
    copy: bool = False  # printed in a report that repeats an earlier one: adds no origin
    claim: str | None = None
    context: tuple[str, ...] = ()  # content words of its sentence (what decides that two figures count the same thing)
    sentence: str = ""
    series: str | None = None  # id of the series it belongs to


@dataclass(frozen=True)
class LedgerSeries:
    """Reports of one quantity over time: figures of one measure, related by context, at two or more dates."""

    id: str  # "fs12": keyed by its earliest figure
    block: str
    measure: str
    unit: str
    figures: tuple[str, ...]  # in date order
    periods: tuple[str, ...]  # the distinct dates (month or year) it covers, in order
    trend: str  # rising | falling | steady | mixed
    cumulative: bool = False


@dataclass(frozen=True)
class LedgerFigureConflict:
    """Different values for one quantity at one time from different independent origins."""

    id: str  # "fc12-2025-02": keyed by its first figure and period
    block: str
    measure: str
    unit: str
    period: str  # YYYY-MM or YYYY the figures hold for
    figures: tuple[str, ...]  # one per origin and value (copies and relays folded into the first)
    origins: tuple[str, ...]
    reason: str
    series: str | None = None


@dataclass(frozen=True)
class LedgerDecision:
    """A correction made by a person (workbench), honoured by every later ingest until undone."""

    id: int
    kind: str  # merge_entities | split_entity | set_speaker | set_stance | move_statement | set_claim_status
    payload: dict
    author: str
    note: str
    created_at: str | None
    undone_at: str | None = None
    undone_by: str | None = None


@dataclass(frozen=True)
class Ledger:
    documents: tuple[LedgerDocument, ...] = ()
    entities: tuple[LedgerEntity, ...] = ()
    statements: tuple[LedgerStatement, ...] = ()
    claims: tuple[LedgerClaim, ...] = ()
    quantities: tuple[LedgerQuantity, ...] = ()
    times: tuple[LedgerTime, ...] = ()
    relations: tuple[DuplicateRelation, ...] = ()
    figures: tuple[LedgerFigure, ...] = ()
    series: tuple[LedgerSeries, ...] = ()
    figure_conflicts: tuple[LedgerFigureConflict, ...] = ()
    decisions: tuple[LedgerDecision, ...] = ()
    # True when read from a store: each claim's status, origins, evidence and deniers are the stored
    # analysis (hand-set statuses included), which readers show as they are and never recompute
    analysed: bool = False
