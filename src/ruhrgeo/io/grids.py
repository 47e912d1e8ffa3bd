"""Reading one coverage or population grid into memory: GeoTIFF/COG, BKG UTM and INSPIRE grid
CSVs, GeoPackages of grid cells.

The overlay does not need this (it reads windows and cell tables itself, see
:class:`ruhrgeo.GridSource`); it is for looking at a grid, regridding it or passing it around.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from rasterio.windows import Window

from ruhrgeo.grid import Grid
from ruhrgeo.io.readers import open_reader
from ruhrgeo.io.sources import GridSource
from ruhrgeo.units import check_range

__all__ = ["read_coverage"]


def read_coverage(
    source: str | os.PathLike[str] | Grid,
    *,
    column: str | None = None,
    threshold: float | None = None,
    unit: str | None = None,
    nodata: float | None = None,
    layer: str | None = None,
    crs: Any = None,
    band: int = 1,
) -> Grid:
    """Read a coverage (or population) grid into memory.

    Parameters
    ----------
    source
        A raster rasterio opens (GeoTIFF, COG, ...); a grid CSV with BKG UTM cell ids
        (``100mN56789E3512``, EPSG:25832, e.g. Mobilfunk-Monitoring) or INSPIRE ids
        (``CRS3035RES100mN2689100E4337000``, e.g. Zensus 2022), separator ``;`` or ``,``
        detected; a GeoPackage of grid-cell polygons (e.g. Breitbandatlas); or a
        :class:`~ruhrgeo.grid.Grid`. Cells absent from a CSV or GeoPackage are nodata, and so
        are the markers ``-``, ``–``, ``.`` and empty cells.
    column
        The value column of a CSV or GeoPackage (``nr_gesamt``, ``down_fn_hh_ftthb_1000``,
        ``Einwohner``). Needed when there is more than one.
    threshold
        Turn counts into coverage: a cell is covered (1) when its value is ``>= threshold``
        (``column="nr_gesamt", threshold=1`` is 5G). The values are checked as counts first.
    unit
        ``"binary"``, ``"fraction"``, ``"percent"`` or ``"count"``; default the file's own
        (a GeoTIFF band's unit, an official column name) or none, left to the rule of
        ``ruhrgeo.units`` when the grid is used.
    nodata
        A fill value that means "no data" (e.g. -9999) where the file does not say so.
    layer
        The layer of a multi-layer GeoPackage.
    crs
        Overrides the CRS of a grid CSV whose ids carry none (default EPSG:25832).
    band
        The raster band to read.

    Returns
    -------
    Grid

    Raises
    ------
    ruhrgeo.errors.DataFileNotFoundError
        No file at ``path``.
    ruhrgeo.errors.FileFormatError
        Neither a raster nor a grid CSV or cell GeoPackage GDAL reads, or an unreadable column.
    ruhrgeo.errors.MissingColumnError
        A file of several value columns without ``column``.
    ruhrgeo.errors.ValueRangeError
        Values outside their unit's range.
    ruhrgeo.errors.UnitError
        A unit that does not fit the values.
    ruhrgeo.errors.GridExtentError
        Cells scattered over an extent too large to hold.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "mobilfunk.csv"
    >>> _ = path.write_text("id;lte;nr_gesamt\\n100mN56789E3512;3;1\\n100mN56789E3513;3;0\\n")
    >>> g = read_coverage(path, column="nr_gesamt", threshold=1)
    >>> g.values.tolist(), g.unit, g.spec.bounds
    ([[1, 0]], 'binary', (351200.0, 5678900.0, 351400.0, 5679000.0))
    """
    reader = open_reader(
        GridSource(source, column, threshold, unit, band, layer, crs, nodata), "`source`"
    )
    rows, cols = reader.spec.shape
    values, mask = reader.read(Window(0, 0, cols, rows))
    mask = np.zeros(values.shape, bool) if mask is None else mask
    declared = reader.unit
    if threshold is not None:
        valid = np.flatnonzero(~mask)
        check_range(
            values[valid],
            "count",
            f"{reader.name} (read with threshold={threshold:g})",
            lambda i: reader.spec.corner(*divmod(int(valid[i]), cols)),
        )
        values = np.where(mask, 0, values >= threshold).astype(np.uint8)
        declared = "binary"
    shape = reader.spec.shape
    return Grid(
        values.reshape(shape), reader.spec.transform, reader.spec.crs, mask.reshape(shape), declared
    )
