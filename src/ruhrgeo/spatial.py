"""Spatial statistics over municipalities: weights, Moran's I, LISA, Getis-Ord, north/south.

Thin over libpysal's :class:`~libpysal.graph.Graph` and esda: ruhrgeo validates the
input, applies one documented island policy, keeps results indexed by AGS and makes every
random result reproducible through ``seed``.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from libpysal.graph import Graph

from ruhrgeo.errors import (
    GraphMismatchError,
    IslandWarning,
    MissingColumnError,
    MissingValuesError,
    ParameterError,
    StatisticsError,
    TooFewObservationsError,
    UnusableCRSError,
)

__all__ = [
    "CLUSTER_LABELS",
    "MoranResult",
    "correlogram",
    "getis_ord",
    "graph",
    "local_moran",
    "moran",
    "north_south",
]

MIN_OBSERVATIONS = 8
UTM32 = pyproj.CRS.from_epsg(25832)
GraphKind = Literal["queen", "rook", "knn", "distance", "kernel"]
GRAPH_KINDS: tuple[str, ...] = ("queen", "rook", "knn", "distance", "kernel")
# esda's quadrants: 1 HH, 2 LH, 3 LL, 4 HL
QUADRANTS = {1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}
CLUSTER_LABELS = ("High-High", "Low-Low", "High-Low", "Low-High", "Not significant")


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
    _require_unique_index(gdf)
    if kind in ("queen", "rook"):
        built = Graph.build_contiguity(gdf.geometry, rook=kind == "rook")
    else:
        points = _centroids(gdf)
        if kind == "knn":
            _positive(k, "k", "the number of neighbours, e.g. k=6")
            built = Graph.build_knn(points, k=int(k))  # type: ignore[arg-type]
        elif kind == "distance":
            _positive(threshold_km, "threshold_km", "the distance band in km")
            built = Graph.build_distance_band(points, threshold=threshold_km * 1000)  # type: ignore[operator]
        else:
            _positive(bandwidth_km, "bandwidth_km", "the kernel bandwidth in km")
            built = Graph.build_kernel(points, kernel="gaussian", bandwidth=bandwidth_km * 1000)  # type: ignore[operator]
    return _join_islands(built, gdf)


@dataclass(frozen=True)
class MoranResult:
    """Global Moran's I with normal and permutation inference (esda's values)."""

    column: str
    I: float  # noqa: E741 (the statistic's name)
    expected_I: float
    variance: float
    z: float
    p_norm: float
    p_sim: float
    permutations: int
    n: int

    def summary(self) -> str:
        """One sentence in plain language."""
        kind = "clustered" if self.I > self.expected_I else "dispersed"
        return (
            f"Moran's I of {self.column} = {self.I:.3f} (expected {self.expected_I:.3f} "
            f"without autocorrelation; z = {self.z:.2f}, p = {self.p_sim:.4f} from "
            f"{self.permutations} permutations, n = {self.n}): values are {kind}"
            + ("." if self.p_sim < 0.05 else ", but not significantly.")
        )


def moran(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    graph: str | Graph = "queen",
    permutations: int = 9999,
    seed: int = 0,
) -> MoranResult:
    """Global Moran's I of ``column`` (row-standardised weights).

    Examples
    --------
    >>> import geopandas as gpd, shapely, numpy as np
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(4) for c in range(4)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c < 2) for r in range(4) for c in range(4)]},
    ...                        geometry=cells, crs=25832)
    >>> result = moran(gdf, "v", graph="rook", permutations=99)
    >>> round(result.I, 4), round(result.expected_I, 4)
    (0.7083, -0.0667)
    """
    y, w = _prepare(gdf, column, graph)
    with _seeded(seed):
        m = esda.Moran(y.to_numpy(), w, transformation="r", permutations=permutations)
    return MoranResult(
        column=column,
        I=float(m.I),
        expected_I=float(m.EI),
        variance=float(m.VI_norm),
        z=float(m.z_norm),
        p_norm=float(m.p_norm),
        p_sim=float(m.p_sim) if permutations else np.nan,
        permutations=permutations,
        n=len(y),
    )


def local_moran(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    graph: str | Graph = "queen",
    permutations: int = 9999,
    alpha: float = 0.05,
    fdr: bool = True,
    seed: int = 0,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Local Moran's I (LISA) clusters of ``column``.

    Returns
    -------
    pandas.DataFrame
        Indexed by AGS: ``I``, ``p_sim`` (conditional permutation, folded), ``quadrant``
        (``High-High``, ``Low-High``, ``Low-Low``, ``High-Low``), ``significant`` and
        ``cluster`` (the quadrant where significant, else ``Not significant``). With
        ``fdr=True`` significance is decided by the Benjamini-Hochberg false discovery
        rate at ``alpha`` (``esda.fdr``); else ``p_sim <= alpha``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(5) for c in range(5)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c) for r in range(5) for c in range(5)]},
    ...                        geometry=cells, crs=25832)
    >>> lisa = local_moran(gdf, "v", graph="rook", permutations=999, fdr=False)
    >>> lisa.loc[0, "quadrant"], lisa.loc[4, "quadrant"]
    ('Low-Low', 'High-High')
    """
    y, w = _prepare(gdf, column, graph)
    with _seeded(seed):
        lm = esda.Moran_Local(
            y.to_numpy(),
            w,
            transformation="r",
            permutations=permutations,
            seed=seed,
            n_jobs=n_jobs,
            keep_simulations=False,
        )
    significant = _significant(lm.p_sim, alpha, fdr)
    quadrant = pd.Series(lm.q, index=y.index).map(QUADRANTS)
    out = pd.DataFrame(
        {"I": lm.Is, "p_sim": lm.p_sim, "quadrant": quadrant, "significant": significant},
        index=y.index,
    )
    out["cluster"] = out["quadrant"].where(out["significant"], "Not significant")
    return out.reindex(gdf.index)


