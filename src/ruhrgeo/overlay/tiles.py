"""Work by tiles: exact fractions and coverage sums per tile, so memory follows the tile.

A tile is a block of cells of the working window (the grid's lattice under the
municipalities). :func:`tile_fractions` gives the exact cell fractions of one tile;
:func:`tile_sums` reads the layers' windows of that tile from their files and returns the
per-municipality sums that :func:`combine` turns into shares. The sums of all tiles add up
to the whole, so tiles can run in any order, in one process or on a Dask cluster
(:mod:`ruhrgeo.distributed`).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from affine import Affine
from rasterio.enums import MaskFlags
from rasterio.windows import Window
from tqdm.auto import tqdm

from ruhrgeo._validate import require_projected
from ruhrgeo.errors import GridMismatchError
from ruhrgeo.grid import RANGES, Grid, GridSpec, check_range
from ruhrgeo.io import read_municipalities
from ruhrgeo.overlay.fractions import cell_fractions
from ruhrgeo.overlay.runners import local_mapper, processes
from ruhrgeo.overlay.sources import Layer, Source, apply_units, describe_layers, open_source, scale

__all__ = [
    "TILE",
    "Layer",
    "Tile",
    "TileCells",
    "add",
    "apply_units",
    "combine",
    "coverage_share_tiled",
    "describe_layers",
    "open_source",
    "processes",
    "scale",
    "tile_fractions",
    "tile_sums",
    "tiles",
    "window_cells",
]

TILE = 2048  # cells per side: 4 M cells, a few tens of MB per layer and tile


@dataclass(frozen=True)
class Tile:
    """A block of cells of a window: rows ``row0 .. row0 + rows``, cols ``col0 .. col0 + cols``."""

    row0: int
    col0: int
    rows: int
    cols: int

    def spec(self, window: GridSpec) -> GridSpec:
        """The tile as a grid of its own."""
        transform = window.transform @ Affine.translation(self.col0, self.row0)
        return GridSpec(transform, (self.rows, self.cols), window.crs)


def tiles(window: GridSpec, size: int = TILE, origin: tuple[int, int] = (0, 0)) -> list[Tile]:
    """The tiles covering ``window``, row by row.

    ``origin`` is the window's first cell in the layers' grid; tile edges then fall on
    multiples of ``size`` in that grid, so that they meet the blocks of a tiled GeoTIFF
    and no block is decompressed twice.

    Examples
    --------
    >>> from affine import Affine
    >>> window = GridSpec(Affine(100, 0, 0, 0, -100, 500), (5, 3), 25832)
    >>> [(t.row0, t.col0, t.rows, t.cols) for t in tiles(window, size=2)][:3]
    [(0, 0, 2, 2), (0, 2, 2, 1), (2, 0, 2, 2)]
    >>> [(t.row0, t.rows) for t in tiles(window, size=2, origin=(1, 0))][::2]
    [(0, 1), (1, 2), (3, 2)]
    """
    rows = _cuts(window.shape[0], size, origin[0])
    cols = _cuts(window.shape[1], size, origin[1])
    return [Tile(r0, c0, r1 - r0, c1 - c0) for r0, r1 in rows for c0, c1 in cols]


def _cuts(length: int, size: int, offset: int) -> list[tuple[int, int]]:
    edges = [0, *range((-offset) % size or size, length, size), length]
    return list(itertools.pairwise(edges))


def tile_fractions(
    geometries: np.ndarray, tree: shapely.STRtree, window: GridSpec, tile: Tile
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(municipality number, cell number in the tile, fraction) of the cells of one tile.

    ``geometries`` are the municipalities in the window's CRS, ``tree`` their STRtree.
    """
    hits, lengths, local, fraction = _tile_entries(geometries, tree, window, tile)
    return np.repeat(hits, lengths), local, fraction


