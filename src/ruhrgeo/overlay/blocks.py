"""Which blocks of a raster a tile needs.

GDAL decodes a compressed raster a block at a time (a tile of a tiled GeoTIFF, a strip of a
striped one). A tile's window on the raster holds blocks that no municipality touches (at a
coast, a border, around a region's corners); those are not read. A tile records where its
entries lie as squares of :data:`STEP` cells (:func:`occupancy`); :func:`needed_parts` turns
that into the rectangles of whole blocks to read.
"""

from __future__ import annotations

import itertools

import numpy as np
from rasterio.windows import Window

__all__ = ["STEP", "needed_parts", "occupancy"]

STEP = 64  # cells per side of the squares a tile's occupancy records


def occupancy(
    starts: np.ndarray, ends: np.ndarray, cells: np.ndarray, shape: tuple[int, int]
) -> np.ndarray:
    """Which squares of :data:`STEP` cells of a tile of ``shape`` hold an entry: a cell of
    the runs ``starts[i] .. ends[i]`` (each within one row) or one of ``cells`` (row-major
    cell numbers).

    Examples
    --------
    >>> occupancy(np.array([130]), np.array([140]), np.array([5]), (2, 200)).astype(int)
    array([[1, 0, 1, 0]])
    >>> occupancy(np.array([70]), np.array([200]), np.array([], int), (1, 200)).astype(int)
    array([[0, 1, 1, 1]])
    """
    rows, cols = shape
    height, width = -(-rows // STEP), -(-cols // STEP)
    first = starts // cols // STEP * (width + 1) + starts % cols // STEP
    last = first + ((ends - 1) % cols // STEP - starts % cols // STEP)
    size = height * (width + 1)
    steps = np.bincount(first, minlength=size) - np.bincount(last + 1, minlength=size)
    occupied = np.cumsum(steps.reshape(height, width + 1), axis=1)[:, :width] > 0
    occupied[cells // cols // STEP, cells % cols // STEP] = True
    return occupied


def needed_parts(
    occupied: np.ndarray, window: Window, blocks: tuple[int, int]
) -> list[Window] | None:
    """The parts of ``window`` (a tile on a raster's grid, whose :func:`occupancy` is
    ``occupied``) to read from a raster stored in blocks of ``blocks`` cells (rows, cols):
    rectangles of the blocks that hold an entry, clipped to the window; None when every block
    of the window does.

    Examples
    --------
    >>> occupied = np.array([[True, False, False, False]])  # entries in the first 64 columns
    >>> needed_parts(occupied, Window(10, 0, 200, 1), (1, 100))
    [Window(col_off=10, row_off=0, width=90, height=1)]
    >>> needed_parts(occupied, Window(10, 0, 200, 1), (1, 300)) is None
    True
    """
    row_blocks, row_edges = _blocks_over(int(window.row_off), int(window.height), blocks[0])
    col_blocks, col_edges = _blocks_over(int(window.col_off), int(window.width), blocks[1])
    needed = row_blocks @ occupied.astype(np.int32) @ col_blocks.T > 0
    if needed.all():
        return None
    parts: list[Window] = []
    row = 0
    for needs, same in itertools.groupby(needed.tolist()):  # block rows that need the same
        rows = len(list(same))
        top, bottom = row_edges[row], row_edges[row + rows]
        col = 0
        for need, span in itertools.groupby(needs):
            cols = len(list(span))
            if need:
                left, right = col_edges[col], col_edges[col + cols]
                at = (window.col_off + left, window.row_off + top)
                parts.append(Window(*at, right - left, bottom - top))
            col += cols
        row += rows
    return parts


def _blocks_over(offset: int, length: int, block: int) -> tuple[np.ndarray, list[int]]:
    """For the blocks of ``block`` cells under cells ``offset .. offset + length`` of a grid:
    which squares of :data:`STEP` cells each overlaps (blocks x squares, 0 or 1), and their
    edges in the window (``edges[k]`` to ``edges[k + 1]``)."""
    start = offset // block * block
    edges = np.clip(np.arange(start, offset + length + block, block), offset, offset + length)
    edges = np.unique(edges) - offset  # first and last blocks clipped to the window
    squares = np.arange(0, length, STEP)
    overlaps = (edges[:-1, None] < np.minimum(squares + STEP, length)) & (squares < edges[1:, None])
    return overlaps.astype(np.int32), edges.tolist()
