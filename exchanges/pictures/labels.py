"""Where the names go on the map, so that no two names cover each other at any zoom.

The map is drawn in SVG units and shown at some scale: screen pixels per unit, below 1 on a
phone, above 1 on a wide screen, growing as the reader zooms in. Dots, office markers and names
keep their size on the screen whatever the scale (``static/js/map-zoom.js`` counter-scales them),
while the distances between the points they stand at grow with it. So two names that collide at
one scale may both fit at a larger one.

``place`` is a pure function of the points, the names' rough sizes and the obstacles: it tries
positions around each point (right, left, above, below, then the corners), busiest point first,
and gives each name the smallest scale of ``SCALES`` from which it is shown, checked against
every name and obstacle shown at that scale and at every larger one (in half steps, so that
nothing collides between two levels). A name with no room even at the largest scale is left out.
"""

import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Scales (screen px per map unit) from which a name may be shown: a phone shows the 960-unit
# map at about 0.37, a 1280 px window at about 1.2; zooming in multiplies them.
SCALES = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
CHECKED_UP_TO = 32.0  # beyond the largest zoom a reader can reach
GAP = 3.0  # px between a dot and its name
PADDING = 2.0  # px around a name's estimated box
LINE_HEIGHT = 1.25  # em: a name's box is this tall
CELL = 64.0  # px, the side of the grid that finds nearby boxes fast

# (name, horizontal side, vertical side): -1 left/above, 0 centred, 1 right/below.
POSITIONS = (
    ("right", 1, 0),
    ("left", -1, 0),
    ("above", 0, -1),
    ("below", 0, 1),
    ("above-right", 1, -1),
    ("below-right", 1, 1),
    ("above-left", -1, -1),
    ("below-left", -1, 1),
)

Box = tuple[float, float, float, float]  # left, top, right, bottom


def text_width(text: str, size: float) -> float:
    """Rough rendered width: wide (CJK, Hangul) characters an em, others about 0.55 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.55 for ch in text)


@dataclass(frozen=True)
class Point:
    """A dot at (x, y) in map units, ``radius`` px, with a name ``width`` × ``height`` px."""

    key: object
    x: float
    y: float
    radius: float
    width: float
    height: float


@dataclass(frozen=True)
class Obstacle:
    """Something a name must not cover: ``box`` in px around the map point (x, y)."""

    x: float
    y: float
    box: Box


@dataclass(frozen=True)
class Placement:
    key: object
    position: str
    box: Box  # px around the point, whatever the scale
    min_scale: float

    @property
    def anchor(self) -> str:
        """SVG text-anchor for a name written in this box."""
        if self.position.endswith("right"):
            return "start"
        if self.position.endswith("left"):
            return "end"
        return "middle"

    @property
    def text_x(self) -> float:
        left, _, right, _ = self.box
        if self.anchor == "start":
            return round(left + PADDING, 1)
        if self.anchor == "end":
            return round(right - PADDING, 1)
        return round((left + right) / 2, 1)

    @property
    def text_y(self) -> float:
        """The middle of the box; written with dy="0.35em" to sit on it."""
        return round((self.box[1] + self.box[3]) / 2, 1)


def label_box(point: Point, horizontal: int, vertical: int) -> Box:
    """The name's box in px around its point, on the given sides of the dot."""
    w, h = point.width + 2 * PADDING, point.height
    reach = point.radius + GAP
    if horizontal > 0:
        left = reach
    elif horizontal < 0:
        left = -reach - w
    else:
        left = -w / 2
    if vertical > 0:
        top = reach if not horizontal else point.radius * 0.5
    elif vertical < 0:
        top = -reach - h if not horizontal else -point.radius * 0.5 - h
    else:
        top = -h / 2
    return round(left, 2), round(top, 2), round(left + w, 2), round(top + h, 2)


def dot_obstacle(point: Point) -> Obstacle:
    r = point.radius
    return Obstacle(point.x, point.y, (-r, -r, r, r))


def intersects(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def checked_scales(scales: Sequence[float]) -> list[float]:
    """Each level and the half steps (×√2) between and beyond them, up to ``CHECKED_UP_TO``."""
    found = set()
    for scale in scales:
        step = scale
        while step <= CHECKED_UP_TO * 1.0001:
            found.add(round(step, 6))
            step *= math.sqrt(2)
    return sorted(found)


class _Grid:
    """Boxes on the screen at one scale, bucketed by ``CELL``."""

    def __init__(self, scale: float):
        self.scale = scale
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def at(self, x: float, y: float, box: Box) -> Box:
        s = self.scale
        return x * s + box[0], y * s + box[1], x * s + box[2], y * s + box[3]

    def _cells(self, box: Box):
        for i in range(math.floor(box[0] / CELL), math.floor(box[2] / CELL) + 1):
            for j in range(math.floor(box[1] / CELL), math.floor(box[3] / CELL) + 1):
                yield i, j

    def add(self, box: Box) -> None:
        for cell in self._cells(box):
            self.cells.setdefault(cell, []).append(box)

    def free(self, box: Box, bounds: Box | None) -> bool:
        if bounds is not None and not (
            bounds[0] <= box[0]
            and box[2] <= bounds[2]
            and bounds[1] <= box[1]
            and box[3] <= bounds[3]
        ):
            return False
        return not any(
            intersects(box, other)
            for cell in self._cells(box)
            for other in self.cells.get(cell, ())
        )


def place(
    points: Iterable[Point],
    obstacles: Iterable[Obstacle] = (),
    *,
    size: tuple[float, float] | None = None,
    scales: Sequence[float] = SCALES,
) -> dict[object, Placement]:
    """Placements of the names of ``points``, in the order given (the most important first),
    by key; a point missing from the answer has no room for its name at any scale.

    Every point's dot is an obstacle, as is each of ``obstacles``; ``size`` (width, height in
    map units) keeps names inside the picture.
    """
    points = list(points)
    grids = [_Grid(scale) for scale in checked_scales(scales)]
    for obstacle in [*map(dot_obstacle, points), *obstacles]:
        for grid in grids:
            grid.add(grid.at(obstacle.x, obstacle.y, obstacle.box))
    placed: dict[object, Placement] = {}
    for level in sorted(scales):
        # Every name placed so far is shown from ``level`` on; so are those placed now.
        upward = [grid for grid in grids if grid.scale >= level * 0.9999]
        for point in points:
            if point.key in placed:
                continue
            for position, horizontal, vertical in POSITIONS:
                box = label_box(point, horizontal, vertical)
                on_screen = [(grid, grid.at(point.x, point.y, box)) for grid in upward]
                if all(
                    grid.free(screen_box, bounds(size, grid.scale))
                    for grid, screen_box in on_screen
                ):
                    for grid, screen_box in on_screen:
                        grid.add(screen_box)
                    placed[point.key] = Placement(point.key, position, box, level)
                    break
    return placed


def bounds(size, scale) -> Box | None:
    if size is None:
        return None
    return 0.0, 0.0, size[0] * scale, size[1] * scale
