"""The network of ties: regions as nodes, ties as edges, laid out on the server.

Each group of linked regions is laid out on its own with a force-directed layout (Fruchterman
and Reingold, 1991): ties pull their regions together and every pair of regions pushes apart.
The groups are then set side by side in rows. There is no randomness, so the same ties always
give the same picture. Node area grows with the number of ties, so hubs
stand out.
"""

import math
from collections import Counter
from dataclasses import dataclass

WIDTH = 760
IDEAL_EDGE = 70  # px: the length a tie settles at
LABEL_ROOM = 130  # px left and right of a group for region names
NODE_ROOM = 24  # px above and below a group
ITERATIONS = 200
HUB_DEGREE = 3  # regions with at least this many ties are drawn and labelled as hubs
COUNTRY_COLOURS = ("JP", "KR", "CN")


@dataclass
class Node:
    region: object
    degree: int
    x: float = 0.0
    y: float = 0.0
    label_position: str = "end"  # "above", or left ("start") or right ("end") of the circle

    @property
    def radius(self) -> float:
        return round(5 + 4 * math.sqrt(self.degree - 1), 1)

    @property
    def label_x(self) -> float:
        offset = {"above": 0, "start": -(self.radius + 4), "end": self.radius + 4}
        return round(self.x + offset[self.label_position], 1)

    @property
    def label_y(self) -> float:
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


@dataclass
class Edge:
    tie: object
    source: Node
    target: Node


@dataclass
class Network:
    nodes: list[Node]
    edges: list[Edge]
    width: int = WIDTH
    height: int = 0

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
    """Fruchterman–Reingold from a circle (busiest region in the middle), deterministic."""
    hub, *others = nodes
    hub.x = hub.y = 0.0
    for index, node in enumerate(others):
        angle = 2 * math.pi * index / len(others)
        node.x, node.y = IDEAL_EDGE * math.cos(angle), IDEAL_EDGE * math.sin(angle)
    temperature = IDEAL_EDGE
    for _step in range(iterations):
        shift = {id(node): [0.0, 0.0] for node in nodes}
        for i, first in enumerate(nodes):
            for second in nodes[i + 1 :]:
                dx, dy = first.x - second.x, first.y - second.y
                distance = max(math.hypot(dx, dy), 0.01)
                push = IDEAL_EDGE * IDEAL_EDGE / distance
                for node, sign in ((first, 1), (second, -1)):
                    shift[id(node)][0] += sign * dx / distance * push
                    shift[id(node)][1] += sign * dy / distance * push
        for edge in edges:
            dx, dy = edge.source.x - edge.target.x, edge.source.y - edge.target.y
            distance = max(math.hypot(dx, dy), 0.01)
            pull = distance * distance / IDEAL_EDGE
            for node, sign in ((edge.source, -1), (edge.target, 1)):
                shift[id(node)][0] += sign * dx / distance * pull
                shift[id(node)][1] += sign * dy / distance * pull
        for node in nodes:
            dx, dy = shift[id(node)]
            length = max(math.hypot(dx, dy), 0.01)
            step = min(length, temperature)
            node.x += dx / length * step
            node.y += dy / length * step
        temperature = max(temperature * 0.97, 0.5)


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
