"""Tiles of the lattice: the working window cut into blocks of cells.

The working window is the part of the layers' lattice under the areas. Everything the overlay
does is done tile by tile, so memory follows the tile, not the country; tile edges fall on the
lattice's block boundaries, so that no block of a tiled GeoTIFF is decompressed twice.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from affine import Affine

from ruhrgeo.grid import GridSpec

__all__ = ["TILE", "Tile", "tiles"]

TILE = 2048  # cells per side: 4 M cells, a few tens of MB per layer and tile


@dataclass(frozen=True)
class Tile:
    """A block of cells of a window: rows ``row0 .. row0 + rows``, cols ``col0 .. col0 + cols``."""

    row0: int
    col0: int
    rows: int
    cols: int

    @property
    def cells(self) -> int:
        """Cells of the tile."""
        return self.rows * self.cols

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
