"""Maps: choropleths, LISA clusters and spill-over rings as static, offline folium pages.

Every map is a :class:`folium.Map` whose layers carry their own legend (shown and hidden
with the layer); :func:`atlas` combines maps as toggled layers; :func:`save_html` writes one
self-contained file. Geometries are simplified topology-preservingly
(``shapely.coverage_simplify``: neighbours keep their shared edge) and rounded. Every
user-supplied string (names, column names, titles, units) is HTML-escaped.
"""

from __future__ import annotations

import html
import warnings
from typing import ClassVar

import folium
import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import shapely
from matplotlib import colormaps
from matplotlib.colors import to_hex

from ruhrgeo._geometry import centroids
from ruhrgeo.errors import MissingColumnError, ParameterError
from ruhrgeo.io import read_municipalities
from ruhrgeo.maps.leaflet import Legend, Polygons, Unpack
from ruhrgeo.maps.page import LEAFLET_CSS, LEAFLET_JS, render, save_html
from ruhrgeo.spillover import allocate

__all__ = [
    "LISA_COLORS",
    "Map",
    "atlas",
    "choropleth",
    "cluster_map",
    "render",
    "save_html",
    "simplify",
    "spillover_map",
]

LISA_COLORS = {
    "High-High": "#d7191c",
    "Low-Low": "#2c7bb6",
    "High-Low": "#fdae61",
    "Low-High": "#abd9e9",
    "Not significant": "#d3d3d3",
}
# Simplification follows the map's extent: 1/2000 of its diagonal (55 m for the Ruhr,
# about 500 m for Germany), at least 25 m; coordinates keep 5 decimals (about 1 m), or 4
# (about 10 m) when the tolerance is 100 m or more.
EXTENT_FRACTION = 1 / 2000
MIN_TOLERANCE_M = 25.0


class Map(folium.Map):
    """A folium Map that loads only Leaflet (no jQuery, Bootstrap or icon fonts) and no tiles."""

    default_js: ClassVar[list[tuple[str, str]]] = [("leaflet", LEAFLET_JS)]
    default_css: ClassVar[list[tuple[str, str]]] = [("leaflet_css", LEAFLET_CSS)]

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("tiles", None)
        kwargs.setdefault("control_scale", True)
        super().__init__(**kwargs)
        Unpack().add_to(self)
        self.ruhrgeo_layers: list[tuple[folium.FeatureGroup, Legend | None]] = []
        self.ruhrgeo_bounds: tuple[float, float, float, float] | None = None


def simplify(
    gdf: gpd.GeoDataFrame, *, tolerance_m: float | None = None, decimals: int | None = None
) -> gpd.GeoDataFrame:
    """Municipalities in EPSG:4326, simplified without gaps or slivers and rounded.

    ``shapely.coverage_simplify`` in a metric CRS keeps shared edges shared; coordinates
    are then rounded to ``decimals``. Defaults follow the extent (see ``EXTENT_FRACTION``).

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> wiggly = shapely.Polygon([(0, 0), (500, 1), (1000, 0), (1000, 1000), (0, 1000)])
    >>> gdf = gpd.GeoDataFrame({"ags": ["05913000"], "name": ["A"]}, geometry=[wiggly], crs=25832)
    >>> len(simplify(gdf).geometry.iloc[0].exterior.coords)
    5
    """
    munis = read_municipalities(gdf)
    metric = munis.to_crs(centroids(munis).crs)
    default_tolerance, default_decimals = _simplification(metric)
    tolerance_m = default_tolerance if tolerance_m is None else tolerance_m
    decimals = default_decimals if decimals is None else decimals
    simple = shapely.coverage_simplify(metric.geometry.to_numpy(), tolerance_m)
    out = metric.set_geometry(gpd.GeoSeries(simple, index=metric.index, crs=metric.crs))
    out = out.to_crs(4326)
    return out.set_geometry(
        shapely.transform(out.geometry, lambda xy: np.round(xy, decimals)), crs=4326
    )


def choropleth(
    gdf: gpd.GeoDataFrame,
    column: str,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    cmap: str = "viridis",
    title: str | None = None,
    tooltip: tuple[str, ...] | None = None,
    unit: str = "%",
    show: bool = True,
) -> Map:
    """A choropleth of ``column`` with classes from mapclassify (``scheme``, ``k`` classes).

    Examples
    --------
    >>> from ruhrgeo import datasets, read_municipalities
    >>> munis = read_municipalities(datasets.demo_municipalities())
    >>> m = choropleth(munis, "population", unit="inhabitants", scheme="quantiles", k=4)
    >>> len(m.ruhrgeo_layers)
    1
    """
    values = _numeric_column(gdf, column)
    bins = classify(values, scheme, k)
    colors = [to_hex(c) for c in colormaps[cmap](np.linspace(0, 1, len(bins)))]
    klass = np.searchsorted(bins, values.to_numpy(), side="left").clip(0, len(bins) - 1)
    fills = pd.Series(np.array(colors)[klass], index=values.index).where(values.notna(), "#ffffff")
    lower = [values.min(), *bins[:-1]]
    entries = [
        (c, f"{lo:,.1f} – {hi:,.1f} {unit}") for c, lo, hi in zip(colors, lower, bins, strict=True)
    ]
    title = title or column
    fields = tooltip or ("name", column)
    return _single(_polygons(gdf, fills, fields, title, entries, {column: unit}, show=show))


