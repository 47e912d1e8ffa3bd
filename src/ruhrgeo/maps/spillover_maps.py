"""The spill-over map: sources (campuses) with rings at a radius, and what they spread."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np

from ruhrgeo._geometry import positive
from ruhrgeo.errors import MapDataError
from ruhrgeo.maps import checks
from ruhrgeo.maps.layers import MapLayer, point_layer
from ruhrgeo.maps.page import Map
from ruhrgeo.maps.polygons import credit, describe, layers, outlines
from ruhrgeo.spillover import allocate

__all__ = ["spillover_map"]

OUTLINE = "#f7f7f7"  # the municipalities' fill when nothing is allocated
MIN_PX, MAX_PX = 4.0, 14.0  # marker radii for the smallest and largest source


def spillover_map(
    gdf: gpd.GeoDataFrame,
    sources: gpd.GeoDataFrame,
    *,
    radius_km: float,
    values: str | None = None,
    size: str | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    cmap: str = "magma_r",
    title: str | None = None,
    aliases: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    place_names: bool | int = False,
    attribution: str | None = None,
    locale: str = "en",
) -> Map:
    """Sources (e.g. campuses) as markers with rings at ``radius_km``; with ``values`` (a
    column of the sources) the amounts :func:`ruhrgeo.spillover.allocate` spreads over the
    areas, as a choropleth.

    Markers are sized by the ``size`` column (area proportional to it), else equal. Their
    tooltip is ``short_name: site`` when the sources have both columns (as
    :func:`ruhrgeo.datasets.universities`), else ``name``, else the index. ``aliases`` and
    ``units`` may name ``values``; the other options are those of
    :func:`~ruhrgeo.maps.choropleth`. By default each layer credits its own input
    (``attrs["source"]``); ``attribution`` replaces both.

    Parameters
    ----------
    gdf
        Areas indexed by any unique key.
    sources
        Points (campuses).
    radius_km
        The rings' radius (and the allocation's), in km.
    values
        A column of the sources to allocate and map as a choropleth; None: the areas plain.
    size
        A column of the sources sizing the markers.
    scheme, k, cmap
        The classes and colors of the choropleth, as for :func:`choropleth`.
    title
        Title of the page, the layer and its legend.
    aliases
        Human labels of columns, e.g. ``{"fttbh": "FTTB/H"}``.
    units
        Units of columns, shown after their numbers, e.g. ``{"fttbh": "%"}``.
    place_names
        Names on the map: ``True`` all, a number the N most populous, ``False`` none.
    attribution
        The data's credit line; default ``gdf.attrs["source"]``.
    locale
        Words and numbers of the page: ``"en"`` (default) or ``"de"`` ("keine Daten",
        "Gemeinde", decimal comma).

    Returns
    -------
    Map
        The page: ``.save(path)`` or :func:`save_html` writes it, a notebook shows it.

    Raises
    ------
    ruhrgeo.errors.InputTypeError
        ``gdf`` is not a GeoDataFrame.
    ruhrgeo.errors.MissingColumnError
        A mapped or tooltip column is not in ``gdf``.
    ruhrgeo.errors.MapDataError
        Nothing to map (no values), labels of unknown areas, unknown categories or colors.
    ruhrgeo.errors.MapTextError
        A text that is not valid Unicode.
    ruhrgeo.errors.ParameterError
        An option out of range (classes, place names) or an unknown ``locale``.

    Examples
    --------
    >>> from ruhrgeo import datasets, read_municipalities
    >>> munis = datasets.ruhr_municipalities()
    >>> m = spillover_map(munis, datasets.universities(), radius_km=20, size="students")
    >>> [(layer.name, layer.base) for layer in m.layers]
    [('Municipalities', True), ('Sources, 20 km rings', False)]
    """
    checks.frame(gdf)
    points = _sources(sources)
    radius_km = positive(radius_km, "radius_km", "the ring radius in km")
    own = credit(gdf, attribution)
    if values is not None:
        amounts = checks.numbers(points, checks.column(points, values, "values"))
        allocated = allocate(gdf, points.assign(**{values: amounts}), values, radius_km=radius_km)
        gdf = gdf.drop(columns=[values], errors="ignore").assign(**{values: allocated})
        described = describe(
            gdf,
            values,
            scheme=scheme,
            k=k,
            cmap=cmap,
            title=title
            or f"{(aliases or {}).get(values, values)} incl. spill-over, {radius_km:g} km",
            aliases=aliases,
            units=units,
            place_names=place_names,
            attribution=own,
            locale=locale,
        )
        polygons = layers(described)
    else:
        described = outlines(
            gdf,
            title="Municipalities",
            fill=OUTLINE,
            aliases=aliases,
            place_names=place_names,
            attribution=own,
            locale=locale,
        )
        polygons = layers(described, legend=False, outline="#9a9a9a", opacity=1.0)
    rings = _rings(points, radius_km, size, credit(sources, attribution))
    return Map(polygons[0], rings, *polygons[1:], title=title or polygons[0].name, locale=locale)


def _sources(sources: object) -> gpd.GeoDataFrame:
    checks.frame(sources, "sources")
    assert isinstance(sources, gpd.GeoDataFrame)
    if sources.crs is None:
        raise MapDataError("`sources` has no CRS; set one, e.g. sources.set_crs(4326)")
    kinds = set(sources.geometry.geom_type.dropna())
    if sources.geometry.isna().any() or sources.geometry.is_empty.any() or kinds - {"Point"}:
        raise MapDataError(
            f"`sources` must be points, got {sorted(kinds) or 'missing geometries'}; give "
            "one point per source (e.g. gpd.points_from_xy(longitude, latitude))"
        )
    return sources.to_crs(4326)


def _rings(
    points: gpd.GeoDataFrame, radius_km: float, size: str | None, attribution: str | None
) -> MapLayer:
    if size is None:
        px = np.full(len(points), (MIN_PX + MAX_PX) / 2)
    else:
        weight = checks.numbers(points, checks.column(points, size, "size"))
        if (weight < 0).any():
            raise MapDataError(f"`size` {size!r} has negative values; sizes must be >= 0")
        share = np.sqrt(weight / weight.max()).fillna(0).to_numpy() if weight.max() > 0 else 0
        px = MIN_PX + (MAX_PX - MIN_PX) * share * np.ones(len(points))
    return point_layer(
        points.geometry,
        _labels(points),
        px,
        radius_m=radius_km * 1000,
        name=f"Sources, {radius_km:g} km rings",
        attribution=attribution,
    )


def _labels(points: gpd.GeoDataFrame) -> list[str]:
    if {"short_name", "site"} <= set(points.columns):
        pairs = zip(points["short_name"], points["site"], strict=True)
        return [f"{a}: {b}" for a, b in pairs]
    column: Sequence[object] = points["name"] if "name" in points.columns else points.index
    return [str(v) for v in column]
