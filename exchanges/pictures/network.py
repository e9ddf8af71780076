"""The network of ties: regions as nodes, ties as edges, laid out on the server.

Each group of linked regions is laid out on its own with a force-directed layout (Fruchterman
and Reingold, 1991): ties pull their regions together and every pair of regions pushes apart.
The groups are then set side by side in rows. There is no randomness, so the same ties always
give the same picture. Node area grows with the number of ties, so hubs
stand out.

A force layout costs the square of the regions it places, and past a hundred ties the picture
is a tangle anyway: beyond ``NETWORK_TIES`` the network is drawn between first-level regions
(provinces, prefectures), the ``NETWORK_NODES`` with most ties on a circle grouped by country,
each line standing for all the ties between two of them, and the page says so.
"""

import math
from collections import Counter
from dataclasses import dataclass

WIDTH = 760
IDEAL_EDGE = 70  # px: the length a tie settles at
LABEL_ROOM = 130  # px left and right of a group for region names
NODE_ROOM = 24  # px above and below a group
ITERATIONS = 200
LAYOUT_WORK = 400_000  # pairs of regions pushed apart, summed over the iterations, at most
NETWORK_TIES = 100  # drawn one by one up to this many
NETWORK_NODES = 40  # beyond, the first-level regions with most ties
NETWORK_EDGES = 150  # and the strongest links between them
CIRCLE_RADIUS = 210  # px, leaving room around the circle for names read outwards
HUB_DEGREE = 3  # regions with at least this many ties are drawn and labelled as hubs
COUNTRY_COLOURS = ("JP", "KR", "CN")


@dataclass
class Node:
    region: object
    degree: int
    x: float = 0.0
    y: float = 0.0
    label_position: str = "end"  # "above", or left ("start") or right ("end") of the circle
    most: int = 0  # in a network of many ties, the most ties of any node: sized against it
    angle: float | None = None  # on a circle: the name points outwards along this angle

    @property
    def label_rotation(self) -> float | None:
        """Degrees to turn a name on a circle so that it reads outwards, never upside down."""
        if self.angle is None:
            return None
        degrees = math.degrees(self.angle)
        return round(degrees if math.cos(self.angle) >= 0 else degrees + 180, 1)

    @property
    def radius(self) -> float:
        if self.most:
            return round(5 + 13 * math.sqrt(self.degree / self.most), 1)
        return round(5 + 4 * math.sqrt(self.degree - 1), 1)

    @property
    def label_x(self) -> float:
        if self.angle is not None:
            return round(self.x + math.cos(self.angle) * (self.radius + 4), 1)
        offset = {"above": 0, "start": -(self.radius + 4), "end": self.radius + 4}
        return round(self.x + offset[self.label_position], 1)

    @property
    def label_y(self) -> float:
        if self.angle is not None:
            return round(self.y + math.sin(self.angle) * (self.radius + 4), 1)
        return round(self.y - self.radius - 6 if self.label_position == "above" else self.y, 1)

    @property
    def label_anchor(self) -> str:
        return {"above": "middle", "start": "end", "end": "start"}[self.label_position]

    @property
    def country_class(self) -> str:
        """The colour: the three countries of the directory, and the rest alike."""
        code = str(self.region.country)
        return f"country-{code if code in COUNTRY_COLOURS else 'other'}"

    @property
    def is_hub(self) -> bool:
        return self.degree >= HUB_DEGREE


def line_width(ties: int) -> float:
    """The stroke of a line that stands for ``ties`` ties: thicker for more, within reason."""
    return round(min(1 + math.sqrt(ties) / 2, 9), 1)


@dataclass
class Edge:
    tie: object  # None when the edge stands for the ties between two first-level regions
    source: Node
    target: Node
    ties: int = 1
    url: str = ""  # the ties list, filtered to the ties an aggregated edge stands for

    @property
    def ends(self) -> tuple:
        return self.source.region, self.target.region

    @property
    def width(self) -> float:
        return line_width(self.ties)


