"""Where cells lie (GridSpec) and a grid held in memory (Grid): values, transform, CRS, nodata,
unit."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyproj
from affine import Affine

from ruhrgeo._validate import as_crs
from ruhrgeo.errors import FileFormatError
from ruhrgeo.units import Unit, check_range, check_unit

__all__ = ["Grid", "GridSpec"]

_ALIGN_TOL = 1e-6  # of a cell: grids closer than this share their cells


@dataclass(frozen=True)
class GridSpec:
    """Where a grid lies: north-up affine transform, shape ``(rows, cols)`` and CRS.

    Parameters
    ----------
    transform
        The north-up affine transform of the top-left corner (``rasterio`` convention).
    shape
        ``(rows, cols)``, each >= 1.
    crs
        Anything :func:`pyproj.CRS.from_user_input` takes.

    Raises
    ------
    ruhrgeo.errors.FileFormatError
        A rotated or south-up transform, or cells of no size.
    ruhrgeo.errors.GridExtentError
        A shape that is not two whole numbers >= 1.
    ruhrgeo.errors.CRSMissingError
        No CRS.
    ruhrgeo.errors.UnusableCRSError
        A CRS pyproj does not understand.

    Examples
    --------
    >>> spec = GridSpec(Affine(100, 0, 0, 0, -100, 500), (5, 3), 25832)
    >>> spec.bounds, spec.cell_size
    ((0.0, 0.0, 300.0, 500.0), (100.0, 100.0))
    """

    transform: Affine
    shape: tuple[int, int]
    crs: Any

    def __post_init__(self) -> None:
        t = Affine(*tuple(self.transform)[:6])
        if t.b != 0 or t.d != 0 or t.a <= 0 or t.e >= 0:
            raise FileFormatError(
                f"grid transform {tuple(t)[:6]} is rotated or not north-up; "
                "warp it to a north-up grid first (`gdalwarp`)"
            )
        object.__setattr__(self, "transform", t)
        object.__setattr__(self, "shape", (int(self.shape[0]), int(self.shape[1])))
        object.__setattr__(self, "crs", as_crs(self.crs, "crs"))

    @property
    def cell_size(self) -> tuple[float, float]:
        """Cell width and height in CRS units."""
        return self.transform.a, -self.transform.e

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(xmin, ymin, xmax, ymax)``."""
        rows, cols = self.shape
        xmin, ymax = self.transform.c, self.transform.f
        return xmin, ymax + rows * self.transform.e, xmin + cols * self.transform.a, ymax

    @property
    def cells(self) -> int:
        """Number of cells."""
        return self.shape[0] * self.shape[1]

    def same_lattice(self, other: GridSpec) -> bool:
        """True when both grids' cells coincide where they overlap (same CRS, cell size and
        origin on the same lattice); their extents may differ."""
        if self.crs != other.crs:
            return False
        w, h = self.cell_size
        if (
            abs(w - other.cell_size[0]) > _ALIGN_TOL * w
            or abs(h - other.cell_size[1]) > _ALIGN_TOL * h
        ):
            return False
        col, row = ~self.transform @ (other.transform.c, other.transform.f)
        return abs(col - round(col)) <= _ALIGN_TOL and abs(row - round(row)) <= _ALIGN_TOL

    def offset(self, other: GridSpec) -> tuple[int, int]:
        """``(rows, cols)`` such that cell ``(r, c)`` of ``other`` is cell ``(r + rows, c + cols)``
        of this grid (both on one lattice)."""
        col, row = ~self.transform @ (other.transform.c, other.transform.f)
        return round(row), round(col)

    def covering(self, bounds: tuple[float, float, float, float]) -> tuple[GridSpec, int, int]:
        """The smallest grid on this lattice covering ``bounds``, with its row/col offset.

        Cell ``(r, c)`` of the result is cell ``(r + row_off, c + col_off)`` of this grid
        (offsets may be negative: the result may reach beyond this grid).
        """
        inverse = ~self.transform
        col_min, row_min = inverse @ (bounds[0], bounds[3])
        col_max, row_max = inverse @ (bounds[2], bounds[1])
        c0, r0 = math.floor(col_min + _ALIGN_TOL), math.floor(row_min + _ALIGN_TOL)
        c1, r1 = math.ceil(col_max - _ALIGN_TOL), math.ceil(row_max - _ALIGN_TOL)
        spec = GridSpec(
            self.transform @ Affine.translation(c0, r0),
            (max(1, r1 - r0), max(1, c1 - c0)),
            self.crs,
        )
        return spec, r0, c0

    def corner(self, row: int, col: int) -> str:
        """The lower-left corner of a cell, for messages."""
        x, y = self.transform @ (col, row + 1)
        return f"the cell with lower-left corner x={x:.0f}, y={y:.0f}"

    def describe(self) -> str:
        """One line for error messages."""
        w, h = self.cell_size
        bounds = ", ".join(f"{v:.0f}" for v in self.bounds)
        cells = f"{self.shape[0]}x{self.shape[1]} cells of {w:g}x{h:g}"
        return f"{cells} in {crs_name(self.crs)}, bounds ({bounds})"


