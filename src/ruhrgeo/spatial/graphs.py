"""Spatial weights between municipalities: one ``graph=`` vocabulary, one island policy.

Every statistic takes ``graph=`` as one of

- a kind name without options: ``"queen"`` or ``"rook"``;
- a :class:`GraphSpec`, a kind with its options (``GraphSpec("knn", k=6)``);
- a libpysal :class:`~libpysal.graph.Graph` or :class:`~libpysal.weights.W`;
- the path of a GAL or GWT file (``pathlib.Path`` or a string ending in ``.gal``/``.gwt``).

:func:`build_graph` turns any of them into a libpysal ``Graph`` indexed like the data.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from libpysal.graph import Graph
from libpysal.weights import W

from ruhrgeo import _names
from ruhrgeo._geometry import centroids
from ruhrgeo._params import number, whole_number
from ruhrgeo._warn import warn
from ruhrgeo.errors import (
    EmptyGeometryError,
    GraphMismatchError,
    IslandWarning,
    ParameterError,
    StatisticsError,
    TooFewObservationsError,
)
from ruhrgeo.io.areas import as_keyed
from ruhrgeo.spatial._files import align_ids, read_graph

__all__ = ["GRAPH_KINDS", "KERNELS", "GraphLike", "GraphSpec", "build_graph", "read_graph"]

GRAPH_KINDS = _names.GRAPH_KINDS
KERNELS = _names.GRAPH_KERNELS
_OPTIONS = {"knn": "k", "distance": "threshold_km", "kernel": "bandwidth_km"}


@dataclass(frozen=True)
class GraphSpec:
    """A kind of spatial weights with its options, checked when made.

    Parameters
    ----------
    kind
        ``"queen"`` or ``"rook"`` (shared border, or a shared point for queen);
        ``"knn"`` (the ``k`` nearest centroids); ``"distance"`` (centroids within
        ``threshold_km``, binary); ``"kernel"`` (``kernel`` weights of centroid distance,
        zero beyond ``bandwidth_km``).
    k, threshold_km, bandwidth_km, kernel
        The options of knn, distance and kernel weights; giving an option to a kind that
        does not take it is an error, not ignored.

    Raises
    ------
    ruhrgeo.errors.ParameterError
        An unknown kind, an option the kind does not take, or one out of range.

    Examples
    --------
    >>> GraphSpec("knn", k=6)
    GraphSpec('knn', k=6)
    >>> str(GraphSpec("kernel", bandwidth_km=15))
    'kernel(gaussian, bandwidth_km=15)'
    """

    kind: str = "queen"
    k: int | None = None
    threshold_km: float | None = None
    bandwidth_km: float | None = None
    kernel: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in GRAPH_KINDS:
            raise ParameterError(
                f"graph kind {self.kind!r} is unknown; use one of {', '.join(GRAPH_KINDS)}"
            )
        wanted = _OPTIONS.get(self.kind)
        given = {
            name: getattr(self, name)
            for name in ("k", "threshold_km", "bandwidth_km", "kernel")
            if getattr(self, name) is not None
        }
        extra = sorted(set(given) - {wanted} - ({"kernel"} if self.kind == "kernel" else set()))
        if extra:
            raise ParameterError(
                f"graph kind {self.kind!r} takes no {' or '.join(extra)}"
                + (f"; it takes {wanted}" if wanted else "")
            )
        if self.kind == "knn":
            if self.k is None:
                raise ParameterError(
                    "graph kind 'knn' needs `k`, the number of neighbors: GraphSpec('knn', k=6)"
                )
            object.__setattr__(self, "k", whole_number(self.k, "k", low=1))
        elif wanted:
            value = getattr(self, wanted)
            if value is None:
                raise ParameterError(
                    f"graph kind {self.kind!r} needs `{wanted}`, a distance in km "
                    f"(e.g. GraphSpec({self.kind!r}, {wanted}=10))"
                )
            object.__setattr__(self, wanted, number(value, wanted, low=0, low_open=True))
        if self.kind == "kernel":
            kernel = "gaussian" if self.kernel is None else self.kernel
            if kernel not in KERNELS:
                raise ParameterError(
                    f"`kernel` must be one of {', '.join(KERNELS)}, got {kernel!r}"
                )
            object.__setattr__(self, "kernel", kernel)

    def __str__(self) -> str:
        if self.kind == "knn":
            return f"knn(k={self.k})"
        if self.kind == "distance":
            return f"distance(threshold_km={self.threshold_km:g})"
        if self.kind == "kernel":
            return f"kernel({self.kernel}, bandwidth_km={self.bandwidth_km:g})"
        return self.kind

    def __repr__(self) -> str:
        options = [
            f"{name}={getattr(self, name)!r}"
            for name in ("k", "threshold_km", "bandwidth_km")
            if getattr(self, name) is not None
        ]
        if self.kind == "kernel" and self.kernel != "gaussian":
            options.append(f"kernel={self.kernel!r}")
        return f"GraphSpec({', '.join([repr(self.kind), *options])})"


GraphLike: TypeAlias = str | GraphSpec | Graph | W | os.PathLike


def as_spec(graph: GraphLike) -> GraphSpec | Graph | W | Path:
    """Normalize ``graph=`` without the data: a spec, a Graph, a W or a file path."""
    if isinstance(graph, GraphSpec | Graph | W):
        return graph
    if isinstance(graph, os.PathLike):
        return Path(graph)
    if isinstance(graph, str):
        if graph.lower().endswith((".gal", ".gwt")):
            return Path(graph)
        if graph in _OPTIONS:
            example = {"knn": "k=6", "distance": "threshold_km=10", "kernel": "bandwidth_km=15"}
            raise ParameterError(
                f"graph={graph!r} needs its option {_OPTIONS[graph]}: pass "
                f"graph=GraphSpec({graph!r}, {example[graph]})"
            )
        return GraphSpec(graph)
    raise ParameterError(
        f"`graph` must be a kind name ({', '.join(GRAPH_KINDS)}), a GraphSpec, a libpysal "
        f"Graph or W, or the path of a GAL/GWT file; got {type(graph).__name__}"
    )


def describe(graph: GraphLike) -> str:
    """A short text for results and reports: ``queen``, ``knn(k=6)``, ``file w.gal``."""
    spec = as_spec(graph)
    if isinstance(spec, Path):
        return f"file {spec.name}"
    if isinstance(spec, Graph | W):
        return f"given {type(spec).__name__}"
    return str(spec)


def build_graph(gdf: pd.DataFrame, graph: GraphLike = "queen") -> Graph:
    """Spatial weights between the municipalities of ``gdf``, a libpysal ``Graph``.

    Parameters
    ----------
    gdf
        Municipalities indexed by AGS. Built kinds need its geometries; a given Graph, W
        or file needs them only to join islands.
    graph
        A kind name (``"queen"``, ``"rook"``), a :class:`GraphSpec` with options, a libpysal
        ``Graph`` or ``W``, or a GAL/GWT path (see the module docstring).

    Returns
    -------
    libpysal.graph.Graph
        Indexed by the AGS of ``gdf``; built weights are binary (kernel: kernel values) and
        each statistic transforms them as it needs. Built graphs list the units sorted by
        AGS, so that permutation results do not depend on the order of the rows; a given
        Graph, W or file keeps its order (the one esda would use). Ids of a given Graph, W
        or file are matched to the index as they are, or as 8-digit AGS (``5913000`` ->
        ``'05913000'``); positions (``0 .. n-1``) are refused rather than guessed.

    Raises
    ------
    ruhrgeo.errors.ParameterError
        An unknown kind, or a kind without its option.
    ruhrgeo.errors.StatisticsError
        No area touches another (contiguity), or a band too short for any neighbor.
    ruhrgeo.errors.TooFewObservationsError
        Fewer than two areas, or ``k`` not below the number of areas.
    ruhrgeo.errors.GraphMismatchError
        Given weights that do not fit the areas.
    ruhrgeo.errors.CRSMissingError
        Areas without a CRS.

    Notes
    -----
    **Islands**, units without a neighbor (North Sea islands with contiguity, a remote
    municipality with a short distance band, an island in a given file), are joined to
    their nearest unit (by polygon distance) with weight 1 in both directions, and an
    :class:`~ruhrgeo.errors.IslandWarning` names them. They are never dropped.

    Examples
    --------
    >>> import geopandas as gpd, shapely, warnings
    >>> squares = [shapely.box(i, 0, i + 1, 1) for i in range(3)] + [shapely.box(9, 0, 10, 1)]
    >>> gdf = gpd.GeoDataFrame(geometry=squares, crs=25832,
    ...                        index=pd.Index(["a", "b", "c", "island"], name="id"))
    >>> from ruhrgeo.errors import IslandWarning
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", IslandWarning)  # it names 'island -> c'
    ...     g = build_graph(gdf, "rook")
    >>> sorted(g["island"].index)
    ['c']
    >>> build_graph(gdf, GraphSpec("knn", k=2)).cardinalities.tolist()
    [2, 2, 2, 2]
    """
    spec = as_spec(graph)
    gdf = as_keyed(gdf)
    if isinstance(spec, GraphSpec):
        gdf = _canonical(with_geometries(gdf, f"{spec} weights"))
        built = _build(gdf, spec)
    else:
        given = read_graph(spec) if isinstance(spec, Path) else spec
        if isinstance(given, W):
            given = Graph.from_W(given)
        check_weights(given, describe(spec))
        built = align_ids(given, gdf.index, describe(spec))
        if len(built.isolates) and not isinstance(gdf, gpd.GeoDataFrame):
            raise StatisticsError(
                f"the weights ({describe(spec)}) leave {len(built.isolates)} municipalities "
                f"without a neighbor (e.g. {list(built.isolates[:5])}); pass a GeoDataFrame "
                "so that they can be joined to their nearest neighbor, or fix the weights"
            )
    return _join_islands(built, gdf) if len(built.isolates) else built


def check_weights(graph: Graph, what: str) -> None:
    """Refuse weights that are not finite numbers >= 0 (a NaN, a negative or infinite weight
    in a file or a given graph would enter every statistic)."""
    weights = graph.adjacency.to_numpy(dtype=float)
    bad = ~np.isfinite(weights) | (weights < 0)
    if bad.any():
        pairs = graph.adjacency.index[bad][:5]
        shown = ", ".join(f"{a}-{b}: {weights[bad][k]:g}" for k, (a, b) in enumerate(pairs))
        raise GraphMismatchError(
            f"the weights ({what}) hold {int(bad.sum())} weight(s) that are not finite numbers "
            f">= 0 ({shown}); fix the weights file or graph"
        )


def _canonical(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Sorted by AGS: permutations then do not depend on the order of the rows."""
    try:
        return gdf.sort_index()
    except TypeError:  # ids of mixed types do not sort: keep the given order
        return gdf


