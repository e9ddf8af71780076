"""The map of ties and offices: which regions, lines and markers to draw, and where.

Positions come from the regions' coordinates (seats of government, recorded as context) and are
projected onto the vendored Natural Earth base map of ``basemap.py``. What cannot be placed,
a region without coordinates or outside north-east Asia, is listed beside the map instead.

Up to ``MAP_TIES`` ties are drawn one by one. Beyond that a line per tie would be unreadable and
the page would grow with the directory, so ties are drawn between the first-level regions
(provinces, prefectures) they lie in, one line per pair with its number of ties, the strongest
``MAP_LINKS`` of them; offices likewise gather on their host's first-level region. The page says
so, and every line opens the list of its ties.
"""

import math
from dataclasses import dataclass, field

from . import basemap, labels
from .network import line_width

# Ties between close regions (Nagasaki and the districts of Busan) would overlap as straight
# lines; a gentle curve, bent by this share of its length, keeps them apart.
CURVE_BEND = 0.18
# The largest area the map shows: China's east coast to Japan, Taiwan to Heilongjiang, so that
# Japan and Korea keep a readable scale. Regions beyond it are listed instead.
MAP_BOUNDS = (112.0, 21.0, 147.0, 47.0)
PADDING_DEGREES = 3.0

MAP_TIES = 300  # drawn one by one up to this many
MAP_OFFICES = 300  # offices in separate markers up to this many
MAP_LINKS = 150  # beyond, the strongest links between first-level regions
OTHER_REGIONS = 500  # regions without ties dotted in, unfiltered, when no more than this
LABEL_SIZE = 12  # px on the screen, whatever the zoom (see labels.py)


@dataclass
class PlacedRegion:
    region: object
    x: float
    y: float
    ties: int = 0
    labelled: bool = False  # takes part in what the map shows
    # Where its name is written and from which scale it shows; None when it has no room.
    placement: labels.Placement | None = None
    most: int = 0  # on a map of many ties, the most any region has: dots are sized against it

    @property
    def radius(self) -> float:
        if not self.ties:
            return 2.5
        if self.most:
            return round(3 + 12 * math.sqrt(self.ties / self.most), 1)
        return round(3 + 2 * math.sqrt(self.ties), 1)

    @property
    def label_later(self) -> bool:
        """Whether its name waits for the reader to zoom in (hidden when drawn unzoomed)."""
        return self.placement is not None and self.placement.min_scale > 1


@dataclass
class TieLine:
    tie: object
    d: str


@dataclass
class Link:
    """The ties between two first-level regions, drawn as one line."""

    first: PlacedRegion
    second: PlacedRegion
    ties: int
    d: str
    url: str = ""  # the ties list, filtered to these ties

    @property
    def ends(self) -> tuple:
        return self.first.region, self.second.region

    @property
    def width(self) -> float:
        return line_width(self.ties)


@dataclass
class OfficeMarker:
    host: PlacedRegion
    offices: list = field(default_factory=list)
    count: int = 0  # when offices are gathered, how many the marker stands for

    @property
    def total(self) -> int:
        return self.count or len(self.offices)

    SIZE = 6

    @property
    def offset(self) -> float:
        """Its centre stands this many px above the host region's point, over its dot."""
        return round(self.host.radius + 9, 1)

    @property
    def points(self) -> str:
        """The diamond around the host's point, in px (kept at that size when zoomed)."""
        y, size = -self.offset, self.SIZE
        return f"0,{y - size} {size},{y} 0,{y + size} {-size},{y}"

    @property
    def box(self) -> labels.Box:
        """In px around the host's point."""
        y, size = -self.offset, self.SIZE
        return -size, y - size, size, y + size


@dataclass
class TieMap:
    frame: basemap.MapFrame
    land: list[dict]
    graticule: list[dict]
    regions: list[PlacedRegion]
    ties: list[TieLine]
    offices: list[OfficeMarker]
    unplaced: list  # regions taking part that the map cannot show
    links: list[Link] = field(default_factory=list)
    # When drawn between first-level regions: how many ties and links the filters select.
    aggregated_ties: int = 0
    aggregated_links: int = 0
    offices_gathered: bool = False

    @property
    def width(self) -> float:
        return self.frame.width

    @property
    def height(self) -> float:
        return round(self.frame.height, 1)

    @property
    def aggregated(self) -> bool:
        return bool(self.aggregated_ties)

    @property
    def links_left_out(self) -> int:
        return self.aggregated_links - len(self.links)


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


