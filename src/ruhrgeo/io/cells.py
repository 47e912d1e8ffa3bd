"""Grids given cell by cell: BKG UTM and INSPIRE grid CSVs, GeoPackages of grid-cell polygons.

A :class:`CellTable` holds the cells a file has (sorted cell numbers on the file's lattice) and
any number of its value columns, read in ONE pass: memory follows the cells present, never the
grid's extent, and a file of 3.6 million cells with 168 columns is read once for all the columns
a job needs.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyogrio
import rasterio.features
import shapely
from affine import Affine

from ruhrgeo._validate import as_crs, existing_path
from ruhrgeo.errors import (
    CRSMissingError,
    DuplicateIdError,
    FileFormatError,
    GridExtentError,
    MissingColumnError,
)
from ruhrgeo.grid import GridSpec
from ruhrgeo.units import unit_of_name

__all__ = ["CSV_SUFFIXES", "VECTOR_SUFFIXES", "CellTable", "read_cell_table"]

# BKG UTM ids carry hectometres/kilometres (`100mN56789E3512`); INSPIRE ids metres
# (`CRS3035RES100mN2689100E4337000`).
_CELL_ID = r"^(?:CRS(?P<crs>\d+)RES)?(?P<size>\d+)(?P<unit>k?m)N(?P<n>\d+)E(?P<e>\d+)$"
_BKG_CRS = 25832
_MISSING = ["", "-", "–", "—", ".", "x", "/", "..."]
_NOT_VALUES = ("x_mp_100m", "y_mp_100m", "x_mp_1km", "y_mp_1km", "werterlaeuternde_zeichen")
_NOT_VALUES_VECTOR = ("id", "raster_id", "ags", "fid")
CSV_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".csv.gz")
VECTOR_SUFFIXES: tuple[str, ...] = (".gpkg", ".geojson", ".shp", ".fgb")
# A grid's extent may hold this many times the cells present (plus a fixed allowance) before it
# is taken for a stray id: a national 100 m grid of 3.6 M cells spans about 15 times as many.
_EXTENT_FACTOR, _EXTENT_ALLOWANCE = 100, 4_000_000
_POLYGON_WKB = 93  # bytes of a little-endian WKB polygon with one ring of five points
_POLYGON = np.dtype(
    {
        "names": ["order", "type", "rings", "points", "ring"],
        "formats": ["u1", "<u4", "<u4", "<u4", ("<f8", (5, 2))],
        "offsets": [0, 1, 5, 9, 13],
        "itemsize": _POLYGON_WKB,
    }
)


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


def read_cell_table(
    path: str | os.PathLike[str],
    columns: Sequence[str] | None = None,
    *,
    layer: str | None = None,
    crs: Any = None,
) -> CellTable:
    """Read a grid CSV (cell ids) or a GeoPackage of cell polygons with ``columns`` in one pass.

    Parameters
    ----------
    path
        A grid CSV with BKG UTM cell ids (``100mN56789E3512``, EPSG:25832, e.g.
        Mobilfunk-Monitoring) or INSPIRE ids (``CRS3035RES100mN2689100E4337000``, e.g.
        Zensus 2022), separator ``;`` or ``,``; or a vector file of cell polygons (e.g.
        Breitbandatlas), merged cells included (Mobilfunk-Monitoring polygons).
    columns
        The value columns; default the file's only value column.
    layer
        The layer of a multi-layer GeoPackage.
    crs
        Overrides the CRS of a grid CSV whose ids carry none (default EPSG:25832).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mobilfunk.csv"
    >>> _ = path.write_text("id;lte;nr_gesamt\\n100mN56789E3512;3;1\\n100mN56789E3514;2;0\\n")
    >>> table = read_cell_table(path, ["lte", "nr_gesamt"])
    >>> table.spec.shape, table.cells.tolist(), table.columns["lte"].tolist(), table.units["lte"]
    ((1, 3), [0, 2], [3.0, 2.0], 'count')
    """
    source = existing_path(path, "source")
    name = source.name.lower()
    if name.endswith(CSV_SUFFIXES):
        return _read_grid_csv(source, columns, crs)
    if name.endswith(VECTOR_SUFFIXES):
        return _read_cell_polygons(source, columns, layer)
    raise FileFormatError(
        f"`source` {str(source)!r} is neither a grid CSV ({', '.join(CSV_SUFFIXES)}) nor a "
        f"vector file of cells ({', '.join(VECTOR_SUFFIXES)})"
    )


# --- grid CSVs ---------------------------------------------------------------------------------


def _read_grid_csv(path: Path, columns: Sequence[str] | None, crs: Any) -> CellTable:
    header, first_row, sep = _csv_head(path)
    id_col = next((h for h, v in zip(header, first_row, strict=False) if _matches_id(v)), None)
    if id_col is None:
        raise FileFormatError(
            f"grid CSV {str(path)!r}: no column holds grid cell ids such as "
            "'100mN56789E3512' or 'CRS3035RES100mN2689100E4337000' (first row: "
            f"{dict(zip(header, first_row, strict=False))}); give a BKG or INSPIRE grid CSV"
        )
    wanted = _choose_columns(path, header, columns, exclude=(id_col.lower(), *_NOT_VALUES))
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding="utf-8"),
            parse_options=pacsv.ParseOptions(delimiter=sep),
            convert_options=pacsv.ConvertOptions(
                include_columns=[id_col, *wanted],
                column_types={id_col: pa.string(), **{c: pa.float64() for c in wanted}},
                null_values=_MISSING,
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        number = re.search(r"column #(\d+)", str(exc))
        column = header[int(number.group(1))] if number else ", ".join(wanted)
        raise FileFormatError(
            f"grid CSV {str(path)!r}: column {column!r} is not numeric ({_first_line(exc)}); "
            "choose another `column` or clean the file"
        ) from None
    ids = table.column(id_col).combine_chunks()
    parts = pc.extract_regex(ids, _CELL_ID)
    if parts.null_count:
        bad = ids.filter(pc.is_null(parts))[0].as_py()
        raise FileFormatError(
            f"grid CSV {str(path)!r}: {parts.null_count} id(s) in {id_col!r} are not grid "
            f"cell ids, e.g. {bad!r}"
        )
    kinds = pc.unique(
        pc.binary_join_element_wise(
            pc.struct_field(parts, "crs"),
            pc.struct_field(parts, "size"),
            pc.struct_field(parts, "unit"),
            "/",
        )
    ).to_pylist()
    if len(kinds) != 1:
        raise FileFormatError(f"grid CSV {str(path)!r} mixes grids {kinds}; split it by cell size")
    crs_code, size_text, size_unit = kinds[0].split("/")
    size = int(size_text) * (1000 if size_unit == "km" else 1)
    try:
        north = pc.cast(pc.struct_field(parts, "n"), pa.int64()).to_numpy()
        east = pc.cast(pc.struct_field(parts, "e"), pa.int64()).to_numpy()
    except pa.ArrowInvalid:
        raise GridExtentError(
            f"grid CSV {str(path)!r}: a cell id holds a coordinate too large for any grid; "
            "check the ids"
        ) from None
    if crs_code:  # INSPIRE: metres
        grid_crs = as_crs(crs or int(crs_code), "crs")
    else:  # BKG UTM: multiples of the cell size
        north, east = north * size, east * size
        grid_crs = as_crs(crs or _BKG_CRS, "crs")
    values = {c: table.column(c).to_numpy(zero_copy_only=False) for c in wanted}
    return _table(east, north, float(size), values, grid_crs, path, ids)


def _csv_head(path: Path) -> tuple[list[str], list[str], str]:
    with open(path, "rb") as fh:
        raw = fh.read(1 << 16)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if exc.start < len(raw) - 4:  # not merely a character cut at the end of the sample
            raise FileFormatError(
                f"grid CSV {str(path)!r} is not UTF-8 (byte {raw[exc.start]:#x} at position "
                f"{exc.start}); it may be Windows-1252/Latin-1: convert it, e.g. `iconv -f "
                "cp1252 -t utf-8`"
            ) from None
        text = raw[: exc.start].decode("utf-8-sig")
    lines = text.splitlines()
    header_line = lines[0] if lines else ""
    row_line = lines[1] if len(lines) > 1 else ""
    if not header_line.strip():
        raise FileFormatError(f"grid CSV {str(path)!r} is empty; give a file with a header row")
    if not row_line.strip():
        raise FileFormatError(
            f"grid CSV {str(path)!r} has a header but no rows of cells; check the export"
        )
    sep = max((";", ",", "\t"), key=header_line.count)
    header = [h.strip().strip('"') for h in header_line.split(sep)]
    return header, [v.strip().strip('"') for v in row_line.split(sep)], sep


def _matches_id(value: str) -> bool:
    return re.match(_CELL_ID, value) is not None


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0]


# --- vector files of cells ---------------------------------------------------------------------


def _read_cell_polygons(path: Path, columns: Sequence[str] | None, layer: str | None) -> CellTable:
    try:
        info = pyogrio.read_info(path, layer=layer)
        fields = [str(f) for f in info["fields"]]
        wanted = _choose_columns(path, fields, columns, exclude=_NOT_VALUES_VECTOR)
        _, table = pyogrio.raw.read_arrow(path, layer=layer, columns=wanted)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise FileFormatError(f"`source` {str(path)!r} cannot be read ({exc})") from None
    if not info.get("crs"):
        raise CRSMissingError(f"{str(path)!r} has no CRS; the BKG grid is EPSG:25832")
    if table.num_rows == 0:
        raise FileFormatError(f"{str(path)!r} holds no cells")
    values = {c: _numeric_column(table, c, path) for c in wanted}
    xmin, ymin, xmax, ymax = _bounds(table.column(table.num_columns - 1))
    widths, heights = xmax - xmin, ymax - ymin
    size = float(np.median(widths))
    if np.allclose(widths, size) and np.allclose(heights, size):
        return _table(xmin, ymin, size, values, info["crs"], path, None)
    bounds = np.column_stack([xmin, ymin, xmax, ymax])
    return _merged_cells(table, bounds, widths, heights, values, info["crs"], path)


def _numeric_column(table: pa.Table, column: str, path: Path) -> np.ndarray:
    """A column's values: in its own dtype when complete, else as float64 with NaN for nulls."""
    array = table.column(column)
    if not (pa.types.is_integer(array.type) or pa.types.is_floating(array.type)):
        raise FileFormatError(
            f"{str(path)!r}: column {column!r} is {array.type}, not numeric; choose a value column"
        )
    if array.null_count == 0:
        return array.to_numpy()
    return pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)