def with_geometries(gdf: pd.DataFrame, what: str) -> gpd.GeoDataFrame:
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        raise ParameterError(
            f"{what} need the municipalities' geometries, but the data are a table without "
            "them; join the values onto read_municipalities(...) or pass a libpysal Graph"
        )
    empty = gdf.geometry.isna() | gdf.geometry.is_empty
    if empty.any():
        raise EmptyGeometryError(
            f"{int(empty.sum())} municipalities have no geometry (e.g. "
            f"{list(gdf.index[empty][:5])}); spatial weights need every one"
        )
    return gdf


def _build(gdf: gpd.GeoDataFrame, spec: GraphSpec) -> Graph:
    n = len(gdf)
    if n < 2:
        raise TooFewObservationsError(
            f"{spec} weights need at least 2 areas (a neighbor for each), got {n}"
        )
    if spec.kind in ("queen", "rook"):
        kinds = gdf.geom_type
        other = ~kinds.isin(["Polygon", "MultiPolygon"])
        if other.any():
            raise StatisticsError(
                f"{spec} contiguity needs polygons, but {int(other.sum())} geometries are "
                f"{', '.join(sorted(set(kinds[other])))} (e.g. {list(gdf.index[other][:5])}); "
                "use GraphSpec('knn', k=6) or GraphSpec('distance', threshold_km=...)"
            )
        built = Graph.build_contiguity(gdf.geometry, rook=spec.kind == "rook")
        if len(built.isolates) == n:
            raise StatisticsError(
                f"none of the {n} municipalities touches another, so {spec.kind} contiguity "
                "has no neighbors (points, or gaps between the polygons?); use "
                "GraphSpec('knn', k=6) or GraphSpec('distance', threshold_km=...)"
            )
        return built
    points = centroids(gdf)
    if points.duplicated().any():
        twins = list(gdf.index[points.duplicated(keep=False)][:6])
        raise StatisticsError(
            f"municipalities {twins} have the same centroid, so distances cannot tell them "
            f"apart for {spec}; remove duplicated geometries"
        )
    if spec.kind == "knn":
        if spec.k >= n:  # type: ignore[operator]
            raise TooFewObservationsError(
                f"{spec} needs more than k = {spec.k} municipalities, got {n}; choose a smaller k"
            )
        return Graph.build_knn(points, k=spec.k)
    if spec.kind == "distance":
        built = Graph.build_distance_band(points, threshold=spec.threshold_km * 1000)  # type: ignore[operator]
    else:
        built = Graph.build_kernel(points, kernel=spec.kernel, bandwidth=spec.bandwidth_km * 1000)  # type: ignore[operator]
    if len(built.isolates) == n:
        nearest = distances_of(points, Graph.build_knn(points, k=1).adjacency)
        raise StatisticsError(
            f"{spec} leaves every one of the {n} municipalities without a neighbor; the "
            f"nearest centroids are {nearest.min() / 1000:.3g} to {nearest.max() / 1000:.3g} "
            "km apart, so choose a longer distance"
        )
    return built


def _join_islands(built: Graph, gdf: gpd.GeoDataFrame) -> Graph:
    islands = list(built.isolates)
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
    warn(
        f"{len(islands)} municipalities have no neighbor and were joined to their nearest "
        f"one: {', '.join(f'{a} -> {b}' for a, b in links[:10])}"
        + (" ..." if len(links) > 10 else ""),
        IslandWarning,
    )
    focal, neighbor = (merged.index.get_level_values(k).to_numpy() for k in (0, 1))
    return Graph.from_arrays(focal, neighbor, merged.to_numpy())


def distances_of(points: gpd.GeoSeries, adjacency: pd.Series) -> np.ndarray:
    focal = points.loc[adjacency.index.get_level_values(0)].to_numpy()
    neighbor = points.loc[adjacency.index.get_level_values(1)].to_numpy()
    return shapely.distance(focal, neighbor)