def cluster_map(
    gdf: gpd.GeoDataFrame,
    clusters: pd.Series | pd.DataFrame,
    *,
    title: str = "LISA clusters",
    show: bool = True,
) -> Map:
    """LISA clusters in the fixed colours of :data:`LISA_COLORS`.

    ``clusters`` is a Series of labels indexed by AGS, or the DataFrame of
    :func:`ruhrgeo.spatial.local_moran` (its ``cluster`` column).

    Examples
    --------
    >>> import pandas as pd
    >>> from ruhrgeo import datasets, read_municipalities
    >>> munis = read_municipalities(datasets.demo_municipalities())
    >>> labels = pd.Series("Not significant", index=munis.index)
    >>> len(cluster_map(munis, labels).ruhrgeo_layers)
    1
    """
    labels = clusters["cluster"] if isinstance(clusters, pd.DataFrame) else clusters
    unknown = sorted(set(labels.dropna()) - set(LISA_COLORS))
    if unknown:
        raise ParameterError(f"unknown cluster labels {unknown}; expected {list(LISA_COLORS)}")
    frame = gdf.assign(cluster=labels.reindex(gdf.index).fillna("Not significant"))
    fills = frame["cluster"].map(LISA_COLORS)
    entries = [(c, label) for label, c in LISA_COLORS.items()]
    return _single(_polygons(frame, fills, ("name", "cluster"), title, entries, {}, show=show))


def spillover_map(
    municipalities: gpd.GeoDataFrame,
    sources: gpd.GeoDataFrame,
    *,
    radius_km: float,
    values: str | None = None,
    size: str = "students",
    title: str | None = None,
    show: bool = True,
) -> Map:
    """Campus markers sized by ``size``, rings at ``radius_km`` and, with ``values`` (a column
    of the sources), the values allocated to the municipalities as a choropleth."""
    munis = read_municipalities(municipalities)
    title = title or f"Spill-over, {radius_km:g} km"
    if values is not None:
        allocated = allocate(munis, sources, values, radius_km=radius_km)
        m = choropleth(
            munis.assign(allocated=allocated),
            "allocated",
            title=title,
            unit=values,
            tooltip=("name", "allocated"),
            cmap="magma_r",
            show=show,
        )
        group = m.ruhrgeo_layers[0][0]
    else:
        m = Map()
        group = folium.FeatureGroup(name=html.escape(title), show=show)
        group.add_to(m)
        m.ruhrgeo_layers.append((group, None))
        _controls(m)
    points = sources.to_crs(4326)
    weight = pd.to_numeric(points.get(size, pd.Series(np.nan, index=points.index)), errors="coerce")
    scale = np.sqrt(weight / weight.max()).fillna(0.2).to_numpy() if weight.notna().any() else None
    for i, (label, point) in enumerate(zip(_source_labels(points), points.geometry, strict=True)):
        location = [point.y, point.x]
        folium.Circle(
            location,
            radius=radius_km * 1000,
            color="#555555",
            weight=1,
            fill=False,
            dash_array="4 4",
        ).add_to(group)
        folium.CircleMarker(
            location,
            radius=4 + 10 * (scale[i] if scale is not None else 0.2),
            color="#222222",
            weight=1,
            fill=True,
            fill_color="#ffffff",
            fill_opacity=0.9,
            tooltip=html.escape(label),
        ).add_to(group)
    _fit(m, munis)
    return m


def atlas(*maps: Map, title: str | None = None) -> Map:
    """One map with the layers of ``maps`` as toggled overlays; each legend follows its layer.

    The first layer is shown, the others can be switched on in the layer control.

    Examples
    --------
    >>> from ruhrgeo import datasets, read_municipalities
    >>> munis = read_municipalities(datasets.demo_municipalities())
    >>> both = atlas(choropleth(munis, "population"), choropleth(munis, "area_km2"))
    >>> [group.show for group, _ in both.ruhrgeo_layers]
    [True, False]
    """
    if not maps:
        raise ParameterError("`atlas` needs at least one map")
    out = Map()
    _decorate(out, title)
    for number, m in enumerate(maps):
        for group, legend in m.ruhrgeo_layers:
            group.show = number == 0
            group.add_to(out)
            if legend is not None:
                legend.add_to(out)
            out.ruhrgeo_layers.append((group, legend))
    _controls(out)
    bounds = np.array([m.ruhrgeo_bounds for m in maps if m.ruhrgeo_bounds is not None])
    if len(bounds):
        out.ruhrgeo_bounds = (*bounds[:, :2].min(axis=0), *bounds[:, 2:].max(axis=0))
        west, south, east, north = out.ruhrgeo_bounds
        out.fit_bounds([[south, west], [north, east]])
    return out


