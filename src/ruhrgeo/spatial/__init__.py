"""Spatial statistics over municipalities: weights, autocorrelation, models, the divide.

Thin over libpysal's :class:`~libpysal.graph.Graph`, esda, spreg and inequality: ruhrgeo
validates the input, accepts one ``graph=`` vocabulary everywhere (:func:`build_graph`),
applies one documented island policy, keeps results indexed by AGS with the libraries'
own names and objects, and makes every random result reproducible through ``seed``.
"""

from ruhrgeo.spatial.autocorrelation import (
    BivariateMoranResult,
    GearyResult,
    JoinCountResult,
    MoranResult,
    geary,
    join_counts,
    moran,
    moran_bv,
)
from ruhrgeo.spatial.correlogram import CorrelogramResult, correlogram
from ruhrgeo.spatial.divide import (
    NorthSouthResult,
    TheilResult,
    compare_divide,
    divide_regimes,
    north_south,
    theil_divide,
)
from ruhrgeo.spatial.graphs import GRAPH_KINDS, KERNELS, GraphSpec, build_graph, read_graph
from ruhrgeo.spatial.local import (
    CLUSTER_LABELS,
    SPOT_LABELS,
    LocalResult,
    getis_ord,
    local_moran,
    local_moran_bv,
)
from ruhrgeo.spatial.models import ModelResult, ols, spatial_error, spatial_lag
from ruhrgeo.spatial.plots import CLUSTER_COLORS, moran_scatterplot

__all__ = [
    "CLUSTER_COLORS",
    "CLUSTER_LABELS",
    "GRAPH_KINDS",
    "KERNELS",
    "SPOT_LABELS",
    "BivariateMoranResult",
    "CorrelogramResult",
    "GearyResult",
    "GraphSpec",
    "JoinCountResult",
    "LocalResult",
    "ModelResult",
    "MoranResult",
    "NorthSouthResult",
    "TheilResult",
    "build_graph",
    "compare_divide",
    "correlogram",
    "divide_regimes",
    "geary",
    "getis_ord",
    "join_counts",
    "local_moran",
    "local_moran_bv",
    "moran",
    "moran_bv",
    "moran_scatterplot",
    "north_south",
    "ols",
    "read_graph",
    "spatial_error",
    "spatial_lag",
    "theil_divide",
]
