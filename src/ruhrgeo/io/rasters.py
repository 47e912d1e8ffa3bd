"""Rasters (GeoTIFF, COG, anything GDAL reads): their grid from the header, windows of one band.

A raster is never read whole to learn where it lies; windows are read in the band's own dtype,
and a cell has no data where the file's nodata value, mask band or alpha say so (any of them),
or where it is NaN. A band with a scale or offset (GDAL's ``scale``/``offset``: the value meant
is ``raw * scale + offset``) is read as those values, in float64.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import rasterio
from pyproj import CRS
from rasterio.enums import MaskFlags
from rasterio.windows import Window

from ruhrgeo._validate import existing_path
from ruhrgeo.errors import CRSMissingError, FileFormatError
from ruhrgeo.grid import GridSpec
from ruhrgeo.units import unit_of_name

__all__ = ["RasterHeader", "open_raster", "raster_header", "read_window"]


@dataclass(frozen=True)
class RasterHeader:
    """What a raster's header says: its grid, the band's declared unit and how it marks nodata."""

    path: str
    band: int
    spec: GridSpec
    unit: str | None
    masked: bool  # a mask band or alpha marks nodata
    nodata: float | None  # the nodata value (None: none, or NaN)
    blocks: tuple[int, int]  # the band's blocks (rows, cols): what GDAL decodes at once
    scale: float = 1.0  # the value meant is raw * scale + offset
    offset: float = 0.0

    @property
    def scaled(self) -> bool:
        """Whether the raw values need the band's scale or offset applied."""
        return (self.scale, self.offset) != (1.0, 0.0)


def open_raster(source: str | os.PathLike[str]) -> rasterio.DatasetReader:
    """Open a raster, or raise :class:`~ruhrgeo.errors.FileFormatError` naming it."""
    path = os.fspath(existing_path(source, "source"))
    try:
        return rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise FileFormatError(
            f"`source` {path!r} is neither a raster GDAL reads nor a grid CSV or GeoPackage "
            f"({exc}); give a GeoTIFF, a .csv or a .gpkg"
        ) from None


def raster_header(
    dataset: rasterio.DatasetReader | str | os.PathLike[str], band: int
) -> RasterHeader:
    """The header of ``dataset`` (an open rasterio dataset or a path) for one band.

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np, rasterio
    >>> from affine import Affine
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "5g.tif"
    >>> with rasterio.open(path, "w", driver="GTiff", height=2, width=3, count=1, dtype="uint8",
    ...                    crs="EPSG:25832", transform=Affine(100, 0, 0, 0, -100, 200)) as dst:
    ...     dst.write(np.ones((1, 2, 3), np.uint8)); dst.units = ("binary",)
    >>> header = raster_header(path, 1)
    >>> header.spec.shape, header.unit
    ((2, 3), 'binary')
    """
    if isinstance(dataset, rasterio.io.DatasetReaderBase):
        return _header(dataset, band)
    with open_raster(dataset) as ds:
        return _header(ds, band)


def _header(ds: rasterio.DatasetReader, band: int) -> RasterHeader:
    if ds.crs is None:
        raise CRSMissingError(
            f"raster {ds.name!r} has no CRS; assign one, e.g. `gdal_edit.py -a_srs EPSG:25832 FILE`"
        )
    if not isinstance(band, int) or not 1 <= band <= ds.count:
        raise FileFormatError(
            f"`band` {band!r} does not exist in {ds.name!r}, which has {ds.count} band(s)"
        )
    flags = ds.mask_flag_enums[band - 1]
    masked = MaskFlags.per_dataset in flags or MaskFlags.alpha in flags
    scale, offset = ds.scales[band - 1], ds.offsets[band - 1]
    if not (np.isfinite(scale) and np.isfinite(offset)) or scale == 0:
        raise FileFormatError(
            f"raster {ds.name!r} band {band} declares scale {scale!r} and offset {offset!r}; "
            "a scale must be a finite number other than 0 and the offset finite: fix them "
            "with `gdal_edit.py -scale 1 -offset 0` if the values are meant as stored"
        )
    nodata = ds.nodatavals[band - 1]
    nodata = None if nodata is None or np.isnan(nodata) else float(nodata)
    # WKT2 parses in under a millisecond; the WKT1 GDAL gives by default takes ~20 ms
    crs = CRS.from_wkt(ds.crs.to_wkt(version="WKT2_2019"))
    spec = GridSpec(ds.transform, (ds.height, ds.width), crs)
    unit = unit_of_name(ds.units[band - 1])
    blocks = ds.block_shapes[band - 1]
    return RasterHeader(
        ds.name, band, spec, unit, masked, nodata, blocks, float(scale), float(offset)
    )


def read_window(
    ds: rasterio.DatasetReader,
    header: RasterHeader,
    window: Window,
    parts: Sequence[Window] | None = None,
) -> tuple[np.ndarray, np.ndarray | None]:
    """The values of ``window`` (row-major) in the band's dtype (float64 with the band's scale
    and offset applied, if it has them), and their nodata mask (None: all valid). With
    ``parts`` (windows inside ``window``) only they are read; every other cell reads as 0
    (with data, unless 0 is the band's nodata value)."""
    try:
        if parts is None:
            values = ds.read(header.band, window=window)
            mask = ds.read_masks(header.band, window=window) if header.masked else None
        else:
            values, mask = _read_parts(ds, header, window, parts)
    except rasterio.errors.RasterioIOError as exc:
        raise FileFormatError(
            f"raster {header.path!r} cannot be read at rows {window.row_off}-"
            f"{window.row_off + window.height}, cols {window.col_off}-"
            f"{window.col_off + window.width} ({exc}); the file may be truncated or corrupt"
        ) from None
    values = values.ravel()
    mask = None if mask is None else mask.ravel()
    nodata = None if mask is None else mask == 0
    if header.nodata is not None and _may_hold(values, header.nodata):
        filled = values == header.nodata  # with a mask band too: either marks no data
        nodata = filled if nodata is None else nodata | filled
    if values.dtype.kind == "f":
        nan = np.isnan(values)
        nodata = nan if nodata is None else nodata | nan
    if header.scaled:
        values = values * header.scale + header.offset  # float64: the values the band means
    return values, nodata


def _read_parts(
    ds: rasterio.DatasetReader, header: RasterHeader, window: Window, parts: Sequence[Window]
) -> tuple[np.ndarray, np.ndarray | None]:
    shape = (int(window.height), int(window.width))
    values = np.zeros(shape, ds.dtypes[header.band - 1])
    mask = np.full(shape, 255, np.uint8) if header.masked else None
    for part in parts:
        top, left = int(part.row_off - window.row_off), int(part.col_off - window.col_off)
        at = (slice(top, top + int(part.height)), slice(left, left + int(part.width)))
        ds.read(header.band, window=part, out=values[at])
        if mask is not None:  # read_masks ignores an `out` that is a view
            mask[at] = ds.read_masks(header.band, window=part)
    return values, mask


def _may_hold(values: np.ndarray, value: float) -> bool:
    """Whether ``value`` may lie among ``values``: integers outside their range do not (two
    passes without a mask the size of the window, which most windows would not need)."""
    if values.dtype.kind not in "ui" or not values.size:
        return True
    return bool(values.min() <= value <= values.max())
