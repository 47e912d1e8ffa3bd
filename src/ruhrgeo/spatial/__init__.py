"""Spatial statistics over areas: graphs, autocorrelation, models, the divide.

Thin over libpysal's :class:`~libpysal.graph.Graph`, esda, spreg and inequality: ruhrgeo
validates the input, accepts one ``graph=`` vocabulary everywhere (:func:`build_graph`),
applies one documented island policy, keeps results indexed like the data with the
libraries' own names and objects, and makes every random result reproducible through
``seed``.

The names below are imported on first use: ``import ruhrgeo.spatial`` loads neither esda nor
spreg until a statistic needs them.
"""

from __future__ import annotations

from ruhrgeo._lazy import exports

_NAMES = {
    "BivariateMoranResult": "morans_i",
    "GearyResult": "gearys_c",
    "JoinCountResult": "joins",
    "MoranResult": "morans_i",
    "geary": "gearys_c",
    "join_counts": "joins",
    "moran": "morans_i",
    "moran_bv": "morans_i",
    "CorrelogramResult": "correlograms",
    "correlogram": "correlograms",
    "NorthSouthResult": "divide",
    "TheilResult": "theil",
    "compare_divide": "divide_comparison",
    "divide_regimes": "divide",
    "north_south": "divide",
    "theil_divide": "theil",
    "GRAPH_KINDS": "graphs",
    "KERNELS": "graphs",
    "GraphSpec": "graphs",
    "build_graph": "graphs",
    "read_graph": "graphs",
    "CLUSTER_COLORS": "labels",
    "CLUSTER_LABELS": "labels",
    "SPOT_LABELS": "labels",
    "LocalResult": "local",
    "getis_ord": "hotspots",
    "local_moran": "local",
    "local_moran_bv": "local",
    "DurbinResult": "durbin",
    "spatial_durbin": "durbin",
    "ModelResult": "model_results",
    "ols": "models",
    "spatial_error": "models",
    "spatial_lag": "models",
    "moran_scatterplot": "plots",
    "plot_effects": "plots",
    "RATE_METHODS": "rates",
    "REGION_METHODS": "regionalize",
    "RegionsResult": "regionalize",
    "regions": "regionalize",
    "local_moran_rate": "rates",
    "smooth_rates": "rates",
}

__all__, __getattr__, __dir__ = exports(__name__, _NAMES)