@dataclass(frozen=True, eq=False)
class Grid:
    """A coverage or weight layer held in memory.

    Parameters
    ----------
    values
        2-D array of cell values (any numeric dtype; read-only views are fine).
    transform
        North-up affine transform of the top-left corner (``rasterio`` convention).
    crs
        Anything :func:`pyproj.CRS.from_user_input` takes.
    nodata
        Boolean mask, True where a cell has no data. Default: non-finite values.
    unit
        ``"binary"``, ``"fraction"``, ``"percent"`` or ``"count"`` (see ``ruhrgeo.units``),
        checked against the values; None (default) leaves it to the one rule of
        ``ruhrgeo.units`` when the grid is used.

    Raises
    ------
    ruhrgeo.errors.InputTypeError
        Values that are not a 2-D numeric array.
    ruhrgeo.errors.ValueRangeError
        Values outside the declared unit's range.
    ruhrgeo.errors.ParameterError
        An unknown unit, or a nodata mask of another shape.
    ruhrgeo.errors.CRSMissingError
        No CRS.

    Examples
    --------
    >>> g = Grid(np.array([[1, 0], [1, 1]]), Affine(100, 0, 0, 0, -100, 200), 25832, unit="binary")
    >>> g.spec.shape, g.spec.cell_size, int(g.nodata.sum())
    ((2, 2), (100.0, 100.0), 0)
    """

    values: np.ndarray
    transform: Affine
    crs: Any
    nodata: np.ndarray | None = None
    unit: Unit | None = None
    spec: GridSpec = field(init=False, repr=False)

    def __post_init__(self) -> None:
        values = np.asarray(self.values)
        if values.ndim != 2 or 0 in values.shape:
            raise FileFormatError(
                f"grid `values` must be a non-empty 2-D array, got shape {values.shape}"
            )
        if values.dtype.kind not in "biuf":
            raise FileFormatError(f"grid `values` must be numeric, got dtype {values.dtype}")
        spec = GridSpec(self.transform, values.shape, self.crs)
        nodata = _nodata_mask(values) if self.nodata is None else np.asarray(self.nodata, bool)
        if nodata.shape != values.shape:
            raise FileFormatError(
                f"`nodata` mask has shape {nodata.shape} but `values` has {values.shape}"
            )
        unit = check_unit(self.unit, "unit")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "crs", spec.crs)
        object.__setattr__(self, "nodata", nodata)
        object.__setattr__(self, "spec", spec)
        if unit is not None:
            valid = np.flatnonzero(~nodata.ravel())
            check_range(
                values.ravel()[valid],
                unit,
                "grid",
                lambda i: spec.corner(*divmod(int(valid[i]), spec.shape[1])),
            )


def _nodata_mask(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind == "f":
        return ~np.isfinite(values)
    return np.zeros(values.shape, dtype=bool)


def crs_name(crs: pyproj.CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name
