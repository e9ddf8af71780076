"""A base map of East Asia drawn on the server as SVG paths, from vendored Natural Earth data.

The country outlines are Natural Earth's 1:50m admin-0 countries (public domain) as packaged in
TopoJSON by the npm package ``world-atlas`` (ISC), vendored in ``data/world-atlas/`` beside this
module (see the README there). Nothing is fetched at run time: this module decodes the TopoJSON
itself, projects it, and writes SVG path data.

The pieces:

* ``load_countries()`` decodes the vendored file once into ``Country`` objects (lon/lat rings).
* ``MapFrame`` is a lon/lat window and its SVG size. Its projection is equirectangular with the
  x axis shrunk by cos(middle latitude), which keeps shapes honest in a band as narrow as East
  Asia (5°N–50°N) and keeps the arithmetic obvious. ``MapFrame.around()`` fits a frame to points.
* ``land_paths(frame)`` gives one SVG path per country in the frame; ``graticule(frame)`` gives
  labelled meridians and parallels.
* ``alpha2()`` (django-countries) turns Natural Earth's ISO 3166-1 numeric ids into the
  two-letter codes the rest of the site uses (JP, CN, KR...).

Frames may not cross the antimeridian (the data is cut at ±180°, and East Asia does not need it).
"""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

from django_countries import countries

DATA_FILE = Path(__file__).resolve().parent / "data" / "world-atlas" / "countries-50m.json"

# (west, south, east, north) in degrees: Myanmar to the Kurils, Java Sea to Manchuria.
EAST_ASIA = (95.0, 5.0, 150.0, 50.0)

# Outlines are clipped to the frame grown by this many pixels on each side, so that strokes and
# fills reach just past the edge of the SVG viewport and the clip edges themselves stay unseen.
MARGIN_PX = 8.0

# Consecutive points closer than this (in SVG pixels) to the last kept point are dropped.
MIN_STEP_PX = 0.5

LonLat = tuple[float, float]
Ring = list[LonLat]


def alpha2(numeric_id: str | int | None) -> str:
    """The ISO alpha-2 code for an ISO 3166-1 numeric id ("392", "76" or 392 alike; Natural
    Earth's ids are three digits, zero-padded), or "" if there is none."""
    if numeric_id is None or not str(numeric_id).strip().isdigit():
        return ""
    return countries.alpha2(int(str(numeric_id).strip()))


