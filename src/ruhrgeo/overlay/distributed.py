"""The tiled overlay on Dask: tiles run on a ``dask.distributed`` cluster.

Each task computes the exact fractions of one tile and reads the layers' windows of that
tile from the files itself (the paths must be readable on every worker, e.g. a shared file
system or object storage GDAL reads); only the municipalities' geometries are shipped, once,
with ``client.scatter``. The results equal :func:`ruhrgeo.tiles.coverage_share_tiled` in one
process.

Local: ``Client(LocalCluster(n_workers=2, threads_per_worker=1))``. A real cluster: start
``dask scheduler`` and ``dask worker tcp://scheduler:8786`` on the machines, then
``Client("tcp://scheduler:8786")``; or from the command line
``ruhrgeo overlay ... --scheduler tcp://scheduler:8786``. Needs the extra ``[dask]``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from ruhrgeo.grid import Grid
from ruhrgeo.overlay.tiles import TILE, coverage_share_tiled

__all__ = ["coverage_share"]


def coverage_share(
    municipalities: gpd.GeoDataFrame,
    layers: Mapping[str, Grid | str | os.PathLike[str]],
    *,
    client: Any,
    weights: Grid | str | os.PathLike[str] | None = None,
    tile_size: int = TILE,
    progress: bool = False,
) -> pd.DataFrame:
    """:func:`ruhrgeo.coverage_share` with the tiles computed on a Dask ``client``.

    Examples
    --------
    >>> from dask.distributed import Client, LocalCluster  # doctest: +SKIP
    >>> with Client(LocalCluster(n_workers=2)) as client:  # doctest: +SKIP
    ...     shares = coverage_share(munis, {"5g": "5g.tif"}, client=client)
    """
    return coverage_share_tiled(
        municipalities,
        layers,
        weights=weights,
        tile_size=tile_size,
        mapper=_mapper(client),
        progress=progress,
    )


def _mapper(client: Any) -> Callable[..., Iterable[dict[str, np.ndarray]]]:
    from dask.distributed import as_completed

    def run(function: Any, tiles: Iterable[Any]) -> Iterable[dict[str, np.ndarray]]:
        # the geometries go to every worker once; futures given as keywords are resolved
        keywords = dict(function.keywords)
        keywords["geometries"] = client.scatter(keywords["geometries"], broadcast=True)
        futures = client.map(function.func, list(tiles), pure=False, **keywords)
        for future in as_completed(futures):
            yield future.result()
            future.release()

    return run
