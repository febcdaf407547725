"""Places of claims: the places (with coordinates) named inside a claim's statements, and the
offline map of them drawn by the brief's SVG map (report/svgmap.py, bundled country outlines)."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..report.svgmap import MapPlace, main_cluster, render_map
from ..store.schema import ClaimRow, EntityRow, MentionRow, StatementRow

PLACE_TYPES = ("GPE", "LOC", "FAC", "FACILITY")  # as the brief's place list


def claim_places(session: Session, claim_keys: list[str]) -> dict[str, list[dict]]:
    """claim key -> [{id, name, type, country, lat, lon, statements}] of the places its statements name."""
    if not claim_keys:
        return {}
    sts = session.execute(select(StatementRow.id, StatementRow.document_id, StatementRow.start, StatementRow.end,
                                 StatementRow.claim_key).where(StatementRow.claim_key.in_(claim_keys))).all()
    docs = sorted({s.document_id for s in sts})
    mentions = session.execute(select(MentionRow.document_id, MentionRow.start, MentionRow.end, MentionRow.entity_key)
                               .where(MentionRow.document_id.in_(docs), MentionRow.entity_key.is_not(None))).all()
    keys = sorted({m.entity_key for m in mentions})
    places = {e.key: e for e in session.scalars(select(EntityRow).where(
        EntityRow.key.in_(keys), EntityRow.type.in_(PLACE_TYPES), EntityRow.lat.is_not(None),
        EntityRow.lon.is_not(None)))} if keys else {}
    by_doc: dict[int, list] = {}
    for m in mentions:
        if m.entity_key in places:
            by_doc.setdefault(m.document_id, []).append(m)
    found: dict[str, dict[str, set[str]]] = {}  # claim key -> place key -> statements
    for s in sts:
        for m in by_doc.get(s.document_id, ()):
            if m.start >= s.start and m.end <= s.end:
                found.setdefault(s.claim_key, {}).setdefault(m.entity_key, set()).add(f"s{s.id}")
    out: dict[str, list[dict]] = {}
    for claim_key, hits in found.items():
        out[claim_key] = [{"id": f"e{places[k].id}", "name": places[k].name, "type": places[k].type,
                           "country": places[k].country, "lat": places[k].lat, "lon": places[k].lon,
                           "statements": sorted(v, key=lambda x: int(x[1:]))}
                          for k, v in sorted(hits.items(), key=lambda kv: places[kv[0]].name)]
    return out


def places_map(session: Session, claim_ids: list[str], title: str = "Places of the claims") -> dict:
    """{claims: [{id, summary, status, places}], places: [{id, name, lat, lon, claims}], svg, far}
    for the claims `claim_ids`; `svg` is the map (escaped by svgmap), `far` places too far off to draw."""
    nums = [int(c[1:]) for c in claim_ids if c[1:].isdigit()]
    rows = {r.id: r for r in session.scalars(select(ClaimRow).where(ClaimRow.id.in_(nums)))} if nums else {}
    claims = [rows[n] for n in nums if n in rows]
    found = claim_places(session, [c.key for c in claims])
    places: dict[str, dict] = {}
    for c in claims:
        for p in found.get(c.key, []):
            entry = places.setdefault(p["id"], {**{k: p[k] for k in ("id", "name", "type", "country", "lat", "lon")},
                                                "claims": []})
            entry["claims"].append(f"c{c.id}")
    points = [MapPlace(p["name"], float(p["lat"]), float(p["lon"]), anchor="place-" + re.sub(r"\W", "-", p["id"]),
                       label=f"{p['name']} ({len(p['claims'])})", weight=len(p["claims"])) for p in places.values()]
    near, far = main_cluster(points)
    return {"claims": [{"id": f"c{c.id}", "summary": c.summary, "status": c.status, "places": found.get(c.key, [])}
                       for c in claims],
            "places": sorted(places.values(), key=lambda p: (-len(p["claims"]), p["name"])),
            "svg": render_map(near, title=title), "far": [p.name for p in far]}
