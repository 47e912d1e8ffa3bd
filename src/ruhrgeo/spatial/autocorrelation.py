"""Autocorrelation: global and local Moran's I, Getis-Ord, the Moran correlogram."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
from libpysal.graph import Graph

from ruhrgeo._geometry import centroids, positive
from ruhrgeo._validate import column_values
from ruhrgeo.errors import StatisticsError
from ruhrgeo.spatial._checks import prepare, seeded, significance
from ruhrgeo.spatial.weights import distances_of

__all__ = [
    "CLUSTER_LABELS",
    "CorrelogramResult",
    "MoranResult",
    "correlogram",
    "getis_ord",
    "local_moran",
    "moran",
]

# esda's quadrants: 1 HH, 2 LH, 3 LL, 4 HL
QUADRANTS = {1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}
CLUSTER_LABELS = ("High-High", "Low-Low", "High-Low", "Low-High", "Not significant")


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
    y, w = prepare(gdf, column, graph)
    with seeded(seed):
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
    y, w = prepare(gdf, column, graph)
    with seeded(seed):
        lm = esda.Moran_Local(
            y.to_numpy(),
            w,
            transformation="r",
            permutations=permutations,
            seed=seed,
            n_jobs=n_jobs,
            keep_simulations=False,
        )
    significant = significance(lm.p_sim, alpha, fdr)
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
    y, w = prepare(gdf, column, graph)
    with seeded(seed):
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
    significant = significance(g.p_sim, alpha, fdr)
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
    y = column_values(gdf, column)
    points = centroids(gdf.loc[y.index])
    if distances_km is None:
        nearest = Graph.build_knn(points, k=1).adjacency
        lo = distances_of(points, nearest).max() / 1000
        x0, y0, x1, y1 = points.total_bounds
        hi = 0.5 * float(np.hypot(x1 - x0, y1 - y0)) / 1000
        distances_km = np.linspace(lo * 1.0001, max(hi, lo * 1.5), 10).round(3).tolist()
    rows = []
    for d in distances_km:
        positive(d, "distances_km", "distances in km")
        band = Graph.build_distance_band(points, threshold=d * 1000)
        if len(band.isolates):
            raise StatisticsError(
                f"at {d:g} km, {len(band.isolates)} municipalities have no neighbour (e.g. "
                f"{list(band.isolates[:5])}); start `distances_km` at or above the largest "
                "nearest-neighbour distance"
            )
        with seeded(seed):
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
