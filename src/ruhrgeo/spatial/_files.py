"""Weights from GAL/GWT files, and matching the ids of given weights to the data's AGS."""

from __future__ import annotations

import os
import warnings

import libpysal
import numpy as np
import pandas as pd
from libpysal.graph import Graph

from ruhrgeo._validate import existing_path, normalize_ags
from ruhrgeo.errors import FileFormatError, GraphMismatchError, MissingIdError


def read_graph(path: str | os.PathLike[str]) -> Graph:
    """Spatial weights from a GAL or GWT file, ids kept as the text in the file.

    libpysal's own readers turn numeric ids into integers, losing an AGS's leading zero
    (``05913000`` -> ``5913000``); here they stay strings.

    Parameters
    ----------
    path
        A ``.gal`` or ``.gwt`` file.

    Returns
    -------
    libpysal.graph.Graph
        The weights, ids as text.

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        No file at ``path``.
    ruhrgeo.errors.FileFormatError
        Not a readable GAL or GWT file.
    ruhrgeo.errors.GraphMismatchError
        NaN, negative or infinite weights.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> gal = pathlib.Path(tempfile.mkdtemp()) / "ruhr.gal"
    >>> _ = gal.write_text("2\\n05913000 1\\n05911000\\n05911000 1\\n05913000\\n")
    >>> read_graph(gal).unique_ids.tolist()
    ['05913000', '05911000']
    """
    source = existing_path(path, "graph")
    suffix = source.suffix.lower()
    if suffix not in (".gal", ".gwt"):
        raise FileFormatError(
            f"`graph` file {source.name!r} is neither .gal nor .gwt; write the weights "
            "with libpysal (Graph.to_gal / to_gwt)"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = libpysal.io.open(str(source), "r", suffix[1:])
            try:
                w = f.read()
            finally:
                f.close()
    except Exception as exc:  # libpysal raises bare errors of many kinds on bad files
        raise FileFormatError(
            f"`graph` file {source.name!r} is not a readable {suffix[1:].upper()} file "
            f"({type(exc).__name__}: {exc}); check it, or write it with Graph.to_{suffix[1:]}"
        ) from None
    if w.n == 0:
        raise FileFormatError(f"`graph` file {source.name!r} holds no units")
    graph = Graph.from_W(w)
    labels = pd.Index([_as_text(i) for i in graph.unique_ids])
    return _relabel(graph, dict(zip(graph.unique_ids, labels, strict=True)))


def _as_text(value: object) -> str:
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def align_ids(graph: Graph, index: pd.Index, what: str) -> Graph:
    """``graph`` with ids equal to ``index``: as they are, or read as 8-digit AGS."""
    ids = pd.Index(graph.unique_ids)
    if _same(ids, index):
        return graph
    if len(ids) == len(index) and ids.dtype.kind in "iu" and (ids == np.arange(len(ids))).all():
        raise GraphMismatchError(
            f"the weights ({what}) are keyed by positions 0..{len(ids) - 1}, the data by "
            f"{list(index[:3])}...; build them from the data's index (e.g. "
            "libpysal.weights.Queen.from_dataframe(gdf, use_index=True)) or relabel them "
            "with Graph.from_arrays, rather than trusting the row order"
        )
    try:
        as_ags = pd.Index(normalize_ags(pd.Series(ids.map(_as_text)), "graph ids"))
    except MissingIdError:
        as_ags = None
    if as_ags is not None and as_ags.is_unique and _same(as_ags, index):
        return _relabel(graph, dict(zip(ids, as_ags, strict=True)))
    extra, missing = ids.difference(index), index.difference(ids)
    raise GraphMismatchError(
        f"the weights' ids ({what}) differ from the data's index: {len(missing)} only in "
        f"the data {list(missing[:5])}, {len(extra)} only in the weights "
        f"{list(extra[:5])}; build the weights from the same municipalities"
    )


def _same(ids: pd.Index, index: pd.Index) -> bool:
    if len(ids) != len(index):
        return False
    try:
        return bool(ids.sort_values().equals(index.sort_values()))
    except TypeError:  # mixed types do not sort: they cannot be equal either
        return False


def _relabel(graph: Graph, mapping: dict) -> Graph:
    adjacency = graph.adjacency
    focal = adjacency.index.get_level_values(0).map(mapping).to_numpy()
    neighbor = adjacency.index.get_level_values(1).map(mapping).to_numpy()
    return Graph.from_arrays(focal, neighbor, adjacency.to_numpy())
