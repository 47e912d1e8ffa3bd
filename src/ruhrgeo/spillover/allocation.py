"""Spreading sources' values over the municipalities by distance decay, and their reach.

Distances are measured between each source point (a campus) and each municipality in a
projected metric CRS, never in degrees (see :func:`distances_km`).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ruhrgeo import _params
from ruhrgeo._geometry import centroids, north_of
from ruhrgeo._warn import warn
from ruhrgeo.errors import SpilloverWarning
from ruhrgeo.io.areas import as_areas
from ruhrgeo.spillover.distance import (
    Kernel,
    PopulationSource,
    Target,
    distances_of,
    kernel_weight,
    labels,
    sizes,
)

__all__ = ["ReachResult", "allocate", "reach"]


def allocate(
    gdf: gpd.GeoDataFrame,
    sources: gpd.GeoDataFrame,
    value: str,
    *,
    radius_km: float,
    kernel: Kernel = "linear",
    to: Target = "centroid",
    population: PopulationSource = None,
) -> pd.Series:
    """Spread each source's ``value`` over the areas with weights k(d)/sum k(d).

    Totals are conserved exactly. A source whose kernel reaches no municipality keeps its
    value in the municipality that contains it (or the nearest one), with a warning.

    Parameters
    ----------
    gdf
        Areas (polygons) indexed by any unique key.
    sources
        Points (campuses): a GeoDataFrame in any CRS.
    value
        The column of the sources to spread (e.g. IT graduates).
    radius_km
        The radius of the distance decay in km (> 0, finite).
    kernel
        ``"uniform"``, ``"linear"``, ``"gaussian"`` or ``"exponential"``
        (:func:`kernel_weight`).
    to
        Distances to each area's ``"centroid"``, or to its ``"population"``-weighted center.
    population
        With ``to="population"``: the population grid (a path or grid source).

    Returns
    -------
    pandas.Series
        The amount each area receives, named ``<value>_allocated``; it sums to the sources'
        total.

    Raises
    ------
    ruhrgeo.errors.InputTypeError
        ``gdf`` or ``sources`` is not a GeoDataFrame.
    ruhrgeo.errors.CRSMissingError
        A frame without a CRS.
    ruhrgeo.errors.ParameterError
        A radius that is not finite and > 0, an unknown kernel or target.
    ruhrgeo.errors.MissingColumnError
        A size or value column that the sources lack.
    ruhrgeo.errors.MissingValuesError
        Missing or negative sizes or values.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> munis = gpd.GeoDataFrame({"ags": ["05913000", "05911000"], "name": ["A", "B"]},
    ...     geometry=[shapely.box(0, 0, 2000, 2000), shapely.box(8000, 0, 10000, 2000)], crs=25832)
    >>> campus = gpd.GeoDataFrame({"graduates": [120.0]}, geometry=[shapely.Point(1000, 1000)],
    ...                           crs=25832)
    >>> allocate(munis, campus, "graduates", radius_km=10).tolist()
    [100.0, 20.0]
    """
    munis = as_areas(gdf, "`gdf`")
    table = distances_of(munis, sources, to=to, population=population)
    amounts = sizes(sources, value)
    weights = kernel_weight(table.to_numpy(), radius_km, kernel)
    totals = weights.sum(axis=0)
    stranded = np.flatnonzero(totals <= 0)
    if stranded.size:
        home = _home_municipality(munis, sources.iloc[stranded])
        weights[:, stranded] = 0.0
        weights[home, stranded] = 1.0
        totals = weights.sum(axis=0)
        names = ", ".join(labels(sources)[stranded][:10])
        warn(
            f"{stranded.size} source(s) reach no municipality within the kernel "
            f"({kernel}, {radius_km} km) and keep their `{value}` where they are: {names}",
            SpilloverWarning,
        )
    share = weights / totals
    return pd.Series(share @ amounts, index=table.index, name=f"{value}_allocated")


@dataclass(frozen=True)
class ReachResult:
    """Which municipalities the sources reach, and a north/south count.

    Attributes
    ----------
    table : pandas.DataFrame
        Per area: ``weight`` (the largest kernel weight from a source), ``source`` (which),
        ``reached`` and ``north``.
    north_reached, north_total, south_reached, south_total : int
        Areas reached and in all, north and south of the divide.
    divide : str
        The divide used.

    Examples
    --------
    >>> from ruhrgeo import datasets, spillover
    >>> result = spillover.reach(datasets.ruhr_municipalities(), datasets.universities(),
    ...                          radius_km=20)
    >>> result.north_total + result.south_total
    53
    """

    table: pd.DataFrame
    north_reached: int
    north_total: int
    south_reached: int
    south_total: int
    divide: str

    def summary(self) -> str:
        """One sentence in plain language."""
        return (
            f"The sources reach {self.north_reached} of {self.north_total} northern and "
            f"{self.south_reached} of {self.south_total} southern municipalities "
            f"(divide: {self.divide})."
        )


def reach(
    gdf: gpd.GeoDataFrame,
    sources: gpd.GeoDataFrame,
    *,
    radius_km: float,
    kernel: Kernel = "linear",
    threshold: float = 0.1,
    divide: float | shapely.LineString | None = None,
) -> ReachResult:
    """Municipalities that get at least ``threshold`` of the kernel weight from some source.

    ``table`` (indexed by AGS) has ``weight`` (the largest kernel weight from any source),
    ``source`` (which), ``reached`` and ``north``; the counts split the areas at
    ``divide`` (see :func:`ruhrgeo.spatial.north_south`; default the median northing).

    Parameters
    ----------
    gdf
        Areas (polygons) indexed by any unique key.
    sources
        Points (campuses): a GeoDataFrame in any CRS.
    radius_km
        The radius of the distance decay in km (> 0, finite).
    kernel
        ``"uniform"``, ``"linear"``, ``"gaussian"`` or ``"exponential"``
        (:func:`kernel_weight`).
    threshold
        The least kernel weight that counts as reached (0 to 1).
    divide
        Where north ends (see :func:`ruhrgeo.spatial.north_south`).

    Returns
    -------
    ReachResult
        The table of areas and the north/south counts.

    Raises
    ------
    ruhrgeo.errors.InputTypeError
        ``gdf`` or ``sources`` is not a GeoDataFrame.
    ruhrgeo.errors.CRSMissingError
        A frame without a CRS.
    ruhrgeo.errors.ParameterError
        A radius that is not finite and > 0, an unknown kernel or target.
    ruhrgeo.errors.MissingColumnError
        A size or value column that the sources lack.
    ruhrgeo.errors.MissingValuesError
        Missing or negative sizes or values.

    Examples
    --------
    >>> from ruhrgeo import datasets, read_municipalities
    >>> munis = datasets.ruhr_municipalities()
    >>> result = reach(munis, datasets.universities(), radius_km=20)
    >>> result.north_total + result.south_total
    53
    """
    threshold = _params.number(threshold, "threshold", low=0, high=1, low_open=True)
    munis = as_areas(gdf, "`gdf`")
    table = distances_of(munis, sources)
    weights = kernel_weight(table.to_numpy(), radius_km, kernel)
    strongest = weights.argmax(axis=1)
    is_north, label = north_of(munis, centroids(munis), divide)
    is_north = np.asarray(is_north, dtype=bool)
    table = pd.DataFrame(
        {
            "weight": weights.max(axis=1),
            "source": labels(sources)[strongest],
            "north": is_north,
        },
        index=munis.index,
    )
    table["reached"] = table["weight"] >= threshold
    return ReachResult(
        table=table,
        north_reached=int((table["reached"] & is_north).sum()),
        north_total=int(is_north.sum()),
        south_reached=int((table["reached"] & ~is_north).sum()),
        south_total=int((~is_north).sum()),
        divide=label,
    )


def _home_municipality(munis: gpd.GeoDataFrame, sources: gpd.GeoDataFrame) -> np.ndarray:
    """Position of the municipality containing each source, else the nearest one."""
    points = sources.geometry.to_crs(munis.crs).to_numpy()
    geoms = munis.geometry.to_numpy()
    tree = shapely.STRtree(geoms)
    return np.array([int(tree.query_nearest(p, all_matches=False)[0]) for p in points])