def _bounds(geometry: pa.ChunkedArray) -> tuple[np.ndarray, ...]:
    """``xmin, ymin, xmax, ymax`` of WKB geometries; grid cells (little-endian one-ring
    polygons of five points) are decoded straight from their bytes (a tenth of shapely's
    time), anything else by shapely."""
    wkb = geometry.combine_chunks()
    if pa.types.is_large_binary(wkb.type):
        wkb = wkb.cast(pa.binary())
    offsets = np.frombuffer(wkb.buffers()[1], dtype=np.int32)[
        wkb.offset : wkb.offset + len(wkb) + 1
    ]
    if wkb.null_count == 0 and np.all(np.diff(offsets) == _POLYGON_WKB):
        data = np.frombuffer(wkb.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
        cells = data.view(_POLYGON)  # the records in place: no copy of the bytes
        if (
            (cells["order"] == 1).all()
            and (cells["type"] == 3).all()
            and (cells["rings"] == 1).all()
            and (cells["points"] == 5).all()
        ):
            ring = cells["ring"]  # the fifth point closes the ring
            x, y = [ring[:, i, 0] for i in range(4)], [ring[:, i, 1] for i in range(4)]
            return (
                _fold(np.minimum, x),
                _fold(np.minimum, y),
                _fold(np.maximum, x),
                _fold(np.maximum, y),
            )
    bounds = shapely.bounds(shapely.from_wkb(wkb.to_numpy(zero_copy_only=False)))
    return tuple(bounds[:, i] for i in range(4))


def _fold(ufunc: np.ufunc, columns: list[np.ndarray]) -> np.ndarray:
    out = ufunc(columns[0], columns[1])
    for column in columns[2:]:
        ufunc(out, column, out=out)
    return out


def _merged_cells(
    table: pa.Table,
    bounds: np.ndarray,
    widths: np.ndarray,
    heights: np.ndarray,
    values: dict[str, np.ndarray],
    crs: Any,
    path: Path,
) -> CellTable:
    """Merged cells (Mobilfunk-Monitoring polygons): burnt on the lattice of the smallest side;
    polygons whose edges follow grid lines are reproduced exactly."""
    size = float(np.min(np.minimum(widths, heights)))
    x0 = np.floor(bounds[:, 0].min() / size) * size
    ytop = np.ceil(bounds[:, 3].max() / size) * size
    shape = (
        int(np.ceil((ytop - bounds[:, 1].min()) / size)),
        int(np.ceil((bounds[:, 2].max() - x0) / size)),
    )
    spec = GridSpec(Affine(size, 0, x0, 0, -size, ytop), shape, crs)
    _check_extent(spec.cells, len(widths), path, lambda: [])
    geoms = shapely.from_wkb(table.column(table.num_columns - 1).to_numpy())
    burnt = {}
    for column, column_values in values.items():
        valid = ~np.isnan(column_values)
        burnt[column] = rasterio.features.rasterize(
            zip(geoms[valid], column_values[valid], strict=True),
            out_shape=shape,
            transform=spec.transform,
            fill=np.nan,
            dtype="float64",
        ).ravel()
    present = np.flatnonzero(~np.all([np.isnan(v) for v in burnt.values()], axis=0))
    return CellTable(
        spec,
        present,
        {c: v[present] for c, v in burnt.items()},
        {c: unit_of_name(c) for c in values},
        path.name,
    )


# --- shared ------------------------------------------------------------------------------------


def _choose_columns(
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


def _table(
    xmin: np.ndarray,
    ymin: np.ndarray,
    size: float,
    values: dict[str, np.ndarray],
    crs: Any,
    path: Path,
    ids: pa.Array | None,
) -> CellTable:
    """Cells given by their lower-left corners on a lattice of ``size``, sorted by cell number."""
    x0, ytop = float(xmin.min()), float(ymin.max()) + size
    cols = np.rint((xmin - x0) / size).astype(np.int64)
    rows = np.rint((ytop - ymin) / size).astype(np.int64) - 1
    shape = (int(rows.max()) + 1, int(cols.max()) + 1)
    _check_extent(
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


def _check_extent(extent: int, present: int, path: Path, outliers: Any) -> None:
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
    rows: np.ndarray, cols: np.ndarray, ids: pa.Array | None, xmin: np.ndarray, ymin: np.ndarray
) -> list[str]:
    """The (up to three) cells farthest from the median cell."""
    distance = np.abs(rows - np.median(rows)) + np.abs(cols - np.median(cols))
    far = np.argsort(distance)[::-1][:3]
    if ids is not None:
        return [str(ids[int(i)].as_py()) for i in far]
    return [f"x={xmin[i]:.0f}, y={ymin[i]:.0f}" for i in far]
