"""The levels of a spec's tree: each node's level from the leaves up, and the levels' names."""

from __future__ import annotations

from collections.abc import Iterable

from ruhrgeo.errors import SpecError

INDEX = "index"  # the root of every tree


def levels_of(children: dict[str, list[str]], leaves: set[str], name: str) -> dict[str, int]:
    """Each node's level, from the leaves up; refuses cycles and unbalanced trees."""
    level: dict[str, int] = dict.fromkeys(leaves, 1)
    order, seen, stack = [], set(), [(INDEX, False)]
    while stack:  # post-order without recursion: deep trees do not exhaust the stack
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node in seen:
            raise SpecError(f"spec {name!r}: the aggregates form a cycle through {node!r}")
        seen.add(node)
        stack.append((node, True))
        stack.extend((child, False) for child in children.get(node, []) if child not in leaves)
    unreachable = sorted(set(children) - seen)
    if unreachable:
        raise SpecError(
            f"spec {name!r}: aggregates {unreachable[:10]} do not lead to the index (a cycle)"
        )
    for node in order:
        depths = {level[child] for child in children[node]}
        if len(depths) > 1:
            raise SpecError(
                f"spec {name!r}: the children of {node!r} lie at different levels "
                f"({sorted(depths)}); every indicator must lie at the same depth below the index"
            )
        level[node] = depths.pop() + 1
    return level


def level_names(given: Iterable[str] | None, depth: int, name: str) -> tuple[str, ...]:
    if given is None:
        if depth == 3:
            return ("indicators", "areas", INDEX)
        return ("indicators", *(f"level {k}" for k in range(2, depth)), INDEX)
    names = tuple(given) if not isinstance(given, str) else (given,)
    if (
        len(names) != depth
        or not all(isinstance(n, str) and n for n in names)
        or len(set(names)) != depth
    ):
        raise SpecError(
            f"spec {name!r}: `levels` must name its {depth} levels once each (indicators to "
            f"index), got {list(names)}"
        )
    return names
