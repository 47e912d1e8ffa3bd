"""Layers of a map page as plain data: what each draws, its legend and its credit.

A :class:`MapLayer` holds only JSON-able data with the user's strings as they are; the page's
script shows them as text. Polygons travel as quantised, delta-encoded integer rings (about
a third of the bytes of GeoJSON), stored once per page however many layers color them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import shapely

from ruhrgeo.errors import ParameterError
from ruhrgeo.maps.escape import html_text, script_json
from ruhrgeo.maps.shading import Shading

__all__ = ["MapLayer", "Shapes", "label_layer", "point_layer", "polygon_layer"]

Kind = Literal["polygons", "points", "labels"]
KINDS = ("polygons", "points", "labels")
_KEY_LENGTH = 12


@dataclass(frozen=True)
class Shapes:
    """Packed polygons, shared by the layers that color them (``key`` names them)."""

    key: str
    packed: str  # script-safe JSON


@dataclass(frozen=True)
class MapLayer:
    """One layer of a map page.

    ``base`` layers (the colored polygons) are shown one at a time (radio buttons in the
    layer control); the others (campus rings, place names) are overlays with checkboxes.

    Parameters
    ----------
    kind
        ``"polygons"``, ``"points"`` or ``"labels"``: the page function that draws it.
    name
        The name in the layer control.
    base
        A base layer (one shown at a time) or an overlay (ticked on and off).
    data
        The layer's data for the page script (style, legend, tooltips).
    bounds
        ``(south, west, north, east)`` in degrees.
    attribution
        The layer's credit line.
    shapes
        The packed geometries of a polygon layer.
    show
        An overlay shown when the page opens.

    Raises
    ------
    ruhrgeo.errors.ParameterError
        An unknown ``kind``.

    Examples
    --------
    >>> from ruhrgeo import datasets, maps
    >>> layer = maps.choropleth(datasets.ruhr_municipalities(), "population").layers[0]
    >>> layer.kind, layer.base
    ('polygons', True)
    """

    kind: Kind
    name: str
    base: bool
    data: Mapping[str, Any] = field(repr=False)
    bounds: tuple[float, float, float, float]
    attribution: str | None = None
    shapes: Shapes | None = field(default=None, repr=False)
    show: bool = True

    def __post_init__(self) -> None:
        if self.kind not in KINDS:  # it names the page function that draws the layer
            raise ParameterError(f"`kind` must be one of {list(KINDS)}, got {self.kind!r}")

    def payload(self) -> str:
        """The layer's data for the page script (attribution as HTML: Leaflet shows it so)."""
        attribution = html_text(self.attribution) if self.attribution else None
        data = {**self.data, "attribution": attribution}
        if self.shapes is not None:
            data["shapes"] = self.shapes.key
        return script_json(data)


def polygon_layer(
    shapes: gpd.GeoDataFrame,
    shading: Shading,
    texts: list[list[str]],
    labels: Sequence[str],
    *,
    decimals: int,
    attribution: str | None,
    legend: bool = True,
    outline: str = "#ffffff",
    opacity: float = 0.85,
) -> MapLayer:
    """Municipalities (simplified, EPSG:4326) colored by ``shading``, with tooltips."""
    data = {
        "classes": shading.classes.reindex(shapes.index).astype(int).tolist(),
        "palette": list(shading.palette),
        "texts": texts,
        "labels": list(labels),
        "legend": {"title": shading.title, "entries": [list(e) for e in shading.legend]}
        if legend
        else None,
        "outline": outline,
        "opacity": opacity,
    }
    packed = pack(shapes, decimals)
    key = hashlib.sha256(packed.encode("utf-8")).hexdigest()[:_KEY_LENGTH]
    west, south, east, north = (float(v) for v in shapes.total_bounds)
    return MapLayer(
        "polygons",
        shading.title,
        True,
        data,
        (west, south, east, north),
        attribution,
        Shapes(key, packed),
    )


def point_layer(
    points: gpd.GeoSeries,
    labels: Sequence[str],
    sizes: np.ndarray,
    *,
    radius_m: float,
    name: str,
    attribution: str | None,
) -> MapLayer:
    """Markers (``sizes`` in pixels, tooltips ``labels``) and rings of ``radius_m``."""
    rows = [
        [round(p.y, 5), round(p.x, 5), round(float(s), 1), label]
        for p, s, label in zip(points, sizes, labels, strict=True)
    ]
    data = {"points": rows, "radius": float(radius_m)}
    west, south, east, north = (float(v) for v in points.total_bounds)
    return MapLayer("points", name, False, data, (west, south, east, north), attribution)


def label_layer(points: gpd.GeoSeries, names: Sequence[str], *, name: str) -> MapLayer:
    """Names written on the map at ``points`` (EPSG:4326), most important first: the page
    hides a name that would cover one before it."""
    rows = [[round(p.y, 5), round(p.x, 5), n] for p, n in zip(points, names, strict=True)]
    west, south, east, north = (float(v) for v in points.total_bounds)
    return MapLayer("labels", name, False, {"points": rows}, (west, south, east, north), None)


def pack(shapes: gpd.GeoDataFrame, decimals: int) -> str:
    """Features as ``[ags, [[ring deltas]...]...]`` with integer coordinates."""
    scale = 10**decimals
    rows = []
    for ags, geom in shapes.geometry.items():
        polygons = [
            [_deltas(np.asarray(ring.coords), scale) for ring in (p.exterior, *p.interiors)]
            for p in shapely.get_parts(geom)
        ]
        rows.append([str(ags), polygons])
    return script_json({"s": scale, "f": rows})


def _deltas(coords: np.ndarray, scale: int) -> list[int]:
    q = np.rint(coords[:, :2] * scale).astype(np.int64)
    q[1:] -= q[:-1].copy()
    return q.ravel().tolist()
