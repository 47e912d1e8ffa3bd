"""The in-memory coverage grid: values on a north-up raster with CRS, nodata mask and unit."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pyproj
from affine import Affine

from ruhrgeo._validate import as_crs
from ruhrgeo.errors import FileFormatError, UnitError, ValueRangeError

__all__ = ["UNITS", "Grid", "GridSpec"]

Unit = Literal["binary", "percent", "count"]
UNITS: tuple[str, ...] = ("binary", "percent", "count")
_ALIGN_TOL = 1e-6  # of a cell: grids closer than this are the same grid


@dataclass(frozen=True)
class GridSpec:
    """Where a grid lies: north-up affine transform, shape ``(rows, cols)`` and CRS."""

    transform: Affine
    shape: tuple[int, int]
    crs: pyproj.CRS

    def __post_init__(self) -> None:
        t = self.transform
        if t.b != 0 or t.d != 0 or t.a <= 0 or t.e >= 0:
            raise FileFormatError(
                f"grid transform {tuple(t)[:6]} is rotated or not north-up; "
                "warp it to a north-up grid first (`gdalwarp`)"
            )

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

    def same_as(self, other: GridSpec) -> bool:
        """True when both specs describe the same cells."""
        tol = _ALIGN_TOL * min(self.cell_size)
        return (
            self.shape == other.shape
            and self.crs == other.crs
            and all(abs(a - b) <= tol for a, b in zip(self.transform, other.transform, strict=True))
        )

    def covering(self, bounds: tuple[float, float, float, float]) -> tuple[GridSpec, int, int]:
        """The smallest grid on this lattice covering ``bounds``, with its row/col offset.

        Cell ``(r, c)`` of the result is cell ``(r + row_off, c + col_off)`` of this grid
        (offsets may be negative: the result may reach beyond this grid).
        """
        inverse = ~self.transform
        col_min, row_min = inverse @ (bounds[0], bounds[3])
        col_max, row_max = inverse @ (bounds[2], bounds[1])
        c0, r0 = math.floor(col_min), math.floor(row_min)
        c1, r1 = math.ceil(col_max), math.ceil(row_max)
        spec = GridSpec(
            self.transform @ Affine.translation(c0, r0),
            (max(1, r1 - r0), max(1, c1 - c0)),
            self.crs,
        )
        return spec, r0, c0

    def describe(self) -> str:
        """One line for error messages."""
        w, h = self.cell_size
        bounds = ", ".join(f"{v:.0f}" for v in self.bounds)
        cells = f"{self.shape[0]}x{self.shape[1]} cells of {w:g}x{h:g}"
        return f"{cells} in {_crs_name(self.crs)}, bounds ({bounds})"


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
        ``"binary"`` (0/1: covered or not), ``"percent"`` (0-100) or ``"count"`` (>= 0,
        e.g. inhabitants). Values outside the unit's range raise
        :class:`~ruhrgeo.errors.ValueRangeError`.

    Examples
    --------
    >>> import numpy as np
    >>> from affine import Affine
    >>> g = Grid(np.array([[1, 0], [1, 1]]), Affine(100, 0, 0, 0, -100, 200), 25832, unit="binary")
    >>> g.spec.shape, g.spec.cell_size, int(g.nodata.sum())
    ((2, 2), (100.0, 100.0), 0)
    """

    values: np.ndarray
    transform: Affine
    crs: Any
    nodata: np.ndarray | None = None
    unit: Unit = "binary"
    spec: GridSpec = field(init=False, repr=False)

    def __post_init__(self) -> None:
        values = np.asarray(self.values)
        if values.ndim != 2 or 0 in values.shape:
            raise FileFormatError(
                f"grid `values` must be a non-empty 2-D array, got {values.shape}"
            )
        crs = as_crs(self.crs, "crs")
        nodata = ~np.isfinite(values) if self.nodata is None else np.asarray(self.nodata, bool)
        if nodata.shape != values.shape:
            raise FileFormatError(
                f"`nodata` mask has shape {nodata.shape} but `values` has {values.shape}"
            )
        if self.unit not in UNITS:
            raise UnitError(f"`unit` must be one of {UNITS}, got {self.unit!r}")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "crs", crs)
        object.__setattr__(self, "nodata", nodata)
        object.__setattr__(
            self, "spec", GridSpec(Affine(*tuple(self.transform)[:6]), values.shape, crs)
        )
        check_range(values, nodata, self.unit, self.spec)


RANGES = {"binary": (0.0, 1.0), "percent": (0.0, 100.0), "count": (0.0, np.inf)}


def check_range(values: np.ndarray, nodata: np.ndarray, unit: str, spec: GridSpec) -> None:
    valid = values[~nodata]
    low, high = RANGES[unit]
    bad = (valid < low) | (valid > high) | ~np.isfinite(valid)
    if unit == "binary":
        bad |= (valid != 0) & (valid != 1)
    if bad.any():
        flat = np.flatnonzero(~nodata.ravel())[np.flatnonzero(bad)[0]]
        row, col = divmod(int(flat), spec.shape[1])
        x, y = spec.transform @ (col, row)
        allowed = "0 or 1" if unit == "binary" else f"{low:g} to {high:g}"
        raise ValueRangeError(
            f"{int(bad.sum())} cell(s) lie outside the range of unit {unit!r} ({allowed}); "
            f"e.g. value {float(values[row, col]):g} in the cell with lower-left corner "
            f"x={x:.0f}, y={y + spec.transform.e:.0f}; give the right `unit` "
            "(or `threshold` for counts) or mark such cells as nodata"
        )


def infer_unit(values: np.ndarray, nodata: np.ndarray) -> Unit:
    """binary if every valid value is 0 or 1, percent if all lie in 0-100, else count."""
    valid = values[~nodata]
    if np.isin(valid, (0, 1)).all():
        return "binary"
    if valid.size and valid.min() >= 0 and valid.max() <= 100:
        return "percent"
    return "count"


def _crs_name(crs: pyproj.CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name
