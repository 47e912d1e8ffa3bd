"""Exact fractions per tile: which cells of a tile the areas touch, and how much of each.

exactextract computes the fraction of every cell inside every polygon; a tile's *entries*
(:class:`TileEntries`) are those cells, area after area, with their fractions. They are
computed once per tile (or once per boundary release and grid, in a kept
:class:`~ruhrgeo.Overlay`) and then serve any layer on the lattice.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import shapely
from exactextract import exact_extract
from exactextract.feature import Feature, FeatureSource
from exactextract.raster import NumPyRasterSource
from rasterio.windows import Window

from ruhrgeo.grid import GridSpec
from ruhrgeo.overlay.tiles import Tile

__all__ = ["CHUNK", "TileEntries", "cell_fractions", "locate", "tile_entries"]

CHUNK = 1 << 16  # entries gathered at a time (TileEntries.chunks)


@dataclass(frozen=True, eq=False)
class TileEntries:
    """The cells of one tile that areas touch.

    ``muni`` and ``lengths`` give the areas (their positions in the areas' order) and how many
    entries each has, one run after the other; ``cells`` are the entries' cell numbers in the
    tile (row-major, increasing within a run) and ``fraction`` the part of each cell inside
    the area.
    """

    tile: Tile
    muni: np.ndarray
    lengths: np.ndarray
    cells: np.ndarray
    fraction: np.ndarray

    @functools.cached_property
    def starts(self) -> np.ndarray:
        """Where each area's run of entries starts."""
        return np.cumsum(self.lengths) - self.lengths

    @functools.cached_property
    def areas(self) -> np.ndarray:
        """The sum of each run's fractions: the areas' sizes in the tile, in cells (added in
        float64 without a float64 copy of the tile)."""
        return self.segment_sums(self.fraction, dtype=np.float64)

    @functools.cached_property
    def chunks(self) -> list[tuple[slice, slice]]:
        """Consecutive runs (as a slice of runs and the slice of their entries): a chunk ends
        with the first run that reaches a multiple of :data:`CHUNK` entries, so it holds under
        ``CHUNK`` entries before its last run. Gathered a chunk at a time, a layer's values stay
        in the CPU's cache."""
        bounds = np.append(self.starts, self.cells.size)  # entries before each run, and all
        cuts = np.searchsorted(bounds[1:], np.arange(CHUNK, self.cells.size, CHUNK)) + 1
        runs = np.unique(np.concatenate(([0], cuts, [self.muni.size]))).tolist()
        edges = bounds.tolist()
        return [(slice(a, b), slice(edges[a], edges[b])) for a, b in itertools.pairwise(runs)]

    def segment_sums(
        self, values: np.ndarray, runs: slice = slice(None), dtype: type | None = None
    ) -> np.ndarray:
        """The sum of ``values`` (one per entry of ``runs``) per run, added in ``dtype`` (default
        their own; reduceat widens in its buffer, without a copy of ``values``)."""
        if not values.size:
            return np.zeros(self.muni[runs].size)
        starts = self.starts[runs]
        return np.add.reduceat(values, starts - starts[0], dtype=dtype)


def cell_fractions(
    geometries: np.ndarray, spec: GridSpec
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per geometry the number of cells it covers, then all (cell number, fraction) pairs
    on the grid ``spec``, geometry after geometry (cells in row-major order, int32; fractions
    float32), by exactextract."""
    if len(geometries) == 0:
        return np.empty(0, np.int64), np.empty(0, np.int32), np.empty(0, np.float32)
    raster = NumPyRasterSource(
        np.zeros(spec.shape, dtype=np.uint8), *spec.bounds, srs_wkt=spec.crs.to_wkt()
    )
    features = _WKBFeatures(shapely.to_wkb(geometries), spec.crs.to_wkt())
    out = exact_extract(raster, features, ["cell_id", "coverage"], output="pandas")
    cells = out["cell_id"].to_numpy()
    lengths = np.fromiter((len(c) for c in cells), dtype=np.int64, count=len(cells))
    # exactextract's fractions are single-precision values (exact as float32); a tile's cell
    # numbers fit int32: half the memory, and the kernel streams half the bytes
    local = np.concatenate(cells, dtype=np.int32, casting="same_kind")
    fraction = np.concatenate(out["coverage"].to_numpy(), dtype=np.float32, casting="same_kind")
    return lengths, local, fraction


class _WKBFeatures(FeatureSource):
    """Geometries handed to exactextract as WKB: a quarter faster than a GeoDataFrame,
    which exactextract serializes to GeoJSON feature by feature."""

    def __init__(self, wkb: np.ndarray, srs_wkt: str) -> None:
        super().__init__()
        self._wkb, self._srs_wkt = wkb, srs_wkt

    def count(self) -> int:
        return len(self._wkb)

    def __iter__(self) -> Iterator[_WKBFeature]:
        return map(_WKBFeature, self._wkb)

    def srs_wkt(self) -> str:
        return self._srs_wkt


class _WKBFeature(Feature):
    def __init__(self, wkb: bytes) -> None:
        Feature.__init__(self)
        self._wkb = wkb

    def geometry(self) -> bytes:
        return self._wkb

    def fields(self) -> list[str]:
        return []

    def set_geometry_format(self) -> str:
        return "wkb"


def tile_entries(
    tile: Tile, geometries: np.ndarray, tree: shapely.STRtree, window: GridSpec
) -> TileEntries:
    """The entries of ``tile``: exact fractions of the areas ``geometries`` (in the window's
    CRS, indexed by ``tree``) that touch it. The tile shrinks to its entries' bounding box, so
    that no cell around them is read."""
    spec = tile.spec(window)
    hits = np.sort(tree.query(shapely.box(*spec.bounds), predicate="intersects"))
    lengths, cells, fraction = cell_fractions(geometries[hits], spec)
    some = lengths > 0
    if cells.size:
        # the cells the areas' bounding boxes cover (cheaper than the cells' own extent, and
        # as good: a tile inside the areas' boxes keeps its size without a pass over cells)
        xmin, ymin, xmax, ymax = shapely.bounds(geometries[hits[some]]).T
        col0, row0 = ~spec.transform @ (xmin.min(), ymax.max())
        col1, row1 = ~spec.transform @ (xmax.max(), ymin.min())
        r0, c0 = max(0, math.floor(row0)), max(0, math.floor(col0))
        r1, c1 = min(tile.rows, math.ceil(row1)), min(tile.cols, math.ceil(col1))
        if (r1 - r0, c1 - c0) != (tile.rows, tile.cols):
            rows, cols = np.divmod(cells, tile.cols)
            cells = ((rows - r0) * (c1 - c0) + (cols - c0)).astype(np.int32)
            tile = Tile(tile.row0 + r0, tile.col0 + c0, r1 - r0, c1 - c0)
    return TileEntries(tile, hits[some].astype(np.int32), lengths[some], cells, fraction)


def locate(
    entries: TileEntries, offset: tuple[int, int], shape: tuple[int, int]
) -> tuple[Window | None, np.ndarray, np.ndarray | None]:
    """Where the entries lie on a reader's grid of ``shape``, whose cell ``(r, c)`` is window
    cell ``(r - offset[0], c - offset[1])``: the window of that grid under the tile (None when
    the tile lies beyond it), each entry's cell number in that window, and which entries lie
    beyond the grid (None: none)."""
    tile, local = entries.tile, entries.cells
    r0, c0 = tile.row0 + offset[0], tile.col0 + offset[1]
    rr0, cc0 = max(r0, 0), max(c0, 0)
    height = min(r0 + tile.rows, shape[0]) - rr0
    width = min(c0 + tile.cols, shape[1]) - cc0
    if height <= 0 or width <= 0:
        return None, np.zeros_like(local), np.ones(local.shape, dtype=bool)
    window = Window(cc0, rr0, width, height)
    if (height, width) == (tile.rows, tile.cols):  # the whole tile lies on the grid
        return window, local, None
    rows, cols = np.divmod(local, tile.cols)
    rows += r0 - rr0
    cols += c0 - cc0
    outside = (rows < 0) | (rows >= height) | (cols < 0) | (cols >= width)
    return window, np.where(outside, 0, rows * width + cols), outside