def _tile_entries(
    geometries: np.ndarray, tree: shapely.STRtree, window: GridSpec, tile: Tile
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The municipalities touching ``tile``, their numbers of entries, and the entries (cell
    number in the tile, fraction), one municipality after the other."""
    spec = tile.spec(window)
    hits = np.sort(tree.query(shapely.box(*spec.bounds), predicate="intersects"))
    lengths, local, fraction = cell_fractions(geometries[hits], spec)
    return hits.astype(np.int64), lengths, local, fraction


def window_cells(local: np.ndarray, tile: Tile, window: GridSpec) -> np.ndarray:
    """Cell numbers in the tile -> cell numbers in the window."""
    rows, cols = np.divmod(local, tile.cols)
    return (rows + tile.row0) * window.shape[1] + cols + tile.col0


@dataclass(frozen=True)
class TileCells:
    """Where the entries of one tile (cells touched by a municipality) lie in the layers' grid.

    ``window`` is the part of the grid under the tile (None when the tile lies beyond the
    grid), ``flat`` each entry's cell number in that part and ``outside`` which entries lie
    beyond the grid (None: none).
    """

    window: Window | None
    flat: np.ndarray
    outside: np.ndarray | None

    @classmethod
    def locate(
        cls, local: np.ndarray, tile: Tile, offsets: tuple[int, int], shape: tuple[int, int]
    ) -> TileCells:
        """The entries with cell numbers ``local`` in ``tile`` on a grid of ``shape``; window
        cell ``(r, c)`` is grid cell ``(r + offsets[0], c + offsets[1])``."""
        r0, c0 = tile.row0 + offsets[0], tile.col0 + offsets[1]
        rr0, cc0 = max(r0, 0), max(c0, 0)
        height, width = min(r0 + tile.rows, shape[0]) - rr0, min(c0 + tile.cols, shape[1]) - cc0
        if height <= 0 or width <= 0:
            return cls(None, np.zeros_like(local), np.ones(local.shape, dtype=bool))
        window = Window(cc0, rr0, width, height)
        if (height, width) == (tile.rows, tile.cols):  # the whole tile lies on the grid
            return cls(window, local, None)
        rows, cols = np.divmod(local, tile.cols)
        rows += r0 - rr0
        cols += c0 - cc0
        flat = rows * width + cols
        outside = (rows < 0) | (rows >= height) | (cols < 0) | (cols >= width)
        return cls(window, np.where(outside, 0, flat), outside)

    def read(self, source: Source) -> tuple[np.ndarray, np.ndarray | None]:
        """The entries' values in the source's own dtype and their nodata (None: none).

        Rasters are read by window: nodata from the file's nodata value, its mask band
        (or alpha) and NaN; cells beyond the grid are nodata.
        """
        if self.window is None:
            return np.zeros(self.flat.shape), self.outside
        rows, cols = self.window.toslices()
        if isinstance(source, Grid):
            values = np.take(source.values[rows, cols], self.flat)
            nodata = np.take(source.nodata[rows, cols], self.flat)
        else:
            with rasterio.open(source) as ds:
                values = ds.read(1, window=self.window).ravel().take(self.flat)
                nodata = _nodata(ds, self.window, values, self.flat)
        if values.dtype.kind == "f":
            nodata = np.isnan(values) if nodata is None else nodata | np.isnan(values)
        if self.outside is not None:
            nodata = self.outside if nodata is None else nodata | self.outside
        return values, nodata


def _nodata(ds: rasterio.DatasetReader, window: Window, values: np.ndarray, flat: np.ndarray):
    flags = ds.mask_flag_enums[0]
    if MaskFlags.per_dataset in flags or MaskFlags.alpha in flags:
        return ds.read_masks(1, window=window).ravel().take(flat) == 0
    if ds.nodata is None:
        return None
    if np.isnan(ds.nodata):
        return None  # NaN is nodata anyway
    return values == ds.nodata


def tile_sums(
    tile: Tile,
    *,
    geometries: np.ndarray,
    window: GridSpec,
    offsets: tuple[int, int],
    layers: Mapping[str, Layer],
    weights: Source | None = None,
) -> dict[str, np.ndarray]:
    """Per-municipality sums of one tile: ``total`` (area or weight) and, per layer,
    ``<name>:covered`` and ``<name>:with_data``. Pure: reads files, returns arrays.

    Works on the tile's entries only (the cells some municipality touches), in each
    layer's own dtype: one gather, one product and one segmented sum per layer.
    """
    n = len(geometries)
    hits, lengths, local, base = _tile_entries(
        geometries, shapely.STRtree(geometries), window, tile
    )
    cells = TileCells.locate(local, tile, offsets, next(iter(layers.values())).spec.shape)
    # entries of one municipality are contiguous: sum them by segments
    some = lengths > 0
    starts, muni = (np.cumsum(lengths) - lengths)[some], hits[some]

    def per_municipality(values: np.ndarray) -> np.ndarray:
        out = np.zeros(n)
        if starts.size:
            out[muni] = np.add.reduceat(values, starts)
        return out

    if weights is not None:
        w, w_nodata = cells.read(weights)
        w = w if w_nodata is None else np.where(w_nodata, 0, w)
        _check_entries(w, "count", local, tile, window)
        base = base * w
    total = per_municipality(base)
    sums = {"total": total}
    product = np.empty_like(base)
    for name, layer in layers.items():
        values, nodata = cells.read(layer.source)
        with_data = total
        if nodata is not None and nodata.any():
            values = np.where(nodata, 0, values)
            with_data = per_municipality(np.where(nodata, 0.0, base))
        binary = _check_entries(values, layer.unit or "percent", local, tile, window)
        np.multiply(base, values, out=product)
        sums[f"{name}:with_data"] = with_data
        sums[f"{name}:covered"] = per_municipality(product)
        if layer.unit is None:  # binary only if every tile finds 0/1 only: scaled at the end
            sums[f"{name}:nonbinary"] = np.array([0.0 if binary else 1.0])
        else:
            sums[f"{name}:covered"] *= scale(layer.unit)
    return sums


def _check_entries(
    values: np.ndarray, unit: str, local: np.ndarray, tile: Tile, window: GridSpec
) -> bool:
    """Raise ValueRangeError when an entry's value (nodata set to 0) is outside ``unit``;
    else say whether all values are 0 or 1."""
    if values.size == 0:
        return True
    low = 0 if values.dtype.kind == "u" else values.min()
    high = values.max()
    binary = bool(low >= 0 and high <= 1) and (
        values.dtype.kind != "f" or bool(((values == 0) | (values == 1)).all())
    )
    least, most = RANGES[unit]
    if low >= least and high <= most and np.isfinite(high) and (binary or unit != "binary"):
        return binary
    # the rare path: rebuild the tile to report the first bad cell and its place
    grid = np.zeros(tile.rows * tile.cols, dtype=np.float64)
    grid[local] = values
    checked = np.ones(tile.rows * tile.cols, dtype=bool)
    checked[local] = False
    shape = (tile.rows, tile.cols)
    check_range(grid.reshape(shape), checked.reshape(shape), unit, tile.spec(window))
    raise AssertionError("unreachable: check_range raises for a value out of range")


def add(parts: Iterable[dict[str, np.ndarray]]) -> dict[str, np.ndarray]:
    """The element-wise sum of tile sums."""
    total: dict[str, np.ndarray] = {}
    for part in parts:
        for key, value in part.items():
            total[key] = total[key] + value if key in total else value.copy()
    return total


def combine(sums: Mapping[str, np.ndarray], names: Iterable[str], ags: pd.Index) -> pd.DataFrame:
    """Shares and nodata percentages from summed tiles (as :meth:`Overlay.share`)."""
    total = sums["total"]
    columns = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        for name in names:
            with_data = sums[f"{name}:with_data"]
            columns[name] = np.where(with_data > 0, sums[f"{name}:covered"] / with_data, np.nan)
            columns[f"{name}_nodata"] = 100.0 * (1.0 - with_data / total)
    return pd.DataFrame(columns, index=ags)


def coverage_share_tiled(
    municipalities: gpd.GeoDataFrame,
    layers: Mapping[str, Source],
    *,
    weights: Source | None = None,
    tile_size: int = TILE,
    workers: int = 1,
    mapper: Callable[..., Iterable[dict[str, np.ndarray]]] | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """:func:`~ruhrgeo.coverage_share` by tiles, with memory bounded by the tile.

    All layers (and ``weights``) must lie on one grid; rasters are read window by window,
    so a national 25 m layer never has to fit in memory. ``workers`` > 1 runs the tiles in
    that many processes of this machine (see :func:`processes`); ``mapper`` runs
    :func:`tile_sums` over the tiles instead (:mod:`ruhrgeo.distributed` passes a Dask
    client's). Results equal :meth:`~ruhrgeo.Overlay.share` to rounding.

    Examples
    --------
    >>> from ruhrgeo import datasets, read_municipalities
    >>> munis = read_municipalities(datasets.demo_municipalities())
    >>> shares = coverage_share_tiled(munis, {"5g": datasets.demo_coverage()["5g"]},
    ...                               tile_size=256)
    >>> len(shares), bool(shares["5g"].between(0, 100).all())
    (53, True)
    """
    from ruhrgeo.overlay.engine import check_overlap, warn_no_data

    munis = read_municipalities(municipalities)
    described = describe_layers(layers)
    spec = next(iter(described.values())).spec
    require_projected(spec.crs, "layers")
    if weights is not None:
        weights, weight_spec = open_source(weights)
        if not weight_spec.same_as(spec):
            raise GridMismatchError(
                f"`weights` lie on {weight_spec.describe()}, not on the layers' grid; move them "
                "onto it first with ruhrgeo.regrid (or use ruhrgeo.Overlay)"
            )
    if munis.crs != spec.crs:
        munis = munis.to_crs(spec.crs)
    check_overlap(spec, munis)
    window, row_off, col_off = spec.covering(tuple(munis.total_bounds))
    geometries = munis.geometry.to_numpy()
    work = tiles(window, tile_size, origin=(row_off, col_off))
    mapper = mapper or local_mapper(workers)
    parts = mapper(
        functools.partial(
            tile_sums,
            geometries=geometries,
            window=window,
            offsets=(row_off, col_off),
            layers=described,
            weights=weights,
        ),
        work,
    )
    # counted as results arrive, so that the bar is true on a cluster too
    parts = tqdm(parts, total=len(work), desc="tiles", unit="tile", disable=not progress)
    sums = apply_units(add(parts), described)
    result = combine(sums, described, munis.index)
    with_data = {name: sums[f"{name}:with_data"] for name in described}
    warn_no_data(munis.index, sums["total"], with_data, weights is not None)
    return result