@dataclass
class Network:
    nodes: list[Node]
    edges: list[Edge]
    width: int = WIDTH
    height: int = 0
    # When drawn between first-level regions: the ties, first-level regions and links the
    # filters select, of which the picture shows the busiest.
    aggregated_ties: int = 0
    aggregated_regions: int = 0
    aggregated_links: int = 0

    @property
    def aggregated(self) -> bool:
        return bool(self.aggregated_ties)

    @property
    def hubs(self) -> list[Node]:
        return [node for node in self.nodes if node.is_hub]


def build(ties) -> Network:
    """The network of the given ties (with region_a and region_b selected)."""
    degree: Counter = Counter()
    regions = {}
    for tie in ties:
        for region in (tie.region_a, tie.region_b):
            degree[region.pk] += 1
            regions[region.pk] = region
    order = sorted(regions, key=lambda pk: (-degree[pk], regions[pk].name_en))
    nodes = {pk: Node(regions[pk], degree[pk]) for pk in order}
    edges = [Edge(tie, nodes[tie.region_a_id], nodes[tie.region_b_id]) for tie in ties]
    network = Network(list(nodes.values()), edges)
    lay_out(network)
    return network


def components(network: Network) -> list[list[Node]]:
    """Groups of regions linked by ties, largest (then busiest) first."""
    group = {id(node): [node] for node in network.nodes}
    for edge in network.edges:
        first, second = group[id(edge.source)], group[id(edge.target)]
        if first is not second:
            first.extend(second)
            for node in second:
                group[id(node)] = first
    unique = {id(members): members for members in group.values()}.values()
    return sorted(unique, key=lambda members: (-len(members), -members[0].degree))


def lay_out(network: Network) -> None:
    """Lay out each group of linked regions on its own, then set the groups side by side."""
    groups = components(network)
    edges_of = {id(node): [] for node in network.nodes}
    for edge in network.edges:
        edges_of[id(edge.source)].append(edge)
    for members in groups:
        edges = [edge for node in members for edge in edges_of[id(node)]]
        spring_layout(members, edges)
    network.height = pack(groups)