# --------------------------------------------------------------------------------------------
# Decoding the TopoJSON
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    """One Natural Earth country: polygons -> rings -> (lon, lat); the first ring is the outline
    of its polygon, any others are holes. Rings are closed (last point == first point)."""

    numeric_id: str  # ISO 3166-1 numeric, e.g. "392"; "" for the few without one (Kosovo...)
    name: str  # Natural Earth's English short name, e.g. "Japan"
    polygons: list[list[Ring]]

    @cached_property
    def bbox(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) of all its rings."""
        return _bbox(point for polygon in self.polygons for ring in polygon for point in ring)


def _bbox(points: Iterable[LonLat]) -> tuple[float, float, float, float]:
    lons, lats = zip(*points, strict=True)
    return min(lons), min(lats), max(lons), max(lats)


def _decode_arcs(topology: dict) -> list[Ring]:
    """Turn the topology's quantized, delta-encoded arcs into lists of (lon, lat).

    In a quantized topology each arc's first position is absolute and each later one is the
    difference from the previous, all in integer grid units; ``transform`` maps grid units back
    to degrees: lon = x * scale[0] + translate[0], lat = y * scale[1] + translate[1].
    """
    transform = topology.get("transform")
    if transform is None:  # An unquantized topology already holds absolute coordinates.
        return [[(float(x), float(y)) for x, y, *_ in arc] for arc in topology["arcs"]]
    (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def _ring(arc_indexes: list[int], arcs: list[Ring]) -> Ring:
    """Join a ring's arcs. Index i is arc i; a negative index ~i (i.e. -i - 1) is arc i walked
    backwards. Each arc starts where the previous one ended, so that shared point is kept once."""
    ring: Ring = []
    for index in arc_indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def _polygon(rings: list[list[int]], arcs: list[Ring]) -> list[Ring]:
    return [_ring(ring, arcs) for ring in rings]


@cache
def load_countries() -> list[Country]:
    """Every country in the vendored file, decoded once per process (do not mutate the list)."""
    topology = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        kind = geometry.get("type")
        if kind == "Polygon":
            polygons = [_polygon(geometry["arcs"], arcs)]
        elif kind == "MultiPolygon":
            polygons = [_polygon(polygon, arcs) for polygon in geometry["arcs"]]
        else:  # None (a feature without geometry) or anything that is not an area.
            continue
        countries.append(
            Country(
                numeric_id=str(geometry.get("id", "")),
                name=geometry.get("properties", {}).get("name", ""),
                polygons=polygons,
            )
        )
    return countries


# --------------------------------------------------------------------------------------------
# The frame and its projection
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapFrame:
    """A lon/lat window drawn ``width`` pixels wide.

    Projection: x is linear in longitude and y in latitude (equirectangular), with degrees of
    longitude shrunk by cos(middle latitude) against degrees of latitude, so that near the middle
    of the frame a kilometre is as long east-west as north-south. ``height`` follows from that.
    """

    west: float
    south: float
    east: float
    north: float
    width: float = 960

    def __post_init__(self):
        if not -180 <= self.west < self.east <= 180:
            raise ValueError(f"Need -180 <= west < east <= 180, got {self.west}, {self.east}")
        if not -90 <= self.south < self.north <= 90:
            raise ValueError(f"Need -90 <= south < north <= 90, got {self.south}, {self.north}")
        if self.width <= 0:
            raise ValueError(f"Need a positive width, got {self.width}")

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north), the same order as ``EAST_ASIA``."""
        return self.west, self.south, self.east, self.north

    @property
    def px_per_degree_lon(self) -> float:
        return self.width / (self.east - self.west)

    @property
    def px_per_degree_lat(self) -> float:
        middle_latitude = math.radians((self.south + self.north) / 2)
        return self.px_per_degree_lon / math.cos(middle_latitude)

    @property
    def height(self) -> float:
        """SVG height in px, rounded to 1 decimal like the projected coordinates."""
        return round((self.north - self.south) * self.px_per_degree_lat, 1)

    @property
    def view_box(self) -> str:
        """The value for the SVG ``viewBox`` attribute."""
        return f"0 0 {_number(self.width)} {_number(self.height)}"

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        """SVG (x, y) of a point: (0, 0) is the north-west corner and y grows downward."""
        x = (lon - self.west) * self.px_per_degree_lon
        y = (self.north - lat) * self.px_per_degree_lat
        return round(x, 1), round(y, 1)

    def contains(self, lon: float, lat: float) -> bool:
        """Whether the point lies in the frame (edges included)."""
        return self.west <= lon <= self.east and self.south <= lat <= self.north

    def margin_bounds(self, margin_px: float = MARGIN_PX) -> tuple[float, float, float, float]:
        """(west, south, east, north) grown by ``margin_px`` pixels on each side."""
        margin_lon = margin_px / self.px_per_degree_lon
        margin_lat = margin_px / self.px_per_degree_lat
        return (
            self.west - margin_lon,
            self.south - margin_lat,
            self.east + margin_lon,
            self.north + margin_lat,
        )

    @classmethod
    def around(
        cls,
        points: Iterable[tuple[float | None, float | None]],
        padding_degrees: float = 2.0,
        bounds: tuple[float, float, float, float] = EAST_ASIA,
        min_span_degrees: float = 8.0,
        width: float = 960,
    ) -> "MapFrame":
        """The frame showing (lon, lat) ``points`` with ``padding_degrees`` around them.

        On each axis the frame never reaches beyond ``bounds`` (west, south, east, north) and is
        at least ``min_span_degrees`` wide, centred on the points (shifted back inside ``bounds``
        when that would overflow them; no wider than ``bounds`` either way). Points with a missing
        coordinate are ignored; with no points at all the frame is ``bounds``.
        """
        known = [(lon, lat) for lon, lat in points if lon is not None and lat is not None]
        west, south, east, north = bounds
        if not known:
            return cls(west, south, east, north, width=width)
        lons, lats = zip(*known, strict=True)
        west, east = _fit_span(min(lons), max(lons), padding_degrees, min_span_degrees, west, east)
        south, north = _fit_span(
            min(lats), max(lats), padding_degrees, min_span_degrees, south, north
        )
        return cls(west, south, east, north, width=width)


