"""Spatial statistics over municipalities: weights, autocorrelation, the north/south divide.

Thin over libpysal's :class:`~libpysal.graph.Graph` and esda/spreg: ruhrgeo validates the
input, applies one documented island policy, keeps results indexed by AGS and makes every
random result reproducible through ``seed``.
"""

from ruhrgeo.spatial.autocorrelation import (
    CLUSTER_LABELS,
    CorrelogramResult,
    MoranResult,
    correlogram,
    getis_ord,
    local_moran,
    moran,
)
from ruhrgeo.spatial.divide import NorthSouthResult, north_south
from ruhrgeo.spatial.weights import GRAPH_KINDS, graph

__all__ = [
    "CLUSTER_LABELS",
    "GRAPH_KINDS",
    "CorrelogramResult",
    "MoranResult",
    "NorthSouthResult",
    "correlogram",
    "getis_ord",
    "graph",
    "local_moran",
    "moran",
    "north_south",
]