def spring_layout(nodes: list[Node], edges: list[Edge], iterations: int = ITERATIONS) -> None:
    """Fruchterman–Reingold from a circle (busiest region in the middle), deterministic.

    Large groups get fewer iterations, so that the work stays within LAYOUT_WORK."""
    count = len(nodes)
    pairs = count * (count - 1) // 2
    iterations = min(iterations, max(30, LAYOUT_WORK // max(pairs, 1)))
    index = {id(node): i for i, node in enumerate(nodes)}
    links = [(index[id(edge.source)], index[id(edge.target)]) for edge in edges]
    xs, ys = [0.0] * count, [0.0] * count
    for i in range(1, count):
        angle = 2 * math.pi * (i - 1) / (count - 1)
        xs[i], ys[i] = IDEAL_EDGE * math.cos(angle), IDEAL_EDGE * math.sin(angle)
    push = IDEAL_EDGE * IDEAL_EDGE
    temperature = IDEAL_EDGE
    for _step in range(iterations):
        shift_x, shift_y = [0.0] * count, [0.0] * count
        for i in range(count):
            xi, yi = xs[i], ys[i]
            for j in range(i + 1, count):
                dx, dy = xi - xs[j], yi - ys[j]
                # The push is IDEAL_EDGE² / distance along the unit vector: dx · K² / d².
                factor = push / max(dx * dx + dy * dy, 0.0001)
                shift_x[i] += dx * factor
                shift_y[i] += dy * factor
                shift_x[j] -= dx * factor
                shift_y[j] -= dy * factor
        for i, j in links:
            dx, dy = xs[i] - xs[j], ys[i] - ys[j]
            # The pull is distance² / IDEAL_EDGE along the unit vector: dx · d / K.
            factor = math.hypot(dx, dy) / IDEAL_EDGE
            shift_x[i] -= dx * factor
            shift_y[i] -= dy * factor
            shift_x[j] += dx * factor
            shift_y[j] += dy * factor
        for i in range(count):
            length = max(math.hypot(shift_x[i], shift_y[i]), 0.01)
            step = min(length, temperature)
            xs[i] += shift_x[i] / length * step
            ys[i] += shift_y[i] / length * step
        temperature = max(temperature * 0.97, 0.5)
    for node, x, y in zip(nodes, xs, ys, strict=True):
        node.x, node.y = x, y


def pack(groups: list[list[Node]]) -> int:
    """Place the groups in centred rows across the page, each in a box with room for its
    labels; returns the height the picture needs."""
    if not groups:
        return 0
    rows: list[list[tuple[list[Node], float, float]]] = [[]]
    row_width = 0.0
    for members in groups:
        xs, ys = [node.x for node in members], [node.y for node in members]
        box = (members, max(xs) - min(xs) + 2 * LABEL_ROOM, max(ys) - min(ys) + 2 * NODE_ROOM)
        if rows[-1] and row_width + box[1] > WIDTH:
            rows.append([])
            row_width = 0.0
        rows[-1].append(box)
        row_width += box[1]
    top = 0.0
    for row in rows:
        left = max((WIDTH - sum(width for _members, width, _height in row)) / 2, 0)
        for members, width, _height in row:
            centre_x = (max(n.x for n in members) + min(n.x for n in members)) / 2
            min_y = min(n.y for n in members)
            for node in members:
                node.x = round(left + width / 2 + node.x - centre_x, 1)
                node.y = round(top + NODE_ROOM + node.y - min_y, 1)
                node.label_position = label_position(node, left + width / 2)
            left += width
        top += max(height for _members, _width, height in row)
    return math.ceil(top)


def label_position(node: Node, group_centre_x: float) -> str:
    """Above a region that ties lead through, else on the side away from the group's middle,
    so that names do not sit on the lines."""
    if node.degree > 1:
        return "above"
    return "start" if node.x < group_centre_x - 1 else "end"


def build_between_top_regions(pairs, tie_total: int, top_regions) -> Network:
    """The network of many ties between first-level regions: ``pairs`` is {(region id,
    region id): ties} over ``tie_total`` ties, ``top_regions`` those regions by id. The
    NETWORK_NODES regions with most ties sit on a circle, grouped by country."""
    degree: Counter = Counter()
    for (first, second), n in pairs.items():
        degree[first] += n
        if second != first:
            degree[second] += n
    busiest = sorted(degree, key=lambda pk: (-degree[pk], top_regions[pk].name_en))
    chosen = busiest[:NETWORK_NODES]
    country_order = {code: i for i, code in enumerate(COUNTRY_COLOURS)}
    chosen.sort(
        key=lambda pk: (
            country_order.get(str(top_regions[pk].country), len(COUNTRY_COLOURS)),
            -degree[pk],
            top_regions[pk].name_en,
        )
    )
    most = max(degree.values())
    nodes = {pk: Node(top_regions[pk], degree[pk], most=most) for pk in chosen}
    centre_x, centre_y = WIDTH / 2, WIDTH / 2  # as much room above and below as beside
    for i, pk in enumerate(chosen):
        angle = 2 * math.pi * i / len(chosen) - math.pi / 2
        node = nodes[pk]
        node.x = round(centre_x + CIRCLE_RADIUS * math.cos(angle), 1)
        node.y = round(centre_y + CIRCLE_RADIUS * math.sin(angle), 1)
        node.label_position = "end" if math.cos(angle) >= 0 else "start"
        node.angle = angle
    links = [
        (first, second, n)
        for (first, second), n in sorted(pairs.items(), key=lambda item: (-item[1], item[0]))
        if first != second and first in nodes and second in nodes
    ]
    edges = [Edge(None, nodes[a], nodes[b], n) for a, b, n in links[:NETWORK_EDGES]]
    return Network(
        nodes=sorted(nodes.values(), key=lambda node: (-node.degree, node.region.name_en)),
        edges=edges,
        height=math.ceil(2 * centre_y),
        aggregated_ties=tie_total,
        aggregated_regions=len(degree),
        aggregated_links=len(links),
    )
