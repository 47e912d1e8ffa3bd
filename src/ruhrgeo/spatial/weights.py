"""Spatial weights between municipalities: libpysal Graphs with one island policy."""

from __future__ import annotations

import warnings
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from libpysal.graph import Graph

from ruhrgeo._geometry import centroids, positive
from ruhrgeo._validate import require_unique
from ruhrgeo.errors import IslandWarning, ParameterError

__all__ = ["GRAPH_KINDS", "graph"]

GraphKind = Literal["queen", "rook", "knn", "distance", "kernel"]
GRAPH_KINDS: tuple[str, ...] = ("queen", "rook", "knn", "distance", "kernel")


def graph(
    gdf: gpd.GeoDataFrame,
    kind: GraphKind = "queen",
    *,
    k: int | None = None,
    threshold_km: float | None = None,
    bandwidth_km: float | None = None,
) -> Graph:
    """Spatial weights between municipalities, a libpysal ``Graph`` indexed by AGS.

    Parameters
    ----------
    gdf
        Municipalities indexed by AGS.
    kind
        ``"queen"`` or ``"rook"`` contiguity; ``"knn"`` (``k`` nearest centroids);
        ``"distance"`` (centroids within ``threshold_km``); ``"kernel"`` (Gaussian kernel
        of ``bandwidth_km``). Distances are measured in the data's projected CRS, or in
        its UTM zone when the data are in degrees.
    k, threshold_km, bandwidth_km
        The parameter of the knn, distance and kernel graphs.

    Returns
    -------
    libpysal.graph.Graph
        Binary weights (kernel: kernel values); transform them as the statistic needs.

    Notes
    -----
    Islands, units without a neighbour (e.g. North Sea islands with contiguity, or a
    remote municipality with a short distance band), are joined to their nearest unit
    (by polygon distance) with weight 1 in both directions, and an
    :class:`~ruhrgeo.errors.IslandWarning` names them. They are never dropped.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> squares = [shapely.box(i, 0, i + 1, 1) for i in range(3)] + [shapely.box(9, 0, 10, 1)]
    >>> gdf = gpd.GeoDataFrame(geometry=squares, index=["a", "b", "c", "island"], crs=25832)
    >>> import warnings
    >>> from ruhrgeo.errors import IslandWarning
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", IslandWarning)  # it names 'island -> c'
    ...     g = graph(gdf, "rook")
    >>> sorted(g["island"].index)
    ['c']
    """
    if kind not in GRAPH_KINDS:
        raise ParameterError(f"`kind` must be one of {GRAPH_KINDS}, got {kind!r}")
    require_unique_index(gdf)
    if kind in ("queen", "rook"):
        built = Graph.build_contiguity(gdf.geometry, rook=kind == "rook")
    else:
        points = centroids(gdf)
        if kind == "knn":
            positive(k, "k", "the number of neighbours, e.g. k=6")
            built = Graph.build_knn(points, k=int(k))  # type: ignore[arg-type]
        elif kind == "distance":
            positive(threshold_km, "threshold_km", "the distance band in km")
            built = Graph.build_distance_band(points, threshold=threshold_km * 1000)  # type: ignore[operator]
        else:
            positive(bandwidth_km, "bandwidth_km", "the kernel bandwidth in km")
            built = Graph.build_kernel(points, kernel="gaussian", bandwidth=bandwidth_km * 1000)  # type: ignore[operator]
    return _join_islands(built, gdf)


def require_unique_index(gdf: gpd.GeoDataFrame) -> None:
    require_unique(gdf.index, "index", "index the municipalities by AGS (read_municipalities)")


def _join_islands(built: Graph, gdf: gpd.GeoDataFrame) -> Graph:
    islands = list(built.isolates)
    if not islands:
        return built
    geoms = gdf.geometry.to_numpy()
    position = {ags: i for i, ags in enumerate(gdf.index)}
    tree = shapely.STRtree(geoms)
    links = []
    for island in islands:
        i = position[island]
        others = list(tree.query_nearest(geoms[i], exclusive=True, all_matches=False))
        if not others:  # identical geometry elsewhere: take the nearest centroid
            others = [int(np.argsort(shapely.distance(geoms[i], geoms))[1])]
        links.append((island, gdf.index[others[0]]))
    adjacency = built.adjacency
    adjacency = adjacency[adjacency != 0]
    extra = pd.Series(
        1.0,
        index=pd.MultiIndex.from_tuples(
            links + [(b, a) for a, b in links], names=adjacency.index.names
        ),
    )
    merged = pd.concat([adjacency.astype(float), extra])
    merged = merged[~merged.index.duplicated()]
    order = merged.index.get_level_values(0).map(position)
    merged = merged.iloc[np.argsort(order, kind="stable")]
    warnings.warn(
        f"{len(islands)} municipalities have no neighbour and were joined to their nearest "
        f"one: {', '.join(f'{a} -> {b}' for a, b in links[:10])}",
        IslandWarning,
        stacklevel=3,
    )
    focal, neighbor = (merged.index.get_level_values(k).to_numpy() for k in (0, 1))
    return Graph.from_arrays(focal, neighbor, merged.to_numpy())


def distances_of(points: gpd.GeoSeries, adjacency: pd.Series) -> np.ndarray:
    focal = points.loc[adjacency.index.get_level_values(0)].to_numpy()
    neighbor = points.loc[adjacency.index.get_level_values(1)].to_numpy()
    return shapely.distance(focal, neighbor)