def getis_ord(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    graph: str | Graph = "queen",
    star: bool = True,
    permutations: int = 9999,
    alpha: float = 0.05,
    fdr: bool = True,
    seed: int = 0,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Getis-Ord local G (``star=True``: Gi*, the unit itself included) hot and cold spots.

    Binary weights; ``z`` is esda's standardised G, ``p`` its permutation p-value.

    Returns
    -------
    pandas.DataFrame
        Indexed by AGS: ``G``, ``z``, ``p``, ``significant``, ``spot`` in ``Hot spot``,
        ``Cold spot``, ``Not significant``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(5) for c in range(5)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c) for r in range(5) for c in range(5)]},
    ...                        geometry=cells, crs=25832)
    >>> spots = getis_ord(gdf, "v", permutations=999, fdr=False)
    >>> spots.loc[4, "spot"], spots.loc[0, "spot"]
    ('Hot spot', 'Cold spot')
    """
    y, w = _prepare(gdf, column, graph)
    with _seeded(seed):
        g = esda.G_Local(
            y.to_numpy(),
            w,
            transform="B",
            permutations=permutations,
            star=star,
            seed=seed,
            keep_simulations=False,
            n_jobs=n_jobs,
        )
    significant = _significant(g.p_sim, alpha, fdr)
    spot = np.where(g.Zs > 0, "Hot spot", "Cold spot")
    out = pd.DataFrame(
        {"G": g.Gs, "z": g.Zs, "p": g.p_sim, "significant": significant}, index=y.index
    )
    out["spot"] = np.where(significant, spot, "Not significant")
    return out.reindex(gdf.index)


@dataclass(frozen=True)
class CorrelogramResult:
    """Moran's I per distance band and the first distance without significant autocorrelation."""

    table: pd.DataFrame
    alpha: float
    first_insignificant_km: float | None

    def summary(self) -> str:
        """One sentence in plain language."""
        if self.first_insignificant_km is None:
            return "Autocorrelation stays significant at every distance tested."
        return (
            f"Autocorrelation is significant (p < {self.alpha}) up to "
            f"{self.first_insignificant_km:g} km, the first distance at which it is not."
        )