def place(regions: dict, tie_count: dict, taking_part: set) -> tuple[basemap.MapFrame, dict]:
    """The frame around the regions that lie in the map's area, and their dots in it."""
    west, south, east, north = MAP_BOUNDS
    in_bounds = {
        pk: (lon, lat)
        for pk, region in regions.items()
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
        placed[pk] = PlacedRegion(
            regions[pk], x, y, tie_count.get(pk, 0), labelled=pk in taking_part
        )
    return frame, placed


def label(places: list[PlacedRegion], markers, size: tuple[float, float]) -> None:
    """Name the regions taking part, the busiest first, each where its name covers no other
    name, dot or office marker, from the smallest scale at which it has room (labels.py); the
    rest keep their name in the dot's tooltip and in the lists below."""
    by_importance = sorted(
        places, key=lambda spot: (not spot.labelled, -spot.ties, spot.region.name_en)
    )
    points = [
        labels.Point(
            spot.region.pk,
            spot.x,
            spot.y,
            spot.radius,
            labels.text_width(spot.region.name, LABEL_SIZE),
            LABEL_SIZE * labels.LINE_HEIGHT,
        )
        for spot in by_importance
    ]
    named = {spot.region.pk for spot in places if spot.labelled}
    busiest = [point for point in points if point.key in named]
    others = [labels.dot_obstacle(point) for point in points if point.key not in named]
    obstacles = [labels.Obstacle(m.host.x, m.host.y, m.box) for m in markers]
    placements = labels.place(busiest, [*others, *obstacles], size=size)
    for spot in places:
        spot.placement = placements.get(spot.region.pk)


def build(
    ties=(),
    offices=(),
    other_regions=(),
    *,
    pairs=None,
    tie_total: int = 0,
    office_counts=None,
    top_regions=None,
) -> TieMap:
    """The map of ``ties`` and ``offices`` (their regions selected), with ``other_regions`` as
    dots.

    For many ties, ``pairs`` replaces ``ties``: {(region id, region id): ties} between
    first-level regions, ``tie_total`` ties in all; for many offices, ``office_counts``
    replaces ``offices``: {first-level host region id: offices}. ``top_regions`` holds the
    first-level regions these name, by id.
    """
    taking_part: dict[int, object] = {}
    tie_count: dict[int, int] = {}
    for tie in ties:
        for region in (tie.region_a, tie.region_b):
            taking_part[region.pk] = region
            tie_count[region.pk] = tie_count.get(region.pk, 0) + 1
    for (first, second), n in (pairs or {}).items():
        for pk in {first, second}:
            taking_part[pk] = top_regions[pk]
            tie_count[pk] = tie_count.get(pk, 0) + n
    for office in offices:
        for region in (office.host_region, office.operator_region):
            if region is not None:
                taking_part[region.pk] = region
    for pk in office_counts or {}:
        taking_part[pk] = top_regions[pk]
    shown = {**{region.pk: region for region in other_regions}, **taking_part}
    frame, placed = place(shown, tie_count, set(taking_part))
    if pairs is not None:
        most = max(tie_count.values(), default=0)
        for spot in placed.values():
            spot.most = most

    lines = [
        TieLine(tie, curve(placed[tie.region_a_id], placed[tie.region_b_id]))
        for tie in ties
        if tie.region_a_id in placed and tie.region_b_id in placed
    ]
    drawable = [
        (first, second, n)
        for (first, second), n in sorted((pairs or {}).items(), key=lambda i: (-i[1], i[0]))
        if first != second and first in placed and second in placed
    ]
    links = [
        Link(placed[a], placed[b], n, curve(placed[a], placed[b]))
        for a, b, n in drawable[:MAP_LINKS]
    ]
    markers: dict[int, OfficeMarker] = {}
    for office in offices:
        if office.host_region_id in placed:
            host = placed[office.host_region_id]
            markers.setdefault(office.host_region_id, OfficeMarker(host)).offices.append(office)
    for pk, n in (office_counts or {}).items():
        if pk in placed:
            markers[pk] = OfficeMarker(placed[pk], count=n)

    unplaced = sorted(
        (region for pk, region in taking_part.items() if pk not in placed),
        key=lambda region: region.name_en,
    )
    # Small dots first, so that the regions with ties are drawn on top of them.
    regions = sorted(placed.values(), key=lambda p: (p.labelled, p.ties, p.region.name_en))
    label(regions, markers.values(), (frame.width, frame.height))
    return TieMap(
        frame=frame,
        land=basemap.land_paths(frame),
        graticule=basemap.graticule(frame, step=5 if frame.east - frame.west > 20 else 2),
        regions=regions,
        ties=lines,
        offices=list(markers.values()),
        unplaced=unplaced,
        links=links,
        aggregated_ties=tie_total if pairs is not None else 0,
        aggregated_links=len(drawable),
        offices_gathered=office_counts is not None,
    )