def _fit_span(
    low: float, high: float, padding: float, min_span: float, limit_low: float, limit_high: float
) -> tuple[float, float]:
    """One axis of ``MapFrame.around``: pad [low, high], cut it to the limits, then widen it to
    ``min_span`` around the points' centre, sliding it back within the limits if needed."""
    start = max(low - padding, limit_low)
    end = min(high + padding, limit_high)
    if end - start < min_span:
        if limit_high - limit_low <= min_span:
            return limit_low, limit_high
        centre = (low + high) / 2
        start, end = centre - min_span / 2, centre + min_span / 2
        if start < limit_low:
            start, end = limit_low, limit_low + min_span
        elif end > limit_high:
            start, end = limit_high - min_span, limit_high
    # Whole half-degrees: tidy edges, and nearby point sets share one cached frame.
    return max(math.floor(start * 2) / 2, limit_low), min(math.ceil(end * 2) / 2, limit_high)


# --------------------------------------------------------------------------------------------
# SVG path data
# --------------------------------------------------------------------------------------------


def _number(value: float) -> str:
    """Compact number: 12.0 -> "12", 12.30 -> "12.3", -0.0 -> "0"."""
    text = f"{round(value, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _intersects(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two (west, south, east, north) boxes overlap."""
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _clip_ring(ring: Ring, box: tuple[float, float, float, float]) -> Ring:
    """Clip a ring to a rectangle (Sutherland-Hodgman, one box edge at a time).

    Each edge of the box is a half-plane; the ring is walked once per edge, keeping the points
    inside and adding the crossing point wherever the ring passes in or out. The result is open
    (not repeating its first point). Where a ring leaves the box and comes back it runs along the
    box's edge; as the box is the frame plus a margin, those runs lie outside the SVG viewport.
    Clipping in lon/lat is exact here because the projection maps straight lines to straight
    lines (x depends only on lon, y only on lat).
    """
    west, south, east, north = box
    # (axis, limit, keep points with coordinate >= limit?) for each edge of the box.
    edges = ((0, west, True), (0, east, False), (1, south, True), (1, north, False))
    points = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else list(ring)
    for axis, limit, keep_above in edges:
        if not points:
            break

        def inside(point, axis=axis, limit=limit, keep_above=keep_above):
            return point[axis] >= limit if keep_above else point[axis] <= limit

        def crossing(a, b, axis=axis, limit=limit):
            t = (limit - a[axis]) / (b[axis] - a[axis])
            other = 1 - axis
            value = a[other] + t * (b[other] - a[other])
            return (limit, value) if axis == 0 else (value, limit)

        clipped = []
        previous = points[-1]
        for point in points:
            if inside(point):
                if not inside(previous):
                    clipped.append(crossing(previous, point))
                clipped.append(point)
            elif inside(previous):
                clipped.append(crossing(previous, point))
            previous = point
        points = clipped
    return points


