"""Layer sources: what to read for a layer (a path, an open dataset, a Grid) and how (column,
threshold, unit, band, nodata), opened once for every path and runner.

Every source becomes a reader with the grid it lies on and one method, ``read(window, flat)``:
the values of the cells ``flat`` of a window, in the source's own dtype, and their nodata.
Grid CSVs and GeoPackages are read once per file for all the columns a job names.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeAlias

import numpy as np
import rasterio
from rasterio.windows import Window

from ruhrgeo._validate import existing_path
from ruhrgeo.errors import GridMismatchError, ParameterError
from ruhrgeo.grid import Grid, GridSpec
from ruhrgeo.io.cell_lattice import CellTable
from ruhrgeo.io.cells import CSV_SUFFIXES, VECTOR_SUFFIXES, read_cell_table
from ruhrgeo.io.rasters import RasterHeader, open_raster, raster_header, read_window
from ruhrgeo.units import Unit, check_unit

__all__ = [
    "GridSource",
    "Layer",
    "Reader",
    "SourceLike",
    "as_source",
    "lattices",
    "open_layers",
    "open_reader",
]


@dataclass(frozen=True)
class GridSource:
    """A grid to read for a layer or for weights, with its read options.

    Parameters
    ----------
    source
        A raster path (GeoTIFF, COG, anything GDAL reads), an open rasterio dataset, a grid
        CSV (BKG UTM or INSPIRE cell ids), a GeoPackage of cell polygons, or a
        :class:`~ruhrgeo.grid.Grid` in memory.
    column
        The value column of a grid CSV or GeoPackage. Layers naming several columns of one
        file read the file once.
    threshold
        Covered (1) where the value is ``>= threshold``: turns counts into coverage
        (Mobilfunk-Monitoring ``nr_gesamt >= 1`` is 5G). The values are checked as counts.
    unit
        ``"binary"``, ``"fraction"``, ``"percent"`` or ``"count"`` (see :mod:`ruhrgeo.units`);
        default the file's own, else inferred by that module's one rule.
    band
        The raster band.
    layer
        The layer of a multi-layer GeoPackage.
    crs
        The CRS of a grid CSV whose ids carry none (default EPSG:25832).
    nodata
        A fill value meaning "no data" (e.g. -9999) where the file does not say so.

    Examples
    --------
    >>> GridSource("mobilfunk.csv", column="nr_gesamt", threshold=1).threshold
    1
    """

    source: Any
    column: str | None = None
    threshold: float | None = None
    unit: Unit | None = None
    band: int = 1
    layer: str | None = None
    crs: Any = None
    nodata: float | None = None

    def __post_init__(self) -> None:
        check_unit(self.unit, "unit")
        if self.threshold is not None and not np.isfinite(self.threshold):
            raise ParameterError(f"`threshold` must be a finite number, got {self.threshold!r}")


SourceLike: TypeAlias = GridSource | Grid | str | os.PathLike[str] | tuple[Any, str] | Any


def as_source(value: SourceLike, name: str) -> GridSource:
    """Anything a layer may be given as, as a :class:`GridSource`; ``(path, column)`` is short
    for ``GridSource(path, column=column)``."""
    if isinstance(value, GridSource):
        return value
    if isinstance(value, tuple):
        if len(value) != 2 or not isinstance(value[1], str):
            raise ParameterError(
                f"{name}: a tuple must be (path, column), got {value!r}; or use GridSource"
            )
        return GridSource(value[0], column=value[1])
    if isinstance(value, Grid | str | os.PathLike | rasterio.io.DatasetReaderBase):
        return GridSource(value)
    raise ParameterError(
        f"{name} must be a path, an open rasterio dataset, a Grid, (path, column) or a "
        f"GridSource, got {type(value).__name__}"
    )


# --- readers -----------------------------------------------------------------------------------


@dataclass(eq=False)
class Reader:
    """One source opened: the grid it lies on, its declared unit and the values of any window."""

    spec: GridSpec
    unit: str | None
    name: str
    fill: float | None

    @property
    def blocks(self) -> tuple[int, int] | None:
        """The shape of the blocks the source is decoded in (None: in memory, no blocks)."""
        return None

    def read(
        self,
        window: Window,
        flat: np.ndarray | None = None,
        parts: Sequence[Window] | None = None,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Values of ``window`` (on this reader's grid), row-major, in the source's dtype, and
        their nodata (None: all valid); at cell numbers ``flat`` of the window only, if given.
        With ``parts`` (windows inside ``window``) only those need be read: the other cells
        may read as 0."""
        values, nodata = self._read(window, parts)
        if self.fill is not None:
            filled = values == self.fill
            nodata = filled if nodata is None else nodata | filled
        if flat is not None:
            values = values.take(flat)
            nodata = None if nodata is None else nodata.take(flat)
        return values, nodata

    def _read(
        self, window: Window, parts: Sequence[Window] | None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        raise NotImplementedError


def _here() -> tuple[int, int]:
    """This process and thread."""
    return os.getpid(), threading.get_ident()


@dataclass(eq=False)
class RasterReader(Reader):
    """A raster band read window by window. Each read opens the file and closes it again: a
    tile's windows are never read twice, and a closed dataset frees the blocks GDAL cached for
    it (kept open, every worker's cache would grow to GDAL_CACHEMAX, 5 % of the machine's RAM).
    The dataset opened for the header serves the first read (a job of one tile opens each file
    once); it and a caller's open dataset are used only by the thread and process that have
    them (a forked worker inherits them, but sharing a GDAL handle across processes or threads
    corrupts reads).
    """

    header: RasterHeader
    dataset: Any = field(default=None, repr=False)  # the caller's open dataset
    opened: Any = field(default=None, repr=False)  # opened for the header, not read yet
    owner: tuple[int, int] = field(default_factory=_here, repr=False)  # who opened them

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "dataset": None, "opened": None}

    @property
    def blocks(self) -> tuple[int, int]:
        return self.header.blocks

    def _read(
        self, window: Window, parts: Sequence[Window] | None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        if _here() == self.owner:
            if self.dataset is not None:
                return read_window(self.dataset, self.header, window, parts)
            opened, self.opened = self.opened, None
            if opened is not None:
                with opened:
                    return read_window(opened, self.header, window, parts)
        with open_raster(self.header.path) as dataset:
            return read_window(dataset, self.header, window, parts)


@dataclass(eq=False)
class GridReader(Reader):
    """A :class:`~ruhrgeo.grid.Grid` in memory."""

    grid: Grid

    def _read(
        self, window: Window, parts: Sequence[Window] | None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        rows, cols = window.toslices()
        return self.grid.values[rows, cols].ravel(), self.grid.nodata[rows, cols].ravel()


@dataclass(eq=False)
class CellReader(Reader):
    """One column of a :class:`~ruhrgeo.io.cell_lattice.CellTable` (cells absent: no data)."""

    table: CellTable
    column: str

    def _read(
        self, window: Window, parts: Sequence[Window] | None
    ) -> tuple[np.ndarray, np.ndarray | None]:
        rows, cols = (int(v) for v in (window.row_off, window.col_off))
        height, width = (int(v) for v in (window.height, window.width))
        positions = self.table.positions().reshape(self.spec.shape)
        at = positions[rows : rows + height, cols : cols + width].ravel()
        absent = at < 0
        values = self.table.columns[self.column].take(np.where(absent, 0, at))
        return values, absent | np.isnan(values)


@dataclass(frozen=True)
class Layer:
    """A named layer as the overlay uses it: its reader and how to turn values into coverage."""

    name: str
    reader: Reader
    threshold: float | None

    @property
    def unit(self) -> str | None:
        """The declared unit of the layer's values (binary after a threshold)."""
        return "binary" if self.threshold is not None else self.reader.unit


def open_reader(source: GridSource, name: str, table: CellTable | None = None) -> Reader:
    """Open one source (only a raster's header is read)."""
    given, fill = source.source, source.nodata
    if isinstance(given, Grid):
        return GridReader(given.spec, source.unit or given.unit, name, fill, given)
    if table is None and _table_key(source) is not None:
        columns = None if source.column is None else [source.column]
        table = read_cell_table(given, columns, layer=source.layer, crs=source.crs)
    if table is not None:
        column = source.column or next(iter(table.columns))
        unit = source.unit or table.units[column]
        return CellReader(table.spec, unit, name, fill, table, column)
    if isinstance(given, rasterio.io.DatasetReaderBase):
        header = raster_header(given, source.band)
        return RasterReader(header.spec, source.unit or header.unit, name, fill, header, given)
    opened = open_raster(given)
    try:
        header = raster_header(opened, source.band)
    except BaseException:
        opened.close()
        raise
    unit = source.unit or header.unit
    return RasterReader(header.spec, unit, name, fill, header, opened=opened)


def open_layers(layers: Mapping[str, SourceLike]) -> dict[str, Layer]:
    """Open every layer once; grid CSVs and GeoPackages are read once per file for all the
    columns the layers name."""
    if not isinstance(layers, Mapping) or not layers:
        raise ParameterError(
            "`layers` must be a non-empty mapping of name -> source, e.g. {'5g': '5g.tif'}"
        )
    sources = {}
    for name, value in layers.items():
        if not isinstance(name, str) or not name:
            raise ParameterError(f"layer names must be non-empty strings, got {name!r}")
        sources[name] = as_source(value, f"layers[{name!r}]")
    tables = _read_tables(sources.values())
    out = {}
    with rasterio.Env.from_defaults():  # one GDAL environment, not one per raster opened
        for name, source in sources.items():
            reader = open_reader(source, f"layer {name!r}", tables.get(_table_key(source)))
            out[name] = Layer(name, reader, source.threshold)
    return out


def _table_key(source: GridSource) -> tuple[Any, ...] | None:
    given = source.source
    if isinstance(given, str | os.PathLike) and os.fspath(given).lower().endswith(
        CSV_SUFFIXES + VECTOR_SUFFIXES
    ):
        return (os.path.realpath(existing_path(given, "source")), source.layer, str(source.crs))
    return None


def _read_tables(sources: Any) -> dict[tuple[Any, ...], CellTable]:
    wanted: dict[tuple[Any, ...], list[str | None]] = {}
    paths: dict[tuple[Any, ...], GridSource] = {}
    for source in sources:
        key = _table_key(source)
        if key is not None:
            wanted.setdefault(key, []).append(source.column)
            paths[key] = source
    tables = {}
    for key, columns in wanted.items():
        source = paths[key]
        names = None if None in columns else list(dict.fromkeys(c for c in columns if c))
        if names is None and len(columns) > 1:
            raise ParameterError(
                f"several layers read {os.fspath(source.source)!r}: name each one's `column`"
            )
        tables[key] = read_cell_table(source.source, names, layer=source.layer, crs=source.crs)
    return tables


def lattices(layers: Mapping[str, Layer]) -> list[list[str]]:
    """The layers grouped by the lattice they lie on, in the order given."""
    groups: list[list[str]] = []
    for name, layer in layers.items():
        for group in groups:
            if layers[group[0]].reader.spec.same_lattice(layer.reader.spec):
                group.append(name)
                break
        else:
            groups.append([name])
    return groups


def require_lattice(spec: GridSpec, layer: Layer, what: str) -> None:
    """Raise GridMismatchError unless ``layer`` lies on the lattice of ``spec``."""
    if not spec.same_lattice(layer.reader.spec):
        raise GridMismatchError(
            f"{layer.reader.name} lies on {layer.reader.spec.describe()}, not on {what} "
            f"({spec.describe()}); make another Overlay for it, or use coverage_share"
        )


def with_unit(layer: Layer, unit: str) -> Layer:
    """``layer`` with ``unit`` declared (for readers that hold weights)."""
    return replace(layer, reader=replace(layer.reader, unit=unit))
