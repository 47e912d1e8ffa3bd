"""Vector files of grid-cell polygons (Breitbandatlas GeoPackages; merged Mobilfunk-Monitoring
cells), read with pyogrio; regular cells are decoded straight from their WKB bytes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import rasterio.features
import shapely
from affine import Affine

from ruhrgeo import _optional
from ruhrgeo.errors import CRSMissingError, FileFormatError
from ruhrgeo.grid import GridSpec
from ruhrgeo.io.cell_lattice import CellTable, check_extent, choose_columns, lattice_table
from ruhrgeo.units import unit_of_name

__all__ = ["read_cell_polygons"]

_NOT_VALUES_VECTOR = ("id", "raster_id", "ags", "fid")
_POLYGON_WKB = 93  # bytes of a little-endian WKB polygon with one ring of five points
_POLYGON = np.dtype(
    {
        "names": ["order", "type", "rings", "points", "ring"],
        "formats": ["u1", "<u4", "<u4", "<u4", ("<f8", (5, 2))],
        "offsets": [0, 1, 5, 9, 13],
        "itemsize": _POLYGON_WKB,
    }
)


def read_cell_polygons(path: Path, columns: Sequence[str] | None, layer: str | None) -> CellTable:
    try:
        info = pyogrio.read_info(path, layer=layer)
        fields = [str(f) for f in info["fields"]]
        wanted = choose_columns(path, fields, columns, exclude=_NOT_VALUES_VECTOR)
        read = _read_with_arrow if _optional.available("pyarrow") else _read_with_numpy
        values, wkb = read(path, layer, wanted)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise FileFormatError(f"`source` {str(path)!r} cannot be read ({exc})") from None
    if not info.get("crs"):
        raise CRSMissingError(f"{str(path)!r} has no CRS; the BKG grid is EPSG:25832")
    if len(wkb.offsets) <= 1:
        raise FileFormatError(f"{str(path)!r} holds no cells")
    for column, array in values.items():
        if array.dtype.kind not in "iuf":
            raise FileFormatError(
                f"{str(path)!r}: column {column!r} is {array.dtype}, not numeric; choose a "
                "value column"
            )
    xmin, ymin, xmax, ymax = _bounds(wkb)
    widths, heights = xmax - xmin, ymax - ymin
    size = float(np.median(widths))
    if np.allclose(widths, size) and np.allclose(heights, size):
        return lattice_table(xmin, ymin, size, values, info["crs"], path, None)
    bounds = np.column_stack([xmin, ymin, xmax, ymax])
    return _merged_cells(wkb, bounds, widths, heights, values, info["crs"], path)


@dataclass(frozen=True)
class _WKB:
    """The geometries' WKB bytes, back to back (``data``), with ``offsets`` (n + 1); None
    where a geometry is missing (``missing``)."""

    data: np.ndarray
    offsets: np.ndarray
    missing: bool

    def geometries(self) -> np.ndarray:
        raw = self.data.tobytes()
        return shapely.from_wkb(
            [raw[a:b] or None for a, b in zip(self.offsets[:-1], self.offsets[1:], strict=True)]
        )


def _read_with_arrow(
    path: Path, layer: str | None, wanted: list[str]
) -> tuple[dict[str, np.ndarray], _WKB]:
    """The value columns and the WKB buffer straight from GDAL's Arrow stream (the extra
    ``fast``: no Python object per cell)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    _, table = pyogrio.raw.read_arrow(path, layer=layer, columns=wanted)
    values = {}
    for column in wanted:
        array = table.column(column)
        if not (pa.types.is_integer(array.type) or pa.types.is_floating(array.type)):
            values[column] = np.array([], dtype=object)  # refused by the caller
        elif array.null_count == 0:
            values[column] = array.to_numpy()
        else:  # nulls: float64 with NaN
            values[column] = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
    wkb = table.column(table.num_columns - 1).combine_chunks()
    if pa.types.is_large_binary(wkb.type):
        wkb = wkb.cast(pa.binary())
    offsets = np.frombuffer(wkb.buffers()[1], dtype=np.int32)[
        wkb.offset : wkb.offset + len(wkb) + 1
    ]
    data = np.frombuffer(wkb.buffers()[2], dtype=np.uint8) if len(wkb) else np.zeros(0, np.uint8)
    return values, _WKB(data, offsets.astype(np.int64), wkb.null_count > 0)


def _read_with_numpy(
    path: Path, layer: str | None, wanted: list[str]
) -> tuple[dict[str, np.ndarray], _WKB]:
    """As :func:`_read_with_arrow`, through pyogrio's NumPy reader (the base install)."""
    _, _, geometry, fields = pyogrio.raw.read(path, layer=layer, columns=wanted)
    values = {}
    for column, array in zip(wanted, fields, strict=True):
        masked = np.ma.getmaskarray(array) if isinstance(array, np.ma.MaskedArray) else None
        array = np.asarray(array)
        if masked is not None and masked.any() and array.dtype.kind in "iuf":
            array = np.where(masked, np.nan, array.astype(float))
        values[column] = array
    pieces = [b if b is not None else b"" for b in geometry]
    lengths = np.fromiter((len(b) for b in pieces), dtype=np.int64, count=len(pieces))
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    data = np.frombuffer(b"".join(pieces), dtype=np.uint8)
    return values, _WKB(data, offsets, bool((lengths == 0).any()))


def _bounds(wkb: _WKB) -> tuple[np.ndarray, ...]:
    """``xmin, ymin, xmax, ymax`` of WKB geometries; grid cells (little-endian one-ring
    polygons of five points) are decoded straight from their bytes (a tenth of shapely's
    time), anything else by shapely."""
    offsets = wkb.offsets
    if not wkb.missing and np.all(np.diff(offsets) == _POLYGON_WKB):
        cells = wkb.data[offsets[0] : offsets[-1]].view(_POLYGON)  # in place: no copy
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
    bounds = shapely.bounds(wkb.geometries())
    return tuple(bounds[:, i] for i in range(4))


def _fold(ufunc: np.ufunc, columns: list[np.ndarray]) -> np.ndarray:
    out = ufunc(columns[0], columns[1])
    for column in columns[2:]:
        ufunc(out, column, out=out)
    return out


def _merged_cells(
    wkb: _WKB,
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
    check_extent(spec.cells, len(widths), path, lambda: [])
    geoms = wkb.geometries()
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
