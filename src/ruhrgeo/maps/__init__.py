"""Maps for reports: self-contained, offline Leaflet pages and their static PNG twins.

One function per kind of map (:func:`choropleth`, :func:`cluster_map`, :func:`category_map`,
:func:`spillover_map`), :func:`atlas` to put several on one page, :func:`save_html` (or
``m.save(path)``, or a notebook's display: all self-contained) and, in
:mod:`ruhrgeo.maps.figures`, :func:`plot` and :func:`save_png` for the PNG twins.

The names are imported on first use: ``import ruhrgeo.maps`` loads neither folium nor
matplotlib until a map is made.
"""

from ruhrgeo._lazy import exports

__all__, __getattr__, __dir__ = exports(
    __name__,
    {
        "Map": "page",
        "MapLayer": "layers",
        "atlas": "atlases",
        "category_map": "choropleths",
        "choropleth": "choropleths",
        "cluster_map": "choropleths",
        "plot": "figures",
        "save_html": "page",
        "save_png": "figures",
        "simplify": "geometry",
        "spillover_map": "spillover_maps",
    },
)
