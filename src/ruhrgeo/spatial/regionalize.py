"""Regions from data: contiguous groups of areas alike in some columns (spopt), to set beside a
fixed line such as the median northing. spopt is the optional extra ``regions``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ruhrgeo import _names
from ruhrgeo._optional import need
from ruhrgeo._params import choice, flag, number, whole_number
from ruhrgeo._params import seed as check_seed
from ruhrgeo.errors import MissingColumnError, ParameterError, StatisticsError
from ruhrgeo.spatial._checks import prepare, quiet, seeded
from ruhrgeo.spatial.graphs import GraphLike, describe

__all__ = ["REGION_METHODS", "RegionsResult", "regions"]

REGION_METHODS = _names.REGION_METHODS


@dataclass(frozen=True)
class RegionsResult:
    """Regions found from data.

    Attributes
    ----------
    method : str
        ``maxp``, ``skater`` or ``ward``.
    graph : str
        The contiguity used, described.
    labels : pandas.Series
        The region (1..p, in order of first appearance) of each area, named ``region``.
    table : pandas.DataFrame
        Per region: ``areas``, ``<floor_column>_total`` (max-p) and the mean of each column.
    model : object
        spopt's object.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from ruhrgeo import spatial
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(4) for c in range(4)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c > 1) for r in range(4) for c in range(4)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> spatial.regions(gdf, ["v"], method="ward", graph="rook", n_regions=2).labels.nunique()
    2
    """

    method: str
    graph: str
    labels: pd.Series
    table: pd.DataFrame
    model: Any = field(repr=False, compare=False)

    def summary(self) -> str:
        """The number of regions and their sizes."""
        sizes = ", ".join(str(int(n)) for n in self.table["areas"])
        return f"{self.method}: {len(self.table)} regions of {sizes} areas ({self.graph} weights)"


def regions(
    gdf: pd.DataFrame,
    columns: Sequence[str],
    *,
    method: str = "maxp",
    graph: GraphLike = "queen",
    n_regions: int | None = None,
    floor: float | None = None,
    floor_column: str | None = None,
    standardize: bool = True,
    seed: int = 0,
) -> RegionsResult:
    """Group contiguous areas into regions alike in ``columns`` (spopt).

    Parameters
    ----------
    gdf
        Areas (polygons) indexed by any unique key.
    columns
        The columns the regions should be homogeneous in.
    method
        ``"maxp"`` (``spopt.region.MaxPHeuristic``: as many regions as possible, each with at
        least ``floor`` of ``floor_column``, e.g. 200,000 inhabitants); ``"skater"``
        (``Skater``: ``n_regions`` by pruning a minimum spanning tree, each with at least
        ``floor`` areas if given); ``"ward"`` (``WardSpatial``: ``n_regions`` by Ward
        clustering under contiguity).
    graph
        Which areas are contiguous (:func:`~ruhrgeo.spatial.build_graph`).
    n_regions
        The number of regions (skater, ward).
    floor, floor_column
        The least each region must hold of ``floor_column`` (maxp, e.g. 200,000 of
        ``population``); for skater the least number of areas per region.
    standardize
        Compare the columns as z-scores (True), so that a column in larger units does not
        dominate, or as given.
    seed
        The max-p heuristic draws at random (NumPy's global generator, seeded here and
        restored after): the same seed gives the same regions.

    Returns
    -------
    RegionsResult

    Raises
    ------
    ruhrgeo.errors.ParameterError
        A method's required option is missing (``floor`` and ``floor_column`` for maxp,
        ``n_regions`` for skater and ward).
    ruhrgeo.errors.StatisticsError
        spopt finds no solution (a floor above the total, more regions than areas).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(4) for c in range(4)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c > 1) for r in range(4) for c in range(4)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> found = regions(gdf, ["v"], method="ward", graph="rook", n_regions=2)
    >>> found.table["areas"].tolist(), found.table["v"].tolist()
    ([8, 8], [0.0, 1.0])
    """
    method = choice(method, "method", REGION_METHODS)
    names = _columns(columns)
    standardize = flag(standardize, "standardize")
    seed = check_seed(seed)
    extra = [floor_column] if floor_column is not None and floor_column not in names else []
    values, w = prepare(gdf, [*names, *extra], graph)
    data = values[names]
    if standardize:
        data = (data - data.mean()) / data.std(ddof=0).replace(0, 1)
    frame = data.reset_index(drop=True)  # spopt's max-p reads ids as positions
    weights = w.to_W()
    weights.remap_ids(list(range(len(frame))))  # in place
    region = need("spopt.region", "regions()")
    if method == "maxp":
        if floor is None or floor_column is None:
            raise ParameterError(
                "method='maxp' needs `floor` and `floor_column` (e.g. floor=200_000, "
                "floor_column='population'): the least each region must hold"
            )
        floor = number(floor, "floor", low=0, low_open=True)
        frame["_floor"] = values[floor_column].to_numpy()
        if frame["_floor"].sum() < floor:
            raise StatisticsError(
                f"the areas hold {frame['_floor'].sum():g} of `{floor_column}` in all, less than "
                f"the floor {floor:g}: no region can reach it"
            )
        model = region.MaxPHeuristic(frame, weights, names, "_floor", floor, top_n=2)
    else:
        if n_regions is None:
            raise ParameterError(f"method={method!r} needs `n_regions`")
        n_regions = whole_number(n_regions, "n_regions", low=1, high=len(values))
        if method == "skater":
            options = {} if floor is None else {"floor": whole_number(floor, "floor", low=1)}
            model = region.Skater(frame, weights, names, n_clusters=n_regions, **options)
        else:
            model = region.WardSpatial(frame, weights, names, n_clusters=n_regions)
    try:
        with seeded(seed), quiet():
            model.solve()
    except Exception as exc:  # spopt raises bare errors on infeasible problems
        raise StatisticsError(
            f"spopt's {type(model).__name__} found no regions: {type(exc).__name__}: {exc}"
        ) from None
    labels = _numbered(np.asarray(model.labels_), values.index)
    table = _table(labels, values, names, floor_column if method == "maxp" else None)
    return RegionsResult(method, describe(graph), labels.reindex(gdf.index), table, model)


def _columns(columns: Sequence[str]) -> list[str]:
    if isinstance(columns, str) or not isinstance(columns, Sequence) or not columns:
        raise ParameterError(f"`columns` must be a non-empty list of names, got {columns!r}")
    names = list(columns)
    if len(set(names)) < len(names):
        raise ParameterError(f"`columns` {names} repeat a name")
    if not all(isinstance(c, str) for c in names):
        raise MissingColumnError(f"`columns` must be column names, got {names}")
    return names


def _numbered(raw: np.ndarray, index: pd.Index) -> pd.Series:
    """Regions numbered 1..p in order of first appearance (spopt's labels vary by method)."""
    order = {label: i + 1 for i, label in enumerate(dict.fromkeys(raw.tolist()))}
    return pd.Series([order[r] for r in raw.tolist()], index=index, name="region")


def _table(
    labels: pd.Series, values: pd.DataFrame, names: list[str], floor_column: str | None
) -> pd.DataFrame:
    grouped = values.groupby(labels)
    table = pd.DataFrame({"areas": grouped.size()})
    if floor_column is not None:
        table[f"{floor_column}_total"] = grouped[floor_column].sum()
    return table.join(grouped[names].mean()).rename_axis("region")
