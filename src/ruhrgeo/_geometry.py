"""Geometry shared by the steps: centroids in meters, which side of a divide a unit lies on."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pyproj
import shapely

from ruhrgeo._params import number
from ruhrgeo.errors import CRSMissingError, UnusableCRSError

UTM32 = pyproj.CRS.from_epsg(25832)


def centroids(gdf: gpd.GeoDataFrame) -> gpd.GeoSeries:
    if gdf.crs is None:
        raise CRSMissingError(
            "the municipalities have no CRS; distances need one: set it, e.g. gdf.set_crs(25832)"
        )
    projected = gdf if gdf.crs.is_projected else gdf.to_crs(metric_crs(gdf))
    unit = projected.crs.axis_info[0].unit_name
    if unit not in ("metre", "meter"):
        raise UnusableCRSError(f"distances need a CRS in meters, got {unit!r}; reproject first")
    return projected.geometry.centroid


def metric_crs(gdf: gpd.GeoDataFrame) -> pyproj.CRS:
    """ETRS89 / UTM 32N (the German standard) where it applies, else the data's UTM zone."""
    west, south, east, north = gdf.to_crs(4326).total_bounds
    u_west, u_south, u_east, u_north = UTM32.area_of_use.bounds
    inside = west >= u_west - 3 and east <= u_east + 3 and south >= u_south and north <= u_north
    return UTM32 if inside else gdf.estimate_utm_crs()


def positive(value: object, name: str, what: str) -> float:
    """``value`` as a finite number > 0 (a distance, a radius), else a ParameterError."""
    return number(value, f"{name} ({what})", low=0, low_open=True)


def north_of(gdf: gpd.GeoDataFrame, points: gpd.GeoSeries, divide: Any) -> tuple[np.ndarray, str]:
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