def _ring_path(ring: Ring, frame: MapFrame, box: tuple[float, float, float, float]) -> str:
    """SVG path data for one ring ("M…L…Z"), or "" if nothing of it is worth drawing."""
    if not _intersects(_bbox(ring), box):
        return ""
    kept: list[tuple[float, float]] = []
    for lon, lat in _clip_ring(ring, box):
        x, y = frame.project(lon, lat)
        if kept and math.hypot(x - kept[-1][0], y - kept[-1][1]) < MIN_STEP_PX:
            continue
        kept.append((x, y))
    # The ring closes back to its first point ("Z"); a last point on top of it adds nothing.
    if len(kept) > 1 and math.hypot(kept[-1][0] - kept[0][0], kept[-1][1] - kept[0][1]) < 0.5:
        kept.pop()
    if len(kept) < 3:  # A speck smaller than a pixel, or a ring clipped down to a line.
        return ""
    return "M" + "L".join(f"{_number(x)},{_number(y)}" for x, y in kept) + "Z"


@lru_cache(maxsize=16)
def land_paths(frame: MapFrame) -> list[dict]:
    """One ``{"numeric_id", "name", "alpha2", "d"}`` per country visible in the frame.

    ``d`` is SVG path data in the frame's pixels (use with ``viewBox=frame.view_box``), one
    "M…Z" subpath per ring, so draw it with ``fill-rule="evenodd"`` or the default nonzero rule
    (Natural Earth's holes wind the other way). Outlines are clipped to the frame plus a margin
    of ``MARGIN_PX`` and thinned to points at least ``MIN_STEP_PX`` apart. The list is cached
    per frame and shared between callers: do not mutate it.
    """
    box = frame.margin_bounds()
    paths = []
    for country in load_countries():
        if not _intersects(country.bbox, box):
            continue
        d = "".join(
            _ring_path(ring, frame, box) for polygon in country.polygons for ring in polygon
        )
        if d:
            paths.append(
                {
                    "numeric_id": country.numeric_id,
                    "name": country.name,
                    "alpha2": alpha2(country.numeric_id),
                    "d": d,
                }
            )
    return paths


def _degrees_label(value: float, positive: str, negative: str) -> str:
    """130 -> "130°E", -20 -> "20°W", 0 -> "0°", 32.5 -> "32.5°N"."""
    text = f"{abs(value):g}"
    if value == 0:
        return f"{text}°"
    return f"{text}°{positive if value > 0 else negative}"


def _multiples(start: float, end: float, step: float) -> list[float]:
    """Multiples of ``step`` strictly between ``start`` and ``end``."""
    first = math.floor(start / step) + 1
    values = []
    k = first
    while k * step < end:
        values.append(k * step)
        k += 1
    return values


def graticule(frame: MapFrame, step: float = 5) -> list[dict]:
    """Meridians and parallels every ``step`` degrees strictly inside the frame.

    Each is ``{"kind": "meridian" | "parallel", "d": "M…L…", "label": "130°E", "x", "y"}``
    where (x, y) is where the line meets the frame's edge (top for meridians, left for
    parallels), a place to put its label.
    """
    if step <= 0:
        raise ValueError(f"Need a positive step, got {step}")
    lines = []
    for lon in _multiples(frame.west, frame.east, step):
        x, top = frame.project(lon, frame.north)
        _, bottom = frame.project(lon, frame.south)
        lines.append(
            {
                "kind": "meridian",
                "d": f"M{_number(x)},{_number(top)}L{_number(x)},{_number(bottom)}",
                "label": _degrees_label(lon, "E", "W"),
                "x": x,
                "y": top,
            }
        )
    for lat in _multiples(frame.south, frame.north, step):
        left, y = frame.project(frame.west, lat)
        right, _ = frame.project(frame.east, lat)
        lines.append(
            {
                "kind": "parallel",
                "d": f"M{_number(left)},{_number(y)}L{_number(right)},{_number(y)}",
                "label": _degrees_label(lat, "N", "S"),
                "x": left,
                "y": y,
            }
        )
    return lines
