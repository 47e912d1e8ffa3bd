"""Readers: a layer source opened once, for every path and runner.

Every source becomes a :class:`Reader` with the grid it lies on and two ways to give its
values: :meth:`Reader.read` (the values of a window, in the source's own dtype, and their
nodata) and :meth:`Reader.nonzero` (every cell with data and a value other than 0, for count
weights moved onto another grid). The overlay uses only these two methods and never asks
what kind of source a reader reads. Grid CSVs and GeoPackages are read once per file for all
the columns a job names.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import rasterio
from rasterio.windows import Window

from ruhrgeo._validate import existing_path
from ruhrgeo.errors import ParameterError
from ruhrgeo.grid import Grid, GridSpec
from ruhrgeo.io.cell_lattice import CellTable
from ruhrgeo.io.cells import CSV_SUFFIXES, VECTOR_SUFFIXES, read_cell_table
from ruhrgeo.io.rasters import RasterHeader, open_raster, raster_header, read_window
from ruhrgeo.io.sources import GridSource, SourceLike, as_source

__all__ = ["NODATA_SUFFIX", "Layer", "Reader", "lattices", "open_layers", "open_reader"]

NODATA_SUFFIX = "_nodata"  # the derived column of each layer in a result
STRIP_CELLS = 1 << 22  # cells read at a time by Reader.nonzero


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

    def nonzero(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The cells with data and a value other than 0, a strip of rows at a time: their cell
        numbers (row-major on :attr:`spec`) and values as float64. Memory follows the strip
        and the cells given, not the grid."""
        rows, cols = self.spec.shape
        step = max(1, STRIP_CELLS // cols)
        for row in range(0, rows, step):
            height = min(step, rows - row)
            values, nodata = self.read(Window(0, row, cols, height))
            keep = values != 0
            if nodata is not None:
                keep &= ~nodata
            at = np.flatnonzero(keep)
            yield at + row * cols, values[at].astype(np.float64)

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

    def nonzero(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The table's cells themselves (it holds only cells present)."""
        values = self.table.columns[self.column].astype(np.float64)
        keep = (values != 0) & ~np.isnan(values)
        if self.fill is not None:
            keep &= values != self.fill
        yield self.table.cells[keep], values[keep]


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
    """Open one source (only a raster's header is read).

    Examples
    --------
    >>> import numpy as np
    >>> from affine import Affine
    >>> grid = Grid(np.array([[0, 2]]), Affine(100, 0, 0, 0, -100, 100), 25832, unit="count")
    >>> reader = open_reader(GridSource(grid), "`weighted_by`")
    >>> [(cells.tolist(), values.tolist()) for cells, values in reader.nonzero()]
    [([1], [2.0])]
    """
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
    columns the layers name. A layer name that another layer's derived column takes
    (``a`` and ``a_nodata``) is refused."""
    if not isinstance(layers, Mapping) or not layers:
        raise ParameterError(
            "`layers` must be a non-empty mapping of name -> source, e.g. {'5g': '5g.tif'}"
        )
    sources = {}
    for name, value in layers.items():
        if not isinstance(name, str) or not name:
            raise ParameterError(f"layer names must be non-empty strings, got {name!r}")
        sources[name] = as_source(value, f"layers[{name!r}]")
    for name in sources:
        if name.endswith(NODATA_SUFFIX) and name.removesuffix(NODATA_SUFFIX) in sources:
            raise ParameterError(
                f"layer name {name!r} is the column the result gives layer "
                f"{name.removesuffix(NODATA_SUFFIX)!r} for its cells without data; rename one "
                "of the two layers"
            )
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
