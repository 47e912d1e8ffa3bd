"""The nodes of an indicator spec's tree: indicators (the leaves, with their direction,
weight and per-indicator parameters) and aggregates (areas, pillars, sub-indices), each
checked when made."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ruhrgeo._params import number
from ruhrgeo.errors import SpecError
from ruhrgeo.index.tree import INDEX

__all__ = ["DIRECTIONS", "RESERVED", "Aggregate", "Indicator", "check_name", "node_weight"]

# Columns of a composite() result besides the aggregates: no node may take these names.
RESERVED = frozenset({INDEX, "rank", "above_average"})
DIRECTIONS = ("higher", "lower")


@dataclass(frozen=True)
class Indicator:
    """One indicator: its column name, its parent aggregate, its direction (higher or lower is
    better), its weight among its siblings, and optionally a ``target`` (for ``dist2targ``),
    ``goalposts`` (lower, upper) for ``goalposts``, a ``denominator`` (a column of the
    denominator table it is divided by) and a human ``label``.

    Parameters
    ----------
    name
        The indicator's column in the tables.
    parent
        The aggregate it belongs to (level 2: an area or pillar).
    direction
        ``"higher"`` (more is better) or ``"lower"``.
    unit, source
        Its unit and source, for reports.
    weight
        Its weight among its siblings (finite, > 0).
    target
        The target of ``dist2targ``.
    goalposts
        ``(lower, upper)`` of the ``goalposts`` normalizer.
    denominator
        The column of a denominator table it is divided by (:func:`~ruhrgeo.index.denominate`).
    label
        A human name (COINr's ``iName``).

    Raises
    ------
    ruhrgeo.errors.SpecError
        An empty or reserved name, an unknown direction, a weight that is not > 0, goalposts
        that are not ``lower < upper``.

    Examples
    --------
    >>> Indicator("fttbh", "infrastructure", weight=2).weight
    2.0
    """

    name: str
    parent: str
    direction: Literal["higher", "lower"] = "higher"
    unit: str = ""
    source: str = ""
    weight: float = 1.0
    target: float | None = None
    goalposts: tuple[float, float] | None = None
    denominator: str | None = None
    label: str = ""

    def __post_init__(self) -> None:
        what = f"indicator {self.name!r}"
        check_name(self.name, "indicator", column=False)  # indicators are no result column
        if self.name == INDEX:
            raise SpecError(f"indicator name {INDEX!r} is the root of every spec's tree; rename it")
        check_name(self.parent, f"{what}: parent")
        if self.direction not in DIRECTIONS:
            raise SpecError(
                f"{what}: direction must be 'higher' or 'lower', got {self.direction!r}"
            )
        for key in ("unit", "source", "label"):
            if not isinstance(getattr(self, key), str):
                raise SpecError(f"{what}: {key} must be text")
        object.__setattr__(self, "weight", node_weight(self.weight, what))
        if self.target is not None:
            object.__setattr__(
                self, "target", number(self.target, f"target of {what}", error=SpecError)
            )
        if self.goalposts is not None:
            posts = self.goalposts
            if isinstance(posts, str) or not isinstance(posts, tuple | list) or len(posts) != 2:
                raise SpecError(f"{what}: goalposts must be [lower, upper]")
            low, high = (number(p, f"goalposts of {what}", error=SpecError) for p in posts)
            if not low < high:
                raise SpecError(
                    f"{what}: goalposts must be [lower, upper] with lower < upper, got "
                    f"{list(posts)}"
                )
            object.__setattr__(self, "goalposts", (low, high))
        if self.denominator is not None:
            check_name(self.denominator, f"{what}: denominator", column=False)


@dataclass(frozen=True)
class Aggregate:
    """A node of the tree above the indicators (an area, pillar or sub-index): its name, its
    parent aggregate (None: directly under the index), its weight among its siblings and a
    label.

    Parameters
    ----------
    name
        The aggregate's name (a column of :func:`~ruhrgeo.index.composite`'s result).
    parent
        The aggregate above it; None: directly under the index.
    weight
        Its weight among its siblings (finite, > 0).
    label
        A human name.

    Raises
    ------
    ruhrgeo.errors.SpecError
        An empty or reserved name, or a weight that is not > 0.

    Examples
    --------
    >>> Aggregate("connectivity", parent="infrastructure", weight=2).parent
    'infrastructure'
    """

    name: str
    parent: str | None = None
    weight: float = 1.0
    label: str = ""

    def __post_init__(self) -> None:
        check_name(self.name, "aggregate")
        if self.parent is not None:
            check_name(self.parent, f"aggregate {self.name!r}: parent")
        if not isinstance(self.label, str):
            raise SpecError(f"aggregate {self.name!r}: label must be text")
        object.__setattr__(self, "weight", node_weight(self.weight, f"aggregate {self.name!r}"))


def check_name(value: object, what: str, *, column: bool = True) -> None:
    if not isinstance(value, str) or not value.strip():
        raise SpecError(f"every {what} needs a non-empty text name, got {value!r}")
    if column and value in RESERVED:
        raise SpecError(
            f"{what} name {value!r} is reserved for the result's columns ({sorted(RESERVED)}); "
            "rename it"
        )


def node_weight(value: object, what: str) -> float:
    return number(value, f"weight of {what}", low=0, low_open=True, error=SpecError)
