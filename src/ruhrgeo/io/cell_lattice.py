"""Cells on a lattice: the table a grid file's cells are read into, and the checks every
reader of cells shares (one row per cell, an extent in proportion to the cells present, the
value columns chosen)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from affine import Affine

from ruhrgeo.errors import DuplicateIdError, GridExtentError, MissingColumnError
from ruhrgeo.grid import GridSpec
from ruhrgeo.units import unit_of_name

__all__ = ["CellTable", "check_extent", "choose_columns", "lattice_table"]

# A grid's extent may hold this many times the cells present (plus a fixed allowance) before it
# is taken for a stray id: a national 100 m grid of 3.6 M cells spans about 15 times as many.
_EXTENT_FACTOR, _EXTENT_ALLOWANCE = 100, 4_000_000


@dataclass(frozen=True, eq=False)
class CellTable:
    """The cells of a grid file and their values, held sparsely.

    ``cells`` are the cell numbers (row-major) on ``spec``, the extent of the cells present,
    sorted; ``columns`` map a column name to its values, aligned with ``cells``, in the file's
    own dtype when complete, else float64 with NaN where a value is missing (no data).
    ``units`` holds the unit an official column name declares (or None).
    """

    spec: GridSpec
    cells: np.ndarray
    columns: dict[str, np.ndarray]
    units: dict[str, str | None]
    name: str
    _positions: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    def positions(self) -> np.ndarray:
        """Per cell of ``spec``, the row of that cell in ``columns`` (-1: absent); built once."""
        if "p" not in self._positions:
            out = np.full(self.spec.cells, -1, dtype=np.int32)
            out[self.cells] = np.arange(self.cells.size, dtype=np.int32)
            self._positions["p"] = out
        return self._positions["p"]


def choose_columns(
    path: Path, fields: list[str], columns: Sequence[str] | None, exclude: tuple[str, ...]
) -> list[str]:
    if columns is not None:
        absent = [c for c in columns if c not in fields]
        if absent:
            raise MissingColumnError(
                f"{str(path)!r} has no column {', '.join(map(repr, absent))}; columns: "
                f"{fields[:20]}"
            )
        return list(dict.fromkeys(columns))
    candidates = [f for f in fields if f.lower() not in exclude]
    if len(candidates) != 1:
        raise MissingColumnError(
            f"{str(path)!r} has {len(candidates)} value columns {candidates[:20]}; choose with "
            "`column=`"
        )
    return candidates


def lattice_table(
    xmin: np.ndarray,
    ymin: np.ndarray,
    size: float,
    values: dict[str, np.ndarray],
    crs: Any,
    path: Path,
    ids: Sequence[Any] | None,
) -> CellTable:
    """Cells given by their lower-left corners on a lattice of ``size``, sorted by cell number."""
    x0, ytop = float(xmin.min()), float(ymin.max()) + size
    cols = np.rint((xmin - x0) / size).astype(np.int64)
    rows = np.rint((ytop - ymin) / size).astype(np.int64) - 1
    shape = (int(rows.max()) + 1, int(cols.max()) + 1)
    check_extent(
        shape[0] * shape[1],
        len(rows),
        path,
        functools.partial(_outliers, rows, cols, ids, xmin, ymin),
    )
    spec = GridSpec(Affine(size, 0, x0, 0, -size, ytop), shape, crs)
    flat = rows * shape[1] + cols
    order = None if bool(np.all(flat[1:] > flat[:-1])) else np.argsort(flat, kind="stable")
    if order is not None:  # files written row by row are in order already
        flat = flat[order]
    repeated = flat[1:] == flat[:-1]
    if repeated.any():
        at = int(np.flatnonzero(repeated)[0])
        first = int(order[at]) if order is not None else at
        raise DuplicateIdError(
            f"{str(path)!r}: {int(repeated.sum())} grid cell(s) occur more than once, e.g. the "
            f"cell with lower-left corner x={xmin[first]:.0f}, y={ymin[first]:.0f}; keep one row "
            "per cell"
        )
    return CellTable(
        spec,
        flat,
        {c: (v if order is None else v[order]) for c, v in values.items()},
        {c: unit_of_name(c) for c in values},
        path.name,
    )


def check_extent(extent: int, present: int, path: Path, outliers: Any) -> None:
    if extent <= _EXTENT_FACTOR * present + _EXTENT_ALLOWANCE:
        return
    named = outliers()
    raise GridExtentError(
        f"{str(path)!r}: its {present} cell(s) span {extent:,} cells of the grid, far more than "
        f"cells present"
        + (f", because of outlying cell(s) {named}" if named else "")
        + "; remove or fix stray ids (or split the file by region)"
    )


def _outliers(
    rows: np.ndarray,
    cols: np.ndarray,
    ids: Sequence[Any] | None,
    xmin: np.ndarray,
    ymin: np.ndarray,
) -> list[str]:
    """The (up to three) cells farthest from the median cell."""
    distance = np.abs(rows - np.median(rows)) + np.abs(cols - np.median(cols))
    far = np.argsort(distance)[::-1][:3]
    if ids is not None:
        return [str(_item(ids[int(i)])) for i in far]
    return [f"x={xmin[i]:.0f}, y={ymin[i]:.0f}" for i in far]


def _item(value: Any) -> Any:
    """A cell id from pyarrow (a scalar to unwrap) or from pandas (already Python)."""
    return value.as_py() if hasattr(value, "as_py") else value
