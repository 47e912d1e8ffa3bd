"""What every map of municipalities shares, HTML and PNG alike: the checked inputs, the
shading, the tooltip fields with their labels and units, the place names and the credit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd

from ruhrgeo._geometry import metric_crs
from ruhrgeo.errors import MissingColumnError
from ruhrgeo.io.areas import as_areas
from ruhrgeo.maps import checks
from ruhrgeo.maps.geometry import label_points, simplified
from ruhrgeo.maps.layers import MapLayer, label_layer, polygon_layer
from ruhrgeo.maps.locales import Locale, get_locale
from ruhrgeo.maps.shading import Shading, categories, numbers, tooltip_texts

__all__ = ["Described", "credit", "describe", "layers", "outlines"]


@dataclass(frozen=True)
class Described:
    """A polygon map, ready to draw as a page or a figure."""

    munis: gpd.GeoDataFrame  # indexed by the areas' key, with the mapped column as numbers
    shading: Shading
    fields: list[str]
    labels: list[str]
    units: dict[str, str]
    place_names: int
    attribution: str | None
    heading: str  # the legend's heading: the mapped column's label
    locale: Locale


def describe(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    colors: Mapping[str, str] | None = None,
    scheme: str = "quantiles",
    k: int = 5,
    bins: Sequence[float] | None = None,
    cmap: str = "viridis",
    title: str | None = None,
    tooltip: Sequence[str] | None = None,
    aliases: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    place_names: bool | int = False,
    attribution: str | None = None,
    locale: str = "en",
) -> Described:
    """Check everything a polygon map is given, and shade ``column`` (numbers classed by
    mapclassify, or categories in ``colors``)."""
    words = get_locale(locale)
    checks.frame(gdf)
    column = checks.column(gdf, column)
    aliases = checks.per_column(gdf, aliases, "aliases")
    units = checks.per_column(gdf, units, "units")
    title = checks.text(title, "title") or aliases.get(column, column)
    attribution = credit(gdf, attribution)
    fields = checks.columns(
        gdf, _default_fields(gdf, column) if tooltip is None else tooltip, "tooltip"
    )
    checks.unicode_text(gdf, ["name", *fields, column])
    munis = as_areas(gdf, "`gdf`")
    if colors is None:
        values = checks.numbers(munis, column)
        munis = munis.assign(**{column: values})
        shading = numbers(
            values,
            title=title,
            **_classes(scheme, k, bins),
            cmap=checks.colormap(cmap),
            unit=units.get(column),
            locale=words,
        )
    else:
        shading = categories(munis[column], colors, title=title, locale=words)
    name = _name_label(munis, words)
    labels = [aliases.get(f, name if f == "name" else title if f == column else f) for f in fields]
    count = checks.place_names(place_names, len(munis))
    heading = aliases.get(column, str(column))
    return Described(munis, shading, fields, labels, units, count, attribution, heading, words)


def outlines(
    gdf: gpd.GeoDataFrame,
    *,
    title: str,
    fill: str,
    aliases: Mapping[str, str] | None = None,
    place_names: bool | int = False,
    attribution: str | None = None,
    locale: str = "en",
) -> Described:
    """Municipalities drawn in one ``fill``, with their names as tooltips (no legend)."""
    words = get_locale(locale)
    checks.frame(gdf)
    aliases = checks.per_column(gdf, aliases, "aliases")
    checks.unicode_text(gdf, ["name"])
    munis = as_areas(gdf, "`gdf`")
    shading = Shading(title, pd.Series(0, index=munis.index), (fill,), ())
    fields = ["name"] if "name" in munis.columns else []
    labels = [aliases.get(f, _name_label(munis, words)) for f in fields]
    count = checks.place_names(place_names, len(munis))
    return Described(
        munis, shading, fields, labels, {}, count, credit(gdf, attribution), title, words
    )


def layers(
    described: Described, *, legend: bool = True, outline: str = "#ffffff", opacity: float = 0.85
) -> list[MapLayer]:
    """The page layers of a described map: the colored polygons, and the place names."""
    shapes, decimals = simplified(described.munis)
    texts = tooltip_texts(described.munis, described.fields, described.units, described.locale)
    out = [
        polygon_layer(
            shapes,
            described.shading,
            texts,
            described.labels,
            decimals=decimals,
            attribution=described.attribution,
            legend=legend,
            outline=outline,
            opacity=opacity,
        )
    ]
    named = largest(described.munis, described.place_names)
    if len(named):
        names = named["name"].astype(str).tolist()
        out.append(label_layer(label_points(named), names, name=described.locale.place_names))
    return out


def largest(munis: gpd.GeoDataFrame, count: int) -> gpd.GeoDataFrame:
    """The ``count`` municipalities with most inhabitants (``population``), or else the
    largest by area, whose names are written on the map: the largest first, so that a name
    that would cover another gives way to it."""
    if count == 0:
        return munis.iloc[:0]
    if "name" not in munis.columns:
        raise MissingColumnError("`place_names` needs a `name` column")
    population = pd.to_numeric(munis.get("population", pd.Series(dtype=float)), errors="coerce")
    if len(population) and population.notna().all():
        size = population.to_numpy(dtype=float)
    else:
        size = munis.to_crs(metric_crs(munis)).area.to_numpy()
    return munis.iloc[np.argsort(-size, kind="stable")[:count]]


def _name_label(munis: gpd.GeoDataFrame, words: Locale) -> str:
    """The tooltip label of the ``name`` column unless aliased: municipalities' or any areas'."""
    return words.municipality if str(munis.index.name).lower() == "ags" else words.name


def _default_fields(gdf: pd.DataFrame, column: str) -> list[str]:
    return ["name", column] if "name" in gdf.columns and column != "name" else [column]


def _classes(scheme: str, k: int, bins: Sequence[float] | None) -> dict[str, object]:
    name, count, edges = checks.scheme(scheme, k, bins)
    return {"scheme": name, "k": count, "bins": edges}


def credit(gdf: pd.DataFrame, attribution: str | None) -> str | None:
    """The user's credit, else the data's own (``gdf.attrs["source"]``, set by the shipped
    datasets)."""
    if attribution is not None:
        return checks.text(attribution, "attribution") or None
    source = gdf.attrs.get("source")
    return source if isinstance(source, str) and source else None