def correlogram(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    distances_km: Sequence[float] | None = None,
    permutations: int = 999,
    alpha: float = 0.05,
    seed: int = 0,
) -> CorrelogramResult:
    """Moran's I for cumulative distance bands (all pairs of centroids within d km).

    The default distances are ten steps from the largest nearest-neighbour distance (so
    that every unit has a neighbour) to half the data's extent.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> cells = [shapely.box(c, r, c + 1, r + 1) for r in range(6) for c in range(6)]
    >>> gdf = gpd.GeoDataFrame({"v": [float(c) for r in range(6) for c in range(6)]},
    ...                        geometry=cells, crs=25832)
    >>> result = correlogram(gdf, "v", distances_km=[0.0011, 0.003], permutations=99)
    >>> result.table["I"].round(3).tolist()
    [0.889, 0.548]
    """
    y, _ = _prepare(gdf, column, "queen", build=False)
    points = _centroids(gdf.loc[y.index])
    if distances_km is None:
        nearest = Graph.build_knn(points, k=1).adjacency
        lo = _distances_of(points, nearest).max() / 1000
        x0, y0, x1, y1 = points.total_bounds
        hi = 0.5 * float(np.hypot(x1 - x0, y1 - y0)) / 1000
        distances_km = np.linspace(lo * 1.0001, max(hi, lo * 1.5), 10).round(3).tolist()
    rows = []
    for d in distances_km:
        _positive(d, "distances_km", "distances in km")
        band = Graph.build_distance_band(points, threshold=d * 1000)
        if len(band.isolates):
            raise StatisticsError(
                f"at {d:g} km, {len(band.isolates)} municipalities have no neighbour (e.g. "
                f"{list(band.isolates[:5])}); start `distances_km` at or above the largest "
                "nearest-neighbour distance"
            )
        with _seeded(seed):
            m = esda.Moran(y.to_numpy(), band, transformation="r", permutations=permutations)
        rows.append(
            {
                "distance_km": d,
                "I": m.I,
                "expected_I": m.EI,
                "z": m.z_norm,
                "p_sim": m.p_sim,
                "pairs": band.n_edges,
            }
        )
    table = pd.DataFrame(rows)
    insignificant = table.loc[table["p_sim"] >= alpha, "distance_km"]
    first = float(insignificant.iloc[0]) if len(insignificant) else None
    return CorrelogramResult(table=table, alpha=alpha, first_insignificant_km=first)


@dataclass(frozen=True)
class NorthSouthResult:
    """The north/south divide of one column, tested against spatial autocorrelation."""

    column: str
    slope_per_10km: float
    p_value: float
    north_mean: float
    south_mean: float
    difference: float
    difference_p_value: float
    difference_sem: float
    divide: str
    n_north: int
    n_south: int
    lambda_: float
    residual_moran_p: float
    method: str = field(default="spatial error model (spreg.ML_Error, queen contiguity)")

    def summary(self) -> str:
        """The result in plain language."""
        direction = "higher" if self.difference >= 0 else "lower"
        trend = "rises" if self.slope_per_10km >= 0 else "falls"
        return (
            f"{self.column} is {abs(self.difference):.1f} points {direction} in the north "
            f"({self.north_mean:.1f} vs {self.south_mean:.1f}; {self.n_north} vs {self.n_south} "
            f"municipalities, divide {self.divide}); p = {self.difference_p_value:.2g} for a "
            f"step at the divide. Northward it {trend} by {abs(self.slope_per_10km):.2f} "
            f"points per 10 km; p = {self.p_value:.2g} ({self.method})."
        )


