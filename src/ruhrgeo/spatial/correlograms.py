"""The Moran correlogram: Moran's I by distance band or by order of neighborhood."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import esda
import numpy as np
import pandas as pd
from libpysal.graph import Graph

from ruhrgeo import _params
from ruhrgeo._geometry import centroids, positive
from ruhrgeo._params import whole_number
from ruhrgeo._validate import column_values
from ruhrgeo.errors import ParameterError, StatisticsError
from ruhrgeo.io.areas import as_keyed
from ruhrgeo.spatial._checks import check_alpha, check_permutations, prepare, seeded
from ruhrgeo.spatial.graphs import GraphLike, distances_of, with_geometries

__all__ = ["CorrelogramResult", "correlogram"]

MAX_ORDER = 6


@dataclass(frozen=True)
class CorrelogramResult:
    """Moran's I per step and the first step without significant autocorrelation.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per step: ``distance_km`` (distance bands) or ``order`` (neighborhood
        orders), then ``I``, ``EI``, ``z_norm``, ``p_sim``, ``pairs``.
    step : str
        ``"distance_km"`` or ``"order"``.
    alpha : float
        The significance used.
    first_insignificant : float or None
        The first step whose ``p_sim`` exceeds ``alpha`` (None: all significant).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> from ruhrgeo import spatial
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(6) for c in range(6)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c) for r in range(6) for c in range(6)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> spatial.correlogram(gdf, "v", graph="rook", permutations=99).step
    'order'
    """

    table: pd.DataFrame
    step: str
    alpha: float
    first_insignificant: float | None

    def summary(self) -> str:
        """One sentence in plain language."""
        unit = " km" if self.step == "distance_km" else ""
        what = "distance" if self.step == "distance_km" else "order of neighbors"
        if self.first_insignificant is None:
            return f"Autocorrelation stays significant at every {what} tested."
        return (
            f"Autocorrelation is significant (p < {self.alpha}) up to the {what} "
            f"{self.first_insignificant:g}{unit}, the first at which it is not."
        )


def correlogram(
    gdf: pd.DataFrame,
    column: str,
    *,
    graph: GraphLike | None = None,
    distances_km: Sequence[float] | None = None,
    orders: Sequence[int] | None = None,
    permutations: int = 999,
    alpha: float = 0.05,
    seed: int = 0,
) -> CorrelogramResult:
    """Moran's I of ``column`` at growing range.

    Without ``graph``: cumulative distance bands (every pair of centroids within d km),
    at ``distances_km`` or by default ten steps from the largest nearest-neighbor
    distance (so that every unit has a neighbor) to half the data's extent.
    With ``graph`` (any weights, see :func:`~ruhrgeo.spatial.build_graph`): the
    neighbors of exactly order 1, 2, ... of that graph (``orders``, default 1 up to
    the last order at which every unit still has a neighbor, at most 6).

    A band or order that leaves a unit without neighbors is refused (esda would give it
    a lag of 0, which reads as "surrounded by the mean").

    Parameters
    ----------
    gdf
        Areas indexed by any unique key (polygons, or points for distance graphs), with the
        columns.
    column
        The numeric column to analyze.
    graph
        Weights whose orders 1, 2, ... are the lags; None: cumulative distance bands.
    distances_km
        The distance bands (without ``graph``).
    orders
        The orders of ``graph`` (with it).
    permutations
        Permutations of the pseudo p-values (0: none).
    alpha
        The significance of "autocorrelated at this range".
    seed
        Seed of the permutations: the same seed gives the same ``p_sim`` as esda.

    Returns
    -------
    CorrelogramResult
        Moran's I per distance or order with its inference, and the first range without significant
        autocorrelation.

    Raises
    ------
    ruhrgeo.errors.MissingColumnError
        The column is not in ``gdf``.
    ruhrgeo.errors.MissingValuesError
        Missing or non-numeric values.
    ruhrgeo.errors.ConstantValuesError
        A column without variation.
    ruhrgeo.errors.TooFewObservationsError
        Fewer than 8 areas.
    ruhrgeo.errors.ParameterError
        Permutations, seed or graph options out of range.
    ruhrgeo.errors.GraphMismatchError
        A given graph that does not fit the areas.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(6) for c in range(6)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c) for r in range(6) for c in range(6)]},
    ...                        geometry=cells, crs=25832).rename_axis("cell")
    >>> result = correlogram(gdf, "v", distances_km=[0.0011, 0.003], permutations=99)
    >>> result.table["I"].round(3).tolist()
    [0.889, 0.548]
    >>> correlogram(gdf, "v", graph="rook", orders=[1, 2], permutations=99).table["order"].tolist()
    [1, 2]
    """
    gdf = as_keyed(gdf)
    permutations = check_permutations(permutations)
    alpha, seed = check_alpha(alpha), _params.seed(seed)
    if graph is None:
        if orders is not None:
            raise ParameterError("`orders` needs a `graph` whose orders to step through")
        y = column_values(gdf, column).to_numpy()
        steps = _bands(gdf, distances_km)
        step = "distance_km"
    else:
        if distances_km is not None:
            raise ParameterError(
                "`distances_km` steps through distance bands; leave out `graph` for them, "
                "or give `orders` of the graph"
            )
        values, w = prepare(gdf, column, graph)
        y = values[column].to_numpy()
        steps = _orders(w, orders)
        step = "order"
    rows = []
    for label, band in steps:
        if len(band.isolates):
            raise StatisticsError(
                f"at {step.replace('_km', '')} {label:g}, {len(band.isolates)} "
                f"municipalities have no neighbor (e.g. {list(band.isolates[:5])}); "
                + (
                    "start `distances_km` at or above the largest nearest-neighbor distance"
                    if step == "distance_km"
                    else "use fewer `orders`"
                )
            )
        with seeded(seed):
            m = esda.Moran(y, band, transformation="r", permutations=permutations)
        rows.append(
            {
                step: label,
                "I": m.I,
                "EI": m.EI,
                "z_norm": m.z_norm,
                "p_sim": getattr(m, "p_sim", np.nan),
                "pairs": band.n_edges,
            }
        )
    table = pd.DataFrame(rows)
    insignificant = table.loc[~(table["p_sim"] < alpha), step]
    first = float(insignificant.iloc[0]) if len(insignificant) else None
    return CorrelogramResult(table=table, step=step, alpha=alpha, first_insignificant=first)


def _bands(gdf: pd.DataFrame, distances_km: Sequence[float] | None) -> list[tuple[Any, Graph]]:
    points = centroids(with_geometries(gdf, "distance bands"))
    if distances_km is None:
        nearest = Graph.build_knn(points, k=1).adjacency
        lo = distances_of(points, nearest).max() / 1000
        x0, y0, x1, y1 = points.total_bounds
        hi = 0.5 * float(np.hypot(x1 - x0, y1 - y0)) / 1000
        distances_km = np.linspace(lo * 1.0001, max(hi, lo * 1.5), 10).round(3).tolist()
    if isinstance(distances_km, str) or not len(distances_km):
        raise ParameterError(f"`distances_km` must be a list of distances, got {distances_km!r}")
    out = []
    for d in distances_km:
        positive(d, "distances_km", "distances in km")
        out.append((float(d), Graph.build_distance_band(points, threshold=float(d) * 1000)))
    return out


def _orders(w: Graph, orders: Sequence[int] | None) -> list[tuple[Any, Graph]]:
    if orders is None:
        out = []
        for k in range(1, MAX_ORDER + 1):
            g = w if k == 1 else w.higher_order(k, lower_order=False)
            if len(g.isolates):
                break
            out.append((k, g))
        return out
    if isinstance(orders, str) or not len(orders):
        raise ParameterError(f"`orders` must be a list of whole numbers, got {orders!r}")
    out = []
    for k in orders:
        k = whole_number(k, "orders", low=1)
        out.append((int(k), w if k == 1 else w.higher_order(int(k), lower_order=False)))
    return out
