"""Move a count grid (population, households) onto another grid, preserving totals."""

from __future__ import annotations

import math

import numpy as np
import pyproj

from ruhrgeo.grid import Grid, GridSpec

__all__ = ["regrid"]

_CHUNK_POINTS = 8_000_000  # sub-cell points per step: bounds memory to a few hundred MB


def regrid(grid: Grid, target: GridSpec, *, subdivisions: int | None = None) -> Grid:
    """Return ``grid``'s counts on the cells of ``target``, totals preserved.

    Each source cell is split into ``subdivisions x subdivisions`` equal sub-cells; each
    sub-cell carries ``value / subdivisions**2`` to the target cell that contains its
    centre (after reprojection). Totals are kept exactly (up to what falls outside
    ``target``); the area split between target cells is exact to within one sub-cell.
    A grid on the same lattice (same CRS, cell size and aligned origin) is shifted, not
    resampled. Nodata counts as zero (Zensus omits uninhabited cells).

    Parameters
    ----------
    grid
        A count (or other extensive) grid, e.g. Zensus inhabitants on the INSPIRE grid.
    target
        The grid to move it onto (``other_grid.spec``).
    subdivisions
        Sub-cells per side; default ``max(4, ceil(4 * source_size / target_size))``.

    Examples
    --------
    >>> import numpy as np
    >>> from affine import Affine
    >>> from ruhrgeo.grid import Grid, GridSpec
    >>> coarse = Grid(np.array([[400.0]]), Affine(200, 0, 0, 0, -200, 200), 25832, unit="count")
    >>> fine = GridSpec(Affine(100, 0, 0, 0, -100, 200), (2, 2), coarse.crs)
    >>> regrid(coarse, fine).values.tolist()
    [[100.0, 100.0], [100.0, 100.0]]
    """
    values = np.where(grid.nodata, 0.0, grid.values.astype(np.float64))
    shifted = _shift(values, grid.spec, target)
    if shifted is not None:
        return Grid(shifted, target.transform, target.crs, unit=grid.unit)
    src_size, tgt_size = max(grid.spec.cell_size), min(target.cell_size)
    n = subdivisions or max(4, math.ceil(4 * src_size / tgt_size))
    step = (np.arange(n) + 0.5) / n
    sub_col, sub_row = (a.ravel() for a in np.meshgrid(step, step))
    transformer = pyproj.Transformer.from_crs(grid.spec.crs, target.crs, always_xy=True)
    rows, cols = np.nonzero(values)
    out = np.zeros(target.shape[0] * target.shape[1], dtype=np.float64)
    inverse = ~target.transform
    per_chunk = max(1, _CHUNK_POINTS // (n * n))
    for start in range(0, rows.size, per_chunk):
        r, c = rows[start : start + per_chunk], cols[start : start + per_chunk]
        x, y = grid.spec.transform @ (
            (c[:, None] + sub_col[None, :]).ravel(),
            (r[:, None] + sub_row[None, :]).ravel(),
        )
        tx, ty = transformer.transform(x, y)
        tc, tr = inverse @ (np.asarray(tx), np.asarray(ty))
        tc, tr = np.floor(tc).astype(np.int64), np.floor(tr).astype(np.int64)
        inside = (tr >= 0) & (tr < target.shape[0]) & (tc >= 0) & (tc < target.shape[1])
        mass = np.repeat(values[r, c] / (n * n), n * n)
        out += np.bincount(
            (tr * target.shape[1] + tc)[inside], weights=mass[inside], minlength=out.size
        )
    return Grid(out.reshape(target.shape), target.transform, target.crs, unit=grid.unit)


def _shift(values: np.ndarray, source: GridSpec, target: GridSpec) -> np.ndarray | None:
    """Copy by index offset when both grids share one lattice, else None."""
    if source.crs != target.crs or not np.allclose(source.cell_size, target.cell_size):
        return None
    col_off, row_off = ~source.transform @ (target.transform.c, target.transform.f)
    if not (np.isclose(col_off, round(col_off)) and np.isclose(row_off, round(row_off))):
        return None
    col_off, row_off = round(col_off), round(row_off)
    out = np.zeros(target.shape, dtype=np.float64)
    rows, cols = target.shape
    r0, c0 = max(0, -row_off), max(0, -col_off)
    r1 = min(rows, source.shape[0] - row_off)
    c1 = min(cols, source.shape[1] - col_off)
    if r1 > r0 and c1 > c0:
        out[r0:r1, c0:c1] = values[r0 + row_off : r1 + row_off, c0 + col_off : c1 + col_off]
    return out