def north_south(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    divide: float | shapely.LineString | None = None,
    permutations: int = 9999,
    seed: int = 0,
) -> NorthSouthResult:
    """Test whether ``column`` is higher in the north, allowing for spatial autocorrelation.

    Two spatial error models (maximum likelihood, ``spreg.ML_Error``, queen contiguity,
    islands joined to their nearest neighbour) are fitted: ``y ~ northing`` gives
    ``slope_per_10km`` and ``p_value`` (the test of a gradient); ``y ~ north`` (1 north
    of the divide, 0 south) gives ``difference_sem`` and ``difference_p_value`` (the test
    of a step at the divide beyond spatially autocorrelated variation: a smooth gradient
    shows up in the slope, not as a step). ``north_mean``, ``south_mean`` and
    ``difference`` (north minus south) are plain means. ``residual_moran_p`` is the
    permutation p-value of Moran's I of the ordinary least-squares residuals of
    ``y ~ northing``: a small value means an ordinary regression's p-value would be too
    optimistic, which is why the spatial error model is used.

    Parameters
    ----------
    divide
        A latitude (degrees, |value| <= 90), a northing in the data's projected CRS
        (metres), or a line (in the data's CRS; north = above it). Default: the median
        northing of the centroids, splitting the municipalities in halves.

    Examples
    --------
    >>> import geopandas as gpd, shapely, numpy as np
    >>> cells = [shapely.box(c * 1e4, r * 1e4, (c + 1) * 1e4, (r + 1) * 1e4)
    ...          for r in range(6) for c in range(6)]
    >>> noise = np.random.default_rng(1).normal(0, 2, 36)
    >>> values = [10.0 * r for r in range(6) for c in range(6)] + noise
    >>> gdf = gpd.GeoDataFrame({"v": values}, geometry=cells, crs=25832)
    >>> result = north_south(gdf, "v", permutations=99)
    >>> round(result.slope_per_10km), result.p_value < 0.001
    (10, True)
    """
    import spreg

    y, w = _prepare(gdf, column, "queen")
    points = _centroids(gdf.loc[y.index])
    northing = points.y.to_numpy()
    is_north, label = _north_of(gdf.loc[y.index], points, divide)
    is_north = np.asarray(is_north, dtype=bool)
    if is_north.all() or not is_north.any():
        raise ParameterError(
            f"`divide` {label} puts all {len(y)} municipalities on one side; choose one "
            "that lies within the data"
        )
    weights = w.transform("r").to_W()
    values = y.to_numpy()[:, None]
    km10 = (northing - northing.mean())[:, None] / 10_000
    # spreg prints its model name and warns about its own NumPy/pandas use: keep it quiet
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore", (RuntimeWarning, DeprecationWarning, FutureWarning))
        trend = spreg.ML_Error(values, km10, weights, name_x=["northing_10km"])
        split = spreg.ML_Error(values, is_north[:, None].astype(float), weights, name_x=["north"])
    residuals = values[:, 0] - np.polyval(np.polyfit(km10[:, 0], values[:, 0], 1), km10[:, 0])
    with _seeded(seed):
        residual_moran = esda.Moran(residuals, w, transformation="r", permutations=permutations)
    return NorthSouthResult(
        column=column,
        slope_per_10km=float(trend.betas[1, 0]),
        p_value=float(trend.z_stat[1][1]),
        north_mean=float(values[is_north, 0].mean()),
        south_mean=float(values[~is_north, 0].mean()),
        difference=float(values[is_north, 0].mean() - values[~is_north, 0].mean()),
        difference_p_value=float(split.z_stat[1][1]),
        difference_sem=float(split.betas[1, 0]),
        divide=label,
        n_north=int(is_north.sum()),
        n_south=int((~is_north).sum()),
        lambda_=float(trend.betas[-1, 0]),
        residual_moran_p=float(residual_moran.p_sim) if permutations else np.nan,
    )


# --- plumbing ---------------------------------------------------------------------------


@contextlib.contextmanager
def _seeded(seed: int) -> Iterator[None]:
    """Seed NumPy's global RNG for an esda call and restore the caller's state after.

    esda's global Moran draws its permutations from the global RNG and takes no seed.
    esda's notices about its own future defaults (the folded, "directed" p-value that
    ruhrgeo documents and keeps) are not the caller's business.
    """
    state = np.random.get_state()  # noqa: NPY002 (esda's Moran uses the global RNG)
    np.random.seed(seed)  # noqa: NPY002
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        np.random.set_state(state)  # noqa: NPY002


def _significant(p: np.ndarray, alpha: float, fdr: bool) -> np.ndarray:
    if not 0 < alpha < 1:
        raise ParameterError(f"`alpha` must lie between 0 and 1, got {alpha}")
    cutoff = esda.fdr(p, alpha) if fdr else alpha
    return np.asarray(p) <= cutoff


