"""Reading coverage and population grids.

GeoTIFF/COG, BKG UTM and INSPIRE grid CSVs, GeoPackages of grid cells.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyogrio
import rasterio
import rasterio.features
import shapely
from affine import Affine

from ruhrgeo._validate import as_crs, existing_path
from ruhrgeo.errors import (
    CRSMissingError,
    DuplicateIdError,
    FileFormatError,
    MissingColumnError,
    UnitError,
)
from ruhrgeo.grid import UNITS, Grid, infer_unit

__all__ = ["read_coverage"]

# BKG UTM ids carry hectometres/kilometres (`100mN56789E3512`); INSPIRE ids metres
# (`CRS3035RES100mN2689100E4337000`).
_CELL_ID = r"^(?:CRS(?P<crs>\d+)RES)?(?P<size>\d+)(?P<unit>k?m)N(?P<n>\d+)E(?P<e>\d+)$"
_BKG_CRS = 25832
_MISSING = ["", "-", "–", "—", ".", "x", "/", "..."]
# Units known from the official schemas; anything else is inferred from the values.
_COUNT_COLUMNS = re.compile(
    r"^(einwohner|population|ewz|haushalte|households|lte|nr_\w+|mobilesbb_anzahlmnb)$", re.I
)
_PERCENT_COLUMNS = re.compile(r"^(down|up)_(fn|mf)_", re.I)
CSV_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".csv.gz")
VECTOR_SUFFIXES: tuple[str, ...] = (".gpkg", ".geojson", ".shp", ".fgb")


def read_coverage(
    source: str | os.PathLike[str] | Grid,
    *,
    column: str | None = None,
    threshold: float | None = None,
    unit: str | None = None,
    layer: str | None = None,
    crs: Any = None,
    band: int = 1,
) -> Grid:
    """Read a coverage (or population) grid.

    Parameters
    ----------
    source
        A raster rasterio opens (GeoTIFF, COG, ...); a grid CSV with BKG UTM cell ids
        (``100mN56789E3512``, EPSG:25832, e.g. Mobilfunk-Monitoring) or INSPIRE ids
        (``CRS3035RES100mN2689100E4337000``, e.g. Zensus 2022), separator ``;`` or ``,``
        detected; a GeoPackage of grid-cell polygons (e.g. Breitbandatlas), or a
        :class:`~ruhrgeo.grid.Grid`. Cells absent from a CSV or GeoPackage are nodata,
        and so are the markers ``-``, ``–``, ``.`` and empty cells.
    column
        The value column of a CSV or GeoPackage (``nr_gesamt``,
        ``down_fn_hh_ftthb_1000``, ``Einwohner``). Needed when there is more than one.
    threshold
        Turn counts into coverage: a cell is covered (1) when its value is
        ``>= threshold`` (``column="nr_gesamt", threshold=1`` is 5G).
    unit
        ``"binary"``, ``"percent"`` or ``"count"``. Default: ``"binary"`` with a
        threshold, else inferred (all values 0/1: binary; all in 0-100: percent; else
        count), except for the official columns: Breitbandatlas ``down_*``/``up_*`` are
        percent; ``Einwohner``, ``nr_gesamt``, ``lte`` and the like are counts. Give it
        explicitly when a percent layer might hold only 0 and 1.
    layer
        The layer of a multi-layer GeoPackage.
    crs
        Overrides the CRS of a grid CSV whose ids carry none (default EPSG:25832).
    band
        The raster band to read.

    Returns
    -------
    Grid

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mobilfunk.csv"
    >>> _ = path.write_text("id;lte;nr_gesamt\\n100mN56789E3512;3;1\\n100mN56789E3513;3;0\\n")
    >>> g = read_coverage(path, column="nr_gesamt", threshold=1)
    >>> g.values.tolist(), g.unit, g.spec.bounds
    ([[1, 0]], 'binary', (351200.0, 5678900.0, 351400.0, 5679000.0))
    """
    if unit is not None and unit not in UNITS:
        raise UnitError(f"`unit` must be one of {UNITS}, got {unit!r}")
    if isinstance(source, Grid):
        values, nodata, transform, grid_crs = (
            source.values,
            source.nodata,
            source.transform,
            source.crs,
        )
        column = None
    else:
        path = existing_path(source, "source")
        name = path.name.lower()
        if name.endswith(CSV_SUFFIXES):
            values, nodata, transform, grid_crs, column = _read_grid_csv(path, column, crs)
        elif name.endswith(VECTOR_SUFFIXES):
            values, nodata, transform, grid_crs, column = _read_cell_polygons(path, column, layer)
        else:
            values, nodata, transform, grid_crs = _read_raster(path, band)
    if threshold is not None:
        values = np.where(nodata, 0, values >= threshold).astype(np.uint8)
        unit = unit or "binary"
    unit = unit or _unit_of_column(column) or infer_unit(values, nodata)
    return Grid(values, transform, grid_crs, nodata=nodata, unit=unit)


def _unit_of_column(column: str | None) -> str | None:
    if column is None:
        return None
    if _COUNT_COLUMNS.match(column):
        return "count"
    return "percent" if _PERCENT_COLUMNS.match(column) else None


def _read_raster(path: Path, band: int) -> tuple[np.ndarray, np.ndarray, Affine, Any]:
    try:
        with rasterio.open(path) as ds:
            if ds.crs is None:
                raise CRSMissingError(
                    f"raster {str(path)!r} has no CRS; assign one, e.g. "
                    "`gdal_edit.py -a_srs EPSG:25832 FILE`"
                )
            if not 1 <= band <= ds.count:
                raise FileFormatError(f"`band` {band} does not exist; {path.name} has {ds.count}")
            data = ds.read(band, masked=True)
            transform, crs = ds.transform, ds.crs.to_wkt()
    except rasterio.errors.RasterioIOError as exc:
        raise FileFormatError(
            f"`source` {str(path)!r} is neither a raster GDAL reads nor a grid CSV or "
            f"GeoPackage ({exc}); give a GeoTIFF, a .csv or a .gpkg"
        ) from None
    values = np.asarray(data.data)
    nodata = np.ma.getmaskarray(data)
    if values.dtype.kind == "f":
        nodata |= ~np.isfinite(values)
    return values, nodata, transform, crs


def _read_grid_csv(
    path: Path, column: str | None, crs: Any
) -> tuple[np.ndarray, np.ndarray, Affine, Any, str]:
    header, first_row, sep = _csv_head(path)
    id_col = next((h for h, v in zip(header, first_row, strict=False) if _matches_id(v)), None)
    if id_col is None:
        raise FileFormatError(
            f"grid CSV {str(path)!r}: no column holds grid cell ids such as "
            "'100mN56789E3512' or 'CRS3035RES100mN2689100E4337000' (first row: "
            f"{dict(zip(header, first_row, strict=False))}); give a BKG or INSPIRE grid CSV"
        )
    value_col = _value_column(path, header, id_col, column)
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding="utf-8"),
            parse_options=pacsv.ParseOptions(delimiter=sep),
            convert_options=pacsv.ConvertOptions(
                include_columns=[id_col, value_col],
                column_types={id_col: pa.string(), value_col: pa.float64()},
                null_values=_MISSING,
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise FileFormatError(
            f"grid CSV {str(path)!r}: column {value_col!r} is not numeric ({exc}); "
            f"choose another `column` or clean the file"
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
    crs_code, size_text, size_unit = (
        pc.struct_field(parts, "crs")[0].as_py(),
        *kinds[0].split("/")[1:],
    )
    size = int(size_text) * (1000 if size_unit == "km" else 1)
    north = pc.cast(pc.struct_field(parts, "n"), pa.int64()).to_numpy()
    east = pc.cast(pc.struct_field(parts, "e"), pa.int64()).to_numpy()
    if crs_code:  # INSPIRE: metres
        grid_crs = as_crs(crs or int(crs_code), "crs")
    else:  # BKG UTM: multiples of the cell size
        north, east = north * size, east * size
        grid_crs = as_crs(crs or _BKG_CRS, "crs")
    values = table.column(value_col).to_numpy(zero_copy_only=False)
    return (*_place_cells(east, north, float(size), values, grid_crs, path), value_col)


def _place_cells(
    xmin: np.ndarray, ymin: np.ndarray, size: float, values: np.ndarray, crs: Any, path: Path
) -> tuple[np.ndarray, np.ndarray, Affine, Any]:
    """Put cells given by their lower-left corners into a dense north-up array."""
    x0, ytop = xmin.min(), ymin.max() + size
    cols = np.rint((xmin - x0) / size).astype(np.int64)
    rows = np.rint((ytop - ymin) / size).astype(np.int64) - 1
    shape = (int(rows.max()) + 1, int(cols.max()) + 1)
    flat = rows * shape[1] + cols
    order = np.sort(flat)
    repeated = order[1:][order[1:] == order[:-1]]
    if repeated.size:
        first = int(np.flatnonzero(flat == repeated[0])[0])
        raise DuplicateIdError(
            f"{str(path)!r}: {np.unique(repeated).size} grid cell(s) occur more than once, "
            f"e.g. the cell with lower-left corner x={xmin[first]:.0f}, y={ymin[first]:.0f}; "
            "keep one row per cell"
        )
    out = np.zeros(shape, dtype=np.float64)
    nodata = np.ones(shape, dtype=bool)
    missing = np.isnan(values)
    out.ravel()[flat[~missing]] = values[~missing]
    nodata.ravel()[flat[~missing]] = False
    return out, nodata, Affine(size, 0, float(x0), 0, -size, float(ytop)), crs


def _read_cell_polygons(
    path: Path, column: str | None, layer: str | None
) -> tuple[np.ndarray, np.ndarray, Affine, Any, str]:
    try:
        info = pyogrio.read_info(path, layer=layer)
        fields = [str(f) for f in info["fields"]]
        value_col = _choose_column(path, fields, column, exclude=("id", "raster_id", "ags", "fid"))
        _, _, geoms_wkb, field_data = pyogrio.raw.read(path, layer=layer, columns=[value_col])
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise FileFormatError(f"`source` {str(path)!r} cannot be read ({exc})") from None
    if not info.get("crs"):
        raise CRSMissingError(f"{str(path)!r} has no CRS; the BKG grid is EPSG:25832")
    geoms = shapely.from_wkb(geoms_wkb)
    values = np.asarray(field_data[0], dtype=np.float64)
    bounds = shapely.bounds(geoms)
    widths, heights = bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]
    size = float(np.median(widths))
    single = np.allclose(widths, size) and np.allclose(heights, size)
    if single:
        return (
            *_place_cells(bounds[:, 0], bounds[:, 1], size, values, info["crs"], path),
            value_col,
        )
    # Merged cells (Mobilfunk-Monitoring polygons): rasterise on the grid of the smallest
    # side; polygons whose edges follow grid lines are then reproduced exactly.
    size = float(np.min(np.minimum(widths, heights)))
    x0 = np.floor(bounds[:, 0].min() / size) * size
    ytop = np.ceil(bounds[:, 3].max() / size) * size
    shape = (
        int(np.ceil((ytop - bounds[:, 1].min()) / size)),
        int(np.ceil((bounds[:, 2].max() - x0) / size)),
    )
    transform = Affine(size, 0, x0, 0, -size, ytop)
    valid = ~np.isnan(values)
    burned = rasterio.features.rasterize(
        zip(geoms[valid], values[valid], strict=True),
        out_shape=shape,
        transform=transform,
        fill=np.nan,
        dtype="float64",
    )
    return burned, np.isnan(burned), transform, info["crs"], value_col


def _csv_head(path: Path) -> tuple[list[str], list[str], str]:
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        header_line, row_line = fh.readline().rstrip("\r\n"), fh.readline().rstrip("\r\n")
    sep = max((";", ",", "\t"), key=header_line.count)
    if not header_line or (header_line.count(sep) == 0 and not row_line):
        raise FileFormatError(f"grid CSV {str(path)!r} is empty or has no data rows")
    header = [h.strip().strip('"') for h in header_line.split(sep)]
    return header, [v.strip().strip('"') for v in row_line.split(sep)], sep


def _matches_id(value: str) -> bool:
    return re.match(_CELL_ID, value) is not None


def _value_column(path: Path, header: list[str], id_col: str, column: str | None) -> str:
    skip = (
        id_col.lower(),
        "x_mp_100m",
        "y_mp_100m",
        "x_mp_1km",
        "y_mp_1km",
        "werterlaeuternde_zeichen",
    )
    return _choose_column(path, header, column, exclude=skip)


def _choose_column(
    path: Path, fields: list[str], column: str | None, exclude: tuple[str, ...]
) -> str:
    if column is not None:
        if column not in fields:
            raise MissingColumnError(
                f"{str(path)!r} has no column {column!r}; columns: {fields[:20]}"
            )
        return column
    candidates = [f for f in fields if f.lower() not in exclude]
    if len(candidates) != 1:
        raise MissingColumnError(
            f"{str(path)!r} has several value columns {candidates[:20]}; choose one with `column=`"
        )
    return candidates[0]
