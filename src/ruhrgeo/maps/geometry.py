"""The geometries a map page carries: simplified without gaps, rounded, and label points.

``shapely.coverage_simplify`` in a metric CRS keeps the edge two neighbors share identical,
so no gaps or slivers appear; the tolerance follows the map's extent.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

from ruhrgeo._geometry import metric_crs
from ruhrgeo._params import number, whole_number
from ruhrgeo.io.areas import as_areas

__all__ = ["bounds", "label_points", "simplified", "simplify"]

# Simplification follows the map's extent: 1/2000 of its diagonal (55 m for the Ruhr,
# about 500 m for Germany), at least 25 m; coordinates keep 5 decimals (about 1 m), or 4
# (about 10 m) when the tolerance is 100 m or more.
EXTENT_FRACTION = 1 / 2000
MIN_TOLERANCE_M = 25.0


def simplify(
    gdf: gpd.GeoDataFrame, *, tolerance_m: float | None = None, decimals: int | None = None
) -> gpd.GeoDataFrame:
    """Municipalities in EPSG:4326, simplified without gaps or slivers and rounded.

    ``shapely.coverage_simplify`` in a metric CRS keeps shared edges shared; coordinates
    are then rounded to ``decimals``. Defaults follow the extent (see ``EXTENT_FRACTION``).

    Parameters
    ----------
    gdf
        Areas (polygons) in a projected or geographic CRS.
    tolerance_m
        Simplification tolerance in meters; default from the extent.
    decimals
        Decimals of the rounded coordinates (degrees); default from the tolerance.

    Returns
    -------
    geopandas.GeoDataFrame
        The areas in EPSG:4326, simplified and rounded.

    Raises
    ------
    ruhrgeo.errors.InputTypeError
        ``gdf`` is not a GeoDataFrame.
    ruhrgeo.errors.CRSMissingError
        ``gdf`` has no CRS.
    ruhrgeo.errors.ParameterError
        A tolerance or decimals out of range.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> wiggly = shapely.Polygon([(0, 0), (500, 1), (1000, 0), (1000, 1000), (0, 1000)])
    >>> gdf = gpd.GeoDataFrame({"ags": ["05913000"], "name": ["A"]}, geometry=[wiggly], crs=25832)
    >>> len(simplify(gdf).geometry.iloc[0].exterior.coords)
    5
    """
    areas = as_areas(gdf, "`gdf`")
    if tolerance_m is not None:
        tolerance_m = number(tolerance_m, "tolerance_m", low=0)
    if decimals is not None:
        decimals = whole_number(decimals, "decimals", low=0, high=15)
    return simplified(areas, tolerance_m=tolerance_m, decimals=decimals)[0]


def simplified(
    munis: gpd.GeoDataFrame, *, tolerance_m: float | None = None, decimals: int | None = None
) -> tuple[gpd.GeoDataFrame, int]:
    """:func:`simplify` for municipalities already read, and the decimals it kept."""
    metric = munis.to_crs(metric_crs(munis))
    default_tolerance, default_decimals = simplification(metric)
    tolerance_m = default_tolerance if tolerance_m is None else tolerance_m
    decimals = default_decimals if decimals is None else decimals
    simple = shapely.coverage_simplify(metric.geometry.to_numpy(), tolerance_m)
    out = metric.set_geometry(gpd.GeoSeries(simple, index=metric.index, crs=metric.crs))
    out = out.to_crs(4326)
    rounded = shapely.transform(out.geometry, lambda xy: np.round(xy, decimals))
    return out.set_geometry(rounded, crs=4326), decimals


def simplification(metric: gpd.GeoDataFrame) -> tuple[float, int]:
    """Default tolerance (m) and decimals for data in a metric CRS (see EXTENT_FRACTION)."""
    x0, y0, x1, y1 = metric.total_bounds
    tolerance = max(MIN_TOLERANCE_M, EXTENT_FRACTION * float(np.hypot(x1 - x0, y1 - y0)))
    return tolerance, 4 if tolerance >= 100 else 5


def label_points(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """A point inside each municipality (EPSG:4326), where its name is written.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> ring = shapely.box(0, 0, 3000, 3000).difference(shapely.box(1000, 1000, 2000, 2000))
    >>> gdf = gpd.GeoDataFrame({"ags": ["05913000"], "name": ["A"]}, geometry=[ring], crs=25832)
    >>> bool(label_points(gdf).to_crs(25832).within(ring).all())
    True
    """
    metric = gdf.to_crs(metric_crs(gdf))
    return metric.geometry.representative_point().to_crs(4326)


def bounds(gdf: gpd.GeoDataFrame) -> tuple[float, float, float, float]:
    """West, south, east, north in degrees."""
    west, south, east, north = (float(v) for v in gdf.to_crs(4326).total_bounds)
    return west, south, east, north
