"""The map of ties and offices: which regions, lines and markers to draw, and where.

Positions come from the regions' coordinates (seats of government, recorded as context) and are
projected onto the vendored Natural Earth base map of ``basemap.py``. What cannot be placed,
a region without coordinates or outside north-east Asia, is listed beside the map instead.
"""

import math
from dataclasses import dataclass, field

from . import basemap

# Ties between close regions (Nagasaki and the districts of Busan) would overlap as straight
# lines; a gentle curve, bent by this share of its length, keeps them apart.
CURVE_BEND = 0.18
# The largest area the map shows: China's east coast to Japan, Taiwan to Heilongjiang, so that
# Japan and Korea keep a readable scale. Regions beyond it are listed instead.
MAP_BOUNDS = (112.0, 21.0, 147.0, 47.0)
PADDING_DEGREES = 3.0


@dataclass
class PlacedRegion:
    region: object
    x: float
    y: float
    ties: int = 0
    labelled: bool = False

    @property
    def radius(self) -> float:
        return round(3 + 2 * math.sqrt(self.ties), 1) if self.ties else 2.5


@dataclass
class TieLine:
    tie: object
    d: str


@dataclass
class OfficeMarker:
    host: PlacedRegion
    offices: list = field(default_factory=list)

    @property
    def points(self) -> str:
        """A diamond just above the host region's dot."""
        x, y, size = self.host.x, self.host.y - self.host.radius - 9, 6
        return f"{x},{y - size} {x + size},{y} {x},{y + size} {x - size},{y}"


@dataclass
class TieMap:
    frame: basemap.MapFrame
    land: list[dict]
    graticule: list[dict]
    regions: list[PlacedRegion]
    ties: list[TieLine]
    offices: list[OfficeMarker]
    unplaced: list  # regions taking part that the map cannot show

    @property
    def width(self) -> float:
        return self.frame.width

    @property
    def height(self) -> float:
        return round(self.frame.height, 1)


def coordinates(region) -> tuple[float, float] | None:
    if region is None or region.latitude is None or region.longitude is None:
        return None
    return float(region.longitude), float(region.latitude)


def curve(start: PlacedRegion, end: PlacedRegion) -> str:
    """A quadratic curve from one region to the other, bent to the left of its direction."""
    dx, dy = end.x - start.x, end.y - start.y
    mid_x, mid_y = (start.x + end.x) / 2, (start.y + end.y) / 2
    control_x, control_y = mid_x - dy * CURVE_BEND, mid_y + dx * CURVE_BEND
    return f"M{start.x},{start.y}Q{control_x:.1f},{control_y:.1f} {end.x},{end.y}"


def build(ties, offices, other_regions=()) -> TieMap:
    """The map of ``ties`` and ``offices`` (regions selected), plus ``other_regions`` as dots."""
    taking_part: dict[int, object] = {}
    tie_count: dict[int, int] = {}
    for tie in ties:
        for region in (tie.region_a, tie.region_b):
            taking_part[region.pk] = region
            tie_count[region.pk] = tie_count.get(region.pk, 0) + 1
    for office in offices:
        for region in (office.host_region, office.operator_region):
            if region is not None:
                taking_part[region.pk] = region
    shown = {**{region.pk: region for region in other_regions}, **taking_part}

    west, south, east, north = MAP_BOUNDS
    in_bounds = {
        pk: (lon, lat)
        for pk, region in shown.items()
        if (point := coordinates(region))
        for lon, lat in [point]
        if west <= lon <= east and south <= lat <= north
    }
    frame = basemap.MapFrame.around(
        in_bounds.values(), padding_degrees=PADDING_DEGREES, bounds=MAP_BOUNDS
    )
    placed = {}
    for pk, (lon, lat) in in_bounds.items():
        x, y = frame.project(lon, lat)
        placed[pk] = PlacedRegion(shown[pk], x, y, tie_count.get(pk, 0), labelled=pk in taking_part)

    lines = [
        TieLine(tie, curve(placed[tie.region_a_id], placed[tie.region_b_id]))
        for tie in ties
        if tie.region_a_id in placed and tie.region_b_id in placed
    ]
    markers: dict[int, OfficeMarker] = {}
    for office in offices:
        if office.host_region_id in placed:
            host = placed[office.host_region_id]
            markers.setdefault(office.host_region_id, OfficeMarker(host)).offices.append(office)

    unplaced = sorted(
        (region for pk, region in taking_part.items() if pk not in placed),
        key=lambda region: region.name_en,
    )
    # Small dots first, so that the regions with ties are drawn on top of them.
    regions = sorted(placed.values(), key=lambda p: (p.labelled, p.ties, p.region.name_en))
    return TieMap(
        frame=frame,
        land=basemap.land_paths(frame),
        graticule=basemap.graticule(frame, step=5 if frame.east - frame.west > 20 else 2),
        regions=regions,
        ties=lines,
        offices=list(markers.values()),
        unplaced=unplaced,
    )
