"""Distances and distance-decay kernels between source points and municipalities.

Distances are measured in a projected metric CRS: the municipalities' own when it is
projected, else ETRS89 / UTM 32N inside Germany. With ``to="population"`` the distance is
the population-weighted mean distance of the municipality's inhabitants (cells of a
population grid) from the source.
"""

from __future__ import annotations

from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ruhrgeo import _names
from ruhrgeo._geometry import centroids, positive
from ruhrgeo._validate import require_unique
from ruhrgeo.errors import (
    CRSMissingError,
    InvalidGeometryError,
    MissingColumnError,
    MissingValuesError,
    ParameterError,
    StatisticsError,
    ValueRangeError,
)
from ruhrgeo.io.areas import as_areas
from ruhrgeo.io.sources import SourceLike
from ruhrgeo.overlay import Overlay

Kernel = Literal["uniform", "linear", "gaussian", "exponential"]
KERNELS = _names.DECAY_KERNELS
Target = Literal["centroid", "population"]
_CUT = {"gaussian": 3.0, "exponential": 5.0}  # in radii: beyond, the kernel is 0
PopulationSource = SourceLike | None


def kernel_weight(
    distance_km: np.ndarray, radius_km: float, kernel: Kernel = "linear"
) -> np.ndarray:
    """The kernel's weight at ``distance_km`` for radius ``radius_km``.

    ``uniform``: 1 if d <= r; ``linear``: max(0, 1 - d/r); ``gaussian``:
    exp(-(d/r)^2 / 2), 0 beyond 3r; ``exponential``: exp(-d/r), 0 beyond 5r.

    Parameters
    ----------
    distance_km
        Distances in km (an array, >= 0).
    radius_km
        The radius in km (> 0, finite).
    kernel
        ``"uniform"``, ``"linear"``, ``"gaussian"`` or ``"exponential"``.

    Returns
    -------
    numpy.ndarray
        The weights, from 1 at distance 0 down to 0.

    Raises
    ------
    ruhrgeo.errors.ParameterError
        Distances that are not finite and >= 0, a radius that is not > 0, an unknown kernel.

    Examples
    --------
    >>> kernel_weight(np.array([0.0, 5.0, 10.0, 20.0]), 10.0, "linear").tolist()
    [1.0, 0.5, 0.0, 0.0]
    >>> round(float(kernel_weight(np.array([10.0]), 10.0, "gaussian")[0]), 6)
    0.606531
    """
    check_kernel(kernel)
    radius_km = positive(radius_km, "radius_km", "the spill-over radius in km")
    u = np.asarray(distance_km, dtype=float) / radius_km
    if kernel == "uniform":
        return (u <= 1).astype(float)
    if kernel == "linear":
        return np.clip(1 - u, 0, None)
    inside = u <= _CUT[kernel]
    return np.where(inside, np.exp(-(u**2) / 2) if kernel == "gaussian" else np.exp(-u), 0.0)


def distances_km(
    gdf: gpd.GeoDataFrame,
    sources: gpd.GeoDataFrame,
    *,
    to: Target = "centroid",
    population: PopulationSource = None,
) -> pd.DataFrame:
    """Distance in km from every source (columns) to every municipality (rows, AGS).

    Parameters
    ----------
    gdf
        Areas (polygons) indexed by any unique key.
    sources
        Points (campuses): a GeoDataFrame in any CRS.
    to
        Distances to each area's ``"centroid"``, or to its ``"population"``-weighted center.
    population
        With ``to="population"``: the population grid (a path or grid source).

    Returns
    -------
    pandas.DataFrame
        Areas (rows, indexed like ``gdf``) x sources (columns, the sources' index), in km.

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
    >>> munis = gpd.GeoDataFrame({"ags": ["05913000"], "name": ["A"]},
    ...                          geometry=[shapely.box(0, 0, 2000, 2000)], crs=25832)
    >>> campus = gpd.GeoDataFrame(geometry=[shapely.Point(4000, 1000)], crs=25832)
    >>> distances_km(munis, campus).round(3).to_numpy().tolist()
    [[3.0]]
    """
    return distances_of(as_areas(gdf, "`gdf`"), sources, to=to, population=population)


