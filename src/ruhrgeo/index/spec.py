"""Indicator specs: a tree of named aggregates of any depth over the indicators, with
directions, weights per node and the per-indicator parameters some normalizers need.

Indicators sit at level 1, each under its parent aggregate (level 2: an area or pillar);
aggregates sit under other aggregates up to the index at the top (level N). Every indicator
lies at the same depth (as in COINr's ``iMeta``). The Digital-Index Ruhr is a tree of three
levels: twelve indicators, four areas, the index.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ruhrgeo.errors import SpecError
from ruhrgeo.index.nodes import Aggregate, Indicator
from ruhrgeo.index.tree import INDEX, level_names, levels_of

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["INDEX", "IndicatorSpec"]


@dataclass(frozen=True)
class IndicatorSpec:
    """Which indicators make the index, under a tree of weighted aggregates of any depth.

    Weights are relative among siblings and normalized to sum 1 when the index is computed.
    Every weight must be a finite number > 0; names must be unique across indicators and
    aggregates, and no aggregate may be called ``index``, ``rank`` or ``above_average`` (the
    result's other columns).

    Parameters
    ----------
    name
        The spec's name.
    indicators
        The indicators, each naming its parent aggregate.
    aggregates
        The aggregates, or a mapping name -> weight of aggregates directly under the index
        (the two-level layout of ``[areas]``); default one aggregate of weight 1 per parent
        the indicators name.
    version
        The spec's version number.
    levels
        Names of the levels from the indicators (1) to the index (N); default
        ``("indicators", "areas", "index")`` for three levels, else ``"level 2"`` ... .
    label
        A human name of the index (COINr's ``iName`` of its top node).

    Raises
    ------
    ruhrgeo.errors.SpecError
        Names repeated or reserved, a parent that does not exist, a cycle, indicators at
        different depths, an aggregate without children, a weight that is not > 0.

    Examples
    --------
    >>> from ruhrgeo.index import load_spec
    >>> spec = load_spec()
    >>> len(spec.indicators), spec.aggregates_at(2)
    (12, ['research', 'employment', 'companies', 'infrastructure'])
    >>> deep = IndicatorSpec("deep", (Indicator("a", "p1"), Indicator("b", "p2")),
    ...                      (Aggregate("p1", "s"), Aggregate("p2", "s"), Aggregate("s")))
    >>> deep.depth, deep.levels, deep.children("s")
    (4, ('indicators', 'level 2', 'level 3', 'index'), ['p1', 'p2'])
    """

    name: str
    indicators: tuple[Indicator, ...]
    aggregates: tuple[Aggregate, ...] | Mapping[str, float] = ()
    version: int = 1
    levels: tuple[str, ...] | None = None
    label: str = ""
    _children: dict[str, list[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _level: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str):
            raise SpecError(f"the spec's name must be text, got {self.name!r}")
        if not isinstance(self.label, str):
            raise SpecError(f"spec {self.name!r}: label must be text, got {self.label!r}")
        indicators = tuple(self.indicators)
        if not indicators:
            raise SpecError(f"spec {self.name!r} needs at least one indicator")
        for ind in indicators:
            if not isinstance(ind, Indicator):
                raise SpecError(f"spec {self.name!r}: indicators must be Indicator, got {ind!r}")
        aggregates = _aggregates(self.aggregates, indicators, self.name)
        names = [i.name for i in indicators] + [a.name for a in aggregates]
        doubled = sorted(n for n, c in Counter(names).items() if c > 1)
        if doubled:
            raise SpecError(
                f"spec {self.name!r} names {doubled[:10]} more than once (indicators and "
                "aggregates share one namespace)"
            )
        children: dict[str, list[str]] = {a.name: [] for a in aggregates}
        children[INDEX] = []
        for a in aggregates:
            parent = a.parent or INDEX
            if parent not in children:
                raise SpecError(
                    f"aggregate {a.name!r} has the parent {parent!r}, which the spec lacks; add it "
                    "as an aggregate"
                )
            children[parent].append(a.name)
        for ind in indicators:
            if ind.parent not in children or ind.parent == INDEX:
                raise SpecError(
                    f"indicator {ind.name!r} has the parent {ind.parent!r}, which the spec "
                    f"lacks; add it as an aggregate (or to [areas])"
                )
            children[ind.parent].append(ind.name)
        if not children[INDEX]:
            raise SpecError(
                f"spec {self.name!r}: no aggregate lies directly under the index (give the top "
                "ones no parent); the parents may form a cycle"
            )
        empty = [a for a, kids in children.items() if not kids]
        if empty:
            raise SpecError(f"aggregates {empty[:10]} have no children; remove them")
        level = levels_of(children, {i.name for i in indicators}, self.name)
        depth = level[INDEX]
        object.__setattr__(self, "indicators", indicators)
        object.__setattr__(self, "aggregates", aggregates)
        object.__setattr__(self, "_children", children)
        object.__setattr__(self, "_level", level)
        object.__setattr__(self, "levels", level_names(self.levels, depth, self.name))
        if not isinstance(self.version, int) or isinstance(self.version, bool):
            raise SpecError(
                f"spec {self.name!r}: version must be a whole number, got {self.version!r}"
            )

    # --- the tree ---------------------------------------------------------------------------

    @property
    def depth(self) -> int:
        """The number of levels, indicators (1) to index (N)."""
        return self._level[INDEX]

    def level_of(self, node: str) -> int:
        """The level of an indicator (1), an aggregate (2 .. N-1) or the index (N)."""
        if node not in self._level:
            raise SpecError(f"spec {self.name!r} has no node {node!r}")
        return self._level[node]

    def children(self, node: str = INDEX) -> list[str]:
        """The direct children of an aggregate or of the index, in spec order."""
        if node not in self._children:
            raise SpecError(
                f"spec {self.name!r} has no aggregate {node!r}; aggregates: "
                f"{self.aggregate_names()[:20]}"
            )
        return list(self._children[node])

    def parent_of(self, node: str) -> str:
        """The parent of an indicator or aggregate (``"index"`` at the top)."""
        for item in (*self.indicators, *self.aggregates):
            if item.name == node:
                return item.parent or INDEX
        raise SpecError(f"spec {self.name!r} has no node {node!r}")

    def aggregates_at(self, level: int) -> list[str]:
        """The aggregates of a level (2 .. N-1), in spec order; ``["index"]`` at level N."""
        if not isinstance(level, int) or not 2 <= level <= self.depth:
            raise SpecError(
                f"spec {self.name!r} has aggregation levels 2 to {self.depth}, not {level!r}"
            )
        if level == self.depth:
            return [INDEX]
        return [a.name for a in self.aggregates if self._level[a.name] == level]

    def aggregate_names(self) -> list[str]:
        """Every aggregate, level by level from the bottom (the index not included)."""
        return [name for level in range(2, self.depth) for name in self.aggregates_at(level)]

    def names(self, under: str | None = None) -> list[str]:
        """The indicator names (the table's columns) in spec order, of those under an
        aggregate (at any depth) if given."""
        if under is None:
            return [i.name for i in self.indicators]
        if under not in self._children:
            raise SpecError(
                f"spec {self.name!r} has no aggregate {under!r}; aggregates: "
                f"{self.aggregate_names()[:20]}"
            )
        below, stack = set(), [under]
        while stack:
            for child in self._children.get(stack.pop(), []):
                below.add(child)
                stack.append(child)
        return [i.name for i in self.indicators if i.name in below]

    def weights(self) -> dict[str, float]:
        """Node -> its weight among its siblings, indicators then aggregates."""
        return {i.name: i.weight for i in self.indicators} | {
            a.name: a.weight for a in self.aggregates
        }

    def directions(self) -> dict[str, str]:
        """Indicator name -> "higher" or "lower"."""
        return {i.name: i.direction for i in self.indicators}

    def level_key(self, key: int | str) -> int:
        """A level given by number (2 .. N) or by name (one of ``levels``) as its number."""
        if isinstance(key, str) and key in self.levels[1:]:
            return self.levels.index(key) + 1
        if isinstance(key, int) and not isinstance(key, bool) and 2 <= key <= self.depth:
            return key
        raise SpecError(
            f"spec {self.name!r} has the aggregation levels {list(self.levels[1:])} (or 2 to "
            f"{self.depth}), not {key!r}"
        )

    @classmethod
    def from_coinr(cls, imeta: pd.DataFrame | str | os.PathLike[str]) -> IndicatorSpec:
        """The spec a COINr 1.x ``iMeta`` table describes.

        Parameters
        ----------
        imeta : DataFrame, str or path
            ``iCode``, ``Level``, ``Parent``, ``Type``, ``Weight``, ``Direction`` and
            optionally ``Target``, ``Denominator``, ``iName``; or a CSV file of it. The top
            row (no parent) names the spec; rows of type ``Denominator``, ``Group`` and
            ``Other`` are not nodes and are left aside.

        Returns
        -------
        IndicatorSpec
            The tree; its levels are named ``level 2``, ``level 3``, ... (iMeta has no names).

        Raises
        ------
        ruhrgeo.errors.FileFormatError
            The CSV cannot be read, or a required column is missing.
        ruhrgeo.errors.SpecError
            Repeated codes, not one top node, a parent not one level up, or a type, weight or
            direction COINr would not accept either.

        Examples
        --------
        >>> import pandas as pd
        >>> imeta = pd.DataFrame({
        ...     "iCode": ["fttbh", "5g", "infra", "Index"], "Level": [1, 1, 2, 3],
        ...     "Parent": ["infra", "infra", "Index", None],
        ...     "Type": ["Indicator", "Indicator", "Aggregate", "Aggregate"],
        ...     "Weight": [2, 1, 1, 1], "Direction": [1, 1, None, None]})
        >>> spec = IndicatorSpec.from_coinr(imeta)
        >>> spec.name, spec.depth, spec.weights()["fttbh"]
        ('Index', 3, 2.0)
        """
        from ruhrgeo.index.coinr import spec_from_imeta

        return spec_from_imeta(imeta)

    def to_coinr(self) -> pd.DataFrame:
        """The spec as COINr's ``iMeta`` table.

        Returns
        -------
        DataFrame
            Indicators, aggregates level by level, the index (coded by the spec's name) and
            one ``Denominator`` row per denominator named. :meth:`from_coinr` reads it back
            to an equal spec except for the level names and goalposts (iMeta has no columns
            for them).

        Examples
        --------
        >>> from ruhrgeo.index import load_spec
        >>> load_spec().to_coinr()["Type"].value_counts().to_dict()
        {'Indicator': 12, 'Aggregate': 5}
        """
        from ruhrgeo.index.coinr import imeta_of

        return imeta_of(self)

    def subset(self, names: Iterable[str]) -> IndicatorSpec:
        """The spec of some of its indicators; aggregates left without indicators drop out.

        Examples
        --------
        >>> from ruhrgeo.index import load_spec
        >>> spec = load_spec()
        >>> spec.subset(spec.names("infrastructure")).aggregate_names()
        ['infrastructure']
        """
        wanted = list(names)
        unknown = sorted(set(wanted) - set(self.names()))
        if unknown:
            raise SpecError(f"spec {self.name!r} has no indicators {unknown[:10]}")
        kept = tuple(i for i in self.indicators if i.name in set(wanted))
        alive = {i.parent for i in kept}
        for _ in range(2, self.depth):  # one level up per pass
            for a in self.aggregates:
                if a.name in alive and a.parent:
                    alive.add(a.parent)
        aggregates = tuple(a for a in self.aggregates if a.name in alive)
        return IndicatorSpec(self.name, kept, aggregates, self.version, self.levels, self.label)


def _aggregates(
    given: tuple[Aggregate, ...] | Mapping[str, float], indicators: tuple[Indicator, ...], name: str
) -> tuple[Aggregate, ...]:
    if isinstance(given, Mapping):
        return (
            tuple(Aggregate(str(a), None, w) for a, w in given.items())
            if given
            else _default(indicators)
        )
    items = tuple(given)
    if not items:
        return _default(indicators)
    for a in items:
        if not isinstance(a, Aggregate):
            raise SpecError(f"spec {name!r}: aggregates must be Aggregate, got {a!r}")
    return items


def _default(indicators: tuple[Indicator, ...]) -> tuple[Aggregate, ...]:
    return tuple(Aggregate(p) for p in dict.fromkeys(i.parent for i in indicators))
