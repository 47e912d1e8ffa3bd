"""Maps: offline, self-contained Leaflet pages and their static PNG twins."""

from ruhrgeo.maps.figures import plot, save_png
from ruhrgeo.maps.layers import (
    LISA_COLORS,
    Map,
    atlas,
    choropleth,
    cluster_map,
    simplify,
    spillover_map,
)
from ruhrgeo.maps.page import render, save_html

__all__ = [
    "LISA_COLORS",
    "Map",
    "atlas",
    "choropleth",
    "cluster_map",
    "plot",
    "render",
    "save_html",
    "save_png",
    "simplify",
    "spillover_map",
]
