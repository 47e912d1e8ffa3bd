"""Plumbing shared by the statistics: argument checks, esda's seeding, quiet libraries."""

from __future__ import annotations

import contextlib
import io
import warnings
from collections.abc import Iterator, Sequence

import esda
import numpy as np
import pandas as pd
from libpysal.graph import Graph

from ruhrgeo._params import number, whole_number
from ruhrgeo._validate import column_values
from ruhrgeo.errors import ParameterError
from ruhrgeo.io.areas import as_keyed
from ruhrgeo.spatial.graphs import GraphLike, build_graph

MAX_PERMUTATIONS = 1_000_000
MAX_KEPT = 250_000_000  # kept simulations beyond this (2 GB of float64) are refused


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Seed NumPy's global RNG for a library call and restore the caller's state after.

    esda's global statistics and inequality's TheilDSim draw their permutations from the
    global RNG and take no seed. Their notices about future defaults (esda's "directed"
    p-value, which ruhrgeo documents and keeps) are not the caller's business.
    """
    state = np.random.get_state()  # noqa: NPY002 (the libraries use the global RNG)
    np.random.seed(seed)  # noqa: NPY002
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            yield
    finally:
        np.random.set_state(state)  # noqa: NPY002


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """spreg prints model names and warns about its own NumPy/pandas use: keep it quiet."""
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore", (RuntimeWarning, DeprecationWarning, FutureWarning))
        warnings.simplefilter("ignore", UserWarning)
        yield


def check_permutations(permutations: object, n: int = 0, keep: bool = False) -> int:
    """A whole number of permutations in [0, MAX_PERMUTATIONS]; 0 means no inference."""
    permutations = whole_number(permutations, "permutations", low=0, high=MAX_PERMUTATIONS)
    if keep and n * permutations > MAX_KEPT:
        raise ParameterError(
            f"keeping {permutations:,} simulations for {n:,} municipalities would hold "
            f"{n * permutations * 8 / 1e9:.1f} GB; pass keep_simulations=False (z_sim and "
            "the simulation moments are then NaN, as in esda) or fewer permutations"
        )
    return int(permutations)


def check_alpha(alpha: object) -> float:
    return number(alpha, "alpha", low=0, high=1, low_open=True, high_open=True)


def significance(p: np.ndarray, alpha: float, fdr: bool) -> np.ndarray:
    """Benjamini-Hochberg (``esda.fdr``) or plain ``p <= alpha``."""
    alpha = check_alpha(alpha)
    p = np.asarray(p, dtype=float)
    cutoff = esda.fdr(p, alpha) if fdr else alpha
    return p <= cutoff


def prepare(
    gdf: pd.DataFrame, columns: str | Sequence[str], graph: GraphLike
) -> tuple[pd.DataFrame, Graph]:
    """Validated values of ``columns`` in the graph's order, and the graph."""
    gdf = as_keyed(gdf)
    names = list(columns) if isinstance(columns, list | tuple) else [columns]
    values = pd.concat([column_values(gdf, c) for c in names], axis=1, keys=names)
    w = build_graph(gdf, graph)
    return values.reindex(pd.Index(w.unique_ids)), w
