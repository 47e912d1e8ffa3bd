"""Tiles of the working window and the exact cell fractions of each tile.

The working window is the part of the layers' lattice under the municipalities. A tile is a
block of its cells; its *entries* are the cells some municipality touches, with the exact
fraction of the cell inside it (exactextract), municipality after municipality. Everything the
overlay does is done tile by tile, so memory follows the tile, not the country.
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np
import shapely
from affine import Affine
from rasterio.windows import Window

from ruhrgeo.grid import GridSpec
from ruhrgeo.overlay.exact import cell_fractions

__all__ = ["CHUNK", "TILE", "Tile", "TileEntries", "locate", "tile_entries", "tiles"]

TILE = 2048  # cells per side: 4 M cells, a few tens of MB per layer and tile
CHUNK = 1 << 16  # entries gathered at a time (TileEntries.chunks)


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
    multiples of ``size`` in that grid, so that they meet the blocks of a tiled GeoTIFF and no
    block is decompressed twice. A window of at most ``size * size`` cells is one tile (no
    block is read twice either way, and each tile costs a call of exactextract and a read of
    every layer).

    Examples
    --------
    >>> window = GridSpec(Affine(100, 0, 0, 0, -100, 500), (5, 3), 25832)
    >>> [(t.row0, t.col0, t.rows, t.cols) for t in tiles(window, size=2)][:3]
    [(0, 0, 2, 2), (0, 2, 2, 1), (2, 0, 2, 2)]
    >>> [(t.row0, t.rows) for t in tiles(window, size=2, origin=(1, 0))][::2]
    [(0, 1), (1, 2), (3, 2)]
    >>> tiles(window, size=4)
    [Tile(row0=0, col0=0, rows=5, cols=3)]
    """
    if window.cells <= size * size:
        return [Tile(0, 0, *window.shape)]
    rows = _cuts(window.shape[0], size, origin[0])
    cols = _cuts(window.shape[1], size, origin[1])
    return [Tile(r0, c0, r1 - r0, c1 - c0) for r0, r1 in rows for c0, c1 in cols]


def _cuts(length: int, size: int, offset: int) -> list[tuple[int, int]]:
    edges = [0, *range((-offset) % size or size, length, size), length]
    return list(itertools.pairwise(edges))


@dataclass(frozen=True, eq=False)
class TileEntries:
    """The cells of one tile that municipalities touch.

    ``muni`` and ``lengths`` give the municipalities (their numbers) and how many entries each
    has, one run after the other; ``cells`` are the entries' cell numbers in the tile
    (row-major) and ``fraction`` the part of each cell inside the municipality.
    """

    tile: Tile
    muni: np.ndarray
    lengths: np.ndarray
    cells: np.ndarray
    fraction: np.ndarray

    @functools.cached_property
    def starts(self) -> np.ndarray:
        """Where each municipality's run of entries starts."""
        return np.cumsum(self.lengths) - self.lengths

    @functools.cached_property
    def areas(self) -> np.ndarray:
        """The sum of each run's fractions: the municipalities' areas in the tile, in cells."""
        return self.segment_sums(self.fraction.astype(np.float64, copy=False))

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

    def segment_sums(self, values: np.ndarray, runs: slice = slice(None)) -> np.ndarray:
        """The sum of ``values`` (one per entry of ``runs``) per run."""
        if not values.size:
            return np.zeros(self.muni[runs].size)
        starts = self.starts[runs]
        return np.add.reduceat(values, starts - starts[0])

    def per_municipality(self, values: np.ndarray, n: int) -> np.ndarray:
        """Sum ``values`` (one per entry) per municipality, as float64 of length ``n``."""
        out = np.zeros(n)
        out[self.muni] = self.segment_sums(values)
        return out


def tile_entries(
    tile: Tile, geometries: np.ndarray, tree: shapely.STRtree, window: GridSpec
) -> TileEntries:
    """The entries of ``tile``: exact fractions of the municipalities ``geometries`` (in the
    window's CRS, indexed by ``tree``) that touch it. The tile shrinks to its entries' bounding
    box, so that no cell around them is read."""
    spec = tile.spec(window)
    hits = np.sort(tree.query(shapely.box(*spec.bounds), predicate="intersects"))
    lengths, cells, fraction = cell_fractions(geometries[hits], spec)
    some = lengths > 0
    if cells.size:
        r0, r1 = int(cells.min()) // tile.cols, int(cells.max()) // tile.cols + 1
        cols = cells % tile.cols
        c0, c1 = int(cols.min()), int(cols.max()) + 1
        if (r1 - r0, c1 - c0) != (tile.rows, tile.cols):
            cells = (cells // tile.cols - r0) * (c1 - c0) + (cols - c0)
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
