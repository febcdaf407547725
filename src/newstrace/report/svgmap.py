"""An offline place map: inline SVG of place points over bundled low-resolution country outlines."""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from typing import Sequence

from ..resources import resource_path

OUTLINES = "country_outlines.json"  # Natural Earth 1:110m admin-0, rounded to 0.1 degree
KM_PER_DEGREE = 111.2


@dataclass(frozen=True)
class MapPlace:
    name: str
    lat: float
    lon: float
    label: str = ""  # text shown beside the point (defaults to the name)
    anchor: str = ""  # id of an element to link the point to (e.g. the place's row)
    weight: float = 1.0  # how much the place matters to the story (the map centres on the heaviest area)


@lru_cache(maxsize=None)
def load_outlines() -> tuple[tuple[str, tuple[tuple[tuple[float, float], ...], ...]], ...]:
    """(country name, rings of (lon, lat)) for every bundled outline."""
    with open(resource_path(OUTLINES), encoding="utf-8") as f:
        data = json.load(f)
    return tuple((c["name"], tuple(tuple((p[0], p[1]) for p in ring) for ring in c["rings"]))
                 for c in data["countries"])


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, a)))


def main_cluster(places: Sequence[MapPlace], radius_km: float = 2500.0) -> tuple[list[MapPlace], list[MapPlace]]:
    """(the places around the heaviest spot, far-off places) so one distant capital does not shrink
    the map: the centre is the place with the greatest summed weight within `radius_km` (quadratic in
    the places of one brief, a few dozen)."""
    if len(places) <= 2:
        return list(places), []

    def around(c: MapPlace) -> list[MapPlace]:
        return [p for p in places if distance_km(p.lat, p.lon, c.lat, c.lon) <= radius_km]

    near = max((around(c) for c in places), key=lambda group: (sum(p.weight for p in group), len(group)))
    if len(near) < 2:
        return list(places), []
    return near, [p for p in places if p not in near]


def _view(places: Sequence[MapPlace], min_span: float = 6.0) -> tuple[float, float, float, float]:
    """(west, south, east, north) around the places with a margin, at least `min_span` degrees tall."""
    south, north = min(p.lat for p in places), max(p.lat for p in places)
    west, east = min(p.lon for p in places), max(p.lon for p in places)
    pad_lat = max((north - south) * 0.15, 1.0)
    pad_lon = max((east - west) * 0.15, 1.0)
    south, north, west, east = south - pad_lat, north + pad_lat, west - pad_lon, east + pad_lon
    if north - south < min_span:
        mid = (north + south) / 2
        south, north = mid - min_span / 2, mid + min_span / 2
    if east - west < min_span:
        mid = (east + west) / 2
        west, east = mid - min_span / 2, mid + min_span / 2
    return west, max(-85.0, south), east, min(85.0, north)


def _grid_step(span: float) -> float:
    for step in (1, 2, 5, 10, 15, 30):
        if span / step <= 8:
            return float(step)
    return 45.0


def render_map(places: Sequence[MapPlace], width: int = 640, title: str = "Places in the reports") -> str:
    """An inline SVG: graticule, country outlines, one labelled point (class "place") per place."""
    if not places:
        return ""
    west, south, east, north = _view(places)
    kx = math.cos(math.radians((north + south) / 2))  # equirectangular, true at the middle latitude
    scale = width / ((east - west) * kx)
    height = int(round((north - south) * scale))
    if height > width * 1.2:  # very tall views: widen instead of growing taller
        extra = ((north - south) / (1.2 * kx) - (east - west)) / 2
        west, east = west - extra, east + extra
        scale = width / ((east - west) * kx)
        height = int(round((north - south) * scale))

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * kx * scale, (north - lat) * scale

    out = [f'<svg class="placemap" viewBox="0 0 {width} {height}" '
           f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
           f"<title>{escape(title)}</title>",
           '<defs><clipPath id="mapclip"><rect x="0" y="0" '
           f'width="{width}" height="{height}"/></clipPath></defs>',
           f'<rect class="sea" x="0" y="0" width="{width}" height="{height}" fill="#dfeaf2"/>',
           '<g clip-path="url(#mapclip)">']
    out.extend(_countries(west, south, east, north, xy, width))
    out.extend(_graticule(west, south, east, north, xy, width, height))
    out.append("</g>")
    out.extend(_points(places, xy, width, height))
    out.append(f'<rect x="0.5" y="0.5" width="{width - 1}" height="{height - 1}" fill="none" stroke="#7a8a99"/>')
    out.append("</svg>")
    return "\n".join(out)


