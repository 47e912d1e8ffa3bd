"""Maps of areas: classed numbers (choropleth), LISA clusters and any categories."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import pandas as pd

from ruhrgeo.errors import InputTypeError, MapDataError
from ruhrgeo.io.areas import as_areas
from ruhrgeo.maps import checks
from ruhrgeo.maps.page import Map
from ruhrgeo.maps.polygons import describe, layers
from ruhrgeo.spatial.labels import CLUSTER_COLORS

__all__ = ["PALETTE", "category_map", "choropleth", "cluster_map"]

# matplotlib's tab20, dark and light of each hue paired: distinct side by side on a map
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
    "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5",
)  # fmt: skip


def choropleth(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
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
) -> Map:
    """A map of ``column`` in classes: a legend with each class's range, unit and count, and
    the municipalities without a value hatched and counted as "no data".

    Parameters
    ----------
    gdf
        Municipalities (as :func:`ruhrgeo.read_municipalities` gives them) with ``column``.
    column
        The numbers to map.
    scheme, k, bins
        The classes: a mapclassify scheme (``quantiles``, ``equal_interval``,
        ``fisher_jenks``, ``headtail_breaks``, ``box_plot``, ``std_mean``, ``percentiles``,
        ``pretty_breaks``; fewer classes when there are fewer distinct values), or
        ``scheme="user_defined"`` with ``bins``, the upper bounds of the classes (the same
        classes for several maps).
    cmap
        A matplotlib color map.
    title
        Title of the page, the layer and its legend; default: the column's alias or name.
    tooltip
        Columns shown when hovering a municipality; default ``name`` and ``column``.
    aliases
        Human labels of columns (tooltip rows, default title), e.g. ``{"fttbh": "FTTB/H"}``.
    units
        Units of columns, shown after their numbers, e.g. ``{"fttbh": "%"}``.
    place_names
        Write names on the map: ``True`` all, a number the N most populous (``population``,
        else the largest by area), ``False`` none. They are an overlay that can be hidden.
    attribution
        The data's credit line; default ``gdf.attrs["source"]``, which ruhrgeo's shipped
        datasets set to their license text.
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
    >>> m = choropleth(munis, "population", units={"population": "inhabitants"}, k=4)
    >>> [layer.name for layer in m.layers]
    ['population']
    >>> m.layers[0].data["legend"]["entries"][0]
    ['#440154', '8,673 – 27,187 inhabitants (14)']
    """
    described = describe(
        gdf,
        column,
        scheme=scheme,
        k=k,
        bins=bins,
        cmap=cmap,
        title=title,
        tooltip=tooltip,
        aliases=aliases,
        units=units,
        place_names=place_names,
        attribution=attribution,
        locale=locale,
    )
    return Map(*layers(described), title=described.shading.title, locale=locale)


def cluster_map(
    gdf: gpd.GeoDataFrame,
    clusters: pd.Series | pd.DataFrame,
    *,
    title: str | None = None,
    tooltip: Sequence[str] | None = None,
    aliases: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    place_names: bool | int = False,
    attribution: str | None = None,
    locale: str = "en",
) -> Map:
    """LISA clusters in the fixed colors of :data:`ruhrgeo.spatial.CLUSTER_COLORS`.

    ``clusters`` is a Series of labels indexed like ``gdf`` (the areas' key), or the DataFrame of
    :func:`ruhrgeo.spatial.local_moran` (its ``cluster`` column). A municipality without a
    label is hatched as "no data", never shown as "Not significant". The other options are
    those of :func:`choropleth`.

    Parameters
    ----------
    gdf
        Areas indexed by any unique key.
    clusters
        LISA labels indexed like ``gdf``, or :func:`ruhrgeo.spatial.local_moran`'s result.
    title
        Title of the page, the layer and its legend.
    tooltip
        Columns shown when hovering an area; default ``name`` and the mapped column.
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
    >>> import pandas as pd
    >>> from ruhrgeo import datasets, read_municipalities
    >>> munis = datasets.ruhr_municipalities()
    >>> labels = pd.Series("Not significant", index=munis.index[:50])
    >>> cluster_map(munis, labels).layers[0].data["legend"]["entries"][-2:]
    [['#d3d3d3', 'Not significant (50)'], [None, 'no data (3)']]
    """
    return category_map(
        gdf,
        clusters,
        colors=CLUSTER_COLORS,
        title=title or "LISA clusters",
        tooltip=tooltip,
        aliases=aliases,
        units=units,
        place_names=place_names,
        attribution=attribution,
        locale=locale,
    )


def category_map(
    gdf: gpd.GeoDataFrame,
    categories: pd.Series | pd.DataFrame,
    *,
    colors: Mapping[str, str] | None = None,
    title: str | None = None,
    tooltip: Sequence[str] | None = None,
    aliases: Mapping[str, str] | None = None,
    units: Mapping[str, str] | None = None,
    place_names: bool | int = False,
    attribution: str | None = None,
    locale: str = "en",
) -> Map:
    """Areas colored by a category: regions found from data
    (:func:`ruhrgeo.spatial.regions`), Markov moves, any labels.

    ``categories`` is a Series of labels indexed like ``gdf`` (or a DataFrame with a
    ``cluster`` column); ``colors`` maps labels to colors, by default a qualitative palette
    in the order the labels first appear (up to 20). Other options as in :func:`choropleth`.

    Parameters
    ----------
    gdf
        Areas indexed by any unique key.
    categories
        Labels indexed like ``gdf`` (or a DataFrame with a ``cluster`` column).
    colors
        Label -> color; default ``PALETTE`` in order of appearance.
    title
        Title of the page, the layer and its legend.
    tooltip
        Columns shown when hovering an area; default ``name`` and the mapped column.
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
    >>> import pandas as pd
    >>> from ruhrgeo import datasets
    >>> munis = datasets.ruhr_municipalities()
    >>> north = (munis.geometry.centroid.y > 5_710_000).map({True: "north", False: "south"})
    >>> category_map(munis, north).layers[0].data["legend"]["entries"]
    [['#1f77b4', 'south (21)'], ['#ff7f0e', 'north (32)']]
    """
    checks.frame(gdf)
    labels = aligned_clusters(gdf, categories).map(lambda v: v if pd.isna(v) else str(v))
    if colors is None:
        found = list(dict.fromkeys(labels.dropna()))
        if len(found) > len(PALETTE):
            raise MapDataError(
                f"{len(found)} categories are more than the {len(PALETTE)} colors of the "
                "palette; give `colors` or merge categories"
            )
        colors = dict(zip(found, PALETTE, strict=False))
    described = describe(
        gdf.assign(cluster=labels),
        "cluster",
        colors=colors,
        title=title or "categories",
        tooltip=tooltip,
        aliases=aliases,
        units=units,
        place_names=place_names,
        attribution=attribution,
        locale=locale,
    )
    return Map(*layers(described), title=described.shading.title, locale=locale)


def aligned_clusters(gdf: gpd.GeoDataFrame, clusters: pd.Series | pd.DataFrame) -> pd.Series:
    """The cluster labels in the order of ``gdf`` (missing ones as NaN); ids that are not
    municipalities of ``gdf`` are refused, not dropped."""
    if isinstance(clusters, pd.DataFrame):
        checks.column(clusters, "cluster", "clusters")
        clusters = clusters["cluster"]
    if not isinstance(clusters, pd.Series):
        raise InputTypeError(
            f"`clusters` must be a Series of labels indexed by the areas' key (or local_moran's "
            f"DataFrame), got {type(clusters).__name__}"
        )
    keys = as_areas(gdf, "`gdf`").index
    if not clusters.index.is_unique:
        raise MapDataError("`clusters` names an area more than once; give each one label")
    stray = pd.Index(clusters.index).difference(keys)
    if len(stray):
        raise MapDataError(
            f"`clusters` has {len(stray)} ids that are not areas of the map, e.g. "
            f"{list(map(str, stray[:5]))}; index the labels by the same keys as `gdf`"
        )
    labels = pd.Series(clusters.reindex(keys).to_numpy(), index=keys)
    return labels.set_axis(gdf.index) if len(keys) == len(gdf) else labels