def distances_of(
    munis: gpd.GeoDataFrame,
    sources: gpd.GeoDataFrame,
    *,
    to: Target = "centroid",
    population: PopulationSource = None,
) -> pd.DataFrame:
    """:func:`distances_km` of municipalities already read by ``read_municipalities``."""
    points = source_points(sources)
    if to == "centroid":
        centers = centroids(munis)
        at = points.to_crs(centers.crs).to_numpy()
        matrix = shapely.distance(centers.to_numpy()[:, None], at[None, :]) / 1000
        return pd.DataFrame(matrix, index=munis.index, columns=sources.index)
    if to != "population":
        raise ParameterError(f"`to` must be 'centroid' or 'population', got {to!r}")
    if population is None:
        raise ParameterError("`to='population'` needs a `population` grid (e.g. Zensus)")
    overlay = Overlay(munis, population)
    cells = overlay.weighted_cells(population)
    at = points.to_crs(overlay.spec.crs)
    key = overlay.index.name or "key"
    total = cells.groupby(key, sort=False)["weight"].sum().reindex(munis.index)
    if (total <= 0).any():
        empty = list(total.index[total <= 0][:10])
        raise StatisticsError(
            f"no population in the grid for {empty}; use `to='centroid'` or another grid"
        )
    columns = {}
    for label, point in zip(sources.index, at, strict=True):
        d = np.hypot(cells["x"] - point.x, cells["y"] - point.y) / 1000
        columns[label] = (d * cells["weight"]).groupby(cells[key], sort=False).sum()
    return pd.DataFrame(columns).reindex(munis.index).div(total, axis=0)


def access(
    gdf: gpd.GeoDataFrame,
    sources: gpd.GeoDataFrame,
    *,
    radius_km: float,
    kernel: Kernel = "linear",
    size: str | None = None,
    to: Target = "centroid",
    population: PopulationSource = None,
) -> pd.Series:
    """Sum over sources of ``size_s * k(d_is / r)``: how much of the sources reaches each place.

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
    size
        A column of the sources weighting them (e.g. students); None: 1 each.
    to
        Distances to each area's ``"centroid"``, or to its ``"population"``-weighted center.
    population
        With ``to="population"``: the population grid (a path or grid source).

    Returns
    -------
    pandas.Series
        The access of each area, indexed like ``gdf``.

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
    >>> campus = gpd.GeoDataFrame({"students": [100.0]}, geometry=[shapely.Point(1000, 1000)],
    ...                           crs=25832)
    >>> access(munis, campus, radius_km=10, size="students").tolist()
    [100.0, 20.0]
    """
    table = distances_km(gdf, sources, to=to, population=population)
    weights = kernel_weight(table.to_numpy(), radius_km, kernel)
    return pd.Series(weights @ sizes(sources, size), index=table.index, name="access")


def source_points(sources: gpd.GeoDataFrame) -> gpd.GeoSeries:
    if not isinstance(sources, gpd.GeoDataFrame) or sources.empty:
        raise ParameterError("`sources` must be a non-empty GeoDataFrame of points")
    if sources.crs is None:
        raise CRSMissingError(
            "`sources` has no CRS; set one, e.g. `sources.set_crs(4326)` for longitude/latitude"
        )
    geoms = sources.geometry
    if not (geoms.geom_type == "Point").all() or geoms.is_empty.any():
        raise InvalidGeometryError("`sources` must be points (one per campus or site)")
    require_unique(
        sources.index,
        "sources",
        "the results name each source by its label: give each its own, e.g. "
        "`sources.reset_index(drop=True)`",
    )
    return geoms


def sizes(sources: gpd.GeoDataFrame, column: str | None) -> np.ndarray:
    if column is None:
        return np.ones(len(sources))
    if column not in sources.columns:
        raise MissingColumnError(
            f"`sources` has no column {column!r}; columns: {list(sources.columns)[:20]}"
        )
    values = pd.to_numeric(sources[column], errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any():
        names = ", ".join(labels(sources)[np.isnan(values)][:10])
        raise MissingValuesError(
            f"`{column}` is missing or not numeric for {int(np.isnan(values).sum())} "
            f"source(s): {names}; fill them (e.g. `sources.fillna({{{column!r}: 0}})`)"
        )
    if (values < 0).any():
        raise ValueRangeError(f"`{column}` must not be negative; min {values.min()}")
    return values


def labels(sources: gpd.GeoDataFrame) -> np.ndarray:
    if {"short_name", "city"} <= set(sources.columns):
        return (sources["short_name"].astype(str) + " " + sources["city"].astype(str)).to_numpy()
    return sources.index.astype(str).to_numpy()


def check_kernel(kernel: str) -> None:
    if kernel not in KERNELS:
        raise ParameterError(f"`kernel` must be one of {KERNELS}, got {kernel!r}")