def _countries(west: float, south: float, east: float, north: float, xy, width: int  # type: ignore[no-untyped-def]
               ) -> list[str]:
    paths, labels = [], []
    for name, rings in load_outlines():
        d_parts = []
        best: tuple[float, float, float] | None = None
        for ring in rings:
            lons = [p[0] for p in ring]
            lats = [p[1] for p in ring]
            if max(lons) < west - 1 or min(lons) > east + 1 or max(lats) < south - 1 or min(lats) > north + 1:
                continue
            pts = [xy(lon, lat) for lon, lat in ring]
            d_parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + "Z")
            # label position: the middle of the ring's visible part, for the largest visible ring
            vis = [(lon, lat) for lon, lat in ring if west <= lon <= east and south <= lat <= north]
            if len(vis) >= 3:
                area = (max(lons) - min(lons)) * (max(lats) - min(lats))
                if best is None or area > best[0]:
                    cx = sum(p[0] for p in vis) / len(vis)
                    cy = sum(p[1] for p in vis) / len(vis)
                    best = (area, cx, cy)
        if d_parts:
            paths.append(f'<path class="country" d="{"".join(d_parts)}" fill="#f4f1e8" stroke="#a89f8a" '
                         f'stroke-width="0.8"><title>{escape(name)}</title></path>')
            if best is not None:
                x, y = xy(best[1], best[2])
                half = 3.2 * len(name)
                x = min(max(x, half + 4), width - half - 4)
                labels.append(f'<text class="country-label" x="{x:.1f}" y="{y:.1f}" text-anchor="middle" '
                              f'font-size="11" fill="#8c8270" font-style="italic">{escape(name)}</text>')
    return paths + labels


def _graticule(west: float, south: float, east: float, north: float, xy, width: int, height: int  # type: ignore[no-untyped-def]
               ) -> list[str]:
    step = _grid_step(max(east - west, north - south))
    out = []
    lon = math.ceil(west / step) * step
    while lon <= east:
        x, _ = xy(lon, north)
        out.append(f'<line class="grid" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#9fb3c4" '
                   f'stroke-width="0.5" stroke-dasharray="2,3"/>')
        out.append(f'<text x="{x + 2:.1f}" y="{height - 4}" font-size="9" fill="#6b7f90">'
                   f'{abs(lon):g}°{"E" if lon >= 0 else "W"}</text>')
        lon += step
    lat = math.ceil(south / step) * step
    while lat <= north:
        _, y = xy(west, lat)
        out.append(f'<line class="grid" x1="0" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" stroke="#9fb3c4" '
                   f'stroke-width="0.5" stroke-dasharray="2,3"/>')
        out.append(f'<text x="3" y="{y - 2:.1f}" font-size="9" fill="#6b7f90">'
                   f'{abs(lat):g}°{"N" if lat >= 0 else "S"}</text>')
        lat += step
    return out


def _points(places: Sequence[MapPlace], xy, width: int, height: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Points with labels; a label that would overlap an earlier one moves down a line."""
    out, boxes = [], []
    for p in sorted(places, key=lambda p: (-p.lat, p.lon)):
        x, y = xy(p.lon, p.lat)
        text = p.label or p.name
        w = 6.5 * len(text)
        left = x + w + 8 > width
        lx = x - 7 - w if left else x + 7
        ly = y + 4
        for _ in range(8):
            if not any(lx < bx + bw and bx < lx + w and abs(ly - by) < 13 for bx, by, bw in boxes):
                break
            ly += 13
        boxes.append((lx, ly, w))
        link_open = f'<a href="#{escape(p.anchor)}">' if p.anchor else ""
        link_close = "</a>" if p.anchor else ""
        out.append(f'{link_open}<g class="place-point" data-name="{escape(p.name)}">'
                   f'<circle class="place" cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="#c0392b" stroke="#fff" '
                   f'stroke-width="1.5"><title>{escape(p.name)} ({p.lat:.2f}, {p.lon:.2f})</title></circle>'
                   f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="12" fill="#222" paint-order="stroke" '
                   f'stroke="#fff" stroke-width="3">{escape(text)}</text></g>{link_close}')
    return out
