"""A world map of pledges per target country, drawn as SVG on the server.

Geometry: Natural Earth 1:110m countries (public domain) as TopoJSON from the npm package
`world-atlas` (installed by `make install` into node_modules/, never downloaded at run time, not
copied into the repository). Projected once per process (Equal Earth) and kept in memory.
If the package is missing the page shows the table only and says so.
"""

from __future__ import annotations

import json
import math
import os
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape

from p2c.core.resources import resource_path

ATLAS_ENV = "P2C_WORLD_ATLAS"
WIDTH, HEIGHT = 960, 470
SHADES = 5
MIN_STEP = 2  # drop points closer than this (drawing units) to the previous one


def atlas_path() -> Path:
    """Where the TopoJSON file is expected."""
    return Path(os.environ.get(ATLAS_ENV) or resource_path("node_modules/world-atlas/countries-110m.json"))


def _equal_earth(lon: float, lat: float) -> tuple[float, float]:
    a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
    m = math.sqrt(3) / 2
    p = math.asin(m * math.sin(math.radians(lat)))
    p2 = p * p
    p6 = p2 * p2 * p2
    x = math.radians(lon) * math.cos(p) / (m * (a1 + 3 * a2 * p2 + p6 * (7 * a3 + 9 * a4 * p2)))
    y = p * (a1 + a2 * p2 + p6 * (a3 + a4 * p2))
    # Scale to the viewBox: x in about [-2.7, 2.7], y in about [-1.32, 1.32].
    return WIDTH / 2 + x * 176, HEIGHT / 2 - y * 176


@lru_cache(maxsize=1)
def country_paths() -> dict[str, str]:
    """M49 code -> SVG path data (empty when the atlas is not installed). Cached in-process."""
    path = atlas_path()
    if not path.exists():
        return {}
    topo = json.loads(path.read_text())
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append(_equal_earth(x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indexes: list[int]) -> str:
        points: list[tuple[float, float]] = []
        for i in indexes:
            pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
            points.extend(pts if not points else pts[1:])
        # A ring that crosses the antimeridian (Fiji, Chukotka) would draw a line across the whole map:
        # lift the pen where it jumps from one edge to the other.
        # Whole units of a 960-wide drawing are finer than 1:110m geometry: integer, relative
        # coordinates keep the page small (the map is most of its bytes).
        out, last = [], None
        for px, py in points:
            x, y = round(px), round(py)
            if last is None or abs(x - last[0]) > WIDTH / 2:
                out.append(f"M{x},{y}")
            elif abs(x - last[0]) + abs(y - last[1]) >= MIN_STEP:
                out.append(f"l{x - last[0]},{y - last[1]}")
            else:
                continue  # too close to the last point drawn to show at this scale
            last = (x, y)
        return "".join(out) + "z"

    out = {}
    for geom in topo["objects"]["countries"]["geometries"]:
        code = geom.get("id")
        if not code or code == "010":  # no code (disputed areas) or Antarctica: not drawn
            continue
        polygons = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        out[code] = "".join(ring(r) for poly in polygons for r in poly)
    return out


def shade(count: int, top: int) -> int:
    """0 for no pledges, else 1..SHADES on a square-root scale (a few countries have very many)."""
    if count <= 0 or top <= 0:
        return 0
    return max(1, min(SHADES, math.ceil(SHADES * math.sqrt(count / top))))


def legend(top: int) -> list[dict]:
    """What each shade stands for: [{"shade": 0, "low": 0, "high": 0}, {"shade": 1, "low": 1, "high": h1},
    ...] in numbers of pledges, the inverse of `shade` for the largest count `top`; shades that no
    whole count falls in are left out."""
    bands = [{"shade": 0, "low": 0, "high": 0}]
    low = 1
    for i in range(1, SHADES + 1):
        high = top if i == SHADES else math.floor(top * (i / SHADES) ** 2)
        while high >= low and shade(high, top) > i:  # guard against rounding at the edges
            high -= 1
        if high >= low:
            bands.append({"shade": i, "low": low, "high": high})
            low = high + 1
    return bands


def world_map(counts: dict[str, int], by_m49: dict[str, tuple[str, str]], href, title: str, label) -> Markup | None:
    """The SVG map, or None when the geometry is not installed.

    counts: iso3 -> pledges; by_m49: m49 -> (iso3, name); href(iso3) -> link; label(name, n) -> tooltip.
    """
    paths = country_paths()
    if not paths:
        return None
    top = max(counts.values(), default=0)
    parts = [f'<svg class="world-map" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="group" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for m49, d in paths.items():
        iso3, name = by_m49.get(m49, (None, None))
        n = counts.get(iso3, 0) if iso3 else 0
        cls = f"map-shade-{shade(n, top)}"
        if iso3:
            parts.append(f'<a href="{escape(href(iso3))}"><title>{escape(label(name, n))}</title>'
                         f'<path d="{d}" class="{cls}"/></a>')
        else:
            parts.append(f'<path d="{d}" class="map-shade-0"/>')
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every interpolated value is escaped above
