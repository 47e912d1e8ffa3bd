"""Leaflet elements of ruhrgeo's maps: compact polygons with tooltips, legends, page style.

Polygons travel as quantised, delta-encoded integer rings (about a third of the bytes of
GeoJSON) and are unpacked in the page by a dozen lines of JavaScript. Every text shown in the
page is HTML-escaped in Python before it is embedded, and embedded JSON escapes ``<``, ``>``
and ``&``, so no user string can close a script or inject markup.
"""

from __future__ import annotations

import html
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from jinja2 import Template


def safe_json(value: object) -> str:
    """Compact JSON that is safe inside a <script> element."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def pack(shapes: gpd.GeoDataFrame, texts: pd.DataFrame, classes: np.ndarray, decimals: int) -> str:
    """Features as ``[id, class, [texts], [[ring deltas]...]...]`` with integer coordinates."""
    scale = 10**decimals
    rows = []
    for (ags, geom), text, klass in zip(
        shapes.geometry.items(), texts.itertuples(index=False), classes, strict=True
    ):
        polygons = []
        for polygon in shapely.get_parts(geom):
            rings = [polygon.exterior, *polygon.interiors]
            polygons.append([_deltas(np.asarray(ring.coords), scale) for ring in rings])
        rows.append([str(ags), int(klass), list(text), polygons])
    return safe_json({"s": scale, "f": rows})


def _deltas(coords: np.ndarray, scale: int) -> list[int]:
    q = np.rint(coords[:, :2] * scale).astype(np.int64)
    q[1:] -= q[:-1].copy()
    return q.ravel().tolist()


class Unpack(MacroElement):
    """The page's decoder of packed polygons and its style sheet (once per page)."""

    _template = Template(
        """
{% macro header(this, kwargs) %}
<script>
function ruhrgeoUnpack(d) {
  return {type: "FeatureCollection", features: d.f.map(function (r) {
    return {type: "Feature", id: r[0], properties: {c: r[1], t: r[2]},
      geometry: {type: "MultiPolygon", coordinates: r[3].map(function (polygon) {
        return polygon.map(function (ring) {
          var x = 0, y = 0, out = [];
          for (var i = 0; i < ring.length; i += 2) {
            x += ring[i]; y += ring[i + 1]; out.push([x / d.s, y / d.s]); }
          return out; }); }) } }; }) };
}
</script>
<style>
.ruhrgeo-legend {background: white; padding: 6px 8px; font: 12px/16px sans-serif;
  box-shadow: 0 0 4px rgba(0,0,0,.3); border-radius: 4px;}
.ruhrgeo-legend i {width: 14px; height: 14px; float: left; margin-right: 6px; opacity: .85;}
.ruhrgeo-title {background: white; padding: 4px 8px; font: bold 14px sans-serif;
  border-radius: 4px;}
.leaflet-container {background: #f4f4f2;}
</style>
{% endmacro %}
"""
    )


class Polygons(MacroElement):
    """Packed polygons coloured by class, with a tooltip table and highlight on hover."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.geoJson(ruhrgeoUnpack({{ this.packed }}), {
  style: function (f) { return {fillColor: {{ this.palette }}[f.properties.c],
    color: "#ffffff", weight: 0.6, fillOpacity: 0.85}; },
  onEachFeature: function (f, layer) {
    var labels = {{ this.labels }};
    layer.bindTooltip("<table>" + labels.map(function (label, i) {
      return "<tr><th>" + label + "</th><td>" + f.properties.t[i] + "</td></tr>"; }).join("")
      + "</table>", {sticky: true, className: "ruhrgeo-tooltip"});
    layer.on({
      mouseover: function (e) { e.target.setStyle({weight: 2, color: "#333333"}); },
      mouseout: function (e) { {{ this.get_name() }}.resetStyle(e.target); }
    });
  }
}).addTo({{ this._parent.get_name() }});
{% endmacro %}
"""
    )

    def __init__(
        self,
        shapes: gpd.GeoDataFrame,
        texts: pd.DataFrame,
        labels: list[str],
        fills: pd.Series,
        decimals: int,
    ) -> None:
        super().__init__()
        self._name = "Polygons"
        palette = sorted(set(fills))
        classes = fills.map({c: i for i, c in enumerate(palette)}).to_numpy()
        self.palette = safe_json(palette)
        self.labels = safe_json([html.escape(label) for label in labels])
        self.packed = pack(shapes, texts.map(html.escape), classes, decimals)


class Legend(MacroElement):
    """A legend control shown while its layer is on the map."""

    _template = Template(
        """
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: "bottomright"});
{{ this.get_name() }}.onAdd = function () {
    var div = L.DomUtil.create("div", "ruhrgeo-legend");
    div.innerHTML = {{ this.html }};
    return div;
};
{{ this.layer.get_name() }}.on("add", function () {
    {{ this.get_name() }}.addTo({{ this._parent.get_name() }}); });
{{ this.layer.get_name() }}.on("remove", function () { {{ this.get_name() }}.remove(); });
if ({{ this._parent.get_name() }}.hasLayer({{ this.layer.get_name() }})) {
    {{ this.get_name() }}.addTo({{ this._parent.get_name() }}); }
{% endmacro %}
"""
    )

    def __init__(self, layer: MacroElement, title: str, entries: list[tuple[str, str]]) -> None:
        super().__init__()
        self._name = "Legend"
        self.layer = layer
        rows = "".join(
            f'<div><i style="background:{color}"></i>{html.escape(label)}</div>'
            for color, label in entries
        )
        self.html = safe_json(f"<b>{html.escape(title)}</b>{rows}")