# --- plumbing -----------------------------------------------------------------------------


def _polygons(
    gdf: gpd.GeoDataFrame,
    fills: pd.Series,
    fields: tuple[str, ...],
    title: str,
    entries: list[tuple[str, str]],
    units: dict[str, str],
    *,
    show: bool,
) -> tuple[folium.FeatureGroup, Legend, gpd.GeoDataFrame]:
    missing = [f for f in fields if f not in gdf.columns]
    if missing:
        raise MissingColumnError(f"tooltip fields {missing} are not columns of the data")
    shapes = simplify(gdf)
    decimals = _simplification(shapes.to_crs(centroids(shapes).crs))[1]
    texts = pd.DataFrame(
        {f: gdf[f].map(lambda v, f=f: _text(v, units.get(f))) for f in fields}
    ).reindex(shapes.index)
    group = folium.FeatureGroup(name=html.escape(title), show=show)
    Polygons(shapes, texts, list(fields), fills.reindex(shapes.index), decimals).add_to(group)
    return group, Legend(group, title, entries), shapes


def _simplification(metric: gpd.GeoDataFrame) -> tuple[float, int]:
    """Default tolerance (m) and decimals for data in a metric CRS (see EXTENT_FRACTION)."""
    x0, y0, x1, y1 = metric.total_bounds
    tolerance = max(MIN_TOLERANCE_M, EXTENT_FRACTION * float(np.hypot(x1 - x0, y1 - y0)))
    return tolerance, 4 if tolerance >= 100 else 5


def _single(built: tuple[folium.FeatureGroup, Legend, gpd.GeoDataFrame]) -> Map:
    group, legend, shapes = built
    m = Map()
    _decorate(m, None)
    group.add_to(m)
    legend.add_to(m)
    m.ruhrgeo_layers.append((group, legend))
    _controls(m)
    _fit(m, shapes)
    return m


def _controls(m: Map) -> None:
    """The layer switcher, with a basemap that stays off until switched on (it needs the
    network; the page itself does not)."""
    folium.TileLayer(
        "OpenStreetMap", name="Basemap (online only)", overlay=True, show=False
    ).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)


def _decorate(m: Map, title: str | None) -> None:
    if title:
        m.get_root().html.add_child(
            folium.Element(
                f'<div class="ruhrgeo-title" style="position:absolute;top:8px;'
                f'left:50px;z-index:1000">{html.escape(title)}</div>'
            )
        )


def _fit(m: Map, gdf: gpd.GeoDataFrame) -> None:
    west, south, east, north = (float(v) for v in gdf.to_crs(4326).total_bounds)
    m.ruhrgeo_bounds = (west, south, east, north)
    m.fit_bounds([[south, west], [north, east]])


def classify(values: pd.Series, scheme: str, k: int) -> np.ndarray:
    valid = values.dropna().to_numpy()
    if valid.size < 2:
        raise ParameterError("a choropleth needs at least two values")
    try:
        with warnings.catch_warnings():  # mapclassify lowers k itself when values tie
            warnings.filterwarnings("ignore", message="Not enough unique values")
            classifier = mapclassify.classify(valid, scheme=scheme, k=min(k, len(np.unique(valid))))
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"`scheme` {scheme!r} with k={k} failed: {exc}") from None
    return np.asarray(classifier.bins, dtype=float)


def _numeric_column(gdf: gpd.GeoDataFrame, column: str) -> pd.Series:
    if column not in gdf.columns:
        raise MissingColumnError(f"`column` {column!r} is not in the data")
    return pd.to_numeric(gdf[column], errors="coerce")


def _text(value: object, unit: str | None) -> str:
    """The tooltip text of a value (escaped later, when the page is built)."""
    if isinstance(value, float | int | np.floating | np.integer) and not isinstance(value, bool):
        text = "no data" if pd.isna(value) else f"{float(value):,.1f}"
        return f"{text} {unit}" if unit and not pd.isna(value) else text
    return str(value)


def _source_labels(points: gpd.GeoDataFrame) -> list[str]:
    if {"short_name", "site"} <= set(points.columns):
        return [f"{a}: {b}" for a, b in zip(points["short_name"], points["site"], strict=True)]
    return [str(i) for i in points.index]
