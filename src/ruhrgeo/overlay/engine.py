"""The overlay engine: exact shares of municipalities x grids, by tiles, on any runner."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from rasterio.windows import Window

from ruhrgeo._validate import require_projected
from ruhrgeo.errors import (
    NoOverlapError,
    ParameterError,
    UnitError,
)
from ruhrgeo.grid import GridSpec
from ruhrgeo.io import read_municipalities
from ruhrgeo.io.sources import (
    CellReader,
    GridReader,
    GridSource,
    Layer,
    SourceLike,
    as_source,
    lattices,
    open_layers,
    open_reader,
)
from ruhrgeo.overlay.kernel import Placed, Sums, tile_sums
from ruhrgeo.overlay.regrid import RegriddedReader, SourceCounts
from ruhrgeo.overlay.runners import run
from ruhrgeo.overlay.shares import GroupBy, Groups, refuse_overlaps, shares
from ruhrgeo.overlay.tiles import TILE, Tile, TileEntries, tiles
from ruhrgeo.units import check_range

__all__ = ["Plan", "coverage_share", "place_weights", "require_coverage_units"]


@dataclass(frozen=True, eq=False)
class Plan:
    """The work of one lattice: the municipalities in its CRS, the window of the lattice under
    them and its tiles (aligned with the lattice's blocks)."""

    munis: gpd.GeoDataFrame
    window: GridSpec
    origin: tuple[int, int]
    tiles: list[Tile]

    @classmethod
    def of(cls, munis: gpd.GeoDataFrame, lattice: GridSpec, tile_size: int = TILE) -> Plan:
        if not isinstance(tile_size, int) or tile_size < 1:
            raise ParameterError(f"`tile_size` must be a whole number >= 1, got {tile_size!r}")
        require_projected(lattice.crs, "the grid")
        if munis.crs != lattice.crs:
            munis = munis.to_crs(lattice.crs)
        _require_overlap(lattice, munis)
        window, row_off, col_off = lattice.covering(tuple(munis.total_bounds))
        return cls(munis, window, (row_off, col_off), tiles(window, tile_size, (row_off, col_off)))

    @property
    def geometries(self) -> np.ndarray:
        return self.munis.geometry.to_numpy()

    def place(self, layers: Mapping[str, Layer]) -> dict[str, tuple[Layer, tuple[int, int]]]:
        """Each layer with where the window lies on its grid."""
        return {
            name: (layer, layer.reader.spec.offset(self.window)) for name, layer in layers.items()
        }

    def sums(
        self,
        layers: Mapping[str, Layer],
        weights: Placed | None,
        work: Sequence[Tile | TileEntries],
        *,
        find_overlaps: bool,
        workers: int | None,
        client: Any,
        progress: bool | None,
    ) -> Sums:
        """The kernel over ``work`` (tiles, or stored entries), added in the fixed order of
        :func:`_largest_first`."""
        cold = bool(work) and isinstance(work[0], Tile)  # fractions still to compute
        kernel = functools.partial(
            tile_sums,
            n=len(self.munis),
            window=self.window,
            layers=self.place(layers),
            weights=weights,
            geometries=self.geometries if cold else None,
            find_overlaps=find_overlaps,
        )
        total = Sums.zeros(len(self.munis), list(layers))
        parts = run(
            kernel,
            _largest_first(work),
            workers=workers,
            client=client,
            progress=progress,
            cells=self.window.cells,
            threads=not cold,  # exactextract holds the GIL; reading and numpy do not
        )
        for part in parts:
            total.add(part)
        return total


def _largest_first(work: Sequence[Tile | TileEntries]) -> list[Tile | TileEntries]:
    """The tiles by decreasing size (ties in tile order): workers then finish together. The
    order is fixed, so the sums add up alike on every runner."""

    def cells(item: Tile | TileEntries) -> int:
        if isinstance(item, TileEntries):
            return item.tile.rows * item.tile.cols if item.cells.size else 0
        return item.rows * item.cols

    return sorted(work, key=cells, reverse=True)


def coverage_share(
    municipalities: gpd.GeoDataFrame,
    layers: Mapping[str, SourceLike],
    *,
    weights: SourceLike | None = None,
    by: GroupBy = None,
    workers: int | None = None,
    client: Any = None,
    progress: bool | None = None,
    tile_size: int = TILE,
) -> pd.DataFrame:
    """Exact percent of each municipality (or group) covered by each layer.

    A cell half inside a municipality counts half (exact fractions by exactextract). The
    layers are read window by window at the cells the municipalities touch, tile by tile, so
    memory follows the tile; tiles run in ``workers`` processes or on a Dask ``client``, with
    identical results. Layers may lie on different grids and CRSs (one pass per grid).

    Parameters
    ----------
    municipalities
        Polygons indexed by AGS (:func:`~ruhrgeo.read_municipalities`).
    layers
        Name -> source: a raster path, an open rasterio dataset, a grid CSV or GeoPackage, a
        :class:`~ruhrgeo.grid.Grid`, ``(path, column)``, or a :class:`~ruhrgeo.GridSource`
        with its read options (column, threshold, unit, band, nodata). Layers naming several
        columns of one file read it once. Units follow :mod:`ruhrgeo.units`.
    weights
        Optional count grid (population, households) on any grid or CRS; moved onto each
        layer's grid (:func:`~ruhrgeo.regrid`) where it lies elsewhere. The shares are then
        shares of the weight: ``sum(f*w*v) / sum(f*w)``.
    by
        A column of ``municipalities`` or a Series indexed by AGS: the exact share of each
        group's union (e.g. a Kreis, or one label for a region). Municipalities of one group
        that overlap raise :class:`~ruhrgeo.errors.OverlapError`.
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

    Returns
    -------
    pandas.DataFrame
        Indexed by AGS (or group), per layer ``<name>`` (percent covered of the area or weight
        with data, NaN without data) and ``<name>_nodata`` (percent of the area or weight
        without data).

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
    munis = read_municipalities(municipalities)
    groups = Groups.of(munis, by)
    opened = open_layers(layers)
    weight_source = None if weights is None else as_source(weights, "`weights`")
    parts = []
    for names in lattices(opened):
        group = {name: opened[name] for name in names}
        require_coverage_units(group)
        plan = Plan.of(munis, group[names[0]].reader.spec, tile_size)
        placed = None if weight_source is None else place_weights(weight_source, plan.window)
        sums = plan.sums(
            group,
            placed,
            plan.tiles,
            find_overlaps=by is not None,
            workers=workers,
            client=client,
            progress=progress,
        )
        refuse_overlaps(sums.overlaps, munis, groups)
        if not any(sums.with_data[name].any() for name in group):
            raise NoOverlapError(
                f"the grid of {', '.join(map(repr, group))} ({plan.window.describe()}) overlaps "
                f"none of the {len(munis)} municipalities, or has no data under any of them; "
                "check that both cover the same region and that each file declares the right CRS"
            )
        parts.append(shares(sums, group, groups, weighted=weights is not None))
    return pd.concat(parts, axis=1)[[c for name in opened for c in (name, f"{name}_nodata")]]


def place_weights(source: GridSource, window: GridSpec) -> Placed:
    """The weights read on the window's lattice: directly where they lie on it, else moved
    onto it tile by tile (:mod:`ruhrgeo.overlay.regrid`)."""
    reader = open_reader(source, "`weights`")
    if reader.unit not in (None, "count"):
        raise UnitError(f"`weights` must be counts (inhabitants, households), not {reader.unit!r}")
    if reader.spec.same_lattice(window):
        reader.unit = "count"
        return Placed.on(reader, window)
    if isinstance(reader, CellReader):
        counts = SourceCounts.of_cells(
            reader.spec, reader.table.cells, reader.table.columns[reader.column]
        )
    elif isinstance(reader, GridReader):
        counts = SourceCounts.of_grid(reader.grid)
    else:  # a raster on another grid: read whole (population grids are small)
        rows, cols = reader.spec.shape
        values, nodata = reader.read(Window(0, 0, cols, rows))
        values = np.where(nodata, 0, values) if nodata is not None else values
        counts = SourceCounts.of_cells(
            reader.spec, np.arange(rows * cols), values.astype(np.float64)
        )
    check_range(
        counts.counts,
        "count",
        "`weights`",
        lambda i: counts.spec.corner(counts.rows[i], counts.cols[i]),
    )
    return Placed(RegriddedReader.onto(counts, window), (0, 0))


def require_coverage_units(layers: Mapping[str, Layer]) -> None:
    for layer in layers.values():
        if layer.unit == "count":
            raise UnitError(
                f"{layer.reader.name} holds counts; give `threshold=` to turn them into coverage "
                "(e.g. nr_gesamt >= 1), or pass the counts as `weights`"
            )


def _require_overlap(spec: GridSpec, munis: gpd.GeoDataFrame) -> None:
    """Raise :class:`NoOverlapError` when the grid's extent misses every municipality."""
    gx0, gy0, gx1, gy1 = spec.bounds
    mx0, my0, mx1, my1 = munis.total_bounds
    if gx0 >= mx1 or mx0 >= gx1 or gy0 >= my1 or my0 >= gy1:
        bounds = ", ".join(f"{v:.0f}" for v in munis.total_bounds)
        raise NoOverlapError(
            f"the grid ({spec.describe()}) overlaps none of the {len(munis)} municipalities "
            f"(bounds {bounds} in the grid's CRS); check that both cover the same region and "
            "that each file declares the right CRS"
        )
