"""Places of claims: the places (with coordinates) named inside a claim's statements, and the
offline map of them drawn by the brief's SVG map (report/svgmap.py, bundled country outlines)."""
from __future__ import annotations

import re

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from ..report.svgmap import MapPlace, main_cluster, render_map
from ..store.schema import ClaimRow, EntityRow, MentionRow, StatementRow
from .cache import Memo, store_version

PLACE_TYPES = ("GPE", "LOC", "FAC", "FACILITY")  # as the brief's place list


def claim_places(session: Session, claim_keys: list[str]) -> dict[str, list[dict]]:
    """claim key -> [{id, name, type, country, lat, lon, statements}] of the places (with coordinates)
    named inside its statements; `statements`: how many of them name it.  One query: statements
    joined to the mentions inside them (mentions are indexed by report)."""
    if not claim_keys:
        return {}
    rows = session.execute(
        select(StatementRow.claim_key, EntityRow.id, EntityRow.name, EntityRow.type, EntityRow.country,
               EntityRow.lat, EntityRow.lon, func.count(func.distinct(StatementRow.id)))
        .join(MentionRow, and_(MentionRow.document_id == StatementRow.document_id,
                               MentionRow.start >= StatementRow.start, MentionRow.end <= StatementRow.end))
        .join(EntityRow, EntityRow.key == MentionRow.entity_key)
        .where(StatementRow.claim_key.in_(claim_keys), EntityRow.type.in_(PLACE_TYPES), EntityRow.lat.is_not(None),
               EntityRow.lon.is_not(None))
        .group_by(StatementRow.claim_key, EntityRow.id, EntityRow.name, EntityRow.type, EntityRow.country,
                  EntityRow.lat, EntityRow.lon)).all()
    out: dict[str, list[dict]] = {}
    for claim_key, eid, name, type_, country, lat, lon, n in sorted(rows, key=lambda r: (r[0], r[2], r[1])):
        out.setdefault(claim_key, []).append({"id": f"e{eid}", "name": name, "type": type_, "country": country,
                                              "lat": lat, "lon": lon, "statements": n})
    return out


def places_map(session: Session, claim_ids: list[str], title: str = "Places of the claims",
               memo: Memo | None = None) -> dict:
    """{claims: [{id, summary, status, places}], places: [{id, name, lat, lon, claims}], svg, far}
    for the claims `claim_ids`; `svg` is the map (escaped by svgmap), `far` places too far off to draw."""
    nums = [int(c[1:]) for c in claim_ids if c[1:].isdigit()]
    rows = {r.id: r for r in session.scalars(select(ClaimRow).where(ClaimRow.id.in_(nums)))} if nums else {}
    claims = [rows[n] for n in nums if n in rows]
    if memo is None:
        found = claim_places(session, [c.key for c in claims])
    else:  # kept while the store is unchanged
        version = store_version(session)
        got = memo.many([(version, c.key) for c in claims],
                        lambda missing: {(version, k): v for k, v in claim_places(session, [k for _, k in missing]).items()})
        found = {k: v for (_, k), v in got.items() if v is not None}
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
