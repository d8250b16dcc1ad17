"""The partnership network drawn as a circle: a pure layout (no database) for a server-rendered SVG.

Cooperatives sit on the outer ring, grouped by kecamatan; outside parties on the inner ring,
grouped by kind; each partnership is a straight line between its two sides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

SIZE = 800
OUTER = 360
INNER = 200


@dataclass(frozen=True)
class Node:
    key: str  # "k<id>" for a cooperative, "p<id>" for an outside party
    label: str
    group: str  # kecamatan name, or the outside party's kind
    outside: bool
    x: float = 0
    y: float = 0
    degree: int = 0


@dataclass(frozen=True)
class Edge:
    source: Node
    target: Node
    kind: str
    kind_label: str


def _ring(nodes, radius):
    placed = []
    count = len(nodes)
    for index, node in enumerate(nodes):
        angle = 2 * math.pi * index / count - math.pi / 2 if count else 0
        x = SIZE / 2 + (radius if count > 1 else 0) * math.cos(angle)
        y = SIZE / 2 + (radius if count > 1 else 0) * math.sin(angle)
        placed.append(Node(node.key, node.label, node.group, node.outside, round(x, 1), round(y, 1), node.degree))
    return placed


def layout(nodes: list[Node], links: list[tuple[str, str, str, str]]) -> tuple[list[Node], list[Edge]]:
    """Positions for the nodes and the edges between them.

    `links` are (source key, target key, kind, kind label); a link to an unknown node is dropped.
    """
    degree = {}
    for source, target, _kind, _label in links:
        degree[source] = degree.get(source, 0) + 1
        degree[target] = degree.get(target, 0) + 1
    nodes = [Node(n.key, n.label, n.group, n.outside, degree=degree.get(n.key, 0)) for n in nodes]
    order = sorted(nodes, key=lambda n: (n.group, n.label, n.key))
    placed = _ring([n for n in order if not n.outside], OUTER) + _ring([n for n in order if n.outside], INNER)
    by_key = {n.key: n for n in placed}
    edges = [
        Edge(by_key[source], by_key[target], kind, label)
        for source, target, kind, label in links if source in by_key and target in by_key
    ]
    return placed, edges