def _prepare(
    gdf: gpd.GeoDataFrame, column: str, kind: str | Graph, *, build: bool = True
) -> tuple[pd.Series, Graph]:
    """Validate data and graph; return the values in the graph's order, and the graph."""
    _require_unique_index(gdf)
    if column not in gdf.columns:
        raise MissingColumnError(
            f"`column` {column!r} is not in the data; columns: {[c for c in gdf.columns][:20]}"
        )
    y = pd.to_numeric(gdf[column], errors="coerce").astype(float)
    if y.isna().any():
        missing = list(y.index[y.isna()][:10])
        raise MissingValuesError(
            f"`{column}` is missing or not numeric for {int(y.isna().sum())} municipalities: "
            f"{missing}; fill them or drop those rows first"
        )
    if len(y) < MIN_OBSERVATIONS:
        raise TooFewObservationsError(
            f"{len(y)} observations of `{column}`; spatial statistics need at least "
            f"{MIN_OBSERVATIONS}"
        )
    if np.isclose(y.std(), 0):
        raise StatisticsError(f"`{column}` is constant ({y.iloc[0]}); nothing to test")
    if not build:
        return y, None  # type: ignore[return-value]
    if isinstance(kind, Graph):
        w = kind
        ids = pd.Index(w.unique_ids)
        if not ids.sort_values().equals(y.index.sort_values()):
            extra, missing = ids.difference(y.index), y.index.difference(ids)
            raise GraphMismatchError(
                f"the graph's ids differ from the data's index: {len(missing)} only in the data "
                f"{list(missing[:5])}, {len(extra)} only in the graph {list(extra[:5])}; build "
                "the graph from the same GeoDataFrame"
            )
        y = y.reindex(ids)
    else:
        w = graph(gdf, kind)  # type: ignore[arg-type]
    return y, w


def _require_unique_index(gdf: gpd.GeoDataFrame) -> None:
    from ruhrgeo._validate import require_unique

    require_unique(gdf.index, "index", "index the municipalities by AGS (read_municipalities)")


def _centroids(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    if gdf.crs is None:
        raise UnusableCRSError("the municipalities have no CRS; distances need one")
    projected = gdf if gdf.crs.is_projected else gdf.to_crs(_metric_crs(gdf))
    unit = projected.crs.axis_info[0].unit_name
    if unit not in ("metre", "meter"):
        raise UnusableCRSError(f"distances need a CRS in metres, got {unit!r}; reproject first")
    return projected.geometry.centroid


def _metric_crs(gdf: gpd.GeoDataFrame) -> pyproj.CRS:
    """ETRS89 / UTM 32N (the German standard) where it applies, else the data's UTM zone."""
    west, south, east, north = gdf.to_crs(4326).total_bounds
    u_west, u_south, u_east, u_north = UTM32.area_of_use.bounds
    inside = west >= u_west - 3 and east <= u_east + 3 and south >= u_south and north <= u_north
    return UTM32 if inside else gdf.estimate_utm_crs()


def _positive(value: float | None, name: str, what: str) -> None:
    if value is None or not value > 0:
        raise ParameterError(f"`{name}` must be a positive number ({what}), got {value!r}")


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
        others = [j for j in tree.query_nearest(geoms[i], exclusive=True, all_matches=False)]
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


def _distances_of(points: gpd.GeoSeries, adjacency: pd.Series) -> np.ndarray:
    focal = points.loc[adjacency.index.get_level_values(0)].to_numpy()
    neighbor = points.loc[adjacency.index.get_level_values(1)].to_numpy()
    return shapely.distance(focal, neighbor)


def _north_of(gdf: gpd.GeoDataFrame, points: gpd.GeoSeries, divide: Any) -> tuple[np.ndarray, str]:
    northing = points.y.to_numpy()
    if divide is None:
        cut = float(np.median(northing))
        return northing > cut, f"median northing {cut:.0f} m ({points.crs.to_string()})"
    if isinstance(divide, shapely.LineString):
        line = gpd.GeoSeries([divide], crs=gdf.crs).to_crs(points.crs).iloc[0]
        (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
        top = max(northing.max(), y0, y1) + 1e6
        above = shapely.Polygon([*line.coords, (x1, top), (x0, top)])
        return shapely.contains_xy(above, points.x, points.y), "the given line"
    value = float(divide)
    if abs(value) <= 90:
        lat = points.to_crs(4326).y.to_numpy()
        return lat > value, f"latitude {value:g}°"
    return northing > value, f"northing {value:.0f} m ({points.crs.to_string()})"
