"""Plumbing shared by the statistics: validation, esda's seeding, significance."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import esda
import geopandas as gpd
import numpy as np
import pandas as pd
from libpysal.graph import Graph

from ruhrgeo._validate import column_values
from ruhrgeo.errors import (
    GraphMismatchError,
    ParameterError,
)
from ruhrgeo.spatial.weights import graph


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed NumPy's global RNG for an esda call and restore the caller's state after.

    esda's global Moran draws its permutations from the global RNG and takes no seed.
    esda's notices about its own future defaults (the folded, "directed" p-value that
    ruhrgeo documents and keeps) are not the caller's business.
    """
    state = np.random.get_state()  # noqa: NPY002 (esda's Moran uses the global RNG)
    np.random.seed(seed)  # noqa: NPY002
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        np.random.set_state(state)  # noqa: NPY002


def significance(p: np.ndarray, alpha: float, fdr: bool) -> np.ndarray:
    if not 0 < alpha < 1:
        raise ParameterError(f"`alpha` must lie between 0 and 1, got {alpha}")
    cutoff = esda.fdr(p, alpha) if fdr else alpha
    return np.asarray(p) <= cutoff


def prepare(gdf: gpd.GeoDataFrame, column: str, kind: str | Graph) -> tuple[pd.Series, Graph]:
    """Validate data and graph; return the values in the graph's order, and the graph."""
    y = column_values(gdf, column)
    if isinstance(kind, Graph):
        w = kind
        ids = pd.Index(w.unique_ids)
        if not ids.sort_values().equals(y.index.sort_values()):
            extra, missing = ids.difference(y.index), y.index.difference(ids)
            raise GraphMismatchError(
                f"the graph's ids differ from the data's index: {len(missing)} only in the data "
                f"{list(missing[:5])}, {len(extra)} only in the graph {list(extra[:5])}; build "
                "the graph from the same GeoDataFrame"
            )
        y = y.reindex(ids)
    else:
        w = graph(gdf, kind)  # type: ignore[arg-type]
    return y, w
