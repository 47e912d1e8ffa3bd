"""Grids given cell by cell: BKG UTM and INSPIRE grid CSVs, GeoPackages of grid-cell polygons.

A :class:`~ruhrgeo.io.cell_lattice.CellTable` holds the cells a file has (sorted cell numbers on
the file's lattice) and any number of its value columns, read in ONE pass: memory follows the
cells present, never the grid's extent, and a file of 3.6 million cells with 168 columns is read
once for all the columns a job needs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from ruhrgeo._validate import existing_path
from ruhrgeo.errors import FileFormatError
from ruhrgeo.io.cell_csv import read_grid_csv
from ruhrgeo.io.cell_lattice import CellTable
from ruhrgeo.io.cell_polygons import read_cell_polygons

__all__ = ["CSV_SUFFIXES", "VECTOR_SUFFIXES", "read_cell_table"]

CSV_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".csv.gz")
VECTOR_SUFFIXES: tuple[str, ...] = (".gpkg", ".geojson", ".shp", ".fgb")


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
        return read_grid_csv(source, columns, crs)
    if name.endswith(VECTOR_SUFFIXES):
        return read_cell_polygons(source, columns, layer)
    raise FileFormatError(
        f"`source` {str(source)!r} is neither a grid CSV ({', '.join(CSV_SUFFIXES)}) nor a "
        f"vector file of cells ({', '.join(VECTOR_SUFFIXES)})"
    )
