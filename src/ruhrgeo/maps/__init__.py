"""Maps for reports: self-contained, offline Leaflet pages and their static PNG twins.

One function per kind of map (:func:`choropleth`, :func:`cluster_map`, :func:`category_map`,
:func:`spillover_map`), :func:`atlas` to put several on one page, :func:`save_html` (or
``m.save(path)``, or a notebook's display: all self-contained) and, in
:mod:`ruhrgeo.maps.figures`, :func:`plot` and :func:`save_png` for the PNG twins.
"""

from ruhrgeo.maps.atlas import atlas
from ruhrgeo.maps.choropleth import category_map, choropleth, cluster_map
from ruhrgeo.maps.figures import plot, save_png
from ruhrgeo.maps.geometry import simplify
from ruhrgeo.maps.layers import MapLayer
from ruhrgeo.maps.page import Map, save_html
from ruhrgeo.maps.spillover_map import spillover_map

__all__ = [
    "Map",
    "MapLayer",
    "atlas",
    "category_map",
    "choropleth",
    "cluster_map",
    "plot",
    "save_html",
    "save_png",
    "simplify",
    "spillover_map",
]
