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
from ruhrgeo.overlay.blocks import occupancy
from ruhrgeo.overlay.exact import cell_fractions

__all__ = [
    "CHUNK",
    "RUN_CELLS",
    "TILE",
    "Tile",
    "TileEntries",
    "WholeRuns",
    "locate",
    "tile_entries",
    "tiles",
]

TILE = 2048  # cells per side: 4 M cells, a few tens of MB per layer and tile
CHUNK = 1 << 16  # entries gathered at a time (TileEntries.chunks)
# The longest whole run: 255 values of 8 bits add up exactly in 16 (255 * 255 < 2**16), of
# 16 bits in 32; integer sums over a window take half the time of float32 ones.
RUN_CELLS = 255


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
        """The sum of each run's fractions: the municipalities' areas in the tile, in cells
        (added in float64 without a float64 copy of the tile)."""
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

    @functools.cached_property
    def occupied(self) -> np.ndarray:
        """Where the entries lie: :func:`~ruhrgeo.overlay.blocks.occupancy` of the tile."""
        runs, rest = self.split
        return occupancy(runs.starts, runs.ends, rest.cells, (self.tile.rows, self.tile.cols))

    @functools.cached_property
    def split(self) -> tuple[WholeRuns, TileEntries]:
        """The entries as runs of whole cells (:class:`WholeRuns`) and the rest: the cells a
        boundary cuts, and whole cells that two overlapping municipalities both claim."""
        cols, cells = self.tile.cols, self.cells
        whole = self.fraction == 1
        follows = np.zeros(cells.size, bool)  # continues a run: whole, as is the cell before
        follows[1:] = whole[1:] & whole[:-1] & (cells[1:] == cells[:-1] + 1)
        follows[self.starts] = False  # a municipality's first entry
        first = np.flatnonzero(whole & ~follows)
        last = np.flatnonzero(whole & ~np.append(follows[1:], False))
        starts = cells[first].astype(np.intp)
        ends = starts + (last - first + 1)
        owner = np.searchsorted(self.starts, first, side="right") - 1  # its run of entries
        # cut at the ends of rows and into pieces of at most RUN_CELLS cells
        starts, ends, run = _pieces(starts, ends, (starts // cols + 1) * cols - starts, cols)
        starts, ends, run = _pieces(starts, ends, RUN_CELLS, RUN_CELLS, run)
        order = np.argsort(starts, kind="stable")
        starts, ends, run = starts[order], ends[order], run[order]
        clash = np.zeros(starts.size, bool)  # overlapping runs: their cells stay in the rest
        if starts.size > 1:
            clash[:-1] = ends[:-1] > starts[1:]
            clash[1:] |= starts[1:] < np.maximum.accumulate(ends)[:-1]
        rest = ~whole
        if clash.any():  # whole runs of a clash, cut or not, go to the rest
            lost = np.zeros(first.size, bool)
            lost[run[clash]] = True
            for a, b in zip(first[lost], last[lost] + 1, strict=True):
                rest[a:b] = True
            clash = lost[run]
        keep = ~clash
        runs = WholeRuns(starts[keep], ends[keep], self.muni[owner[run[keep]]], self.tile)
        at = np.flatnonzero(rest)
        counts = np.diff(np.searchsorted(at, np.append(self.starts, cells.size)))
        some = counts > 0
        left = TileEntries(
            self.tile, self.muni[some], counts[some], cells.take(at), self.fraction.take(at)
        )
        return runs, left


def _pieces(
    starts: np.ndarray,
    ends: np.ndarray,
    first: np.ndarray | int,
    step: int,
    run: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The runs ``starts[i] .. ends[i]`` cut ``first`` (or ``first[i]``) cells after their
    start, then every ``step`` cells; with the run each piece comes from (``run[i]``, if
    given, else ``i``)."""
    first = np.broadcast_to(first, starts.shape)
    count = 1 + (np.maximum(ends - starts - first, 0) + step - 1) // step
    of = np.repeat(np.arange(starts.size), count)
    k = np.arange(of.size) - np.repeat(np.cumsum(count) - count, count)
    cut = starts[of] + first[of] + (k - 1) * step  # where piece k begins, for k > 0
    begin = np.where(k > 0, cut, starts[of])
    end = np.minimum(cut + step, ends[of])
    return begin, end, of if run is None else run[of]


@dataclass(frozen=True, eq=False)
class WholeRuns:
    """The cells of a tile that lie wholly inside one municipality (fraction 1), as runs of
    consecutive cells of one row, at most :data:`RUN_CELLS` long, ordered by position and not
    overlapping.

    A layer's values over them are summed run by run on the layer's window (one
    ``np.add.reduceat``, about 1.2 ns per cell of the window for 8-bit values) instead of
    gathered cell by cell (3.7 ns per cell); at 100 m nine in ten entries of a national
    overlay lie in runs.
    """

    starts: np.ndarray  # first cell of each run (row-major in the tile), increasing
    ends: np.ndarray  # one past its last cell
    muni: np.ndarray  # the municipality of each run
    tile: Tile

    @functools.cached_property
    def bounds(self) -> np.ndarray:
        """Starts and ends interleaved, as ``np.add.reduceat`` takes them; an end at the
        tile's last cell is left out (reduceat then sums to the end)."""
        bounds = np.empty(2 * self.starts.size, np.intp)
        bounds[0::2], bounds[1::2] = self.starts, self.ends
        if bounds.size and bounds[-1] == self.tile.rows * self.tile.cols:
            bounds = bounds[:-1]
        return bounds

    @functools.cached_property
    def lengths(self) -> np.ndarray:
        return (self.ends - self.starts).astype(np.float64)

    def sums(self, values: np.ndarray) -> np.ndarray:
        """The sum of ``values`` (one per cell of the tile) over each run, as float64: added
        exactly in integers of twice the width for integers of up to 32 bits, else in
        float64."""
        if not self.starts.size:
            return np.zeros(0)
        summed = np.add.reduceat(values, self.bounds, dtype=_run_sum_type(values.dtype))
        return summed[::2].astype(np.float64)

    def count(self, positions: np.ndarray) -> np.ndarray:
        """How many of ``positions`` (sorted cell numbers) lie in each run."""
        return np.searchsorted(positions, self.ends) - np.searchsorted(positions, self.starts)

    def cells(self) -> np.ndarray:
        """The cell numbers of every run, run after run."""
        lengths = self.ends - self.starts
        offsets = np.repeat(self.starts - (np.cumsum(lengths) - lengths), lengths)
        return offsets + np.arange(int(lengths.sum()), dtype=np.intp)


def _run_sum_type(dtype: np.dtype) -> np.dtype:
    """A type in which :data:`RUN_CELLS` values of ``dtype`` add up exactly (the sums between
    runs, which reduceat computes too, may overflow: they are dropped)."""
    if dtype.kind in "uib" and dtype.itemsize <= 4:
        return np.dtype(f"{'i' if dtype.kind == 'i' else 'u'}{2 * dtype.itemsize}")
    return np.dtype(np.float64)


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
