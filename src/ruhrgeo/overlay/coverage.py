""":func:`coverage_share`: the exact share of each area covered by each layer, in one call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from ruhrgeo.io.areas import as_areas
from ruhrgeo.io.readers import NODATA_SUFFIX, lattices, open_layers
from ruhrgeo.io.sources import SourceLike, as_source
from ruhrgeo.overlay.engine import MAX_CELLS, Plan, shares_of
from ruhrgeo.overlay.shares import GroupBy, Groups
from ruhrgeo.overlay.tiles import TILE

__all__ = ["coverage_share"]


def coverage_share(
    areas: gpd.GeoDataFrame,
    layers: Mapping[str, SourceLike],
    *,
    weighted_by: SourceLike | None = None,
    by: GroupBy = None,
    workers: int | None = None,
    client: Any = None,
    progress: bool | None = None,
    tile_size: int = TILE,
    max_cells: int = MAX_CELLS,
) -> pd.DataFrame:
    """Exact percent of each area (or group) covered by each layer.

    A cell half inside an area counts half (exact fractions by exactextract). The layers are
    read window by window at the cells the areas touch, tile by tile, so memory follows the
    tile; tiles run in ``workers`` processes or on a Dask ``client``, with identical results.
    Layers may lie on different grids and CRSs (one pass per grid).

    Parameters
    ----------
    areas
        Polygons indexed by a named, unique key: municipalities by AGS
        (:func:`~ruhrgeo.read_municipalities`) or any areas (:func:`~ruhrgeo.read_areas`:
        Kreise, LAU or NUTS regions, grid cells, ...). A frame with an ``ags`` column and
        no named index is read as municipalities.
    layers
        Name -> source: a raster path, an open rasterio dataset, a grid CSV or GeoPackage, a
        :class:`~ruhrgeo.grid.Grid`, ``(path, column)``, or a :class:`~ruhrgeo.GridSource`
        with its read options (column, threshold, unit, band, nodata). Layers naming several
        columns of one file read it once. Units follow ``ruhrgeo.units``.
    weighted_by
        Optional count grid (population, households) on any grid or CRS; moved onto each
        layer's grid (:func:`~ruhrgeo.regrid`) where it lies elsewhere. The shares are then
        shares of the counts: ``sum(f*w*v) / sum(f*w)``.
    by
        A column of ``areas`` or a Series indexed by the areas' key: the exact share of each
        group's union (e.g. a Kreis, or one label for a region). Areas of one group that
        overlap raise :class:`~ruhrgeo.errors.OverlapError`.
    workers
        Processes of this machine; default the cores this process may use. A job of one tile
        (53 Ruhr municipalities at 100 m) runs here without starting any.
    client
        A ``dask.distributed.Client``: the tiles run on its cluster (the files must be
        readable on every worker).
    progress
        Show a progress bar over the tiles; default: where stderr is a terminal.
    tile_size
        Cells per side of a tile (memory per tile and layer: about ``tile_size**2`` times the
        layer's bytes per cell).
    max_cells
        The most cells the areas' bounding boxes may hold on a layer's grid; a larger
        overlay is refused before it starts, with the count and an estimate of its time.

    Returns
    -------
    pandas.DataFrame
        Indexed by the areas' key (or the groups), per layer ``<name>`` (percent covered of
        the area or counts with data, NaN without data) and ``<name>_nodata`` (percent of the
        area or counts without data).

    Raises
    ------
    ruhrgeo.errors.MissingIdError, ruhrgeo.errors.DuplicateIdError
        The areas have no named key, or a key is missing or repeated.
    ruhrgeo.errors.NoOverlapError
        A grid covers none of the areas, or has no data under any of them.
    ruhrgeo.errors.UnitError, ruhrgeo.errors.ValueRangeError
        A layer's unit is ambiguous or unknown, or a value lies outside its unit's range.
    ruhrgeo.errors.OverlapError
        Areas of one group of ``by`` overlap.
    ruhrgeo.errors.ParameterError
        A bad option, a layer name that is another layer's ``_nodata`` column, or more than
        ``max_cells`` cells to visit.
    ruhrgeo.errors.FileFormatError, ruhrgeo.errors.DataFileNotFoundError
        A source cannot be read.

    See Also
    --------
    ruhrgeo.Overlay : the fractions computed once and applied to any number of layers.

    Examples
    --------
    >>> import numpy as np, geopandas as gpd, shapely
    >>> from affine import Affine
    >>> from ruhrgeo.grid import Grid
    >>> covered = Grid(np.array([[1, 1], [0, 0]]), Affine(100, 0, 0, 0, -100, 200), 25832,
    ...                unit="binary")
    >>> munis = gpd.GeoDataFrame({"ags": ["05913000"], "name": ["A"]},
    ...                          geometry=[shapely.box(50, 0, 200, 200)], crs=25832)
    >>> coverage_share(munis, {"fttbh": covered}).round(6)
              fttbh  fttbh_nodata
    ags
    05913000   50.0           0.0
    """
    areas = as_areas(areas)
    groups = Groups.of(areas, by)
    opened = open_layers(layers)
    counts = None if weighted_by is None else as_source(weighted_by, "`weighted_by`")
    parts = []
    for names in lattices(opened):
        group = {name: opened[name] for name in names}
        plan = Plan.of(areas, group[names[0]].reader.spec, tile_size, max_cells)
        parts.append(
            shares_of(
                plan,
                group,
                plan.tiles,
                groups,
                weighted_by=counts,
                workers=workers,
                client=client,
                progress=progress,
            )
        )
    columns = [c for name in opened for c in (name, f"{name}{NODATA_SUFFIX}")]
    return pd.concat(parts, axis=1)[columns]
