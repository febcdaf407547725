"""A synthetic store of N invented reports for load tests of the workbench (issue 11: a 5,000-report
store stays usable).

usage: python benchmarks/web_store.py --db OUT.db [--reports 5000] [--seed 11]

Rows are written straight through the store layer (the ORM tables of `newstrace.store.schema`, on a
store migrated by `Database`), not through the NLP pipeline, so a 5,000-report store takes a minute,
not hours.  The shape follows what ingest stores: each report has ~10 statements by speakers drawn
from a pool of people under organisations under countries, ~15 mentions (places with coordinates
among them), removals, a few figures; statements form claims of 1-40 statements (a few big stories,
many small ones) with stance toward the claim, stored vectors near their claim's centre, claim
status / origins / deniers as the analysis would store them; 5% of reports are copies of an
earlier one (relations).  Every word is invented.  Then `benchmarks/web_load.py --db OUT.db`.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newstrace.store.db import Database  # noqa: E402
from newstrace.store.schema import (ClaimRow, DocumentRow, EntityRow, FigureRow, MentionRow,  # noqa: E402
                                    RelationRow, RemovalRow, StatementRow)

SYLLABLES = "ka lo mi ren tas vor el una dri pel sen tor ga bel ist om rav quin del sar".split()
VERBS = ["held", "moved", "sent", "blocked", "inspected", "released", "seized", "delivered", "denied", "signed"]
NOUNS = ["ships", "crates", "convoys", "permits", "shipments", "trucks", "rail cars", "containers"]
CUES = ["said", "told reporters", "announced", "claimed", "stated"]
PLACES = [("Lisbon", 38.72, -9.14, "PT"), ("Oslo", 59.91, 10.75, "NO"), ("Tallinn", 59.44, 24.75, "EE"),
          ("Valletta", 35.90, 14.51, "MT"), ("Gdansk", 54.35, 18.65, "PL"), ("Riga", 56.95, 24.11, "LV"),
          ("Porto", 41.15, -8.61, "PT"), ("Bergen", 60.39, 5.32, "NO"), ("Split", 43.51, 16.44, "HR"),
          ("Varna", 43.21, 27.91, "BG")]
DIM = 384


def word(rng: random.Random, parts: int = 2) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def unit(v: np.ndarray) -> np.ndarray:
    return (v / np.linalg.norm(v)).astype(np.float32)


def build(db_path: str, n_reports: int, seed: int) -> dict:
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    db = Database(db_path)
    counts = {"reports": 0, "statements": 0, "mentions": 0, "claims": 0, "entities": 0, "figures": 0}
    with db.session() as s:
        # entities: countries > organisations > people, and places with coordinates
        countries = [EntityRow(key=f"e{i + 1}", name=word(rng, 3), type="GPE", aliases=[], roles=[], merges=[],
                               state={"mentions": 0}) for i in range(12)]
        s.add_all(countries)
        s.flush()
        orgs = [EntityRow(key=f"e{100 + i}", name=f"{word(rng)} Ministry", type="ORG", aliases=[], roles=[],
                          merges=[], parent=rng.choice(countries).key, state={"mentions": 0}) for i in range(60)]
        people = [EntityRow(key=f"e{1000 + i}", name=f"{word(rng)} {word(rng, 3)}", type="PERSON",
                            aliases=[], roles=["spokesperson"], merges=[], parent=rng.choice(orgs).key,
                            state={"mentions": 0}) for i in range(1500)]
        places = [EntityRow(key=f"e{5000 + i}", name=n, type="GPE", lat=la, lon=lo, country=c, aliases=[], roles=[],
                            merges=[], parent=None, state={"mentions": 0}) for i, (n, la, lo, c) in enumerate(PLACES)]
        s.add_all(orgs + people + places)
        s.flush()
        counts["entities"] = len(countries) + len(orgs) + len(people) + len(places)
        outlets = [f"{word(rng)} {rng.choice(['Courier', 'Wire', 'Daily', 'Post', 'Herald'])}" for _ in range(40)]

        # claims: a few big stories, many small ones (sizes follow a Zipf-like draw)
        n_claims = max(10, n_reports * 2)
        claim_rows = [ClaimRow(key=f"c{i + 1}", summary="", status="alleged", reasons=[], origins=[], evidence=[],
                               deniers=[]) for i in range(n_claims)]
        s.add_all(claim_rows)
        s.flush()
        # claims of one story lie near each other (cosine about 0.5), statements near their claim (about 0.75)
        stories = [unit(nrng.standard_normal(DIM)) for _ in range(max(1, n_claims // 20))]
        centres = [unit(stories[k % len(stories)] + nrng.standard_normal(DIM) / np.sqrt(DIM)) for k in range(n_claims)]
        claim_subject = [(rng.choice(VERBS), rng.choice(NOUNS), rng.choice(PLACES)[0]) for _ in range(n_claims)]
        weights = [1.0 / (k + 1) ** 0.9 for k in range(n_claims)]
        said: dict[int, list[tuple[str, str, str]]] = {}  # claim -> (origin, stance, date)
        docs: list[DocumentRow] = []
        next_sid = 0
        figures: list[FigureRow] = []  # added once their statements are written (no ORM link orders them)
        keys = {e.name: e.key for e in people}
        keys.update({p.name: p.key for p in places})
        place_names = {p[0] for p in PLACES}
        org_parent = {o.key: o.parent for o in orgs}
        country_id = {x.key: f"e{x.id}" for x in countries}
        for d in range(n_reports):
            day = f"2025-{1 + d * 12 // n_reports:02d}-{1 + rng.randrange(28):02d}"
            outlet = rng.choice(outlets)
            sentences, st_specs, ment_specs = [], [], []
            title = f"{word(rng)} officials {rng.choice(VERBS)} {rng.choice(NOUNS)} near {rng.choice(PLACES)[0]}"
            text = title + "\n\n"
            for k in range(10):
                c = rng.choices(range(n_claims), weights=weights)[0] if k < 8 else rng.randrange(n_claims)
                verb, noun, place = claim_subject[c]
                speaker = rng.choice(people)
                stance = rng.choices(["assert", "deny", "hedge"], weights=[80, 12, 8])[0]
                content = (f"{'no' if stance == 'deny' else 'about'} {rng.randrange(2, 400)} {noun} were {verb} "
                           f"at {place} by {word(rng)} inspectors")
                cue = rng.choice(CUES)
                sentence = f"{speaker.name} {cue} that {content}."
                start = len(text)
                text += sentence + " "
                st_specs.append((start, len(text) - 1, sentence, speaker, cue, content, stance, c))
                at = start + sentence.index(place)
                ment_specs.append((at, at + len(place), place))
                ment_specs.append((start, start + len(speaker.name), speaker.name))
                if k % 3 == 2:
                    text += "\n\n"
            doc = DocumentRow(id=d + 1, source=f"synthetic/{d:05d}.txt", content_hash=f"{d:064x}", fingerprint=f"{d:064x}",
                              title=title, outlet=outlet, published=day, published_from="metadata",
                              raw_text="Advertisement\n" + text, clean_text=text, offsets=[], sentence_keys=[])
            doc.removals = [RemovalRow(kind="boilerplate", start=0, end=14, text="Advertisement", reason="synthetic")]
            s.add(doc)
            docs.append(doc)
            for start, end, name in ment_specs:
                s.add(MentionRow(document_id=doc.id, entity_key=keys[name], text=name, name=name,
                                 label="GPE" if name in place_names else "PERSON",
                                 start=start, end=end, sentence=0))
            counts["mentions"] += len(ment_specs)
            for i, (start, end, sentence, speaker, cue, content, stance, c) in enumerate(st_specs):
                vec = unit(centres[c] + 0.6 * nrng.standard_normal(DIM) / np.sqrt(DIM))
                next_sid += 1
                row = StatementRow(id=next_sid, document_id=doc.id, sentence_index=i, sentence_text=sentence, start=start, end=end,
                                   speaker_text=speaker.name, speaker_name=speaker.name, speaker_label="PERSON",
                                   speaker_key=speaker.key, cue=cue, content=content, quote_type="indirect",
                                   stance=stance, hedges=[], spans={}, date=day, claim_key=claim_rows[c].key,
                                   claim_stance={"assert": "support", "deny": "deny", "hedge": "hedge"}[stance],
                                   embedding=vec.tobytes())
                s.add(row)
                origin = country_id[org_parent[speaker.parent]]
                said.setdefault(c, []).append((origin, row.claim_stance, day, outlet, doc.id))
                if i == 0:
                    figures.append(FigureRow(id=row.id, document_id=doc.id, statement_id=row.id, block="count:vessels:",
                                    measure="vessels", unit="ships", kind="count", counted="ships",
                                    text=content.split(" were")[0], low=float(content.split()[1]),
                                    high=float(content.split()[1]), refers_to=day[:7], refers_from="published",
                                    origin=origin, quantities=[], context=[], sentence=sentence))
                    counts["figures"] += 1
            counts["statements"] += len(st_specs)
            if d and rng.random() < 0.05:
                s.add(RelationRow(a=doc.id, b=rng.randrange(1, doc.id), kind=rng.choice(
                    ["exact", "near_duplicate", "syndicated", "shared_passage"]), similarity=0.9))
            if d % 500 == 499 or d == n_reports - 1:
                s.flush()
                s.add_all(figures)
                s.flush()
                figures.clear()
                print(f"  {d + 1} reports", flush=True)
        # claim analysis as it would be stored: origins, deniers, status, dates
        for c, row in enumerate(claim_rows):
            items = said.get(c)
            if not items:
                continue
            verb, noun, place = claim_subject[c]
            row.summary = f"that {noun} were {verb} at {place}"
            deny = sorted({o for o, st, *_ in items if st == "deny"})
            support = sorted({o for o, st, *_ in items if st != "deny"} - set(deny))
            row.origins, row.deniers = support, deny
            row.status = "disputed" if deny else "corroborated" if len(support) >= 2 else "alleged"
            row.reasons = [f"{row.status}: synthetic analysis"]
            row.outlets = len({x[3] for x in items})
            row.reports = len({x[4] for x in items})
            row.first_reported = min(x[2] for x in items)
            row.event_date = row.first_reported[:7]
            counts["claims"] += 1
    counts["reports"] = n_reports
    db.close()
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="the SQLite file to create (must not exist)")
    ap.add_argument("--reports", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args()
    if Path(args.db).exists():
        sys.exit(f"{args.db} exists; give a new path")
    t0 = time.perf_counter()
    counts = build(args.db, args.reports, args.seed)
    print(", ".join(f"{v} {k}" for k, v in counts.items()) + f" in {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
